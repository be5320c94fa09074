// UI state: where we are and the app's time range (both mirrored from the URL hash, which stays
// the source of truth: the list's filters live in its route), which span subtrees are folded and
// which store notices were dismissed. Components read it through narrow selectors.
import { useMemo } from 'react';
import { create } from 'zustand';
import type { StoreNotice } from '../../../src-shared/contract';
import { filterInput, normalizeListFilters, type ListRouteFilters } from '../lib/list/list-route';
import type { FilterInput } from '../lib/list/query';
import { noticeKey } from '../lib/notices';
import { carriesRange, formatRoute, parseRoute, parseRouteRange, withRange, type Route } from '../lib/route';
import type { TimeRange } from '../lib/time-range';

interface UiState {
  route: Route;
  /** The one time range of every page with time; carried in every page's URL. */
  range: TimeRange;
  /** The list's filters when it was last shown: "Traces" and the trace view's back link return to them. */
  lastListFilters: ListRouteFilters;
  /** Folded span ids, per open trace; reset when another trace opens. */
  collapsed: ReadonlySet<string>;
  /** Keys (see noticeKey) of store notices hidden for this page session. */
  dismissedNotices: ReadonlySet<string>;
  /** The span under the pointer in the graph or the timeline; the other view highlights it. Not in the URL. */
  hoveredSpanId: string | null;
}

// A dismissal lasts for the tab's session (sessionStorage survives a reload, not a new window): the
// engine keeps reporting the notice, and the user already read it. Storage may be unavailable (an
// opaque origin, a privacy setting); then it lasts until the page goes.
const DISMISSED_KEY = 'flowtrace.dismissedNotices';

function loadDismissed(): Set<string> {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(DISMISSED_KEY) ?? '[]');
    return new Set(Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}

function saveDismissed(keys: ReadonlySet<string>): void {
  try {
    sessionStorage.setItem(DISMISSED_KEY, JSON.stringify([...keys]));
  } catch {
    // Kept in memory only.
  }
}

const initialRoute = parseRoute(location.hash);

export const useUiStore = create<UiState>()(() => ({
  route: initialRoute,
  range: parseRouteRange(location.hash),
  lastListFilters: initialRoute.view === 'list' ? initialRoute.filters : {},
  collapsed: new Set<string>(),
  dismissedNotices: loadDismissed(),
  hoveredSpanId: null,
}));

function sameRange(a: TimeRange, b: TimeRange): boolean {
  return a.choice === b.choice && a.from === b.from && a.to === b.to;
}

function sameTrace(a: Route, b: Route): boolean {
  return a.view === 'trace' && b.view === 'trace' && a.traceId === b.traceId;
}

/** The store after the address bar changed to `hash`. */
function adoptHash(hash: string): void {
  const next = parseRoute(hash);
  const { route: prev, lastListFilters, range } = useUiStore.getState();
  const nextRange = parseRouteRange(hash);
  useUiStore.setState({
    route: next,
    // The same range stays the same object, so views keyed on it do not reload on another change.
    range: sameRange(range, nextRange) ? range : nextRange,
    lastListFilters: next.view === 'list' ? next.filters : lastListFilters,
    ...(sameTrace(prev, next) ? {} : { collapsed: new Set<string>(), hoveredSpanId: null }),
  });
}

/** Call once at startup: keeps `route` and `range` in step with back/forward and edits of the address bar. */
export function syncRouteWithHash(): () => void {
  const onHash = () => adoptHash(location.hash);
  window.addEventListener('hashchange', onHash);
  // The store read the hash when this module loaded; a change between then and now (the app's
  // first render runs its effects late) fired no listener: catch up with it.
  const { route, range } = useUiStore.getState();
  if (formatRoute(parseRoute(location.hash), parseRouteRange(location.hash)) !== formatRoute(route, range)) onHash();
  return () => window.removeEventListener('hashchange', onHash);
}

/**
 * Opening a trace, going back to the list and selecting a span each add a history entry, so Back
 * and Forward step through what the user looked at (the span selection included), as a reload
 * restores it.
 */
export function navigate(route: Route, mode: 'push' | 'replace' = 'push'): void {
  goTo(formatRoute(route, useUiStore.getState().range), mode);
}

function goTo(hash: string, mode: 'push' | 'replace'): void {
  if (mode === 'push') {
    if (location.hash === hash) return;
    // The store follows at once, so a control bound to it (a checkbox, a select) shows the change on
    // this click, not a task later when hashchange would fire. pushState fires no hashchange, so
    // nothing is adopted twice; Back and Forward still do fire it.
    history.pushState(history.state, '', hash);
    adoptHash(hash);
    return;
  }
  history.replaceState(history.state, '', hash);
  adoptHash(hash);
}

/**
 * A new time range for every page: this page re-reads under it, and the next pages keep it. A
 * pick in the menu is a history entry; editing a custom bound replaces it, as typing does.
 */
export function setRange(range: TimeRange, mode: 'push' | 'replace' = 'push'): void {
  goTo(formatRoute(useUiStore.getState().route, range), mode);
}

/**
 * Makes a plain click on an in-app link (`#/…`) that names no range keep the current one. Links
 * inside pages are built without it (most components do not follow the range); the nav's carry it
 * themselves. Capture phase: some links stop the click's propagation for their row's sake.
 */
export function keepRangeOnLinks(): () => void {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = e.target instanceof Element ? e.target.closest('a[href^="#/"]') : null;
    const href = link?.getAttribute('href');
    const { range } = useUiStore.getState();
    if (!href || link?.getAttribute('target') || carriesRange(href) || range.choice === 'all') return;
    e.preventDefault();
    goTo(withRange(href, range), 'push');
  };
  document.addEventListener('click', onClick, true);
  return () => document.removeEventListener('click', onClick, true);
}

/** The trace list as it was last shown (with its filters). */
export function lastListRoute(): Route {
  return { view: 'list', filters: useUiStore.getState().lastListFilters };
}

/** The list's filters with the range: the open list's, else those it was last shown with. */
export function listFilterInput(state: Pick<UiState, 'route' | 'range' | 'lastListFilters'> = useUiStore.getState()): FilterInput {
  return filterInput(state.route.view === 'list' ? state.route.filters : state.lastListFilters, state.range);
}

/** listFilterInput for a component: re-renders when the list's filters or the range change. */
export function useListFilterInput(): FilterInput {
  const route = useUiStore((s) => s.route);
  const range = useUiStore((s) => s.range);
  const lastListFilters = useUiStore((s) => s.lastListFilters);
  return useMemo(() => listFilterInput({ route, range, lastListFilters }), [route, range, lastListFilters]);
}

/** Selects a span of the open trace, keeping its timeline zoom. */
export function selectSpan(traceId: string, spanId: string | null): void {
  const { route } = useUiStore.getState();
  const zoom = route.view === 'trace' && route.traceId === traceId ? route.zoom : undefined;
  navigate(zoom ? { view: 'trace', traceId, spanId, zoom } : { view: 'trace', traceId, spanId });
}

/** The timeline's zoom window into the open trace's URL (replacing the entry: a zoom is not a page). */
export function setTraceZoom(traceId: string, zoom: { start: number; end: number } | null): void {
  const { route } = useUiStore.getState();
  if (route.view !== 'trace' || route.traceId !== traceId) return;
  const { zoom: _old, ...rest } = route;
  navigate(zoom ? { ...rest, zoom } : rest, 'replace');
}

export function hoverSpan(spanId: string | null): void {
  if (useUiStore.getState().hoveredSpanId !== spanId) useUiStore.setState({ hoveredSpanId: spanId });
}

/**
 * Changes the list's filters (in its URL). A choice adds a history entry, so Back undoes it; typed
 * text replaces the entry instead, so a search typed in bursts is not a trail of Back steps.
 */
export function setFilters(patch: ListRouteFilters, mode: 'push' | 'replace' = 'push'): void {
  const { route } = useUiStore.getState();
  if (route.view !== 'list') return; // a late debounced commit after leaving the page
  navigate({ view: 'list', filters: normalizeListFilters({ ...route.filters, ...patch }) }, mode);
}

export function toggleCollapsed(spanId: string): void {
  useUiStore.setState((s) => {
    const next = new Set(s.collapsed);
    if (!next.delete(spanId)) next.add(spanId);
    return { collapsed: next };
  });
}

export function dismissNotice(notice: StoreNotice): void {
  const next = new Set(useUiStore.getState().dismissedNotices).add(noticeKey(notice));
  saveDismissed(next);
  useUiStore.setState({ dismissedNotices: next });
}
