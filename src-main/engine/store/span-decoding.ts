/**
 * What the store thread and its span-decode worker exchange (span-decoder.ts, span-decode-worker.ts),
 * and the one normalization both sides run, so a span reads the same wherever it was decoded.
 */
import type { GenAiSpan, SpanRecord } from '../../../src-shared/contract';
import { decodeTraceRequest } from '../otlp/decode-protobuf';
import { normalizeSpan, type NormalizeOptions } from '../genai/normalize';
import type { ModelPrice } from '../genai/prices';
import { storedGenAi } from './genai-facets';

export interface SpanDecodeWorkerData {
  /** See StoreWorkerData. */
  priceOverrides: Record<string, ModelPrice> | undefined;
  genaiAtIngest: boolean;
}

export interface DecodeJob {
  seq: number;
  body: Uint8Array;
}

/** The GenAI readings of a request's spans, by index: what rollups and facets use, and the spans.genai text. */
export interface ReadGenAi {
  readings: Array<GenAiSpan | null>;
  stored: Array<string | null>;
}

export type DecodeOutcome =
  | { seq: number; ok: true; spans: SpanRecord[]; genai: ReadGenAi | null }
  | { seq: number; ok: false; message: string };

/** What the worker posts: once that it is up, then an outcome per job, in job order. */
export type SpanDecodeWorkerMessage = { ready: true } | DecodeOutcome;

/**
 * The reading compaction stores: only what the store indexes (normalize.ts INDEX_FIELDS); reads
 * complete the rest from the raw attributes (genai-facets.ts completeGenAi). null: no reading.
 */
export function ingestNormalizeOptions(priceOverrides: Record<string, ModelPrice> | undefined, genaiAtIngest: boolean): NormalizeOptions | null {
  if (!genaiAtIngest) return null;
  return priceOverrides ? { overrides: priceOverrides, scope: 'index' } : { scope: 'index' };
}

/** A protobuf trace request's spans and their GenAI readings (null when none are kept). */
export function decodeAndNormalize(body: Uint8Array, options: NormalizeOptions | null): { spans: SpanRecord[]; genai: ReadGenAi | null } {
  const spans = decodeTraceRequest(body).spans;
  if (options === null) return { spans, genai: null };
  const readings = spans.map((span) => normalizeSpan(span, undefined, options));
  return { spans, genai: { readings, stored: readings.map((g) => (g === null ? null : storedGenAi(g))) } };
}
