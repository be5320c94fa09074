// The header nav's pages, in order, and where each link goes: the page as it opens fresh, except Traces, which returns to the list as it
// was last shown (its filters), and always under the app's time range, so the range carries over.
import type { ListRouteFilters } from './list/list-route';
import { formatRoute, withRange, type Route } from './route';
import type { TimeRange } from './time-range';

export type NavPage = 'traces' | 'sessions' | 'compare' | 'logs' | 'metrics' | 'funnels' | 'dashboard' | 'memory';

export interface NavEntry {
  page: NavPage;
  label: string;
  /** The route views this entry is "here" for. */
  views: ReadonlyArray<Route['view']>;
}

/** The header nav, in its order. */
export const NAV: readonly NavEntry[] = [
  { page: 'traces', label: 'Traces', views: ['list', 'trace'] },
  { page: 'sessions', label: 'Sessions', views: ['sessions', 'session'] },
  { page: 'compare', label: 'Compare', views: ['compare'] },
  { page: 'logs', label: 'Logs', views: ['logs'] },
  { page: 'metrics', label: 'Metrics', views: ['metrics'] },
  { page: 'funnels', label: 'Funnels', views: ['funnels'] },
  { page: 'dashboard', label: 'Dashboard', views: ['dashboard'] },
  { page: 'memory', label: 'Memory', views: ['memory'] },
];

/** The href of a nav entry. */
export function pageHref(page: NavPage, range: TimeRange, lastListFilters: ListRouteFilters): string {
  return page === 'traces' ? formatRoute({ view: 'list', filters: lastListFilters }, range) : withRange(`#/${page}`, range);
}

/** The views that read the time range; the others only carry it. */
export const TIMED_VIEWS: ReadonlyArray<Route['view']> = ['list', 'search', 'logs', 'metrics', 'funnels', 'dashboard'];
