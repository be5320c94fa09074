// One metric's chart: loads its points for the range (oldest first, up to MAX_POINTS), turns them
// into series (lib/telemetry/metrics.ts) and mounts uPlot on a canvas (docs/adr/0006-charts-uplot.md).
// uPlot sizes its elements through element.style (CSSOM), which the renderer's CSP allows; it
// needs no eval and no inline style attributes.
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricNameInfo, MetricPointView } from '../../../../src-shared/contract';
import { api, errorMessage } from '../../api';
import { chartData, type ChartData } from '../../lib/telemetry/metrics';
import { rangeFrom, type TimeRange } from '../../lib/telemetry/route';
import { useTelemetryTick } from './use-telemetry-tick';

/** Points read per chart: 5 pages of the engine's 1000. Enough for a day at a 20 s export interval. */
export const MAX_POINTS = 5000;
const PAGE = 1000;
const HEIGHT = 240;

// Distinguishable on light and dark backgrounds; series beyond the list wrap around.
const PALETTE = ['#4f5bd5', '#e0525d', '#2f8f5b', '#d6961a', '#8e44ad', '#1f9fb4', '#c2185b', '#6d8a1f', '#7f5539', '#5c6bc0', '#00897b', '#ef6c00'];

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; points: MetricPointView[]; truncated: boolean };

async function loadPoints(name: string, range: TimeRange): Promise<{ points: MetricPointView[]; truncated: boolean }> {
  const from = rangeFrom(range, Date.now());
  const points: MetricPointView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listMetricPoints({ name, limit: PAGE, ...(from !== undefined ? { from } : {}), ...(cursor ? { cursor } : {}) });
    points.push(...page.points);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && points.length < MAX_POINTS);
  return { points, truncated: cursor !== undefined };
}

export function MetricChart({ info, name, range }: { info: MetricNameInfo | undefined; name: string; range: TimeRange }) {
  const tick = useTelemetryTick('metrics');
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    loadPoints(name, range).then(
      (r) => live && setLoaded({ state: 'ready', ...r }),
      (err: unknown) => live && setLoaded({ state: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [name, range, tick]);
  const data = useMemo(() => (loaded.state === 'ready' ? chartData(loaded.points) : null), [loaded]);
  const unit = info?.unit ?? '';
  return (
    <figure className="metric-chart-card" data-testid="metric-chart-card" data-metric={name}>
      <h2>
        <span className="mono">{name}</span>
        {info && (
          <span className="muted">
            {info.type}
            {unit ? ` · ${unit}` : ''}
          </span>
        )}
      </h2>
      {info?.description && <p className="muted">{info.description}</p>}
      {loaded.state === 'loading' && <p className="muted">Loading points…</p>}
      {loaded.state === 'error' && (
        <p className="error-text" role="alert">
          Could not load points: {loaded.message}
        </p>
      )}
      {data && data.xs.length === 0 && <p className="muted">No points in this range.</p>}
      {data && data.xs.length > 0 && <Plot data={data} unit={unit} name={name} />}
      {data && (data.droppedSeries > 0 || (loaded.state === 'ready' && loaded.truncated)) && (
        <figcaption className="muted">
          {data.droppedSeries > 0 && `${data.droppedSeries} more attribute set${data.droppedSeries === 1 ? '' : 's'} not drawn. `}
          {loaded.state === 'ready' && loaded.truncated && `Only the oldest ${MAX_POINTS.toLocaleString()} points of the range are drawn: narrow the range.`}
        </figcaption>
      )}
    </figure>
  );
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Mounts uPlot; recreated when the series change shape, updated in place when only the data does. */
function Plot({ data, unit, name }: { data: ChartData; unit: string; name: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = data.series.map((s) => s.label).join('\n');
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = cssVar('--muted', '#677185');
    const grid = cssVar('--border', '#dde1e7');
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: HEIGHT,
      scales: { x: { time: true } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: unit || undefined, size: 60 },
      ],
      series: [{}, ...data.series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true, points: { show: data.xs.length < 60 } }))],
    };
    const u = new uPlot(opts, toAligned(data), el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(320, el.clientWidth), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Recreated on a new set of series (labels) or unit; data alone goes through setData below.
  }, [labels, unit]);
  useEffect(() => {
    plot.current?.setData(toAligned(data));
  }, [data]);
  return <div ref={box} className="metric-chart" data-testid="metric-chart" data-series-count={data.series.length} aria-label={`Chart of ${name}`} role="img" />;
}

function toAligned(data: ChartData): uPlot.AlignedData {
  return [data.xs, ...data.series.map((s) => s.values)];
}
