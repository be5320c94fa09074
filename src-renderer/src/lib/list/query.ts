// The trace list's filters as the user typed them → the engine's TraceListQuery. Numbers stay
// text (in the URL too, lib/list/list-route.ts) so a half-typed "0." is not lost; one that does not parse is left out of
// the query (and the input says so) rather than sent. Relative time ranges are resolved against
// `now` at each fetch, so a live refresh keeps "last 15 min" meaning the last 15 minutes.
import type { FeedbackFilter, TraceListQuery, TraceSort } from '../../../../src-shared/contract';
import { rangeWindow, type RangeChoice } from '../time-range';

export type StatusFilter = 'any' | 'error' | 'ok';

/** What the filter bar edits. Only q and service are required, so older callers stay valid. */
export interface FilterInput {
  q: string;
  service: string;
  model?: string;
  agent?: string;
  tool?: string;
  status?: StatusFilter;
  /** Raw text of the number inputs. */
  minDurationMs?: string;
  maxDurationMs?: string;
  minTokens?: string;
  minCostUsd?: string;
  /** The app's one time range (lib/time-range.ts), spread in by the list page; not one of its own filters. */
  range?: RangeChoice;
  /** `<input type="datetime-local">` values (local time), used when range is `custom`. */
  from?: string;
  to?: string;
  sort?: TraceSort;
  /** Annotations: thumbs up/down, any, none ('' or absent: not filtering). */
  feedback?: FeedbackFilter | '';
  /** Some label annotation carries exactly this label. */
  label?: string;
  /**
   * Also list internal traces (no GenAI span, from a service that sends GenAI spans: a coding
   * agent's auth and file reads). They widen the list, so like the sort this is not a filter.
   */
  internal?: boolean;
}

export type NumberField = 'minDurationMs' | 'maxDurationMs' | 'minTokens' | 'minCostUsd';

/** A non-negative number; tokens must be whole; cost may carry a leading "$". undefined: empty or invalid. */
export function parseNumberField(field: NumberField, raw: string | undefined): number | undefined {
  let text = (raw ?? '').trim().replace(/,/g, '');
  if (field === 'minCostUsd') text = text.replace(/^\$/, '');
  if (text === '') return undefined;
  const pattern = field === 'minTokens' ? /^\d+$/ : /^(\d+\.?\d*|\.\d+)$/;
  if (!pattern.test(text)) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || (field === 'minTokens' && !Number.isSafeInteger(n))) return undefined;
  return n;
}

/** True when the field holds text that does not parse (empty is fine). */
export function isInvalidNumber(field: NumberField, raw: string | undefined): boolean {
  return (raw ?? '').trim() !== '' && parseNumberField(field, raw) === undefined;
}

/** The trace start window in unix nanoseconds (see rangeWindow). */
export function timeWindow(f: FilterInput, now: number): { startFrom?: string; startTo?: string } {
  const { from, to } = rangeWindow({ choice: f.range ?? 'all', from: f.from ?? '', to: f.to ?? '' }, now);
  return { ...(from !== undefined ? { startFrom: from } : {}), ...(to !== undefined ? { startTo: to } : {}) };
}

/** Every filter except time and paging, trimmed; what both the query and the list key are made of. */
function baseQuery(f: FilterInput): TraceListQuery {
  const query: TraceListQuery = {};
  const q = f.q.trim();
  if (q) query.q = q;
  if (f.service) query.service = f.service;
  const model = f.model?.trim();
  if (model) query.model = model;
  const agent = f.agent?.trim();
  if (agent) query.agent = agent;
  const tool = f.tool?.trim();
  if (tool) query.tool = tool;
  if (f.status === 'error' || f.status === 'ok') query.status = f.status;
  if (f.feedback) query.feedback = f.feedback;
  const label = f.label?.trim();
  if (label) query.label = label;
  for (const field of ['minDurationMs', 'maxDurationMs', 'minTokens', 'minCostUsd'] as const) {
    const n = parseNumberField(field, f[field]);
    if (n !== undefined) query[field] = n;
  }
  if (f.sort && f.sort !== 'newest') query.sort = f.sort;
  if (f.internal === true) query.internal = true;
  return query;
}

/** The query for the first `limit` rows under these filters, with relative ranges resolved at `now`. */
export function buildListQuery(f: FilterInput, limit: number, now: number): TraceListQuery {
  return { limit, ...baseQuery(f), ...timeWindow(f, now) };
}

/**
 * Identifies the rows the filters ask for: equal keys mean the same list, so a page fetched for
 * another key is stale. A relative range is keyed by its name, not its moving bounds, so live
 * refreshes do not count as a new list.
 */
export function listKey(f: FilterInput): string {
  const range = f.range ?? 'all';
  const time = range === 'custom' ? timeWindow(f, 0) : range;
  return JSON.stringify([baseQuery(f), time]);
}

/** Whether any filter (not the sort) narrows the list: then an empty list means "no match", not "no data". */
export function isFiltered(f: FilterInput): boolean {
  const { sort: _sort, internal: _internal, ...query } = baseQuery(f);
  return Object.keys(query).length > 0 || Object.keys(timeWindow(f, 0)).length > 0;
}

/** The filters reset, keeping the sort and the internal-traces choice (they do not narrow the list). */
export function clearedFilters(f: FilterInput): FilterInput {
  return {
    q: '',
    service: '',
    model: '',
    agent: '',
    tool: '',
    status: 'any',
    minDurationMs: '',
    maxDurationMs: '',
    minTokens: '',
    minCostUsd: '',
    range: 'all',
    from: '',
    to: '',
    feedback: '',
    label: '',
    ...(f.sort ? { sort: f.sort } : {}),
    ...(f.internal ? { internal: true } : {}),
  };
}

export type SortColumn = 'start' | 'duration' | 'cost';

/**
 * Clicking a sortable header: a second click on the active column flips its direction. Cost sorts
 * one way only (most expensive first), as the engine does; a second click goes back to newest.
 */
export function nextSort(current: TraceSort | undefined, column: SortColumn): TraceSort {
  const sort = current ?? 'newest';
  if (column === 'start') return sort === 'newest' ? 'oldest' : 'newest';
  if (column === 'cost') return sort === 'cost' ? 'newest' : 'cost';
  return sort === 'longest' ? 'shortest' : 'longest';
}

/** The header's aria-sort for a column under `sort`. */
export function ariaSort(sort: TraceSort | undefined, column: SortColumn): 'ascending' | 'descending' | 'none' {
  const s = sort ?? 'newest';
  if (column === 'start') return s === 'newest' ? 'descending' : s === 'oldest' ? 'ascending' : 'none';
  if (column === 'cost') return s === 'cost' ? 'descending' : 'none';
  return s === 'longest' ? 'descending' : s === 'shortest' ? 'ascending' : 'none';
}
