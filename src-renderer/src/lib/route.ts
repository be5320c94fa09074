// The deep-linkable part of the UI lives in the URL hash so reload and back restore it:
//   #/?service=…&status=…      trace list, with its filters (lib/list/list-route.ts)
//   #/traces/{traceId}         one trace
//   #/traces/{traceId}?span=…  one trace with a span's detail open; `zoom=12.5-340` the timeline's
//                              window, in ms from the trace's start
//   #/sessions                 the session list
//   #/sessions/{sessionId}     one session (ids are any text: URL-encoded)
//   #/search?q=…&mode=…        search by meaning; also service, model, agent, session, and
//                              similarTrace (+ similarSpan) for "similar runs" instead of q
//   #/memory                   the memory collections
//   #/memory/{collection}      one collection
//   #/compare?a=…&b=…          two runs compared (either may be missing: the page asks for it)
//   #/logs?…                   the log records (filters: telemetry/route.ts)
//   #/metrics?name=…           the metric names and the charts picked
//   #/funnels?steps=…&mode=…   funnels (lib/funnel-route.ts: steps as JSON, mode, open runs)
//   #/dashboard?groupBy=…&metric=…   analytics (defaults left out of the URL)
//   #/settings                 the settings page
// Every page's query also carries the app's one time range (`range=1h`, or `range=custom&from=…&to=…`;
// lib/time-range.ts), pages without time included, so moving between pages keeps it.
// Ids are normalized to lowercase hex; anything unparseable falls back to the list.
import { ANALYTICS_GROUPS, ANALYTICS_METRICS, type AnalyticsGroupBy, type AnalyticsMetric, type SearchMode } from '../../../src-shared/contract';
import { formatLogsRoute, formatMetricsRoute, parseLogsRoute, parseMetricsRoute, type LogsRoute, type MetricsRoute } from './telemetry/route';
import { formatFunnelRoute, parseFunnelRoute, type FunnelRouteState } from './funnel-route';
import { parseListFilters, writeListFilters, type ListRouteFilters } from './list/list-route';
import { ALL_TIME, hasTimeRange, parseTimeRange, writeTimeRange, type TimeRange } from './time-range';

/** The trace list's filters that apply to a search; a field is present only when it filters. */
export interface SearchFilters {
  service?: string;
  model?: string;
  agent?: string;
  session?: string;
}

export interface SearchRoute {
  view: 'search';
  q: string;
  mode: SearchMode;
  filters: SearchFilters;
  /** "Similar runs": search with this trace's (or span's) own remembered text instead of `q`. */
  similar: { traceId: string; spanId: string | null } | null;
}

export interface DashboardRoute {
  view: 'dashboard';
  groupBy: AnalyticsGroupBy;
  /** The metric the chart draws. */
  metric: AnalyticsMetric;
}

export const DASHBOARD_DEFAULTS: Omit<DashboardRoute, 'view'> = { groupBy: 'model', metric: 'spans' };

export interface TraceRoute {
  view: 'trace';
  traceId: string;
  spanId: string | null;
  /** The timeline's zoom window, ms from the trace's start; absent: the whole trace. */
  zoom?: { start: number; end: number };
}

export type Route =
  | { view: 'list'; filters: ListRouteFilters }
  | TraceRoute
  | { view: 'sessions' }
  | { view: 'session'; sessionId: string }
  | SearchRoute
  | { view: 'memory'; collection?: string }
  | { view: 'settings' }
  | { view: 'compare'; a: string | null; b: string | null }
  | LogsRoute
  | MetricsRoute
  | { view: 'funnels'; funnel: FunnelRouteState }
  | DashboardRoute;

const HEX = /^[0-9a-f]+$/;
const MODES: readonly SearchMode[] = ['hybrid', 'semantic', 'text'];
const FILTER_FIELDS = ['service', 'model', 'agent', 'session'] as const;

/** A hash split into its path and its query, at the first `?` only: a hand-typed query may hold another. */
function splitHash(hash: string): { path: string; search: string } {
  const raw = hash.replace(/^#/, '');
  const at = raw.indexOf('?');
  return { path: at < 0 ? raw : raw.slice(0, at), search: at < 0 ? '' : raw.slice(at + 1) };
}

/** The app's time range a hash carries (any page's). */
export function parseRouteRange(hash: string): TimeRange {
  return parseTimeRange(new URLSearchParams(splitHash(hash).search));
}

export function parseRoute(hash: string): Route {
  const { path, search } = splitHash(hash);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'traces' && parts[1]) {
    const traceId = safeDecode(parts[1]).toLowerCase();
    if (HEX.test(traceId)) {
      const params = new URLSearchParams(search);
      const span = params.get('span')?.toLowerCase() ?? null;
      const route: TraceRoute = { view: 'trace', traceId, spanId: span && HEX.test(span) ? span : null };
      const zoom = parseZoom(params.get('zoom'));
      if (zoom) route.zoom = zoom;
      return route;
    }
  }
  if (parts[0] === 'sessions') {
    const id = parts[1] === undefined ? '' : safeDecode(parts.slice(1).join('/'));
    return id === '' ? { view: 'sessions' } : { view: 'session', sessionId: id };
  }
  if (parts[0] === 'search') return parseSearch(new URLSearchParams(search));
  if (parts[0] === 'compare') {
    const params = new URLSearchParams(search);
    const id = (k: string): string | null => {
      const v = params.get(k)?.toLowerCase() ?? '';
      return HEX.test(v) ? v : null;
    };
    return { view: 'compare', a: id('a'), b: id('b') };
  }
  if (parts[0] === 'logs') return parseLogsRoute(new URLSearchParams(search));
  if (parts[0] === 'metrics') return parseMetricsRoute(new URLSearchParams(search));
  if (parts[0] === 'funnels') return { view: 'funnels', funnel: parseFunnelRoute(new URLSearchParams(search)) };
  if (parts[0] === 'dashboard') return parseDashboard(new URLSearchParams(search));
  if (parts[0] === 'settings') return { view: 'settings' };
  if (parts[0] === 'memory') {
    const name = parts[1] === undefined ? '' : safeDecode(parts.slice(1).join('/'));
    return name === '' ? { view: 'memory' } : { view: 'memory', collection: name };
  }
  return { view: 'list', filters: parts.length === 0 ? parseListFilters(new URLSearchParams(search)) : {} };
}

const ZOOM = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/;

/** `start-end` in ms, start before end; anything else is no zoom. */
function parseZoom(raw: string | null): TraceRoute['zoom'] | null {
  const m = raw ? ZOOM.exec(raw) : null;
  if (!m) return null;
  const start = Number(m[1]);
  const end = Number(m[2]);
  return Number.isFinite(end) && start < end ? { start, end } : null;
}

/** Microsecond precision: finer than any screen pixel of a trace, and a short URL. */
function formatMs(ms: number): string {
  return String(Math.round(ms * 1000) / 1000);
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function parseDashboard(params: URLSearchParams): DashboardRoute {
  return {
    view: 'dashboard',
    groupBy: oneOf(params.get('groupBy'), ANALYTICS_GROUPS, DASHBOARD_DEFAULTS.groupBy),
    metric: oneOf(params.get('metric'), ANALYTICS_METRICS, DASHBOARD_DEFAULTS.metric),
  };
}

function parseSearch(params: URLSearchParams): SearchRoute {
  const mode = params.get('mode');
  const filters: SearchFilters = {};
  for (const field of FILTER_FIELDS) {
    const v = params.get(field)?.trim();
    if (v) filters[field] = v;
  }
  const similarTrace = params.get('similarTrace')?.toLowerCase() ?? '';
  const similarSpan = params.get('similarSpan')?.toLowerCase() ?? '';
  return {
    view: 'search',
    q: params.get('q') ?? '',
    mode: MODES.includes(mode as SearchMode) ? (mode as SearchMode) : 'hybrid',
    filters,
    similar: HEX.test(similarTrace) ? { traceId: similarTrace, spanId: HEX.test(similarSpan) ? similarSpan : null } : null,
  };
}

/** The hash of `route`, carrying `range` ("all", the default, is left out). */
export function formatRoute(route: Route, range: TimeRange = ALL_TIME): string {
  return withRange(formatPage(route), range);
}

/** A hash with `range` put in its query, replacing any range it carried. */
export function withRange(hash: string, range: TimeRange): string {
  const { path, search } = splitHash(hash);
  const params = new URLSearchParams(search);
  for (const key of ['range', 'from', 'to']) params.delete(key);
  writeTimeRange(params, range);
  const s = params.toString();
  return s ? `#${path}?${s}` : `#${path}`;
}

/** Whether a hash names a time range (one that does not means the default, "all time"). */
export function carriesRange(hash: string): boolean {
  return hasTimeRange(new URLSearchParams(splitHash(hash).search));
}

function formatPage(route: Route): string {
  if (route.view === 'list') {
    const params = new URLSearchParams();
    writeListFilters(params, route.filters);
    const s = params.toString();
    return s ? `#/?${s}` : '#/';
  }
  if (route.view === 'sessions') return '#/sessions';
  if (route.view === 'session') return `#/sessions/${encodeURIComponent(route.sessionId)}`;
  if (route.view === 'compare') {
    const params = new URLSearchParams();
    if (route.a) params.set('a', route.a);
    if (route.b) params.set('b', route.b);
    const s = params.toString();
    return s ? `#/compare?${s}` : '#/compare';
  }
  if (route.view === 'logs') return formatLogsRoute(route);
  if (route.view === 'metrics') return formatMetricsRoute(route);
  if (route.view === 'funnels') return formatFunnelRoute(route.funnel);
  if (route.view === 'dashboard') {
    const params = new URLSearchParams();
    for (const key of ['groupBy', 'metric'] as const) if (route[key] !== DASHBOARD_DEFAULTS[key]) params.set(key, route[key]);
    const s = params.toString();
    return s ? `#/dashboard?${s}` : '#/dashboard';
  }
  if (route.view === 'memory') return route.collection ? `#/memory/${encodeURIComponent(route.collection)}` : '#/memory';
  if (route.view === 'settings') return '#/settings';
  if (route.view === 'search') {
    const params = new URLSearchParams();
    // "Similar runs" searches with the span's own text: a `q` beside it would mean nothing.
    if (route.similar) {
      params.set('similarTrace', route.similar.traceId);
      if (route.similar.spanId) params.set('similarSpan', route.similar.spanId);
    } else if (route.q !== '') params.set('q', route.q);
    if (route.mode !== 'hybrid') params.set('mode', route.mode);
    for (const field of FILTER_FIELDS) {
      const v = route.filters[field]?.trim();
      if (v) params.set(field, v);
    }
    const s = params.toString();
    return s ? `#/search?${s}` : '#/search';
  }
  const params = new URLSearchParams();
  if (route.spanId) params.set('span', route.spanId);
  if (route.zoom) params.set('zoom', `${formatMs(route.zoom.start)}-${formatMs(route.zoom.end)}`);
  const s = params.toString();
  const base = `#/traces/${encodeURIComponent(route.traceId)}`;
  return s ? `${base}?${s}` : base;
}

/** A search for `q` (or the page with no query yet), other settings at their defaults. */
export function searchRoute(q: string, keep?: Pick<SearchRoute, 'mode' | 'filters'>): SearchRoute {
  return { view: 'search', q, mode: keep?.mode ?? 'hybrid', filters: keep?.filters ?? {}, similar: null };
}

/** "Similar runs" of a trace, or of one span when `spanId` is given. */
export function similarRoute(traceId: string, spanId: string | null = null): SearchRoute {
  return { view: 'search', q: '', mode: 'hybrid', filters: {}, similar: { traceId, spanId } };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
