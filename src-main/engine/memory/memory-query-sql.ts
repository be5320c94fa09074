/**
 * Plans the memory's reads: which items a search or a recall may return (as a bound SQL condition)
 * and what a user's words become in an FTS5 query. Pure: builds SQL and parameters, runs nothing.
 * User text never reaches FTS5's query syntax: it is cut into words, and each word is quoted.
 */
import type { HexId, NanoString, SearchQuery } from '../../../src-shared/contract';
import { FUNCTION_WORDS } from '../../../src-shared/function-words';
import { tokens } from '../store/trace-list-sql';

/** Items remembered from runs, with the search's filters (all given ones must hold). */
export interface RunFilter {
  kind: 'runs';
  service?: string;
  model?: string;
  agent?: string;
  session?: string;
  /** The remembered span's start, inclusive, unix nanoseconds. */
  startFrom?: NanoString;
  startTo?: NanoString;
  /** similarTo leaves the runs it came from out. */
  excludeTraceIds?: readonly HexId[];
}

export type MetadataScalar = string | number | boolean | null;

/** Items of one collection whose metadata has each of these top-level values (exact, JSON types kept). */
export interface CollectionFilter {
  kind: 'collection';
  collection: string;
  metadata?: Readonly<Record<string, MetadataScalar>>;
}

export type ItemFilter = RunFilter | CollectionFilter;

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

export function runFilterOf(query: SearchQuery, excludeTraceIds?: readonly HexId[]): RunFilter {
  const f: RunFilter = { kind: 'runs' };
  if (query.service !== undefined) f.service = query.service;
  if (query.model !== undefined) f.model = query.model;
  if (query.agent !== undefined) f.agent = query.agent;
  if (query.session !== undefined) f.session = query.session;
  if (query.startFrom !== undefined) f.startFrom = query.startFrom;
  if (query.startTo !== undefined) f.startTo = query.startTo;
  if (excludeTraceIds !== undefined && excludeTraceIds.length > 0) f.excludeTraceIds = excludeTraceIds;
  return f;
}

/** A run filter that narrows beyond "every run item": the vector side then plans by selectivity. */
export function hasFacets(filter: RunFilter): boolean {
  return (
    filter.service !== undefined ||
    filter.model !== undefined ||
    filter.agent !== undefined ||
    filter.session !== undefined ||
    filter.startFrom !== undefined ||
    filter.startTo !== undefined
  );
}

/** The condition on items aliased `alias`. Run conditions use only columns of items_run_facets. */
export function itemFilterSql(filter: ItemFilter, alias = 'i'): SqlCondition {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (cond: string, ...p: unknown[]) => {
    where.push(cond);
    params.push(...p);
  };
  if (filter.kind === 'runs') {
    add(`${alias}.collection IS NULL`);
    if (filter.session !== undefined) add(`${alias}.session_id = ?`, filter.session);
    if (filter.agent !== undefined) add(`${alias}.agent = ?`, filter.agent);
    if (filter.model !== undefined) add(`${alias}.model = ?`, filter.model);
    if (filter.service !== undefined) add(`${alias}.service = ?`, filter.service);
    if (filter.startFrom !== undefined) add(`${alias}.start_ns >= ?`, BigInt(filter.startFrom));
    if (filter.startTo !== undefined) add(`${alias}.start_ns <= ?`, BigInt(filter.startTo));
    if (filter.excludeTraceIds !== undefined && filter.excludeTraceIds.length > 0) {
      add(`${alias}.trace_id NOT IN (SELECT unhex(value) FROM json_each(?))`, JSON.stringify(filter.excludeTraceIds));
    }
  } else {
    add(`${alias}.collection = ?`, filter.collection);
    for (const [key, value] of Object.entries(filter.metadata ?? {})) {
      const [typeCond, ...typeParams] = jsonTypeCondition(value);
      add(`EXISTS (SELECT 1 FROM json_each(${alias}.metadata) m WHERE m.key = ? AND ${typeCond})`, key, ...typeParams);
    }
  }
  return { sql: where.join(' AND '), params };
}

/** Exact and type-aware: "1" matches the string only, 1 the number only, true the boolean only. */
function jsonTypeCondition(value: MetadataScalar): [string, ...unknown[]] {
  if (value === null) return ["m.type = 'null'"];
  if (value === true) return ["m.type = 'true'"];
  if (value === false) return ["m.type = 'false'"];
  if (typeof value === 'number') return ["m.type IN ('integer', 'real') AND m.atom = ?", value];
  return ["m.type = 'text' AND m.atom = ?", value];
}

/** Enough words for any real query; a pasted page is cut here. */
export const MAX_QUERY_WORDS = 32;

/**
 * The FTS5 query for q: every word (function words left out when there are others), the last one
 * as a prefix (the word being typed), as the trace list reads q. Each word is quoted, so `"`, `*`,
 * `NEAR(`, `AND` or `-` in user text are words or nothing, never syntax. null when q has no
 * letters or digits. Rejected: a second pass matching any word, which on paraphrases (the case
 * the vectors are for) matched unrelated texts on one shared stem and pushed them up the fused
 * ranking.
 */
export function ftsQuery(q: string): string | null {
  const words = tokens(q).slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return null;
  const terms = words.map((w, i) => ({ w, prefix: i === words.length - 1 }));
  const content = terms.filter((t) => !FUNCTION_WORDS.has(t.w.toLowerCase()));
  return (content.length > 0 ? content : terms).map((t) => `"${t.w}"${t.prefix ? '*' : ''}`).join(' AND ');
}
