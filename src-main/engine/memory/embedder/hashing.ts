/**
 * A hashing vectorizer (words and character trigrams hashed into `dim` signed buckets), for tests
 * only: instant, deterministic, no model files. It sees shared spellings, not meaning, so it misses
 * every paraphrase without shared words (AUC 0.80 on our related/unrelated agent-text pairs against
 * MiniLM's 0.99, docs/memory.md) and is never a default.
 */
import type { EmbedderInfo } from '../../../../src-shared/contract';
import type { Embedder } from '../embedder-types';
import { normalizeInPlace } from './normalize';

/** Words weigh more than trigrams: a shared word is stronger evidence than a shared fragment. */
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.5;

export function createHashingEmbedder(dim = 256): Embedder {
  if (!Number.isInteger(dim) || dim < 2) throw new RangeError(`dim must be an integer of at least 2, got ${dim}`);
  const info: EmbedderInfo = Object.freeze({ provider: 'hashing', model: 'words-trigrams-fnv1a', dim });
  return {
    info,
    async embed(texts) {
      return texts.map((text) => hashText(text, dim));
    },
    async close() {},
  };
}

function hashText(text: string, dim: number): Float32Array {
  const v = new Float32Array(dim);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(feature);
    // The sign comes from another bit than the bucket, so colliding features cancel out on
    // average instead of always adding up.
    v[h % dim]! += (h & 0x80000000 ? -1 : 1) * weight;
  };
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    add(`w:${word}`, WORD_WEIGHT);
    const padded = `<${word}>`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  // A text without words (empty, punctuation only) still gets a unit vector: all such texts are
  // the same one, and a zero vector has no cosine for an index to compare.
  if (words.length === 0) add('w:', WORD_WEIGHT);
  return normalizeInPlace(v) ?? hashText('', dim);
}

/** FNV-1a, 32 bits, over UTF-16 code units: small, fast and the same on every platform. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
