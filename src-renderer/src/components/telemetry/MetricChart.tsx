// One metric's chart: loads its points for the range (oldest first, up to MAX_POINTS), turns them
// into series (lib/telemetry/metrics.ts) and mounts uPlot on a canvas (docs/adr/0007-charts-uplot.md).
// uPlot sizes its elements through element.style (CSSOM), which the renderer's CSP allows; it
// needs no eval and no inline style attributes.
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricNameInfo, MetricPointView } from '../../../../src-shared/contract';
import { api, errorMessage } from '../../api';
import { chartData, histogramHeatmap, type ChartData, type HeatmapData } from '../../lib/telemetry/metrics';
import { rangeWindow, type TimeRange } from '../../lib/time-range';
import { useTelemetryTick } from './use-telemetry-tick';

/** Points read per chart: 5 pages of the engine's 1000. Enough for a day at a 20 s export interval. */
export const MAX_POINTS = 5000;
const PAGE = 1000;
const HEIGHT = 240;

// Distinguishable on light and dark backgrounds; series beyond the list wrap around.
const PALETTE = ['#4f5bd5', '#e0525d', '#2f8f5b', '#d6961a', '#8e44ad', '#1f9fb4', '#c2185b', '#6d8a1f', '#7f5539', '#5c6bc0', '#00897b', '#ef6c00'];

type Loaded = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; points: MetricPointView[]; truncated: boolean };

async function loadPoints(name: string, range: TimeRange): Promise<{ points: MetricPointView[]; truncated: boolean }> {
  const bounds = rangeWindow(range, Date.now());
  const points: MetricPointView[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listMetricPoints({ name, limit: PAGE, ...bounds, ...(cursor ? { cursor } : {}) });
    points.push(...page.points);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && points.length < MAX_POINTS);
  return { points, truncated: cursor !== undefined };
}

interface Props {
  info: MetricNameInfo | undefined;
  name: string;
  range: TimeRange;
  /** Histograms: draw a heatmap of the buckets instead of p50/p95/p99. */
  heatmap: boolean;
  onToggleHeatmap: () => void;
}

export function MetricChart({ info, name, range, heatmap, onToggleHeatmap }: Props) {
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
  const isHistogram = info?.type === 'histogram' || info?.type === 'exponentialHistogram';
  const showHeat = heatmap && isHistogram;
  const data = useMemo(() => (loaded.state === 'ready' && !showHeat ? chartData(loaded.points) : null), [loaded, showHeat]);
  const heat = useMemo(() => (loaded.state === 'ready' && showHeat ? histogramHeatmap(loaded.points) : null), [loaded, showHeat]);
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
        {isHistogram && (
          <button type="button" className="link-btn" data-testid="metric-heatmap-toggle" aria-pressed={showHeat} onClick={onToggleHeatmap}>
            {showHeat ? 'Show percentiles' : 'Show heatmap'}
          </button>
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
      {heat && heat.xs.length === 0 && <p className="muted">No points in this range.</p>}
      {heat && heat.xs.length > 0 && <Heatmap heat={heat} unit={unit} name={name} />}
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
  return <div ref={box} className="metric-chart" data-testid="metric-chart" data-mode="lines" data-series-count={data.series.length} aria-label={`Chart of ${name}`} role="img" />;
}

function toAligned(data: ChartData): uPlot.AlignedData {
  return [data.xs, ...data.series.map((s) => s.values)];
}

/** rgba() of a #rrggbb colour. */
function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha.toFixed(3)})`;
}

/**
 * A histogram as a heatmap on uPlot's axes: one column per point time, one cell per bucket band,
 * opacity by count. uPlot has no heatmap series, so the cells are drawn in its `draw` hook from the
 * scales it laid out; its one series is an invisible line at the top band, to give the y scale its data.
 */
function Heatmap({ heat, unit, name }: { heat: HeatmapData; unit: string; name: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = cssVar('--muted', '#677185');
    const grid = cssVar('--border', '#dde1e7');
    const lo = heat.edges[0] ?? 0;
    const hi = heat.edges[heat.edges.length - 1] ?? 1;
    const draw = (u: uPlot) => {
      const { ctx } = u;
      ctx.save();
      ctx.beginPath();
      ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
      ctx.clip();
      const px = heat.xs.map((x) => u.valToPos(x, 'x', true));
      const half = 6 * devicePixelRatio;
      heat.counts.forEach((row, i) => {
        const left = i > 0 ? (px[i - 1]! + px[i]!) / 2 : px[i]! - (px.length > 1 ? (px[1]! - px[0]!) / 2 : half);
        const right = i < px.length - 1 ? (px[i]! + px[i + 1]!) / 2 : px[i]! + (px.length > 1 ? (px[i]! - px[i - 1]!) / 2 : half);
        row.forEach((count, b) => {
          if (count <= 0) return;
          const top = u.valToPos(heat.edges[b + 1]!, 'y', true);
          const bottom = u.valToPos(heat.edges[b]!, 'y', true);
          ctx.fillStyle = withAlpha(PALETTE[0]!, 0.12 + 0.88 * (count / heat.max));
          ctx.fillRect(left, top, Math.max(1, right - left - 1), Math.max(1, bottom - top - 1));
        });
      });
      ctx.restore();
    };
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth),
      height: HEIGHT,
      // Bucket bounds usually grow geometrically (1, 10, 100…): on a linear axis the low bands, where
      // most observations are, would be slivers. Log when every band is above zero.
      scales: { x: { time: true }, y: lo > 0 ? { distr: 3, range: [lo, hi] } : { range: [lo, hi] } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, label: unit || undefined, size: 60 },
      ],
      series: [{}, { label: 'observations per band (darker: more)', stroke: 'transparent', points: { show: false } }],
      hooks: { draw: [draw] },
    };
    const u = new uPlot(opts, [heat.xs, heat.xs.map(() => hi)], el);
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(320, el.clientWidth), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
    };
  }, [heat, unit]);
  return <div ref={box} className="metric-chart" data-testid="metric-chart" data-mode="heatmap" data-bands={Math.max(0, heat.edges.length - 1)} aria-label={`Heatmap of ${name}`} role="img" />;
}
