/**
 * What every embedder is to the memory: texts in, unit vectors out. One index per (provider,
 * model, dim) (EmbedderInfo), so vectors of different models never meet.
 */
import type { EmbedderInfo } from '../../../src-shared/contract';

export interface Embedder {
  readonly info: EmbedderInfo;
  /**
   * One L2-normalized vector of `info.dim` per text, in order. Texts longer than the model's
   * window are truncated by the embedder (the chunker keeps texts near ~200 words).
   */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/** `provider/model/dim`: the key of an index and of its vectors in SQLite. */
export function indexKey(info: EmbedderInfo): string {
  return `${info.provider}/${info.model}/${info.dim}`;
}
