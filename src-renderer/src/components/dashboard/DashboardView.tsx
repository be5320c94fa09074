// The dashboard (#/dashboard): over the range, by model, agent, tool, service or span name, the
// latency table (p50/p90/p95/p99 from the rollups' sketches), one metric over time, the slowest
// and the most expensive traces, and the daily budget notice. Group and metric live in the URL,
// beside the app's time range (lib/time-range.ts); answers are reloaded on ingest ticks. The table
// and chart read the rollups (minutes, hours, days), never spans; the trace lists are the trace
// list's own sorts over the range.
import { useEffect, useMemo, useState } from 'react';
import {
  ANALYTICS_GROUPS,
  ANALYTICS_METRICS,
  type AnalyticsGroupBy,
  type AnalyticsLatency,
  type AnalyticsMetric,
  type AnalyticsTimeseries,
  type TraceListPage,
  type TraceSummary,
} from '../../../../src-shared/contract';
import { formatDuration, formatTokens, formatUsd } from '../../../../src-shared/format';
import { api, errorMessage } from '../../api';
import { formatRoute, type DashboardRoute } from '../../lib/route';
import { ALL_TIME, rangeKey } from '../../lib/time-range';
import { useDataStore } from '../../state/data-store';
import { navigate, useUiStore } from '../../state/ui-store';
import { budgetNotice, chartColumns, formatMetric, loadBudget, METRIC_LABELS, rangeBounds, saveBudget, utcDayStart } from './dashboard-data';
import { TimeChart } from './TimeChart';

const GROUP_LABELS: Record<AnalyticsGroupBy, string> = { model: 'Model', agent: 'Agent', tool: 'Tool', service: 'Service', spanName: 'Span name' };

interface Answers {
  latency: AnalyticsLatency;
  series: AnalyticsTimeseries;
  slowest: TraceListPage;
  priciest: TraceListPage;
  todayUsd: number;
}

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: Answers };

function useDashboard(route: DashboardRoute): Loaded {
  const tick = useDataStore((s) => s.counts);
  const range = useUiStore((s) => s.range);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    const now = Date.now();
    const bounds = rangeBounds(range, now);
    Promise.all([
      api.getAnalyticsLatency({ groupBy: route.groupBy, ...bounds }),
      api.getAnalyticsTimeseries({ metric: route.metric, groupBy: route.groupBy, ...bounds }),
      api.listTraces({ sort: 'longest', ...(bounds.from !== undefined ? { startFrom: bounds.from } : {}), startTo: bounds.to, limit: 10 }),
      // Priced traces only: the cost sort lists the unpriced last, and they are not "expensive".
      api.listTraces({ sort: 'cost', minCostUsd: 0, ...(bounds.from !== undefined ? { startFrom: bounds.from } : {}), startTo: bounds.to, limit: 10 }),
      // Today's cost, whatever range is shown.
      api.getAnalyticsTimeseries({ metric: 'cost', bucket: 86_400, from: utcDayStart(now), to: rangeBounds(ALL_TIME, now).to }),
    ]).then(
      ([latency, series, slowest, priciest, today]) =>
        live &&
        setLoaded({ state: 'ready', data: { latency, series, slowest, priciest, todayUsd: today.buckets.reduce((s, b) => s + (b.values.all ?? 0), 0) } }),
      (err: unknown) => live && setLoaded({ state: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
    // `range` is read through its key: the same range parsed again is not a new query.
  }, [route.groupBy, rangeKey(range), route.metric, tick]);
  return loaded;
}

/** A ranked list of traces, each linking to its trace view; `detail` is what the list ranks by. */
function TraceRanking(props: { title: string; testId: string; linkTestId: string; traces: TraceSummary[]; detail: (t: TraceSummary) => string }) {
  const { title, testId, linkTestId, traces, detail } = props;
  return (
    <div className="dashboard-ranking">
      <h2>{title}</h2>
      {traces.length === 0 ? (
        <p className="muted">None in this range.</p>
      ) : (
        <ol className="dashboard-traces" data-testid={testId}>
          {traces.map((t) => (
            <li key={t.traceId}>
              <a href={formatRoute({ view: 'trace', traceId: t.traceId, spanId: null })} data-testid={linkTestId}>
                {t.rootName}
              </a>{' '}
              <span className="muted">
                {t.serviceName} · {detail(t)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function BudgetControl({ budget, onChange }: { budget: number | null; onChange: (usd: number | null) => void }) {
  const [text, setText] = useState(budget === null ? '' : String(budget));
  return (
    <label className="dashboard-budget">
      Daily budget (USD)
      <input
        type="number"
        min="0"
        step="any"
        data-testid="dashboard-budget"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          const v = Number(text);
          onChange(text.trim() !== '' && v > 0 ? v : null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );
}

export function DashboardView({ route }: { route: DashboardRoute }) {
  const loaded = useDashboard(route);
  const [budget, setBudget] = useState<number | null>(loadBudget);
  const set = (patch: Partial<DashboardRoute>) => navigate({ ...route, ...patch }, 'replace');
  const format = useMemo(() => (v: number) => formatMetric(route.metric, v), [route.metric]);
  const columns = useMemo(() => (loaded.state === 'ready' ? chartColumns(loaded.data.series) : null), [loaded]);
  const notice = loaded.state === 'ready' ? budgetNotice(loaded.data.todayUsd, budget) : null;
  return (
    <section className="dashboard-view" data-testid="dashboard">
      <div className="dashboard-controls">
        <h1>Dashboard</h1>
        <label>
          Group by
          <select data-testid="dashboard-group" value={route.groupBy} onChange={(e) => set({ groupBy: e.target.value as AnalyticsGroupBy })}>
            {ANALYTICS_GROUPS.map((g) => (
              <option key={g} value={g}>
                {GROUP_LABELS[g]}
              </option>
            ))}
          </select>
        </label>
        <BudgetControl
          budget={budget}
          onChange={(usd) => {
            saveBudget(usd);
            setBudget(usd);
          }}
        />
      </div>
      {notice && (
        <p className="dashboard-notice" role="alert" data-testid="budget-notice">
          {notice}
        </p>
      )}
      {loaded.state === 'loading' && <p className="muted">Loading…</p>}
      {loaded.state === 'error' && <p role="alert">Could not load the dashboard: {loaded.message}</p>}
      {loaded.state === 'ready' && (
        <>
          <h2>Latency by {GROUP_LABELS[route.groupBy].toLowerCase()}</h2>
          {loaded.data.latency.groups.length === 0 ? (
            <p className="muted" data-testid="dashboard-empty">Nothing in this range.</p>
          ) : (
            <table className="dashboard-table" data-testid="latency-table">
              <thead>
                <tr>
                  <th>{GROUP_LABELS[route.groupBy]}</th>
                  <th>Spans</th>
                  <th>Errors</th>
                  <th>p50</th>
                  <th>p90</th>
                  <th>p95</th>
                  <th>p99</th>
                  <th>Tokens</th>
                  <th>Cost</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.latency.groups.map((g) => (
                  <tr key={g.key} data-testid="latency-row">
                    <td className="mono">{g.key}</td>
                    <td>{formatTokens(g.count)}</td>
                    <td>{formatTokens(g.errorCount)}</td>
                    <td>{formatDuration(g.p50Ms)}</td>
                    <td>{formatDuration(g.p90Ms)}</td>
                    <td>{formatDuration(g.p95Ms)}</td>
                    <td>{formatDuration(g.p99Ms)}</td>
                    <td>{formatTokens(g.totalTokens)}</td>
                    <td>{formatUsd(g.costUsd)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="dashboard-metric-tabs" role="tablist">
            {ANALYTICS_METRICS.map((m: AnalyticsMetric) => (
              <button key={m} type="button" role="tab" aria-selected={m === route.metric} data-testid={`metric-${m}`} onClick={() => set({ metric: m })}>
                {METRIC_LABELS[m]}
              </button>
            ))}
          </div>
          {columns && columns.keys.length > 0 ? <TimeChart keys={columns.keys} data={columns.data} format={format} /> : <p className="muted">No data to chart.</p>}
          <div className="dashboard-rankings">
            <TraceRanking
              title="Slowest traces"
              testId="slowest-traces"
              linkTestId="slow-trace-link"
              traces={loaded.data.slowest.traces}
              detail={(t) => formatDuration(t.durationMs) + (t.genai?.costUsd != null ? ` · ${formatUsd(t.genai.costUsd)}` : '')}
            />
            <TraceRanking
              title="Most expensive traces"
              testId="expensive-traces"
              linkTestId="expensive-trace-link"
              traces={loaded.data.priciest.traces}
              detail={(t) => `${formatUsd(t.genai?.costUsd ?? 0)} · ${formatTokens(t.genai?.totalTokens ?? 0)} tokens · ${formatDuration(t.durationMs)}`}
            />
          </div>
        </>
      )}
    </section>
  );
}
