/**
 * Metric points → chart series: lines per attribute set (capped), histogram percentiles estimated
 * from bucket counts (checked against the exact percentiles of a known distribution), cumulative
 * histograms charted per interval, exponential buckets, summaries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricPointView } from '../../src-shared/contract';
import {
  bucketQuantile,
  chartData,
  explicitBuckets,
  exponentialBuckets,
  histogramHeatmap,
  histogramSeries,
  lineSeries,
  nanosToSeconds,
  seriesLabel,
} from '../../src-renderer/src/lib/telemetry/metrics';

const T0 = 1_765_022_400n; // seconds
const at = (s: number) => ((T0 + BigInt(s)) * 1_000_000_000n).toString();

function point(over: Partial<MetricPointView>): MetricPointView {
  return {
    name: 'm', description: '', unit: '', type: 'gauge', metadata: {}, aggregationTemporality: 'unspecified', isMonotonic: false,
    startTimeUnixNano: at(0), timeUnixNano: at(0), attributes: {}, flags: 0, value: null, histogram: null,
    exponentialHistogram: null, summary: null, exemplars: [],
    resource: { attributes: {}, droppedAttributesCount: 0 }, scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
    ...over,
  } as MetricPointView;
}

test('times become unix seconds to the microsecond; labels name the attribute set by sorted key', () => {
  assert.equal(nanosToSeconds('1765022400123456789'), 1765022400.123456);
  assert.equal(seriesLabel({ model: 'gpt-4o', 'gen_ai.operation.name': 'chat' }), 'gen_ai.operation.name=chat, model=gpt-4o');
  assert.equal(seriesLabel({}), '(no attributes)');
});

test('gauges and sums: one line per attribute set on a shared time axis, gaps as null, big ints and NaN handled', () => {
  const data = lineSeries([
    point({ timeUnixNano: at(0), value: 1, attributes: { k: 'a' } }),
    point({ timeUnixNano: at(10), value: 2, attributes: { k: 'a' } }),
    point({ timeUnixNano: at(10), value: '9007199254740993', attributes: { k: 'b' } }),
    point({ timeUnixNano: at(20), value: 'NaN', attributes: { k: 'b' } }),
  ]);
  assert.deepEqual(data.xs, [Number(T0), Number(T0) + 10, Number(T0) + 20]);
  assert.deepEqual(data.series.map((s) => s.label), ['k=a', 'k=b']);
  assert.deepEqual(data.series[0]!.values, [1, 2, null]);
  assert.deepEqual(data.series[1]!.values, [null, 9007199254740992, null]);
  assert.equal(data.droppedSeries, 0);
});

test('past the cap the attribute sets with most points are kept and the rest counted', () => {
  const points: MetricPointView[] = [];
  for (let set = 0; set < 5; set++) for (let i = 0; i <= set; i++) points.push(point({ timeUnixNano: at(i), value: i, attributes: { set } }));
  const data = lineSeries(points, 3);
  assert.deepEqual(data.series.map((s) => s.label), ['set=2', 'set=3', 'set=4']);
  assert.equal(data.droppedSeries, 2);
});

test('histogram percentiles from buckets stay within a bucket of the exact ones on a known distribution', () => {
  // 10,000 latencies uniform on 0..1000 ms into Prometheus-style bounds.
  const bounds = [5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500];
  const values = Array.from({ length: 10_000 }, (_, i) => (i + 0.5) / 10);
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    const i = bounds.findIndex((b) => v <= b);
    counts[i < 0 ? bounds.length : i]!++;
  }
  const buckets = explicitBuckets({ count: values.length, sum: null, min: 0.05, max: 999.95, bucketCounts: counts, explicitBounds: bounds });
  const exact = (q: number) => values[Math.ceil(q * values.length) - 1]!;
  for (const q of [0.5, 0.95, 0.99]) {
    const estimate = bucketQuantile(buckets, q)!;
    // Uniform data inside a bucket: linear interpolation is exact to the sample spacing.
    assert.ok(Math.abs(estimate - exact(q)) <= 0.2, `p${q * 100}: ${estimate} vs ${exact(q)}`);
  }
  assert.equal(bucketQuantile([], 0.5), null);
  assert.equal(bucketQuantile([{ lo: 0, hi: 1, count: 0 }], 0.5), null);
});

test('explicit buckets: the first starts at min (or 0 for positive bounds), the overflow ends at max (or its lower bound)', () => {
  assert.deepEqual(explicitBuckets({ count: 3, sum: null, min: null, max: null, bucketCounts: [1, 1, 1], explicitBounds: [10, 20] }), [
    { lo: 0, hi: 10, count: 1 },
    { lo: 10, hi: 20, count: 1 },
    { lo: 20, hi: 20, count: 1 },
  ]);
  assert.deepEqual(explicitBuckets({ count: 2, sum: null, min: 2, max: 35, bucketCounts: [1, 0, 1], explicitBounds: [10, 20] })[2], { lo: 20, hi: 35, count: 1 });
  assert.deepEqual(explicitBuckets({ count: 1, sum: null, min: null, max: null, bucketCounts: [1], explicitBounds: [] }), [{ lo: 0, hi: 0, count: 1 }]);
});

test('exponential buckets: base 2^(2^-scale), negatives mirrored below the zero bucket', () => {
  const buckets = exponentialBuckets({
    count: 4, sum: null, min: null, max: null, scale: 0, zeroCount: 1, zeroThreshold: 0,
    positive: { offset: 1, bucketCounts: [1, 1] }, negative: { offset: 0, bucketCounts: [1] },
  });
  assert.deepEqual(buckets, [
    { lo: -2, hi: -1, count: 1 },
    { lo: -0, hi: 0, count: 1 },
    { lo: 2, hi: 4, count: 1 },
    { lo: 4, hi: 8, count: 1 },
  ]);
  assert.equal(bucketQuantile(buckets, 1), 8);
});

test('a cumulative histogram is charted per interval: each point minus the previous of its set; a reset stands alone', () => {
  const h = (counts: number[]) => ({ count: counts.reduce((a, b) => a + b, 0), sum: null, min: null, max: null, bucketCounts: counts, explicitBounds: [10, 100] });
  const cumulative = { type: 'histogram' as const, aggregationTemporality: 'cumulative' as const };
  const data = histogramSeries([
    point({ ...cumulative, timeUnixNano: at(0), histogram: h([10, 0, 0]) }),
    // The next interval's 10 observations all fell in (10, 100]: its p50 is there, not in the first bucket.
    point({ ...cumulative, timeUnixNano: at(10), histogram: h([10, 10, 0]) }),
    // Counts went down: the producer restarted (new start time), the point is its own interval.
    point({ ...cumulative, startTimeUnixNano: at(15), timeUnixNano: at(20), histogram: h([2, 0, 0]) }),
  ]);
  assert.deepEqual(data.series.map((s) => s.label), ['p50', 'p95', 'p99']);
  const p50 = data.series[0]!.values;
  assert.equal(p50[0], 5);
  assert.equal(p50[1], 55);
  assert.equal(p50[2], 5);
});

test('delta histograms of several attribute sets at one time are merged before the percentile', () => {
  const h = (counts: number[]) => ({ count: counts.reduce((a, b) => a + b, 0), sum: null, min: null, max: null, bucketCounts: counts, explicitBounds: [10, 100] });
  const data = chartData([
    point({ type: 'histogram', aggregationTemporality: 'delta', timeUnixNano: at(0), attributes: { m: 'a' }, histogram: h([9, 0, 0]) }),
    point({ type: 'histogram', aggregationTemporality: 'delta', timeUnixNano: at(0), attributes: { m: 'b' }, histogram: h([0, 1, 0]) }),
  ]);
  assert.equal(data.xs.length, 1);
  assert.ok(data.series[0]!.values[0]! < 10, 'p50 in the first bucket');
  assert.ok(data.series[2]!.values[0]! > 10, 'p99 in the second');
});

test('summaries chart the quantiles they carry, one line each, in quantile order', () => {
  const data = chartData([
    point({ type: 'summary', timeUnixNano: at(0), summary: { count: 3, sum: 6, quantileValues: [{ quantile: 0.99, value: 9 }, { quantile: 0.5, value: 2 }] } }),
    point({ type: 'summary', timeUnixNano: at(5), summary: { count: 3, sum: 6, quantileValues: [{ quantile: 0.5, value: 3 }, { quantile: 0.99, value: 8 }] } }),
  ]);
  assert.deepEqual(data.series, [
    { label: 'q50', values: [2, 3] },
    { label: 'q99', values: [9, 8] },
  ]);
});

test('chartData picks by the newest point type; sums chart as lines', () => {
  const data = chartData([point({ type: 'sum', value: 4, isMonotonic: true, aggregationTemporality: 'cumulative' })]);
  assert.deepEqual(data.series, [{ label: '(no attributes)', values: [4] }]);
  assert.deepEqual(chartData([]), { xs: [], series: [], droppedSeries: 0 });
});

test('a histogram heatmap: bands from the bucket edges, each interval its own counts, an open end drawn only up to a recorded max', () => {
  const h = (counts: number[], max: number | null = null) => ({ count: counts.reduce((a, b) => a + b, 0), sum: null, min: null, max, bucketCounts: counts, explicitBounds: [10, 100] });
  const cumulative = { type: 'histogram' as const, aggregationTemporality: 'cumulative' as const };
  const heat = histogramHeatmap([
    point({ ...cumulative, timeUnixNano: at(0), histogram: h([3, 1, 0]) }),
    point({ ...cumulative, timeUnixNano: at(10), histogram: h([3, 6, 2]) }),
  ]);
  assert.deepEqual(heat.xs, [Number(T0), Number(T0) + 10]);
  assert.deepEqual(heat.edges, [0, 10, 100]);
  assert.deepEqual(heat.counts, [[3, 1], [0, 5]]);
  assert.equal(heat.max, 5);
  const withMax = histogramHeatmap([point({ type: 'histogram', aggregationTemporality: 'delta', histogram: h([0, 0, 2], 400) })]);
  assert.deepEqual(withMax.edges, [0, 10, 100, 400]);
  assert.deepEqual(withMax.counts, [[0, 0, 2]]);
  assert.deepEqual(histogramHeatmap([]), { xs: [], edges: [], counts: [], max: 0 });
});
