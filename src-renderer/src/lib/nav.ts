// The header nav's pages, in order, with the letter of their `g` shortcut (lib/shortcuts.ts), and
// where each link goes: the page as it opens fresh, except Traces, which returns to the list as it
// was last shown (its filters), and always under the app's time range, so the range carries over.
import type { ListRouteFilters } from './list/list-route';
import { formatRoute, withRange, type Route } from './route';
import type { TimeRange } from './time-range';

export type NavPage = 'traces' | 'sessions' | 'compare' | 'logs' | 'metrics' | 'funnels' | 'dashboard' | 'memory' | 'settings';

export interface NavEntry {
  page: NavPage;
  label: string;
  /** The letter after `g`. */
  key: string;
  /** The route views this entry is "here" for. */
  views: ReadonlyArray<Route['view']>;
}

/** The header nav, in its order; each entry is also a `g` shortcut. */
export const NAV: readonly NavEntry[] = [
  { page: 'traces', label: 'Traces', key: 't', views: ['list', 'trace'] },
  { page: 'sessions', label: 'Sessions', key: 's', views: ['sessions', 'session'] },
  { page: 'compare', label: 'Compare', key: 'c', views: ['compare'] },
  { page: 'logs', label: 'Logs', key: 'l', views: ['logs'] },
  { page: 'metrics', label: 'Metrics', key: 'm', views: ['metrics'] },
  { page: 'funnels', label: 'Funnels', key: 'f', views: ['funnels'] },
  { page: 'dashboard', label: 'Dashboard', key: 'd', views: ['dashboard'] },
  { page: 'memory', label: 'Memory', key: 'e', views: ['memory'] },
  { page: 'settings', label: 'Settings', key: ',', views: ['settings'] },
];

/** The href of a nav entry. */
export function pageHref(page: NavPage, range: TimeRange, lastListFilters: ListRouteFilters): string {
  return page === 'traces' ? formatRoute({ view: 'list', filters: lastListFilters }, range) : withRange(`#/${page}`, range);
}

/** The views that read the time range; the others only carry it. */
export const TIMED_VIEWS: ReadonlyArray<Route['view']> = ['list', 'search', 'logs', 'metrics', 'funnels', 'dashboard'];
