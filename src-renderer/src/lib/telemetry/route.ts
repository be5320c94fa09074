// The Logs and Metrics pages' deep-linkable state, parsed from and written to the URL hash:
//   #/logs?q=…&service=…&severity=warn&range=1h   filters of the log list (absent = not filtering)
//   #/metrics?name=a&name=b&heat=b&range=24h      the charted metrics, in the order picked; histograms
//                                                  named by `heat` drawn as a heatmap, not percentiles
// Unknown values fall back to their defaults, so a hand-edited or stale link still opens the page.
import type { SeverityLevel } from '../detail/severity';

/** How far back a page looks from now; `all` sets no lower bound. */
export type TimeRange = 'all' | '15m' | '1h' | '6h' | '24h' | '7d';
export const TIME_RANGES: readonly TimeRange[] = ['all', '15m', '1h', '6h', '24h', '7d'];
const RANGE_MS: Record<Exclude<TimeRange, 'all'>, number> = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '6h': 6 * 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
};

/** The lowest severity a log filter can ask for; `unset` is not a floor (it is "no filter"). */
export type SeverityFloor = Exclude<SeverityLevel, 'unset'>;
export const SEVERITY_FLOORS: readonly SeverityFloor[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface LogsRoute {
  view: 'logs';
  q: string;
  service: string;
  /** Show records at this level and above; null: every record, unset severities too. */
  severity: SeverityFloor | null;
  range: TimeRange;
}

export interface MetricsRoute {
  view: 'metrics';
  /** Metric names charted, in the order picked. */
  names: string[];
  /** Charted histograms shown as a heatmap instead of p50/p95/p99 (a subset of names). */
  heatmaps: string[];
  range: TimeRange;
}

/** At most this many charts at once: each reads its points and holds a canvas. */
export const MAX_CHARTS = 8;

function parseRange(v: string | null): TimeRange {
  return (TIME_RANGES as readonly string[]).includes(v ?? '') ? (v as TimeRange) : 'all';
}

export function parseLogsRoute(params: URLSearchParams): LogsRoute {
  const severity = params.get('severity');
  return {
    view: 'logs',
    q: params.get('q') ?? '',
    service: params.get('service')?.trim() ?? '',
    severity: (SEVERITY_FLOORS as readonly string[]).includes(severity ?? '') ? (severity as SeverityFloor) : null,
    range: parseRange(params.get('range')),
  };
}

export function formatLogsRoute(route: LogsRoute): string {
  const params = new URLSearchParams();
  if (route.q !== '') params.set('q', route.q);
  if (route.service.trim() !== '') params.set('service', route.service.trim());
  if (route.severity) params.set('severity', route.severity);
  if (route.range !== 'all') params.set('range', route.range);
  const s = params.toString();
  return s ? `#/logs?${s}` : '#/logs';
}

export function parseMetricsRoute(params: URLSearchParams): MetricsRoute {
  const names: string[] = [];
  for (const n of params.getAll('name')) if (n !== '' && !names.includes(n) && names.length < MAX_CHARTS) names.push(n);
  const heatmaps = [...new Set(params.getAll('heat'))].filter((n) => names.includes(n));
  return { view: 'metrics', names, heatmaps, range: parseRange(params.get('range')) };
}

export function formatMetricsRoute(route: MetricsRoute): string {
  const params = new URLSearchParams();
  for (const n of route.names) params.append('name', n);
  for (const n of route.heatmaps) if (route.names.includes(n)) params.append('heat', n);
  if (route.range !== 'all') params.set('range', route.range);
  const s = params.toString();
  return s ? `#/metrics?${s}` : '#/metrics';
}

/** The inclusive lower bound of a range as unix nanoseconds, or undefined for `all`. */
export function rangeFrom(range: TimeRange, nowMs: number): string | undefined {
  if (range === 'all') return undefined;
  return (BigInt(Math.floor(nowMs - RANGE_MS[range])) * 1_000_000n).toString();
}

/** Picking a metric adds its chart (last, up to MAX_CHARTS); picking it again removes it. */
export function toggleMetric(route: MetricsRoute, name: string): MetricsRoute {
  if (route.names.includes(name)) return { ...route, names: route.names.filter((n) => n !== name), heatmaps: route.heatmaps.filter((n) => n !== name) };
  if (route.names.length >= MAX_CHARTS) return route;
  return { ...route, names: [...route.names, name] };
}

/** A histogram's chart between percentiles and heatmap. */
export function toggleHeatmap(route: MetricsRoute, name: string): MetricsRoute {
  const on = route.heatmaps.includes(name);
  return { ...route, heatmaps: on ? route.heatmaps.filter((n) => n !== name) : [...route.heatmaps, name] };
}
