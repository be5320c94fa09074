/**
 * Plans the trace-list query: filters become bound SQL conditions on `traces`, text and attribute
 * filters go through the full-text index, and pages are keyset-paginated on (sort key, trace id)
 * so page N costs the same as page 1. Pure: builds SQL and parameters, runs nothing.
 */
import type { TraceListQuery, TraceSort } from '../../../src-shared/contract';
import { ArgumentError } from '../../../src-shared/validate';
import { kvToken } from './attribute-codec';
import { FACET } from './genai-facets';
import { FEEDBACK_COLUMN, feedbackConditions } from './annotations';

/** What a TraceSummary is read from (queries.ts summaryOf), for the list and the session view. */
export const TRACE_SUMMARY_COLUMNS = `t.trace_id, t.root_name, t.service_name, t.start_ns, t.end_ns, t.span_count, t.error_count,
  t.has_genai, t.input_tokens, t.output_tokens, t.total_tokens, t.cost_usd, t.llm_calls, t.tool_calls, t.models, t.agents, t.session_id,
  ${FEEDBACK_COLUMN}`;

interface SortSpec {
  key: string;
  desc: boolean;
}

/**
 * cost and tokens: most first, traces without usage last (as -1, never a real value); the
 * expressions are those of migration 0009's indexes, which serve both the order and the minimums.
 */
const COST = 'coalesce(t.cost_usd, -1.0)';
const TOKENS = 'coalesce(t.total_tokens, -1)';

const SORTS: Record<TraceSort, SortSpec> = {
  newest: { key: 't.start_ns', desc: true },
  oldest: { key: 't.start_ns', desc: false },
  longest: { key: '(t.end_ns - t.start_ns)', desc: true },
  shortest: { key: '(t.end_ns - t.start_ns)', desc: false },
  cost: { key: COST, desc: true },
  tokens: { key: TOKENS, desc: true },
};

export interface Cursor {
  sort: TraceSort;
  /** An integer (times, tokens) or a float (cost), as SQLite returned it. */
  value: bigint | number;
  traceId: Buffer;
}

export function encodeCursor(c: Cursor): string {
  // A float's shortest decimal text parses back to the same double, so the keyset comparison is exact.
  return Buffer.from(`${c.sort}:${c.value}:${c.traceId.toString('hex')}`).toString('base64url');
}

export function decodeCursor(cursor: string, sort: TraceSort): Cursor {
  const m = /^(newest|oldest|longest|shortest|cost|tokens):([-+.e\d]{1,32}):([0-9a-f]{32})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ArgumentError('cursor is not one this server issued');
  if (m[1] !== sort) throw new ArgumentError('cursor belongs to a different sort order');
  const text = m[2]!;
  const value = sort === 'cost' ? Number(text) : /^-?\d{1,20}$/.test(text) ? BigInt(text) : NaN;
  if (typeof value === 'number' && !Number.isFinite(value)) throw new ArgumentError('cursor is not one this server issued');
  return { sort: m[1] as TraceSort, value, traceId: Buffer.from(m[3]!, 'hex') };
}

/**
 * Words as the index's tokenizer (unicode61) sees them: runs of letters and digits. The index keeps
 * no positions (detail=column), so a query is an AND of single tokens, never a phrase.
 */
export function tokens(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Every token of `text` in column set `columns`, the last one as a prefix (the word being typed). */
function ftsAll(columns: string, text: string, prefixLast: boolean): string {
  const terms = tokens(text).map((t, i, all) => `"${t}"${prefixLast && i === all.length - 1 ? '*' : ''}`);
  return `${columns} : (${terms.join(' AND ')})`;
}

const MATCHING_TRACES = 'SELECT d.trace_id FROM trace_search f JOIN search_docs d ON d.doc_id = f.rowid WHERE trace_search MATCH ?';

export interface PlannedQuery {
  sql: string;
  params: unknown[];
  sort: TraceSort;
}

/**
 * The noise rule (issue 19), over the traces table as `t`: a trace without a GenAI span from a
 * service that sends GenAI spans is internal (Codex CLI's auth, config and file-system traces): not
 * a run, so not listed unless asked for or searched for. A service that never sent GenAI spans keeps
 * every trace listed.
 */
export const NOT_INTERNAL_TRACE = 'NOT (t.has_genai = 0 AND t.service_name IN (SELECT service_name FROM genai_services))';

export function planTraceList(query: TraceListQuery, limit: number): PlannedQuery {
  const sort = query.sort ?? 'newest';
  const spec = SORTS[sort];
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, ...p: unknown[]) => {
    where.push(cond);
    params.push(...p);
  };
  if (query.service !== undefined) add('t.service_name = ?', query.service);
  const searching = query.q !== undefined || query.spanName !== undefined || query.rootName !== undefined || query.attributes !== undefined;
  if (query.internal !== true && !searching) add(NOT_INTERNAL_TRACE);
  if (query.rootName !== undefined) add('t.root_name = ?', query.rootName);
  // hasError is status under another name (validation refuses the two disagreeing).
  const status = query.status ?? (query.hasError === undefined ? undefined : query.hasError ? 'error' : 'ok');
  if (status === 'error') add('t.error_count > 0');
  if (status === 'ok') add('t.error_count = 0');
  // GenAI filters: every one implies has_genai = 1, stated so the partial index traces_genai_by_start
  // can serve the newest-first scan; model, agent, tool and kind are exact tokens in the full-text
  // index, looked up like attribute filters.
  const genai = [query.model, query.agent, query.tool, query.kind, query.minTokens, query.minCostUsd].some((v) => v !== undefined);
  if (genai) add('t.has_genai = 1');
  for (const facet of ['model', 'agent', 'tool', 'kind'] as const) {
    const value = query[facet];
    if (value !== undefined) add(`t.trace_id IN (${MATCHING_TRACES})`, `kv : ${kvToken(FACET[facet], value)}`);
  }
  // Through the sort expressions, so migration 0009's indexes serve the minimums too (a minimum is ≥ 0).
  if (query.minTokens !== undefined) add(`${TOKENS} >= ?`, query.minTokens);
  if (query.minCostUsd !== undefined) add(`${COST} >= ?`, query.minCostUsd);
  if (query.minDurationMs !== undefined) add('(t.end_ns - t.start_ns) >= ?', BigInt(Math.ceil(query.minDurationMs * 1e6)));
  if (query.maxDurationMs !== undefined) add('(t.end_ns - t.start_ns) <= ?', BigInt(Math.floor(query.maxDurationMs * 1e6)));
  if (query.startFrom !== undefined) add('t.start_ns >= ?', BigInt(query.startFrom));
  if (query.startTo !== undefined) add('t.start_ns <= ?', BigInt(query.startTo));
  if (query.q !== undefined) {
    const words = query.q.split(/\s+/).filter((w) => tokens(w).length > 0);
    if (words.length === 0) throw new ArgumentError('q has no searchable words (letters or digits)');
    // One condition per word: each may occur anywhere in the trace, in any batch of its spans.
    for (const word of words) add(`t.trace_id IN (${MATCHING_TRACES})`, ftsAll('{name text}', word, true));
  }
  if (query.spanName !== undefined) {
    if (tokens(query.spanName).length === 0) throw new ArgumentError('spanName has no letters or digits to look up');
    // The side table of migration 0010: one index range of the traces holding a span of this name.
    add('t.trace_id IN (SELECT n.trace_id FROM trace_span_names n WHERE n.name_id = (SELECT id FROM span_names WHERE name = ?))', query.spanName);
  }
  for (const [key, value] of Object.entries(query.attributes ?? {})) {
    add(`t.trace_id IN (${MATCHING_TRACES})`, `kv : ${kvToken(key, value)}`);
  }
  for (const { cond, params: p } of feedbackConditions(query.feedback, query.label)) add(cond, ...p);
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor, sort);
    add(`(${spec.key}, t.trace_id) ${spec.desc ? '<' : '>'} (?, ?)`, c.value, c.traceId);
  }
  const dir = spec.desc ? 'DESC' : 'ASC';
  const sql =
    `SELECT ${TRACE_SUMMARY_COLUMNS}, ${spec.key} AS sort_value FROM traces t` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${spec.key} ${dir}, t.trace_id ${dir} LIMIT ?`;
  return { sql, params: [...params, limit + 1], sort };
}
