/**
 * What the store thread and its span-decode worker exchange (span-decoder.ts, span-decode-worker.ts),
 * and the one normalization both sides run, so a span reads the same wherever it was decoded.
 */
import { GENAI_KINDS, type GenAiKind, type GenAiSpan, type SpanRecord } from '../../../src-shared/contract';
import { decodeTraceRequest } from '../otlp/decode-protobuf';
import { INDEX_FIELDS, normalizeSpan, type NormalizeOptions } from '../genai/normalize';
import type { ModelPrice } from '../genai/prices';
import { forEachFacet, storedGenAi } from './genai-facets';
import { derivedKvToken } from './attribute-codec';
import { TraceRollupState } from '../genai/rollup-state';

export interface SpanDecodeWorkerData {
  /** See StoreWorkerData. */
  priceOverrides: Record<string, ModelPrice> | undefined;
  genaiAtIngest: boolean;
}

export interface DecodeJob {
  seq: number;
  body: Uint8Array;
}

/**
 * The GenAI readings of a request's spans, by index: what rollups and facets use (readingAt), and
 * the spans.genai text. The readings travel as typed arrays and one table of their distinct
 * strings, not as objects: the store thread (the ingest bottleneck) rebuilt each object field by
 * field from the structured clone (~0.7 µs a span on the load generator's requests, 0.07 µs
 * packed), and objects of as many shapes as readings made every use of them there megamorphic.
 */
export interface ReadGenAi {
  /** GENAI_KINDS index + 1 a span; 0: no reading. */
  kinds: Uint8Array;
  /** NUMBER_FIELDS.length a span: NaN where absent, NULL_COST for a costUsd of null. */
  numbers: Float64Array;
  /** STRING_FIELDS.length a span: an index into `strings`, -1 where absent. */
  stringRefs: Int32Array;
  strings: string[];
  stored: Array<string | null>;
  /** What compaction derives per trace from these spans, taken here (summarizeTraces); absent when not. */
  traces?: RequestTraces;
}

/**
 * Per trace of a request, what compaction derives from its spans: the trace's GenAI rollup
 * (rollup-state.ts) and its facet tokens (genai-facets.ts forEachFacet). Compaction takes them as
 * they are for a trace it has not stored before whose spans in the slice all came in this request
 * (nearly every trace: agents send a run's spans together), instead of rolling up and tokenizing
 * span by span on the store thread, the ingest bottleneck; any other trace is derived there.
 * Duplicates of a span id count once, the first, as compaction keeps them.
 */
export interface RequestTraces {
  /** Span i's trace: an index t into the per-trace fields. */
  traceOf: Int32Array;
  /** 1 when trace t has a GenAI span. */
  hasGenai: Uint8Array;
  /** ROLLUP_NUMBERS.length per trace; a NaN cost is a null one (no priced span). */
  numbers: Float64Array;
  /** Per trace: its models and agents as JSON arrays (as stored in `traces`), its session id or null. */
  texts: Array<string | null>;
  /** facets[facetStart[t] … facetStart[t + 1]) are trace t's facet tokens. */
  facets: string[];
  facetStart: Int32Array;
}

const ROLLUP_NUMBERS = ['inputTokens', 'outputTokens', 'totalTokens', 'costUsd', 'llmCalls', 'toolCalls'] as const;
const ROLLUP_TEXTS = 3;

/**
 * Trace t's rollup as the `traces` columns from has_genai on (compactor.ts upsertTrace): 1, input,
 * output and total tokens, cost, LLM and tool calls, models, agents, session id; null: no GenAI span.
 */
export function rollupColumnsAt(traces: RequestTraces, t: number): [1, number, number, number, number | null, number, number, string, string, string | null] | null {
  if (traces.hasGenai[t] === 0) return null;
  const n = t * ROLLUP_NUMBERS.length;
  const x = t * ROLLUP_TEXTS;
  const cost = traces.numbers[n + 3]!;
  return [
    1, traces.numbers[n]!, traces.numbers[n + 1]!, traces.numbers[n + 2]!, Number.isNaN(cost) ? null : cost,
    traces.numbers[n + 4]!, traces.numbers[n + 5]!, traces.texts[x]!, traces.texts[x + 1]!, traces.texts[x + 2] ?? null,
  ];
}

const NUMBER_FIELDS = ['inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'totalTokens', 'costUsd'] as const;
const STRING_FIELDS = ['requestModel', 'responseModel', 'agentName', 'toolName', 'sessionId', 'handoffFrom', 'handoffTo', 'userId'] as const;
/** A cost the reading could not price (null) travels as this: no reading has an infinite one. */
const NULL_COST = Number.NEGATIVE_INFINITY;
const COST = NUMBER_FIELDS.indexOf('costUsd');
const NUMBER_SLOT = Object.fromEntries(NUMBER_FIELDS.map((f, k) => [f, k])) as Record<(typeof NUMBER_FIELDS)[number], number>;
const STRING_SLOT = Object.fromEntries(STRING_FIELDS.map((f, k) => [f, k])) as Record<(typeof STRING_FIELDS)[number], number>;

/** Where each INDEX_FIELDS value travels (0: the kind; 1 + n: numbers[n]; -1 - s: stringRefs[s]), in INDEX_FIELDS order. */
const SLOTS = INDEX_FIELDS.map((f) => {
  if (f === 'kind') return 0;
  const n = (NUMBER_FIELDS as readonly string[]).indexOf(f);
  if (n >= 0) return 1 + n;
  const s = (STRING_FIELDS as readonly string[]).indexOf(f);
  if (s < 0) throw new Error(`INDEX_FIELDS' ${f} has no place in ReadGenAi`);
  return -1 - s;
});

/** Span i's kind; null without a reading. */
export function kindAt(read: ReadGenAi, i: number): GenAiKind | null {
  const kind = read.kinds[i]!;
  return kind === 0 ? null : GENAI_KINDS[kind - 1]!;
}

/** One number of span i's reading, as readingAt gives it (undefined: absent; a cost can be null). */
export function numberAt(read: ReadGenAi, i: number, field: (typeof NUMBER_FIELDS)[number]): number | null | undefined {
  const k = NUMBER_SLOT[field];
  const n = read.numbers[i * NUMBER_FIELDS.length + k]!;
  return Number.isNaN(n) ? undefined : k === COST && n === NULL_COST ? null : n;
}

/** One string of span i's reading (undefined: absent). */
export function stringAt(read: ReadGenAi, i: number, field: (typeof STRING_FIELDS)[number]): string | undefined {
  const ref = read.stringRefs[i * STRING_FIELDS.length + STRING_SLOT[field]]!;
  return ref < 0 ? undefined : read.strings[ref];
}

/** Span i's reading, every INDEX_FIELDS key present (undefined where absent) and in that order, so all share one shape; null without one. */
export function readingAt(read: ReadGenAi, i: number): GenAiSpan | null {
  const kind = read.kinds[i]!;
  if (kind === 0) return null;
  const g: Record<string, unknown> = {};
  for (let k = 0; k < SLOTS.length; k++) {
    const slot = SLOTS[k]!;
    let v: unknown;
    if (slot === 0) v = GENAI_KINDS[kind - 1];
    else if (slot > 0) {
      const n = read.numbers[i * NUMBER_FIELDS.length + slot - 1]!;
      v = Number.isNaN(n) ? undefined : slot - 1 === COST && n === NULL_COST ? null : n;
    } else {
      const ref = read.stringRefs[i * STRING_FIELDS.length - 1 - slot]!;
      v = ref < 0 ? undefined : read.strings[ref];
    }
    g[INDEX_FIELDS[k]!] = v;
  }
  return g as unknown as GenAiSpan;
}

/** The readings (normalizeSpan's, by span) as they travel, storedGenAi's text beside each. */
export function packReadings(readings: ReadonlyArray<GenAiSpan | null>): ReadGenAi {
  const n = readings.length;
  const read: ReadGenAi = {
    kinds: new Uint8Array(n),
    numbers: new Float64Array(n * NUMBER_FIELDS.length).fill(NaN),
    stringRefs: new Int32Array(n * STRING_FIELDS.length).fill(-1),
    strings: [],
    stored: new Array<string | null>(n).fill(null),
  };
  const refs = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const g = readings[i];
    if (!g) continue;
    read.kinds[i] = (GENAI_KINDS.indexOf(g.kind) + 1 || GENAI_KINDS.indexOf('other') + 1);
    read.stored[i] = storedGenAi(g);
    for (let k = 0; k < NUMBER_FIELDS.length; k++) {
      const v = g[NUMBER_FIELDS[k]!];
      if (v !== undefined) read.numbers[i * NUMBER_FIELDS.length + k] = v === null ? NULL_COST : v;
    }
    for (let k = 0; k < STRING_FIELDS.length; k++) {
      const v = g[STRING_FIELDS[k]!];
      if (v === undefined) continue;
      let ref = refs.get(v);
      if (ref === undefined) refs.set(v, (ref = read.strings.push(v) - 1));
      read.stringRefs[i * STRING_FIELDS.length + k] = ref;
    }
  }
  return read;
}

/** The RequestTraces of a request's spans and their readings (see there). */
export function summarizeTraces(spans: readonly SpanRecord[], readings: ReadonlyArray<GenAiSpan | null>): RequestTraces {
  const slots = new Map<string, number>();
  const states: TraceRollupState[] = [];
  const facets: Array<Set<string>> = [];
  const traceOf = new Int32Array(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    let t = slots.get(span.traceId);
    if (t === undefined) {
      t = states.push(new TraceRollupState()) - 1;
      facets.push(new Set());
      slots.set(span.traceId, t);
    }
    traceOf[i] = t;
    const state = states[t]!;
    const before = state.size;
    const g = readings[i] ?? null;
    state.add({ spanId: span.spanId, parentSpanId: span.parentSpanId, genai: g, start: BigInt(span.startTimeUnixNano) });
    if (g === null || state.size === before) continue;
    const tokens = facets[t]!;
    forEachFacet(g, (facet, value) => {
      const token = derivedKvToken(facet, value);
      if (token !== null) tokens.add(token);
    });
  }
  const n = states.length;
  const out: RequestTraces = {
    traceOf,
    hasGenai: new Uint8Array(n),
    numbers: new Float64Array(n * ROLLUP_NUMBERS.length),
    texts: new Array<string | null>(n * ROLLUP_TEXTS),
    facets: [],
    facetStart: new Int32Array(n + 1),
  };
  for (let t = 0; t < n; t++) {
    out.facetStart[t] = out.facets.length;
    for (const token of facets[t]!) out.facets.push(token);
    if (facets[t]!.size === 0) continue; // every GenAI span has a kind facet: no GenAI span, no rollup
    out.hasGenai[t] = 1;
    const r = states[t]!.rollup();
    const at = t * ROLLUP_NUMBERS.length;
    out.numbers[at] = r.inputTokens;
    out.numbers[at + 1] = r.outputTokens;
    out.numbers[at + 2] = r.totalTokens;
    out.numbers[at + 3] = r.costUsd ?? NaN;
    out.numbers[at + 4] = r.llmCalls;
    out.numbers[at + 5] = r.toolCalls;
    out.texts[t * ROLLUP_TEXTS] = JSON.stringify(r.models);
    out.texts[t * ROLLUP_TEXTS + 1] = JSON.stringify(r.agents);
    out.texts[t * ROLLUP_TEXTS + 2] = r.sessionId;
  }
  out.facetStart[n] = out.facets.length;
  return out;
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
  const genai = packReadings(readings);
  genai.traces = summarizeTraces(spans, readings);
  return { spans, genai };
}
