/**
 * Decodes an OTLP `ExportMetricsServiceRequest`, protobuf or OTLP/JSON, flattened into one record
 * per data point carrying its metric's name, unit and shape. Field numbers follow opentelemetry-proto
 * metrics/v1/metrics.proto. Malformed framing or wrong JSON types throw DecodeError (→ 400); the
 * points of a metric without a name are rejected alone (partial success). Unknown fields are skipped.
 */
import type {
  AggregationTemporalityName,
  ExponentialBuckets,
  ExponentialHistogramValue,
  HistogramValue,
  MetricExemplar,
  MetricNumber,
  MetricPointView,
  MetricType,
  ResourceInfo,
  ScopeInfo,
  SummaryValue,
} from '../../../src-shared/contract';
import { DecodeError, toHex, WireReader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire';
import { doubleValue, intValue, readKeyValueInto, readResource, readScope, tagOf } from './common-protobuf';
import * as json from './common-json';
import { trimAttributes } from './limits';
import { ItemBatchBuilder, optionalId, type ItemBatch } from './item-batch';

export type MetricBatch = ItemBatch<MetricPointView>;

/** Metric's data oneof, by field number: the store keeps the number. */
export const METRIC_TYPE_FIELDS: Readonly<Record<MetricType, number>> = {
  gauge: 5,
  sum: 7,
  histogram: 9,
  exponentialHistogram: 10,
  summary: 11,
};
const TYPE_OF_FIELD = new Map(Object.entries(METRIC_TYPE_FIELDS).map(([type, field]) => [field, type as MetricType]));

export function metricTypeOf(field: number): MetricType {
  return TYPE_OF_FIELD.get(field) ?? 'gauge';
}

export const TEMPORALITIES: readonly AggregationTemporalityName[] = ['unspecified', 'delta', 'cumulative'];
export function temporalityName(n: number): AggregationTemporalityName {
  return TEMPORALITIES[n] ?? 'unspecified';
}

/** What every point of one metric shares. */
type MetricBase = Pick<
  MetricPointView,
  'name' | 'description' | 'unit' | 'type' | 'metadata' | 'aggregationTemporality' | 'isMonotonic' | 'resource' | 'scope'
>;

function newPoint(base: MetricBase): MetricPointView {
  return {
    ...base,
    startTimeUnixNano: '0',
    timeUnixNano: '0',
    attributes: {},
    flags: 0,
    value: null,
    histogram: null,
    exponentialHistogram: null,
    summary: null,
    exemplars: [],
  };
}

function addPoints(out: ItemBatchBuilder<MetricPointView>, base: MetricBase, points: MetricPointView[]): void {
  if (base.name === '') return out.reject('metric without a name: its data points are rejected', points.length);
  for (const p of points) {
    trimAttributes(p.attributes);
    out.add(p);
  }
}

/** Exemplar ids that are not valid are dropped, not the point: the value is still right. */
function exemplarIds(ex: MetricExemplar, traceHex: string, spanHex: string): void {
  ex.traceId = optionalId(traceHex, 16) ?? null;
  ex.spanId = ex.traceId === null ? null : (optionalId(spanHex, 8) ?? null);
}

const EMPTY_RESOURCE = (): ResourceInfo => ({ attributes: {}, droppedAttributesCount: 0 });
const EMPTY_SCOPE = (): ScopeInfo => ({ name: '', version: '', attributes: {}, droppedAttributesCount: 0 });

// ---- protobuf ----

type Bounds = { start: number; end: number };

export function decodeMetricsRequest(buf: Uint8Array): MetricBatch {
  const r = new WireReader(buf);
  const out = new ItemBatchBuilder<MetricPointView>();
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) readResourceMetrics(r.message(), out);
    else r.skip(tag & 7);
  }
  return out.finish();
}

function readResourceMetrics(r: WireReader, out: ItemBatchBuilder<MetricPointView>): void {
  let resource = EMPTY_RESOURCE();
  const scopes: Bounds[] = [];
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) resource = readResource(r.message());
    else if (tag === tagOf(2, WIRE_LEN)) scopes.push(r.lengthDelimited());
    else r.skip(tag & 7);
  }
  // The resource may follow its scope_metrics on the wire: read the metrics once it is known.
  for (const { start, end } of scopes) readScopeMetrics(r.slice(start, end), resource, out);
}

function readScopeMetrics(r: WireReader, resource: ResourceInfo, out: ItemBatchBuilder<MetricPointView>): void {
  let scope = EMPTY_SCOPE();
  const metrics: Bounds[] = [];
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_LEN)) scope = readScope(r.message());
    else if (tag === tagOf(2, WIRE_LEN)) metrics.push(r.lengthDelimited());
    else r.skip(tag & 7);
  }
  for (const { start, end } of metrics) readMetric(r.slice(start, end), resource, scope, out);
}

function readMetric(r: WireReader, resource: ResourceInfo, scope: ScopeInfo, out: ItemBatchBuilder<MetricPointView>): void {
  const base: MetricBase = {
    name: '', description: '', unit: '', type: 'gauge', metadata: {},
    aggregationTemporality: 'unspecified', isMonotonic: false, resource, scope,
  };
  let data: (Bounds & { field: number }) | null = null;
  while (!r.done()) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (tag === tagOf(1, WIRE_LEN)) base.name = r.string();
    else if (tag === tagOf(2, WIRE_LEN)) base.description = r.string();
    else if (tag === tagOf(3, WIRE_LEN)) base.unit = r.string();
    else if (tag === tagOf(12, WIRE_LEN)) readKeyValueInto(r, base.metadata, 0);
    // A oneof: the last data field on the wire wins, as protobuf parsers do.
    else if ((tag & 7) === WIRE_LEN && TYPE_OF_FIELD.has(field)) data = { field, ...r.lengthDelimited() };
    else r.skip(tag & 7);
  }
  if (!data) return;
  base.type = metricTypeOf(data.field);
  const d = r.slice(data.start, data.end);
  const pointBounds: Bounds[] = [];
  while (!d.done()) {
    const tag = d.tag();
    if (tag === tagOf(1, WIRE_LEN)) pointBounds.push(d.lengthDelimited());
    else if (tag === tagOf(2, WIRE_VARINT) && base.type !== 'gauge' && base.type !== 'summary') base.aggregationTemporality = temporalityName(d.varint32());
    else if (tag === tagOf(3, WIRE_VARINT) && base.type === 'sum') base.isMonotonic = d.bool();
    else d.skip(tag & 7);
  }
  const points = pointBounds.map(({ start, end }) => {
    const p = newPoint(base);
    const pr = d.slice(start, end);
    if (base.type === 'gauge' || base.type === 'sum') readNumberPoint(pr, p);
    else if (base.type === 'histogram') readHistogramPoint(pr, p);
    else if (base.type === 'exponentialHistogram') readExponentialPoint(pr, p);
    else readSummaryPoint(pr, p);
    return p;
  });
  addPoints(out, base, points);
}

/** sfixed64: the unsigned reading, reinterpreted as two's complement. */
function sfixed64(r: WireReader): MetricNumber {
  return intValue(BigInt.asIntN(64, BigInt(r.fixed64String())));
}

function fixed64Number(r: WireReader): number {
  return Number(r.fixed64String());
}

function zigzag32(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

/** A repeated scalar that may arrive packed (one length-delimited run) or one field per value. */
function readRepeated<T>(r: WireReader, tag: number, scalarWire: number, read: (x: WireReader) => T, into: T[]): void {
  if ((tag & 7) === WIRE_LEN) {
    const packed = r.message();
    while (!packed.done()) into.push(read(packed));
  } else if ((tag & 7) === scalarWire) into.push(read(r));
  else throw new DecodeError(`repeated field ${tag >>> 3} has wire type ${tag & 7}`);
}

const readFixed64Count = (x: WireReader) => fixed64Number(x);
const readDouble = (x: WireReader) => doubleValue(x.double());
const readUint64Count = (x: WireReader) => Number(BigInt.asUintN(64, x.varint64()));

function readNumberPoint(r: WireReader, p: MetricPointView): void {
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(2, WIRE_FIXED64): p.startTimeUnixNano = r.fixed64String(); break;
      case tagOf(3, WIRE_FIXED64): p.timeUnixNano = r.fixed64String(); break;
      case tagOf(4, WIRE_FIXED64): p.value = doubleValue(r.double()); break;
      case tagOf(5, WIRE_LEN): p.exemplars.push(readExemplar(r.message())); break;
      case tagOf(6, WIRE_FIXED64): p.value = sfixed64(r); break;
      case tagOf(7, WIRE_LEN): readKeyValueInto(r, p.attributes, 0); break;
      case tagOf(8, WIRE_VARINT): p.flags = r.varint32(); break;
      default: r.skip(tag & 7);
    }
  }
}

function readHistogramPoint(r: WireReader, p: MetricPointView): void {
  const h: HistogramValue = { count: 0, sum: null, min: null, max: null, bucketCounts: [], explicitBounds: [] };
  p.histogram = h;
  while (!r.done()) {
    const tag = r.tag();
    const field = tag >>> 3;
    if (field === 6) readRepeated(r, tag, WIRE_FIXED64, readFixed64Count, h.bucketCounts);
    else if (field === 7) readRepeated(r, tag, WIRE_FIXED64, readDouble, h.explicitBounds);
    else switch (tag) {
      case tagOf(2, WIRE_FIXED64): p.startTimeUnixNano = r.fixed64String(); break;
      case tagOf(3, WIRE_FIXED64): p.timeUnixNano = r.fixed64String(); break;
      case tagOf(4, WIRE_FIXED64): h.count = fixed64Number(r); break;
      case tagOf(5, WIRE_FIXED64): h.sum = doubleValue(r.double()); break;
      case tagOf(8, WIRE_LEN): p.exemplars.push(readExemplar(r.message())); break;
      case tagOf(9, WIRE_LEN): readKeyValueInto(r, p.attributes, 0); break;
      case tagOf(10, WIRE_VARINT): p.flags = r.varint32(); break;
      case tagOf(11, WIRE_FIXED64): h.min = doubleValue(r.double()); break;
      case tagOf(12, WIRE_FIXED64): h.max = doubleValue(r.double()); break;
      default: r.skip(tag & 7);
    }
  }
}

function readBuckets(r: WireReader): ExponentialBuckets {
  const b: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === tagOf(1, WIRE_VARINT)) b.offset = zigzag32(r.varint32());
    else if (tag >>> 3 === 2) readRepeated(r, tag, WIRE_VARINT, readUint64Count, b.bucketCounts);
    else r.skip(tag & 7);
  }
  return b;
}

function readExponentialPoint(r: WireReader, p: MetricPointView): void {
  const e: ExponentialHistogramValue = {
    count: 0, sum: null, min: null, max: null, scale: 0, zeroCount: 0, zeroThreshold: 0,
    positive: { offset: 0, bucketCounts: [] },
    negative: { offset: 0, bucketCounts: [] },
  };
  p.exponentialHistogram = e;
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(1, WIRE_LEN): readKeyValueInto(r, p.attributes, 0); break;
      case tagOf(2, WIRE_FIXED64): p.startTimeUnixNano = r.fixed64String(); break;
      case tagOf(3, WIRE_FIXED64): p.timeUnixNano = r.fixed64String(); break;
      case tagOf(4, WIRE_FIXED64): e.count = fixed64Number(r); break;
      case tagOf(5, WIRE_FIXED64): e.sum = doubleValue(r.double()); break;
      case tagOf(6, WIRE_VARINT): e.scale = zigzag32(r.varint32()); break;
      case tagOf(7, WIRE_FIXED64): e.zeroCount = fixed64Number(r); break;
      case tagOf(8, WIRE_LEN): e.positive = readBuckets(r.message()); break;
      case tagOf(9, WIRE_LEN): e.negative = readBuckets(r.message()); break;
      case tagOf(10, WIRE_VARINT): p.flags = r.varint32(); break;
      case tagOf(11, WIRE_LEN): p.exemplars.push(readExemplar(r.message())); break;
      case tagOf(12, WIRE_FIXED64): e.min = doubleValue(r.double()); break;
      case tagOf(13, WIRE_FIXED64): e.max = doubleValue(r.double()); break;
      case tagOf(14, WIRE_FIXED64): e.zeroThreshold = doubleValue(r.double()); break;
      default: r.skip(tag & 7);
    }
  }
}

function readSummaryPoint(r: WireReader, p: MetricPointView): void {
  const s: SummaryValue = { count: 0, sum: 0, quantileValues: [] };
  p.summary = s;
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(2, WIRE_FIXED64): p.startTimeUnixNano = r.fixed64String(); break;
      case tagOf(3, WIRE_FIXED64): p.timeUnixNano = r.fixed64String(); break;
      case tagOf(4, WIRE_FIXED64): s.count = fixed64Number(r); break;
      case tagOf(5, WIRE_FIXED64): s.sum = doubleValue(r.double()); break;
      case tagOf(6, WIRE_LEN): {
        const q = r.message();
        const qv: SummaryValue['quantileValues'][number] = { quantile: 0, value: 0 };
        while (!q.done()) {
          const t = q.tag();
          if (t === tagOf(1, WIRE_FIXED64)) qv.quantile = doubleValue(q.double());
          else if (t === tagOf(2, WIRE_FIXED64)) qv.value = doubleValue(q.double());
          else q.skip(t & 7);
        }
        s.quantileValues.push(qv);
        break;
      }
      case tagOf(7, WIRE_LEN): readKeyValueInto(r, p.attributes, 0); break;
      case tagOf(8, WIRE_VARINT): p.flags = r.varint32(); break;
      default: r.skip(tag & 7);
    }
  }
}

function readExemplar(r: WireReader): MetricExemplar {
  const ex: MetricExemplar = { timeUnixNano: '0', value: null, traceId: null, spanId: null, filteredAttributes: {} };
  let traceHex = '';
  let spanHex = '';
  while (!r.done()) {
    const tag = r.tag();
    switch (tag) {
      case tagOf(2, WIRE_FIXED64): ex.timeUnixNano = r.fixed64String(); break;
      case tagOf(3, WIRE_FIXED64): ex.value = doubleValue(r.double()); break;
      case tagOf(4, WIRE_LEN): spanHex = toHex(r.bytes()); break;
      case tagOf(5, WIRE_LEN): traceHex = toHex(r.bytes()); break;
      case tagOf(6, WIRE_FIXED64): ex.value = sfixed64(r); break;
      case tagOf(7, WIRE_LEN): readKeyValueInto(r, ex.filteredAttributes, 0); break;
      default: r.skip(tag & 7);
    }
  }
  exemplarIds(ex, traceHex, spanHex);
  return ex;
}

// ---- OTLP/JSON ----

const JSON_TYPES: ReadonlyArray<[string, MetricType]> = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponentialHistogram'],
  ['summary', 'summary'],
];

export function decodeMetricsRequestJson(body: Uint8Array): MetricBatch {
  const request = json.object(json.parseJsonBody(body), 'request');
  const out = new ItemBatchBuilder<MetricPointView>();
  for (const rm of json.array(request.resourceMetrics, 'resourceMetrics')) {
    const resourceMetrics = json.object(rm, 'resourceMetrics[]');
    const resource = json.readResource(resourceMetrics.resource);
    for (const sm of json.array(resourceMetrics.scopeMetrics, 'scopeMetrics')) {
      const scopeMetrics = json.object(sm, 'scopeMetrics[]');
      const scope = json.readScope(scopeMetrics.scope);
      for (const m of json.array(scopeMetrics.metrics, 'metrics')) readMetricJson(json.object(m, 'metric'), resource, scope, out);
    }
  }
  return out.finish();
}

function readMetricJson(m: json.Json, resource: ResourceInfo, scope: ScopeInfo, out: ItemBatchBuilder<MetricPointView>): void {
  const found = JSON_TYPES.find(([key]) => m[key] !== undefined && m[key] !== null);
  const base: MetricBase = {
    name: json.str(m.name, 'metric.name'),
    description: json.str(m.description, 'metric.description'),
    unit: json.str(m.unit, 'metric.unit'),
    type: found?.[1] ?? 'gauge',
    metadata: {},
    aggregationTemporality: 'unspecified',
    isMonotonic: false,
    resource,
    scope,
  };
  json.readAttributes(m.metadata, base.metadata, 0);
  if (!found) return;
  const data = json.object(m[found[0]], found[0]);
  if (base.type === 'sum' || base.type === 'histogram' || base.type === 'exponentialHistogram') {
    base.aggregationTemporality = temporalityName(json.uint(data.aggregationTemporality, 'aggregationTemporality'));
  }
  if (base.type === 'sum') base.isMonotonic = jsonBool(data.isMonotonic, 'isMonotonic');
  const points = json.array(data.dataPoints, 'dataPoints').map((raw) => {
    const dp = json.object(raw, 'dataPoint');
    const p = newPoint(base);
    p.startTimeUnixNano = json.nanos(dp.startTimeUnixNano, 'startTimeUnixNano');
    p.timeUnixNano = json.nanos(dp.timeUnixNano, 'timeUnixNano');
    p.flags = json.uint(dp.flags, 'flags');
    json.readAttributes(dp.attributes, p.attributes, 0);
    p.exemplars = json.array(dp.exemplars, 'exemplars').map(readExemplarJson);
    if (base.type === 'gauge' || base.type === 'sum') p.value = numberValueJson(dp);
    else if (base.type === 'histogram') {
      p.histogram = {
        count: json.uint(dp.count, 'count'),
        sum: optionalDouble(dp.sum, 'sum'),
        min: optionalDouble(dp.min, 'min'),
        max: optionalDouble(dp.max, 'max'),
        bucketCounts: json.array(dp.bucketCounts, 'bucketCounts').map((c) => json.uint(c, 'bucketCounts[]')),
        explicitBounds: json.array(dp.explicitBounds, 'explicitBounds').map((b) => double(b, 'explicitBounds[]')),
      };
    } else if (base.type === 'exponentialHistogram') {
      p.exponentialHistogram = {
        count: json.uint(dp.count, 'count'),
        sum: optionalDouble(dp.sum, 'sum'),
        min: optionalDouble(dp.min, 'min'),
        max: optionalDouble(dp.max, 'max'),
        scale: int32(dp.scale, 'scale'),
        zeroCount: json.uint(dp.zeroCount, 'zeroCount'),
        zeroThreshold: optionalDouble(dp.zeroThreshold, 'zeroThreshold') ?? 0,
        positive: bucketsJson(dp.positive, 'positive'),
        negative: bucketsJson(dp.negative, 'negative'),
      };
    } else {
      p.summary = {
        count: json.uint(dp.count, 'count'),
        sum: optionalDouble(dp.sum, 'sum') ?? 0,
        quantileValues: json.array(dp.quantileValues, 'quantileValues').map((q) => {
          const qv = json.object(q, 'quantileValue');
          return { quantile: optionalDouble(qv.quantile, 'quantile') ?? 0, value: optionalDouble(qv.value, 'value') ?? 0 };
        }),
      };
    }
    return p;
  });
  addPoints(out, base, points);
}

function bucketsJson(v: unknown, what: string): ExponentialBuckets {
  const b = json.object(v, what);
  return {
    offset: int32(b.offset, `${what}.offset`),
    bucketCounts: json.array(b.bucketCounts, `${what}.bucketCounts`).map((c) => json.uint(c, `${what}.bucketCounts[]`)),
  };
}

function readExemplarJson(v: unknown): MetricExemplar {
  const e = json.object(v, 'exemplar');
  const ex: MetricExemplar = {
    timeUnixNano: json.nanos(e.timeUnixNano, 'exemplar.timeUnixNano'),
    value: numberValueJson(e),
    traceId: null,
    spanId: null,
    filteredAttributes: {},
  };
  json.readAttributes(e.filteredAttributes, ex.filteredAttributes, 0);
  exemplarIds(ex, json.hexId(e.traceId), json.hexId(e.spanId));
  return ex;
}

/** NumberDataPoint and Exemplar: `asDouble` or `asInt` (int64: a string or a number). */
function numberValueJson(o: json.Json): MetricNumber | null {
  if (o.asInt !== undefined && o.asInt !== null) {
    const raw = o.asInt;
    if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
    if (typeof raw === 'string' && /^-?\d{1,20}$/.test(raw)) return intValue(BigInt.asIntN(64, BigInt(raw)));
    throw new DecodeError('asInt must be an integer (string or number)');
  }
  return optionalDouble(o.asDouble, 'asDouble');
}

/** A JSON double: a number, or the text of one ("NaN", "Infinity" and "-Infinity" included). */
function double(v: unknown, what: string): MetricNumber {
  if (typeof v === 'number') return doubleValue(v);
  if (typeof v === 'string') {
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return v;
    if (v.trim() !== '' && !Number.isNaN(Number(v))) return doubleValue(Number(v));
  }
  throw new DecodeError(`${what} must be a number`);
}

function optionalDouble(v: unknown, what: string): MetricNumber | null {
  return v === undefined || v === null ? null : double(v, what);
}

function int32(v: unknown, what: string): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || Math.abs(n) > 2 ** 31) throw new DecodeError(`${what} must be a 32-bit integer`);
  return n;
}

function jsonBool(v: unknown, what: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new DecodeError(`${what} must be a boolean`);
  return v;
}
