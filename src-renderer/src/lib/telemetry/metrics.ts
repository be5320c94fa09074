// Pure pieces of the Metrics page: metric points → uPlot's columnar data. Sums and gauges become one
// line per attribute set (capped: the busiest sets kept, the rest counted); histograms become p50,
// p95 and p99 over time, estimated from bucket counts; summaries chart the quantiles they carry.
// Tested in test/renderer/metrics-chart.test.ts.
import type { Attributes, ExponentialHistogramValue, HistogramValue, MetricNumber, MetricPointView } from '../../../../src-shared/contract';
import { attributeText, sortedEntries } from '../attributes';

/** Lines per chart: past a dozen colours a legend stops being readable. */
export const MAX_SERIES = 12;
export const PERCENTILES = [0.5, 0.95, 0.99] as const;

export interface ChartSeries {
  label: string;
  /** One per x; null where the series has no point at that time. */
  values: Array<number | null>;
}

export interface ChartData {
  /** Unix seconds (uPlot's time unit), ascending, distinct. */
  xs: number[];
  series: ChartSeries[];
  /** Attribute sets not drawn because of MAX_SERIES. */
  droppedSeries: number;
}

export function metricNumber(v: MetricNumber | null): number | null {
  if (v === null) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Unix seconds from nanoseconds as decimal text, to the microsecond. */
export function nanosToSeconds(ns: string): number {
  const big = BigInt(ns);
  return Number(big / 1000n) / 1e6;
}

/** A readable, stable name for an attribute set: `k=v, k=v` sorted by key; "(no attributes)" when empty. */
export function seriesLabel(attrs: Attributes): string {
  const entries = sortedEntries(attrs);
  return entries.length === 0 ? '(no attributes)' : entries.map(([k, v]) => `${k}=${attributeText(v)}`).join(', ');
}

/** A bucket with its bounds; the quantile estimate interpolates linearly inside it. */
export interface Bucket {
  lo: number;
  hi: number;
  count: number;
}

/**
 * Explicit-bounds buckets with their edges: bucket i is (bounds[i-1], bounds[i]], the first starts
 * at the recorded min (or 0 for positive bounds, the Prometheus convention), the last ends at the
 * recorded max (or its lower bound when the max is unknown).
 */
export function explicitBuckets(h: HistogramValue): Bucket[] {
  const bounds = h.explicitBounds.map((b) => metricNumber(b) ?? NaN);
  const min = metricNumber(h.min);
  const max = metricNumber(h.max);
  const out: Bucket[] = [];
  for (let i = 0; i < h.bucketCounts.length; i++) {
    const count = h.bucketCounts[i] ?? 0;
    const upper = i < bounds.length ? bounds[i]! : null;
    const lower = i > 0 ? bounds[i - 1]! : null;
    const lo = lower ?? (min !== null ? Math.min(min, upper ?? min) : upper !== null && upper > 0 ? 0 : (upper ?? 0));
    const hi = upper ?? (max !== null ? Math.max(max, lo) : lo);
    out.push({ lo, hi, count });
  }
  return out;
}

/** Base-2 exponential buckets: index i covers (base^i, base^(i+1)] with base = 2^(2^-scale); negatives mirrored. */
export function exponentialBuckets(h: ExponentialHistogramValue): Bucket[] {
  const base = Math.pow(2, Math.pow(2, -h.scale));
  const out: Bucket[] = [];
  const neg = h.negative.bucketCounts;
  for (let i = neg.length - 1; i >= 0; i--) {
    const idx = h.negative.offset + i;
    out.push({ lo: -Math.pow(base, idx + 1), hi: -Math.pow(base, idx), count: neg[i] ?? 0 });
  }
  const zero = metricNumber(h.zeroThreshold) ?? 0;
  if (h.zeroCount > 0) out.push({ lo: -zero, hi: zero, count: h.zeroCount });
  h.positive.bucketCounts.forEach((count, i) => {
    const idx = h.positive.offset + i;
    out.push({ lo: Math.pow(base, idx), hi: Math.pow(base, idx + 1), count });
  });
  return out;
}

/** The q-quantile (0..1) of bucketed counts, linear within the bucket it falls in; null when empty. */
export function bucketQuantile(buckets: readonly Bucket[], q: number): number | null {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of buckets) {
    if (b.count <= 0) continue;
    if (seen + b.count >= rank) {
      const within = (rank - seen) / b.count;
      return b.lo + (b.hi - b.lo) * within;
    }
    seen += b.count;
  }
  const last = buckets[buckets.length - 1]!;
  return last.hi;
}

/** Bucket counts of `now` minus `before` when they share a shape, for cumulative histograms; null on a reset. */
function bucketDelta(now: readonly Bucket[], before: readonly Bucket[] | undefined): Bucket[] | null {
  if (!before || before.length !== now.length) return null;
  const out: Bucket[] = [];
  for (let i = 0; i < now.length; i++) {
    const a = now[i]!;
    const b = before[i]!;
    if (a.lo !== b.lo || a.hi !== b.hi || a.count < b.count) return null;
    out.push({ ...a, count: a.count - b.count });
  }
  return out;
}

function bucketsOf(p: MetricPointView): Bucket[] | null {
  if (p.histogram) return explicitBuckets(p.histogram);
  if (p.exponentialHistogram) return exponentialBuckets(p.exponentialHistogram);
  return null;
}

interface Grouped {
  xs: number[];
  groups: Map<string, MetricPointView[]>;
}

function group(points: readonly MetricPointView[]): Grouped {
  const xs = new Set<number>();
  const groups = new Map<string, MetricPointView[]>();
  for (const p of points) {
    xs.add(nanosToSeconds(p.timeUnixNano));
    const key = seriesLabel(p.attributes);
    const list = groups.get(key);
    if (list) list.push(p);
    else groups.set(key, [p]);
  }
  return { xs: [...xs].sort((a, b) => a - b), groups };
}

/** Gauges and sums: one line per attribute set, the MAX_SERIES sets with most points kept (ties by label). */
export function lineSeries(points: readonly MetricPointView[], maxSeries = MAX_SERIES): ChartData {
  const { xs, groups } = group(points);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ranked = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, maxSeries).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const series = kept.map(([label, pts]) => {
    const values: Array<number | null> = new Array<number | null>(xs.length).fill(null);
    for (const p of pts) values[index.get(nanosToSeconds(p.timeUnixNano))!] = metricNumber(p.value);
    return { label, values };
  });
  return { xs, series, droppedSeries: Math.max(0, ranked.length - maxSeries) };
}

/**
 * Histograms: p50/p95/p99 at each point time over every attribute set together. A cumulative
 * point counts everything since its start, so its percentiles would barely move: each is charted
 * from its difference to the previous point of the same set (the observations of that interval);
 * the first point of a set, or one after a reset, stands for itself.
 */
export function histogramSeries(points: readonly MetricPointView[]): ChartData {
  const { xs, groups } = group(points);
  const index = new Map(xs.map((x, i) => [x, i]));
  const perX: Array<Bucket[][]> = xs.map(() => []);
  for (const pts of groups.values()) {
    let prev: Bucket[] | undefined;
    let prevStart: string | undefined;
    for (const p of pts) {
      const buckets = bucketsOf(p);
      if (!buckets) continue;
      const cumulative = p.aggregationTemporality === 'cumulative';
      const delta = cumulative && prevStart === p.startTimeUnixNano ? bucketDelta(buckets, prev) : null;
      perX[index.get(nanosToSeconds(p.timeUnixNano))!]!.push(delta ?? buckets);
      prev = buckets;
      prevStart = p.startTimeUnixNano;
    }
  }
  const series = PERCENTILES.map((q) => ({
    label: `p${Math.round(q * 100)}`,
    values: perX.map((sets) => bucketQuantile(sets.flat().sort((a, b) => a.lo - b.lo || a.hi - b.hi), q)),
  }));
  return { xs, series, droppedSeries: 0 };
}

/** Summaries: one line per quantile they report, over every attribute set (the first set's reading wins at a time). */
export function summarySeries(points: readonly MetricPointView[]): ChartData {
  const { xs } = group(points);
  const index = new Map(xs.map((x, i) => [x, i]));
  const lines = new Map<string, Array<number | null>>();
  for (const p of points) {
    if (!p.summary) continue;
    for (const qv of p.summary.quantileValues) {
      const q = metricNumber(qv.quantile);
      if (q === null) continue;
      const label = `q${+(q * 100).toFixed(2)}`;
      let values = lines.get(label);
      if (!values) lines.set(label, (values = new Array<number | null>(xs.length).fill(null)));
      const at = index.get(nanosToSeconds(p.timeUnixNano))!;
      values[at] ??= metricNumber(qv.value);
    }
  }
  const series = [...lines.entries()].sort((a, b) => parseFloat(a[0].slice(1)) - parseFloat(b[0].slice(1))).map(([label, values]) => ({ label, values }));
  return { xs, series, droppedSeries: 0 };
}

/** The chart for a metric's points by its type. */
export function chartData(points: readonly MetricPointView[]): ChartData {
  const type = points[points.length - 1]?.type;
  if (type === 'histogram' || type === 'exponentialHistogram') return histogramSeries(points.filter((p) => p.type === type));
  if (type === 'summary') return summarySeries(points.filter((p) => p.type === 'summary'));
  return lineSeries(points.filter((p) => p.type === 'gauge' || p.type === 'sum'));
}

/** A histogram as a heatmap: per point time, the observations in each value band. */
export interface HeatmapData {
  /** Unix seconds, ascending, distinct. */
  xs: number[];
  /** Band edges, ascending: band i is (edges[i], edges[i+1]]. */
  edges: number[];
  /** counts[x][band]: observations at xs[x] in that band, summed over attribute sets. */
  counts: number[][];
  /** The largest cell, for the colour scale. */
  max: number;
}

/**
 * Histogram points → heatmap cells, each interval's own observations (cumulative points charted as
 * their difference to the previous one, as for percentiles). Bands are the buckets' own edges; the
 * open upper end reaches the recorded max, and is left out of the picture when none was recorded
 * (its observations still count in the percentiles).
 */
export function histogramHeatmap(points: readonly MetricPointView[]): HeatmapData {
  const { xs, groups } = group(points.filter((p) => p.histogram || p.exponentialHistogram));
  const index = new Map(xs.map((x, i) => [x, i]));
  const perX: Bucket[][] = xs.map(() => []);
  for (const pts of groups.values()) {
    let prev: Bucket[] | undefined;
    let prevStart: string | undefined;
    for (const p of pts) {
      const buckets = bucketsOf(p)!;
      const delta = p.aggregationTemporality === 'cumulative' && prevStart === p.startTimeUnixNano ? bucketDelta(buckets, prev) : null;
      perX[index.get(nanosToSeconds(p.timeUnixNano))!]!.push(...(delta ?? buckets));
      prev = buckets;
      prevStart = p.startTimeUnixNano;
    }
  }
  const edgeSet = new Set<number>();
  for (const bs of perX) for (const b of bs) if (b.hi > b.lo) edgeSet.add(b.lo).add(b.hi);
  const edges = [...edgeSet].sort((a, b) => a - b);
  const band = new Map(edges.map((e, i) => [e, i]));
  let max = 0;
  const counts = perX.map((bs) => {
    const row = new Array<number>(Math.max(0, edges.length - 1)).fill(0);
    for (const b of bs) {
      if (!(b.hi > b.lo) || b.count <= 0) continue;
      // A bucket spanning several bands (buckets differ between sets or points) goes to its lowest.
      const i = band.get(b.lo)!;
      row[i]! += b.count;
      if (row[i]! > max) max = row[i]!;
    }
    return row;
  });
  return { xs, edges, counts, max };
}
