/**
 * Plans the trace-list query: filters become bound SQL conditions on `traces`, text and attribute
 * filters go through the full-text index, and pages are keyset-paginated on (sort key, trace id)
 * so page N costs the same as page 1. Pure: builds SQL and parameters, runs nothing.
 */
import type { TraceListQuery, TraceSort } from '../../../src-shared/contract';
import { ArgumentError } from '../../../src-shared/validate';
import { kvToken } from './attribute-codec';

interface SortSpec {
  key: string;
  desc: boolean;
}

const SORTS: Record<TraceSort, SortSpec> = {
  newest: { key: 't.start_ns', desc: true },
  oldest: { key: 't.start_ns', desc: false },
  longest: { key: '(t.end_ns - t.start_ns)', desc: true },
  shortest: { key: '(t.end_ns - t.start_ns)', desc: false },
};

export interface Cursor {
  sort: TraceSort;
  value: bigint;
  traceId: Buffer;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.sort}:${c.value}:${c.traceId.toString('hex')}`).toString('base64url');
}

export function decodeCursor(cursor: string, sort: TraceSort): Cursor {
  const m = /^(newest|oldest|longest|shortest):(-?\d{1,20}):([0-9a-f]{32})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ArgumentError('cursor is not one this server issued');
  if (m[1] !== sort) throw new ArgumentError('cursor belongs to a different sort order');
  return { sort: m[1] as TraceSort, value: BigInt(m[2]!), traceId: Buffer.from(m[3]!, 'hex') };
}

/** User text → an FTS5 expression: each word a quoted prefix term, all required. */
export function ftsWords(q: string): string {
  const words = q
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .map((w) => `"${w.replace(/"/g, '""')}"*`);
  if (words.length === 0) throw new ArgumentError('q has no searchable words (letters or digits)');
  return words.join(' AND ');
}

function ftsPhrase(s: string): string {
  if (!/[\p{L}\p{N}]/u.test(s)) throw new ArgumentError('spanName has no letters or digits to look up');
  return `"${s.replace(/"/g, '""')}"`;
}

const MATCHING_TRACES = 'SELECT s.trace_id FROM span_search f JOIN spans s ON s.id = f.rowid WHERE span_search MATCH ?';

export interface PlannedQuery {
  sql: string;
  params: unknown[];
  sort: TraceSort;
  /** SQL expression of the sort value, selected as `sort_value`. */
}

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
  if (query.rootName !== undefined) add('t.root_name = ?', query.rootName);
  if (query.status === 'error') add('t.error_count > 0');
  if (query.status === 'ok') add('t.error_count = 0');
  if (query.minDurationMs !== undefined) add('(t.end_ns - t.start_ns) >= ?', BigInt(Math.ceil(query.minDurationMs * 1e6)));
  if (query.maxDurationMs !== undefined) add('(t.end_ns - t.start_ns) <= ?', BigInt(Math.floor(query.maxDurationMs * 1e6)));
  if (query.startFrom !== undefined) add('t.start_ns >= ?', BigInt(query.startFrom));
  if (query.startTo !== undefined) add('t.start_ns <= ?', BigInt(query.startTo));
  if (query.q !== undefined) add(`t.trace_id IN (${MATCHING_TRACES})`, `{name text} : (${ftsWords(query.q)})`);
  if (query.spanName !== undefined) {
    add(`t.trace_id IN (${MATCHING_TRACES} AND s.name = ?)`, `name : ^${ftsPhrase(query.spanName)}`, query.spanName);
  }
  for (const [key, value] of Object.entries(query.attributes ?? {})) {
    add(`t.trace_id IN (${MATCHING_TRACES})`, `kv : ${kvToken(key, value)}`);
  }
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor, sort);
    add(`(${spec.key}, t.trace_id) ${spec.desc ? '<' : '>'} (?, ?)`, c.value, c.traceId);
  }
  const dir = spec.desc ? 'DESC' : 'ASC';
  const sql =
    `SELECT t.trace_id, t.root_name, t.service_name, t.start_ns, t.end_ns, t.span_count, t.error_count, ${spec.key} AS sort_value FROM traces t` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${spec.key} ${dir}, t.trace_id ${dir} LIMIT ?`;
  return { sql, params: [...params, limit + 1], sort };
}
