// The trace list's filters in the `#/` route's query, so a reload, Back/Forward or a shared link
// restores them: `#/?service=travel-agent&status=error&minTokens=1000&sort=longest`. Names are the
// REST API's (GET /api/v1/traces). Defaults are left out; a value outside a field's choices is
// dropped. Text fields (numbers included) keep what was typed, as the filter bar shows it: an
// unparseable number is flagged there and left out of the query (lib/list/query.ts), not erased
// under the user's cursor. The time range is the app's one range (lib/time-range.ts), not here.
import { FEEDBACK_FILTERS, type TraceSort } from '../../../../src-shared/contract';
import type { TimeRange } from '../time-range';
import type { FilterInput, StatusFilter } from './query';

/** The list's own filters, only those set; the time range is global. */
export type ListRouteFilters = Partial<Omit<FilterInput, 'range' | 'from' | 'to'>>;

const TEXT_FIELDS = ['q', 'service', 'model', 'agent', 'tool', 'label', 'minDurationMs', 'maxDurationMs', 'minTokens', 'minCostUsd'] as const;
const STATUSES: readonly StatusFilter[] = ['error', 'ok'];
const SORTS: readonly TraceSort[] = ['oldest', 'longest', 'shortest', 'cost', 'tokens'];
/** Longer text is not a filter anyone typed: a mangled or hostile link. */
const MAX_TEXT = 1000;

function oneOf<T extends string>(v: string | null, allowed: readonly T[]): T | undefined {
  return allowed.includes(v as T) ? (v as T) : undefined;
}

/** The filters without their defaults (empty text, any status, newest first…), in a fixed key order. */
export function normalizeListFilters(f: ListRouteFilters): ListRouteFilters {
  const out: ListRouteFilters = {};
  for (const field of TEXT_FIELDS) {
    const v = f[field];
    if (v !== undefined && v !== '' && v.length <= MAX_TEXT) out[field] = v;
  }
  if (f.status && f.status !== 'any') out.status = f.status;
  if (f.feedback) out.feedback = f.feedback;
  if (f.sort && f.sort !== 'newest') out.sort = f.sort;
  if (f.internal === true) out.internal = true;
  return out;
}

export function parseListFilters(params: URLSearchParams): ListRouteFilters {
  const f: ListRouteFilters = {};
  for (const field of TEXT_FIELDS) {
    const v = params.get(field);
    if (v !== null) f[field] = v;
  }
  const status = oneOf(params.get('status'), STATUSES);
  if (status) f.status = status;
  const feedback = oneOf(params.get('feedback'), FEEDBACK_FILTERS);
  if (feedback) f.feedback = feedback;
  const sort = oneOf(params.get('sort'), SORTS);
  if (sort) f.sort = sort;
  if (params.get('internal') === '1' || params.get('internal') === 'true') f.internal = true;
  return normalizeListFilters(f);
}

export function writeListFilters(params: URLSearchParams, filters: ListRouteFilters): void {
  const f = normalizeListFilters(filters);
  for (const field of TEXT_FIELDS) if (f[field] !== undefined) params.set(field, f[field]);
  if (f.status) params.set('status', f.status);
  if (f.feedback) params.set('feedback', f.feedback);
  if (f.sort) params.set('sort', f.sort);
  if (f.internal) params.set('internal', '1');
}

/** What the filter bar and the query read: the list's filters with the app's range spread in. */
export function filterInput(filters: ListRouteFilters, range: TimeRange): FilterInput {
  return { ...filters, q: filters.q ?? '', service: filters.service ?? '', range: range.choice, from: range.from, to: range.to };
}
