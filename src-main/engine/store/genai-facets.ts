/**
 * How GenAI readings are stored and indexed, shared by the compactor (writes) and the queries (reads).
 */
import type { GenAiSpan } from '../../../src-shared/contract';
import { OPERATION_OF_KIND } from '../genai/reading';

/**
 * The reserved attribute keys under which a trace's GenAI filter values (TraceListQuery model,
 * agent, tool, kind) are indexed as `kv` tokens of its search document. The leading NUL keeps them
 * apart from any key a producer sends in practice.
 */
export const FACET = {
  model: '\u0000genai.model',
  agent: '\u0000genai.agent',
  tool: '\u0000genai.tool',
  kind: '\u0000genai.kind',
} as const;

/** Calls `add` with each filter value a reading is indexed under (see TraceListQuery: model, agent, tool, kind). */
export function forEachFacet(g: GenAiSpan, add: (facet: string, value: string) => void): void {
  add(FACET.kind, g.kind);
  if (g.kind === 'llm' || g.kind === 'embedding' || g.kind === 'reranker') {
    if (g.requestModel !== undefined && g.requestModel !== '') add(FACET.model, g.requestModel);
    if (g.responseModel !== undefined && g.responseModel !== '') add(FACET.model, g.responseModel);
  }
  if (g.kind === 'agent' && g.agentName !== undefined && g.agentName !== '') add(FACET.agent, g.agentName);
  if (g.kind === 'tool' && g.toolName !== undefined && g.toolName !== '') add(FACET.tool, g.toolName);
}

/**
 * spans.genai holds the reading without its content fields (`inputMessages`, `outputMessages`,
 * `systemInstructions`, `toolDefinitions`): they are the span's own content attributes (or events)
 * in another shape, often kilobytes of chat history, and the raw attributes are kept anyway, so
 * storing them again would double a GenAI store's size. Reads derive them again (normalizeSpan).
 *
 * Compaction writes an `index` reading (normalize.ts INDEX_FIELDS: what rollups and list filters
 * need), not the full one, and every read completes it from a fresh reading (completeGenAi), so
 * fields such as provider, operation or finish reasons cost ingest nothing.
 *
 * What is stored is compact, since it is written for every GenAI span (~200 B a span as plain
 * JSON, mostly field names): short keys (STORED_KEYS), and two fields left out when they are what
 * the reading would derive anyway:
 * - `operation` when it is the one the kind implies (OPERATION_OF_KIND: `llm` → `chat`); not
 *   restored on read, since the fresh reading always has the right one (an `index` reading has
 *   no operation at all);
 * - `totalTokens` when it is input + output and either is known; restored on read.
 * Rows written before this encoding (plain GenAiSpan JSON, with a `kind` key) are read as they are.
 */
const STORED_KEYS = {
  kind: 'k',
  operation: 'op',
  provider: 'pv',
  requestModel: 'rq',
  responseModel: 'rs',
  inputTokens: 'in',
  outputTokens: 'out',
  cacheReadTokens: 'cr',
  cacheWriteTokens: 'cw',
  reasoningTokens: 'rt',
  totalTokens: 'tt',
  costUsd: 'usd',
  agentName: 'ag',
  toolName: 'tn',
  toolCallId: 'tc',
  sessionId: 'ss',
  handoffFrom: 'hf',
  handoffTo: 'ht',
  userId: 'us',
  finishReasons: 'fr',
} as const satisfies Partial<Record<keyof GenAiSpan, string>>;

type StoredField = keyof typeof STORED_KEYS;
type StoredGenAi = { -readonly [F in StoredField as (typeof STORED_KEYS)[F]]?: GenAiSpan[F] };

/** In normalizeSpan's output order, so a read returns its keys in the order they were produced. */
const STORED_FIELDS = Object.keys(STORED_KEYS) as StoredField[];

/** The total a reading derives when none is stated (normalize.ts): input + output, when either is known. */
function derivedTotal(g: Pick<GenAiSpan, 'inputTokens' | 'outputTokens'>): number | undefined {
  return g.inputTokens === undefined && g.outputTokens === undefined ? undefined : (g.inputTokens ?? 0) + (g.outputTokens ?? 0);
}

/** spans.genai: the reading without its content fields, in the compact encoding above. */
export function storedGenAi(g: GenAiSpan): string {
  // Written out directly: building an object to JSON.stringify it was ~1.5 µs a span, the largest
  // single GenAI cost at ingest. Same text as JSON.stringify of that object (same key order).
  let out = '';
  for (const field of STORED_FIELDS) {
    const v = g[field];
    if (v === undefined) continue;
    if (field === 'operation' && v === OPERATION_OF_KIND[g.kind]) continue;
    if (field === 'totalTokens' && v === derivedTotal(g)) continue;
    out += `${out === '' ? '{"' : ',"'}${STORED_KEYS[field]}":${typeof v === 'number' && Number.isFinite(v) ? String(v) : JSON.stringify(v)}`;
  }
  return out === '' ? '{}' : `${out}}`;
}

/** A spans.genai value back as the GenAiSpan it was written from (both encodings). */
export function readStoredGenAi(json: string): GenAiSpan {
  const raw = JSON.parse(json) as Record<string, unknown>;
  if ('kind' in raw) return raw as unknown as GenAiSpan;
  const stored = raw as StoredGenAi;
  const out: Record<string, unknown> = {};
  const kind = stored.k ?? 'other';
  for (const field of STORED_FIELDS) {
    let v: unknown = (stored as Record<string, unknown>)[STORED_KEYS[field]];
    if (v === undefined && field === 'kind') v = kind;
    if (v === undefined && field === 'totalTokens') v = derivedTotal({ inputTokens: stored.in, outputTokens: stored.out });
    if (v !== undefined) out[field] = v;
  }
  return out as unknown as GenAiSpan;
}

/**
 * The reading a read returns: what was stored at ingest wins (so tokens and cost agree with the
 * trace's rollup even if prices changed since), completed by a fresh reading's fields the stored
 * one lacks (the content fields, and what later log records added, e.g. finish reasons).
 */
export function completeGenAi(stored: GenAiSpan | undefined, fresh: GenAiSpan | null): GenAiSpan | undefined {
  if (!fresh) return stored;
  return stored ? { ...fresh, ...stored } : fresh;
}

/** The GenAI rollup columns of a `traces` row (migration 0004), as the store reads them. */
export interface TraceRollupRow {
  has_genai: bigint;
  input_tokens: bigint | null;
  output_tokens: bigint | null;
  total_tokens: bigint | null;
  cost_usd: number | null;
  llm_calls: bigint | null;
  tool_calls: bigint | null;
  models: string | null;
  agents: string | null;
  session_id: string | null;
}
