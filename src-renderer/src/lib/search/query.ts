// The search page's route → the engine's SearchQuery, and SearchQuery → the REST query string of
// `GET /api/v1/search`. The start range is the app's one range (lib/time-range.ts), resolved
// against `now` at each search, as the trace list's is.
import type { SearchQuery } from '../../../../src-shared/contract';
import type { SearchRoute } from '../route';
import { rangeKey, rangeWindow, type TimeRange } from '../time-range';

/** Results asked for per search; the contract allows up to 100. */
export const SEARCH_LIMIT = 50;

/** null when there is nothing to search for: no words and no "similar to". */
export function searchQueryOf(route: SearchRoute, range: TimeRange, now: number, limit = SEARCH_LIMIT): SearchQuery | null {
  const q = route.q.trim();
  if (!route.similar && q === '') return null;
  const query: SearchQuery = { mode: route.mode, limit };
  if (route.similar) {
    query.similarTo = route.similar.spanId ? { traceId: route.similar.traceId, spanId: route.similar.spanId } : { traceId: route.similar.traceId };
  } else query.q = q;
  const { service, model, agent, session } = route.filters;
  if (service) query.service = service;
  if (model) query.model = model;
  if (agent) query.agent = agent;
  if (session) query.session = session;
  const { from, to } = rangeWindow(range, now);
  if (from !== undefined) query.startFrom = from;
  if (to !== undefined) query.startTo = to;
  return query;
}

/** What identifies a search's answer: the route's search settings, not when it ran. */
export function searchKey(route: SearchRoute, range: TimeRange): string {
  return JSON.stringify([route.q.trim(), route.mode, route.filters, route.similar, rangeKey(range)]);
}

const SCALARS = ['q', 'mode', 'limit', 'service', 'model', 'agent', 'session', 'startFrom', 'startTo'] as const satisfies ReadonlyArray<keyof SearchQuery>;

/** `similarTo` travels flat, as `similarTrace` and `similarSpan`. */
export function searchParams(query: SearchQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const field of SCALARS) {
    const v = query[field];
    if (v !== undefined && v !== '') params.set(field, String(v));
  }
  if (query.similarTo) {
    params.set('similarTrace', query.similarTo.traceId);
    if (query.similarTo.spanId) params.set('similarSpan', query.similarTo.spanId);
  }
  return params;
}

/** True when some filter narrows the search (what "Clear filters" would undo). */
export function hasFilters(route: SearchRoute): boolean {
  return Object.keys(route.filters).length > 0;
}
