// The Metrics page (#/metrics): every stored metric name with its type, unit, point count and last
// time, re-read on ingest ticks that bring points; ticking a name adds its chart below (names in
// the URL, at most MAX_CHARTS charts), drawn over the app's time range.
import { useEffect, useState } from 'react';
import type { MetricNameInfo } from '../../../../src-shared/contract';
import { api, errorMessage } from '../../api';
import { MAX_CHARTS, toggleHeatmap, toggleMetric, type MetricsRoute } from '../../lib/telemetry/route';
import { formatNanoFull, formatNanoLocal } from '../../lib/time';
import { navigate, useUiStore } from '../../state/ui-store';
import { MetricChart } from './MetricChart';
import { useTelemetryTick } from './use-telemetry-tick';
import './telemetry.css';

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; names: MetricNameInfo[] };

function useMetricNames(): Loaded {
  const tick = useTelemetryTick('metrics');
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    api.listMetricNames().then(
      (names) => live && setLoaded({ state: 'ready', names }),
      (err: unknown) => live && setLoaded({ state: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [tick]);
  return loaded;
}

export function MetricsView({ route }: { route: MetricsRoute }) {
  const loaded = useMetricNames();
  const range = useUiStore((s) => s.range);
  const names = loaded.state === 'ready' ? loaded.names : [];
  const byName = new Map(names.map((n) => [n.name, n]));
  const full = route.names.length >= MAX_CHARTS;
  return (
    <section className="telemetry-view" data-testid="metrics-view">
      <div className="telemetry-head">
        <h1>Metrics</h1>
      </div>
      {loaded.state === 'loading' && <p className="muted">Loading metrics…</p>}
      {loaded.state === 'error' && (
        <p className="error-text" role="alert">
          Could not load metrics: {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && names.length === 0 && (
        <p className="muted" data-testid="metrics-empty">
          No metrics yet. Point an OTLP metric exporter at this app.
        </p>
      )}
      {names.length > 0 && (
        <table className="metric-names" data-testid="metric-names">
          <thead>
            <tr>
              <th>Metric</th>
              <th>Type</th>
              <th>Unit</th>
              <th className="num">Points</th>
              <th>Last point</th>
            </tr>
          </thead>
          <tbody>
            {names.map((n) => {
              const picked = route.names.includes(n.name);
              return (
                <tr key={n.name} className={picked ? 'is-picked' : undefined} data-testid="metric-name-row" data-metric={n.name}>
                  <td>
                    <label title={n.description || undefined}>
                      <input type="checkbox" checked={picked} disabled={!picked && full} onChange={() => navigate(toggleMetric(route, n.name))} />
                      <span className="mono">{n.name}</span>
                    </label>
                  </td>
                  <td>{n.type}</td>
                  <td>{n.unit || '—'}</td>
                  <td className="num">{n.pointCount.toLocaleString()}</td>
                  <td title={formatNanoFull(n.lastTimeUnixNano)}>{formatNanoLocal(n.lastTimeUnixNano)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {full && <p className="muted">At most {MAX_CHARTS} charts at once: untick one to pick another.</p>}
      <div className="metric-charts">
        {route.names.map((name) => (
          <MetricChart
            key={name}
            name={name}
            info={byName.get(name)}
            range={range}
            heatmap={route.heatmaps.includes(name)}
            onToggleHeatmap={() => navigate(toggleHeatmap(route, name), 'replace')}
          />
        ))}
      </div>
      {loaded.state === 'ready' && names.length > 0 && route.names.length === 0 && <p className="muted">Tick a metric to chart it.</p>}
    </section>
  );
}
