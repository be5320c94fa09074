// UI state: where we are (mirrored from the URL hash, which stays the source of truth), the list
// filters, which span subtrees are folded and which store notices were dismissed. Components read
// it through narrow selectors.
import { create } from 'zustand';
import type { StoreNotice } from '../../../src-shared/contract';
import { noticeKey } from '../lib/notices';
import { formatRoute, parseRoute, type Route } from '../lib/route';
import type { ListFilters } from './list-state';

interface UiState {
  route: Route;
  filters: ListFilters;
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

export const useUiStore = create<UiState>()(() => ({
  route: parseRoute(location.hash),
  filters: { q: '', service: '' },
  collapsed: new Set<string>(),
  dismissedNotices: loadDismissed(),
  hoveredSpanId: null,
}));

function sameTrace(a: Route, b: Route): boolean {
  return a.view === 'trace' && b.view === 'trace' && a.traceId === b.traceId;
}

/** Call once at startup: keeps `route` in step with back/forward and edits of the address bar. */
export function syncRouteWithHash(): () => void {
  const onHash = () => {
    const next = parseRoute(location.hash);
    const prev = useUiStore.getState().route;
    useUiStore.setState(sameTrace(prev, next) ? { route: next } : { route: next, collapsed: new Set(), hoveredSpanId: null });
  };
  window.addEventListener('hashchange', onHash);
  // The store read the hash when this module loaded; a change between then and now (the app's
  // first render runs its effects late) fired no listener: catch up with it.
  if (formatRoute(parseRoute(location.hash)) !== formatRoute(useUiStore.getState().route)) onHash();
  return () => window.removeEventListener('hashchange', onHash);
}

/**
 * Opening a trace, going back to the list and selecting a span each add a history entry, so Back
 * and Forward step through what the user looked at (the span selection included), as a reload
 * restores it.
 */
export function navigate(route: Route, mode: 'push' | 'replace' = 'push'): void {
  const hash = formatRoute(route);
  if (mode === 'push') {
    if (location.hash !== hash) location.hash = hash; // fires hashchange → store
    return;
  }
  history.replaceState(history.state, '', hash);
  useUiStore.setState({ route: parseRoute(hash) });
}

export function selectSpan(traceId: string, spanId: string | null): void {
  navigate({ view: 'trace', traceId, spanId });
}

export function hoverSpan(spanId: string | null): void {
  if (useUiStore.getState().hoveredSpanId !== spanId) useUiStore.setState({ hoveredSpanId: spanId });
}

export function setFilters(patch: Partial<ListFilters>): void {
  useUiStore.setState((s) => ({ filters: { ...s.filters, ...patch } }));
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
