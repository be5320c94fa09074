// Pure state changes for the trace list, kept out of React and the store so they can be tested
// with plain data. The list is keyed by its filters: a page fetched for other filters is ignored.
import type { TraceListPage, TraceListQuery, TraceSummary } from '../../../src-shared/contract';
import { buildListQuery, listKey, type FilterInput } from '../lib/list/query';

/** Every filter of the list page; all but q and service are optional (absent: not filtering). */
export type ListFilters = FilterInput;

export interface ListState {
  /** The filters the rows below were fetched for. */
  key: string;
  traces: TraceSummary[];
  nextCursor: string | null;
  /** True once a first page arrived for `key`. */
  loaded: boolean;
  loadingMore: boolean;
  error: string | null;
}

export const PAGE_SIZE = 50;
/** The contract's upper bound for `limit`. */
export const MAX_PAGE = 500;

export const initialListState: ListState = {
  key: '',
  traces: [],
  nextCursor: null,
  loaded: false,
  loadingMore: false,
  error: null,
};

export function filtersKey(f: ListFilters): string {
  return listKey(f);
}

/**
 * The query that refreshes the top of the list. It asks for as many rows as are on screen (at
 * least one page), so a live refresh after "load more" neither shrinks the list nor leaves a seam
 * between a fresh top and stale pages below.
 */
export function refreshQuery(f: ListFilters, shown: number, now: number = Date.now()): TraceListQuery {
  return buildListQuery(f, Math.min(MAX_PAGE, Math.max(PAGE_SIZE, shown)), now);
}

/**
 * Replaces the top of the list with a fresh page. When more rows are shown than one refresh may
 * fetch (MAX_PAGE), the rows below the fresh ones are kept, with their cursor, so scrolling far
 * down and then receiving a tick does not cut the list back to MAX_PAGE rows.
 */
export function applyRefresh(state: ListState, key: string, page: TraceListPage): ListState {
  const fresh = { ...state, key, traces: page.traces, nextCursor: page.nextCursor, loaded: true, error: null };
  const last = page.traces.at(-1);
  if (state.key !== key || page.nextCursor === null || !last || state.traces.length <= page.traces.length) return fresh;
  const at = state.traces.findIndex((t) => t.traceId === last.traceId);
  if (at < 0) return fresh;
  const seen = new Set(page.traces.map((t) => t.traceId));
  const below = state.traces.slice(at + 1).filter((t) => !seen.has(t.traceId));
  return { ...fresh, traces: [...page.traces, ...below], nextCursor: below.length > 0 ? state.nextCursor : page.nextCursor };
}

/** Appends a "load more" page, dropping traces already shown (a refresh may have shifted rows). */
export function applyMore(state: ListState, key: string, page: TraceListPage): ListState {
  if (key !== state.key) return state;
  const seen = new Set(state.traces.map((t) => t.traceId));
  const fresh = page.traces.filter((t) => !seen.has(t.traceId));
  return { ...state, traces: [...state.traces, ...fresh], nextCursor: page.nextCursor, loadingMore: false, error: null };
}

export function applyError(state: ListState, key: string, message: string): ListState {
  return { ...state, key, loaded: state.key === key ? state.loaded : false, loadingMore: false, error: message };
}

/** Services seen so far, for the service filter; there is no "list services" call yet. */
export function mergeServices(known: readonly string[], traces: readonly TraceSummary[]): string[] {
  const set = new Set(known);
  let changed = false;
  for (const t of traces) {
    if (t.serviceName && !set.has(t.serviceName)) {
      set.add(t.serviceName);
      changed = true;
    }
  }
  return changed ? [...set].sort((a, b) => a.localeCompare(b)) : (known as string[]);
}
