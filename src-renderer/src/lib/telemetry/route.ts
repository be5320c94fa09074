// The Logs and Metrics pages' deep-linkable state, parsed from and written to the URL hash:
//   #/logs?q=…&service=…&severity=warn   filters of the log list (absent = not filtering)
//   #/metrics?name=a&name=b&heat=b       the charted metrics, in the order picked; histograms named
//                                        by `heat` drawn as a heatmap, not percentiles
// The time range both read is the app's one range (lib/time-range.ts), in the same query.
// Unknown values fall back to their defaults, so a hand-edited or stale link still opens the page.
import type { SeverityLevel } from '../detail/severity';

/** The lowest severity a log filter can ask for; `unset` is not a floor (it is "no filter"). */
export type SeverityFloor = Exclude<SeverityLevel, 'unset'>;
export const SEVERITY_FLOORS: readonly SeverityFloor[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export interface LogsRoute {
  view: 'logs';
  q: string;
  service: string;
  /** Show records at this level and above; null: every record, unset severities too. */
  severity: SeverityFloor | null;
}

export interface MetricsRoute {
  view: 'metrics';
  /** Metric names charted, in the order picked. */
  names: string[];
  /** Charted histograms shown as a heatmap instead of p50/p95/p99 (a subset of names). */
  heatmaps: string[];
}

/** At most this many charts at once: each reads its points and holds a canvas. */
export const MAX_CHARTS = 8;

export function parseLogsRoute(params: URLSearchParams): LogsRoute {
  const severity = params.get('severity');
  return {
    view: 'logs',
    q: params.get('q') ?? '',
    service: params.get('service')?.trim() ?? '',
    severity: (SEVERITY_FLOORS as readonly string[]).includes(severity ?? '') ? (severity as SeverityFloor) : null,
  };
}

export function formatLogsRoute(route: LogsRoute): string {
  const params = new URLSearchParams();
  if (route.q !== '') params.set('q', route.q);
  if (route.service.trim() !== '') params.set('service', route.service.trim());
  if (route.severity) params.set('severity', route.severity);
  const s = params.toString();
  return s ? `#/logs?${s}` : '#/logs';
}

export function parseMetricsRoute(params: URLSearchParams): MetricsRoute {
  const names: string[] = [];
  for (const n of params.getAll('name')) if (n !== '' && !names.includes(n) && names.length < MAX_CHARTS) names.push(n);
  const heatmaps = [...new Set(params.getAll('heat'))].filter((n) => names.includes(n));
  return { view: 'metrics', names, heatmaps };
}

export function formatMetricsRoute(route: MetricsRoute): string {
  const params = new URLSearchParams();
  for (const n of route.names) params.append('name', n);
  for (const n of route.heatmaps) if (route.names.includes(n)) params.append('heat', n);
  const s = params.toString();
  return s ? `#/metrics?${s}` : '#/metrics';
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
