// UI state: where we are (mirrored from the URL hash, which stays the source of truth), the list
// filters and which span subtrees are folded. Components read it through narrow selectors.
import { create } from 'zustand';
import { formatRoute, parseRoute, type Route } from '../lib/route';
import type { ListFilters } from './list-state';

interface UiState {
  route: Route;
  filters: ListFilters;
  /** Folded span ids, per open trace; reset when another trace opens. */
  collapsed: ReadonlySet<string>;
}

export const useUiStore = create<UiState>()(() => ({
  route: parseRoute(location.hash),
  filters: { q: '', service: '' },
  collapsed: new Set<string>(),
}));

function sameTrace(a: Route, b: Route): boolean {
  return a.view === 'trace' && b.view === 'trace' && a.traceId === b.traceId;
}

/** Call once at startup: keeps `route` in step with back/forward and edits of the address bar. */
export function syncRouteWithHash(): () => void {
  const onHash = () => {
    const next = parseRoute(location.hash);
    const prev = useUiStore.getState().route;
    useUiStore.setState(sameTrace(prev, next) ? { route: next } : { route: next, collapsed: new Set() });
  };
  window.addEventListener('hashchange', onHash);
  return () => window.removeEventListener('hashchange', onHash);
}

/**
 * Opening a trace or going back to the list adds a history entry; selecting a span replaces the
 * current one, so Back leaves the trace instead of stepping through every clicked span.
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
  navigate({ view: 'trace', traceId, spanId }, 'replace');
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
