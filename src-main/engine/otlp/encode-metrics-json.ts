/**
 * Stored metric points → an OTLP/JSON `ExportMetricsServiceRequest`, the inverse of
 * decodeMetricsRequestJson: whatever this writes reads back to the same points, in the same order.
 * Neighbouring points of one metric (same resource, scope, name, description, unit, type,
 * temporality, monotonicity and metadata) share a metric entry. Pure: no Node imports.
 */
import type {
  ExponentialBuckets,
  ExponentialHistogramValue,
  HistogramValue,
  MetricExemplar,
  MetricNumber,
  MetricPointView,
  MetricType,
  SummaryValue,
} from '../../../src-shared/contract';
import { encodeResource, encodeScope, hasKeys, keyValues, type OtlpKeyValue, type OtlpResource, type OtlpScope } from './encode-json';
import { runs, sameValue } from './encode-logs-json';
import { TEMPORALITIES } from './decode-metrics';

/** A double as OTLP/JSON writes it: a number, or "NaN", "Infinity", "-Infinity", "-0". */
type OtlpDouble = number | string;

/** NumberDataPoint and Exemplar value: neither field when the point had none. */
type OtlpNumberValue = { asInt?: string; asDouble?: OtlpDouble };

export interface OtlpExemplar extends OtlpNumberValue {
  timeUnixNano: string;
  traceId?: string;
  spanId?: string;
  filteredAttributes?: OtlpKeyValue[];
}

/** Every data point type's fields; which ones are set follows the metric's type. */
export interface OtlpDataPoint extends OtlpNumberValue {
  startTimeUnixNano: string;
  timeUnixNano: string;
  attributes?: OtlpKeyValue[];
  flags?: number;
  exemplars?: OtlpExemplar[];
  count?: string;
  sum?: OtlpDouble;
  min?: OtlpDouble;
  max?: OtlpDouble;
  bucketCounts?: string[];
  explicitBounds?: OtlpDouble[];
  scale?: number;
  zeroCount?: string;
  zeroThreshold?: OtlpDouble;
  positive?: { offset: number; bucketCounts: string[] };
  negative?: { offset: number; bucketCounts: string[] };
  quantileValues?: Array<{ quantile: OtlpDouble; value: OtlpDouble }>;
}

export interface OtlpMetricData {
  dataPoints: OtlpDataPoint[];
  /** The OTLP AggregationTemporality enum number: sum, histogram and exponential histogram. */
  aggregationTemporality?: number;
  /** Sums only. */
  isMonotonic?: boolean;
}

export type OtlpMetric = {
  name: string;
  description?: string;
  unit?: string;
  metadata?: OtlpKeyValue[];
} & Partial<Record<MetricType, OtlpMetricData>>;

export interface OtlpMetricsRequest {
  resourceMetrics: Array<{ resource: OtlpResource; scopeMetrics: Array<{ scope: OtlpScope; metrics: OtlpMetric[] }> }>;
}

export function encodeMetricsRequestJson(points: readonly MetricPointView[]): OtlpMetricsRequest {
  const same = sameValue();
  const sameMetric = (a: MetricPointView, b: MetricPointView): boolean =>
    a.name === b.name &&
    a.description === b.description &&
    a.unit === b.unit &&
    a.type === b.type &&
    a.aggregationTemporality === b.aggregationTemporality &&
    a.isMonotonic === b.isMonotonic &&
    same(a.metadata, b.metadata);
  return {
    resourceMetrics: runs(points, (a, b) => same(a.resource, b.resource)).map((inResource) => ({
      resource: encodeResource(inResource[0]!.resource),
      scopeMetrics: runs(inResource, (a, b) => same(a.scope, b.scope)).map((inScope) => ({
        scope: encodeScope(inScope[0]!.scope),
        metrics: runs(inScope, sameMetric).map(encodeMetric),
      })),
    })),
  };
}

function encodeMetric(points: MetricPointView[]): OtlpMetric {
  const first = points[0]!;
  const out: OtlpMetric = { name: first.name };
  if (first.description) out.description = first.description;
  if (first.unit) out.unit = first.unit;
  if (hasKeys(first.metadata)) out.metadata = keyValues(first.metadata);
  const data: OtlpMetricData = { dataPoints: points.map(encodePoint) };
  if (first.type === 'sum' || first.type === 'histogram' || first.type === 'exponentialHistogram') {
    data.aggregationTemporality = Math.max(0, TEMPORALITIES.indexOf(first.aggregationTemporality));
  }
  if (first.type === 'sum') data.isMonotonic = first.isMonotonic;
  out[first.type] = data;
  return out;
}

function encodePoint(p: MetricPointView): OtlpDataPoint {
  const out: OtlpDataPoint = { startTimeUnixNano: p.startTimeUnixNano, timeUnixNano: p.timeUnixNano };
  if (hasKeys(p.attributes)) out.attributes = keyValues(p.attributes);
  if (p.flags) out.flags = p.flags;
  if (p.exemplars.length > 0) out.exemplars = p.exemplars.map(encodeExemplar);
  if (p.type === 'gauge' || p.type === 'sum') Object.assign(out, numberValue(p.value));
  else if (p.histogram) writeHistogram(out, p.histogram);
  else if (p.exponentialHistogram) writeExponentialHistogram(out, p.exponentialHistogram);
  else if (p.summary) writeSummary(out, p.summary);
  return out;
}

function writeHistogram(out: OtlpDataPoint, h: HistogramValue): void {
  out.count = uint64(h.count);
  writeOptionalDoubles(out, h);
  out.bucketCounts = h.bucketCounts.map(uint64);
  out.explicitBounds = h.explicitBounds.map(double);
}

function writeExponentialHistogram(out: OtlpDataPoint, e: ExponentialHistogramValue): void {
  out.count = uint64(e.count);
  writeOptionalDoubles(out, e);
  out.scale = e.scale;
  out.zeroCount = uint64(e.zeroCount);
  out.zeroThreshold = double(e.zeroThreshold);
  out.positive = buckets(e.positive);
  out.negative = buckets(e.negative);
}

function writeSummary(out: OtlpDataPoint, s: SummaryValue): void {
  out.count = uint64(s.count);
  out.sum = double(s.sum);
  out.quantileValues = s.quantileValues.map((q) => ({ quantile: double(q.quantile), value: double(q.value) }));
}

/** Histogram sum, min and max are optional in OTLP: absent stays absent rather than becoming 0. */
function writeOptionalDoubles(out: OtlpDataPoint, h: Pick<HistogramValue, 'sum' | 'min' | 'max'>): void {
  if (h.sum !== null) out.sum = double(h.sum);
  if (h.min !== null) out.min = double(h.min);
  if (h.max !== null) out.max = double(h.max);
}

function buckets(b: ExponentialBuckets): { offset: number; bucketCounts: string[] } {
  return { offset: b.offset, bucketCounts: b.bucketCounts.map(uint64) };
}

function encodeExemplar(ex: MetricExemplar): OtlpExemplar {
  const out: OtlpExemplar = { timeUnixNano: ex.timeUnixNano, ...numberValue(ex.value) };
  if (ex.traceId !== null) out.traceId = ex.traceId;
  if (ex.spanId !== null) out.spanId = ex.spanId;
  if (hasKeys(ex.filteredAttributes)) out.filteredAttributes = keyValues(ex.filteredAttributes);
  return out;
}

const INT64_TEXT = /^-?\d+$/;

/**
 * The stored value does not say whether it came as asInt or asDouble, so the field written is one
 * that reads back to the same value: decimal text (int64 beyond ±2^53) and safe integers as asInt,
 * anything else as asDouble, where NaN and ±Infinity are already their names.
 */
function numberValue(v: MetricNumber | null): OtlpNumberValue {
  if (v === null) return {};
  if (typeof v === 'string') return INT64_TEXT.test(v) ? { asInt: v } : { asDouble: v };
  return Number.isSafeInteger(v) && !Object.is(v, -0) ? { asInt: String(v) } : { asDouble: double(v) };
}

/** JSON.stringify writes -0 as 0; as text it reads back as -0. */
function double(v: MetricNumber): OtlpDouble {
  return Object.is(v, -0) ? '-0' : v;
}

/** fixed64 and uint64 are decimal text in OTLP/JSON; the decoder takes a number too. */
function uint64(n: number): string {
  return String(n);
}
