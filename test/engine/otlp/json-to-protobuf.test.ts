/**
 * otlpJsonToProtobuf against the official OpenTelemetry JS serializers: the same SDK data serialized
 * as OTLP/JSON and transcoded must decode to exactly what the SDK's own protobuf serialization
 * decodes to, read by protobufjs with the opentelemetry-proto definitions (so every field counts, not
 * only those our decoders keep). What the JS SDK never sends (summaries, exemplars, flags, NaN, entity
 * refs, bytes and kvlist attributes) is written by hand and checked against protobufjs's own encoder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import protobuf from 'protobufjs';
import { context, createTraceState, SpanKind, SpanStatusCode, trace, TraceFlags, ValueType, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, AggregationType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  JsonLogsSerializer, JsonMetricsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { otlpJsonToProtobuf } from '../../../src-main/engine/otlp/json-to-protobuf';
import type { OtlpSignal } from '../../../src-main/engine/otlp/responses';
import { DecodeError } from '../../../src-main/engine/otlp/wire';

// ---- the opentelemetry-proto v1.9.0 definitions (comments dropped), for protobufjs ----

const COMMON_PROTO = `
syntax = "proto3";
package opentelemetry.proto.common.v1;
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message EntityRef {
  string schema_url = 1;
  string type = 2;
  repeated string id_keys = 3;
  repeated string description_keys = 4;
}`;

const RESOURCE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.resource.v1;
message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
  repeated opentelemetry.proto.common.v1.EntityRef entity_refs = 3;
}`;

const TRACE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.trace.v1;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated opentelemetry.proto.common.v1.KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  string message = 2;
  enum StatusCode {
    STATUS_CODE_UNSET = 0;
    STATUS_CODE_OK = 1;
    STATUS_CODE_ERROR = 2;
  }
  StatusCode code = 3;
}`;

const LOGS_PROTO = `
syntax = "proto3";
package opentelemetry.proto.logs.v1;
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ScopeLogs {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
enum SeverityNumber {
  SEVERITY_NUMBER_UNSPECIFIED = 0;
  SEVERITY_NUMBER_TRACE = 1; SEVERITY_NUMBER_TRACE2 = 2; SEVERITY_NUMBER_TRACE3 = 3; SEVERITY_NUMBER_TRACE4 = 4;
  SEVERITY_NUMBER_DEBUG = 5; SEVERITY_NUMBER_DEBUG2 = 6; SEVERITY_NUMBER_DEBUG3 = 7; SEVERITY_NUMBER_DEBUG4 = 8;
  SEVERITY_NUMBER_INFO = 9; SEVERITY_NUMBER_INFO2 = 10; SEVERITY_NUMBER_INFO3 = 11; SEVERITY_NUMBER_INFO4 = 12;
  SEVERITY_NUMBER_WARN = 13; SEVERITY_NUMBER_WARN2 = 14; SEVERITY_NUMBER_WARN3 = 15; SEVERITY_NUMBER_WARN4 = 16;
  SEVERITY_NUMBER_ERROR = 17; SEVERITY_NUMBER_ERROR2 = 18; SEVERITY_NUMBER_ERROR3 = 19; SEVERITY_NUMBER_ERROR4 = 20;
  SEVERITY_NUMBER_FATAL = 21; SEVERITY_NUMBER_FATAL2 = 22; SEVERITY_NUMBER_FATAL3 = 23; SEVERITY_NUMBER_FATAL4 = 24;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  SeverityNumber severity_number = 2;
  string severity_text = 3;
  opentelemetry.proto.common.v1.AnyValue body = 5;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}`;

const METRICS_PROTO = `
syntax = "proto3";
package opentelemetry.proto.metrics.v1;
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
}
message ScopeMetrics {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
  string schema_url = 3;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data {
    Gauge gauge = 5;
    Sum sum = 7;
    Histogram histogram = 9;
    ExponentialHistogram exponential_histogram = 10;
    Summary summary = 11;
  }
  repeated opentelemetry.proto.common.v1.KeyValue metadata = 12;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
  bool is_monotonic = 3;
}
message Histogram {
  repeated HistogramDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
}
message ExponentialHistogram {
  repeated ExponentialHistogramDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
}
message Summary { repeated SummaryDataPoint data_points = 1; }
enum AggregationTemporality {
  AGGREGATION_TEMPORALITY_UNSPECIFIED = 0;
  AGGREGATION_TEMPORALITY_DELTA = 1;
  AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
}
message NumberDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value {
    double as_double = 4;
    sfixed64 as_int = 6;
  }
  repeated Exemplar exemplars = 5;
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  repeated Exemplar exemplars = 8;
  uint32 flags = 10;
  optional double min = 11;
  optional double max = 12;
}
message ExponentialHistogramDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  sint32 scale = 6;
  fixed64 zero_count = 7;
  Buckets positive = 8;
  Buckets negative = 9;
  message Buckets {
    sint32 offset = 1;
    repeated uint64 bucket_counts = 2;
  }
  uint32 flags = 10;
  repeated Exemplar exemplars = 11;
  optional double min = 12;
  optional double max = 13;
  double zero_threshold = 14;
}
message SummaryDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  message ValueAtQuantile {
    double quantile = 1;
    double value = 2;
  }
  repeated ValueAtQuantile quantile_values = 6;
  uint32 flags = 8;
}
message Exemplar {
  repeated opentelemetry.proto.common.v1.KeyValue filtered_attributes = 7;
  fixed64 time_unix_nano = 2;
  oneof value {
    double as_double = 3;
    sfixed64 as_int = 6;
  }
  bytes span_id = 4;
  bytes trace_id = 5;
}`;

const root = new protobuf.Root();
for (const source of [COMMON_PROTO, RESOURCE_PROTO, TRACE_PROTO, LOGS_PROTO, METRICS_PROTO]) protobuf.parse(source, root);
root.resolveAll();

const REQUEST_TYPE: Record<OtlpSignal, protobuf.Type> = {
  traces: root.lookupType('opentelemetry.proto.trace.v1.ExportTraceServiceRequest'),
  logs: root.lookupType('opentelemetry.proto.logs.v1.ExportLogsServiceRequest'),
  metrics: root.lookupType('opentelemetry.proto.metrics.v1.ExportMetricsServiceRequest'),
};

/** Every field, defaults included, 64-bit values as exact decimal text, bytes as base64. */
function decode(signal: OtlpSignal, bytes: Uint8Array): Record<string, unknown> {
  const type = REQUEST_TYPE[signal];
  return type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String, defaults: true, arrays: true });
}

/**
 * The transcoded bytes say the same as `expected` (another encoder's bytes) field for field, and
 * contain nothing protobufjs does not know: re-encoding its decode gives them back byte for byte,
 * so no field went to a wrong number (it would have been skipped as unknown) and all are in order.
 */
function assertSameRequest(signal: OtlpSignal, actual: Uint8Array, expected: Uint8Array, normalize = (decoded: Record<string, unknown>) => decoded): void {
  assert.deepEqual(normalize(decode(signal, actual)), decode(signal, expected));
  const type = REQUEST_TYPE[signal];
  assert.deepEqual(Buffer.from(type.encode(type.decode(actual)).finish()), Buffer.from(actual), 'canonical, with no field protobufjs skipped');
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const transcode = (signal: OtlpSignal, request: unknown): Uint8Array => otlpJsonToProtobuf(signal, utf8(JSON.stringify(request)));

/** A copy with every object key in snake_case, as the .proto names them. */
function snakeCase(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeCase);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCase(x)]));
}

const parse = (body: Uint8Array): Record<string, unknown> => JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;

// ---- traces ----

const REMOTE: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: createTraceState('vendor=abc,other=1'),
};

/**
 * Two services: one continuing a remote trace (trace state, remote-parent flags) with every span
 * kind, status, attribute type, events and links; one with tight limits so dropped counts are set.
 */
function recordSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const agent = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agent', 'host.cores': 8, 'cpu.ghz': 3.2, 'debug': true }, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const limited = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'limited' }),
    spanLimits: { attributeCountLimit: 2, eventCountLimit: 1, linkCountLimit: 1, attributePerEventCountLimit: 1, attributePerLinkCountLimit: 1 },
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = agent.getTracer('planner', '1.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.27.0' });
  const remote = trace.setSpanContext(context.active(), REMOTE);
  const root = tracer.startSpan('invoke_agent planner', {
    kind: SpanKind.SERVER,
    attributes: {
      text: 'plan a trip', empty: '', unicode: 'naïve 日本 🚀', long: 'x'.repeat(20_000),
      yes: true, no: false, int: 812, negative: -42, zero: 0, big: 2 ** 60, double: 0.2, negativeDouble: -1.5e-300,
      strings: ['a', '', 'c'], ints: [1, -2, 3], doubles: [0.5, 1.5], bools: [true, false], withNull: ['a', null, 'b'], none: [],
    },
    links: [{ context: { ...REMOTE, spanId: '1111111111111111' }, attributes: { reason: 'retry', attempt: 2 } }],
  }, remote);
  root.addEvent('gen_ai.user.message', { 'gen_ai.message.content': 'hi', tokens: 3 });
  root.addEvent('no attributes', [1_700_000_000, 123_456_789]);
  const inRoot = trace.setSpan(remote, root);
  const kinds = [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
  for (const kind of kinds) tracer.startSpan(`kind ${kind}`, { kind }, inRoot).end();
  const failing = tracer.startSpan('execute_tool search', { attributes: { 'gen_ai.tool.name': 'search' } }, inRoot);
  failing.setStatus({ code: SpanStatusCode.ERROR, message: 'hotel API timed out' });
  failing.recordException(new Error('timeout'));
  failing.end();
  const ok = tracer.startSpan('ok', {}, inRoot);
  ok.setStatus({ code: SpanStatusCode.OK });
  ok.addLink({ context: root.spanContext() });
  ok.end();
  tracer.startSpan('unsampled parent', {}, trace.setSpanContext(context.active(), { ...REMOTE, traceFlags: TraceFlags.NONE, isRemote: false })).end();
  root.end();

  const squeezed = limited.getTracer('squeezed').startSpan('too much', {
    attributes: { a: 1, b: 2, c: 3, d: 4 },
    links: [{ context: REMOTE, attributes: { x: 1, y: 2 } }, { context: { ...REMOTE, spanId: '2222222222222222' } }],
  });
  for (let i = 0; i < 3; i++) squeezed.addEvent(`event ${i}`, { p: i, q: i });
  squeezed.end();
  return memory.getFinishedSpans();
}

test('spans: the SDK JSON transcoded decodes to exactly what the SDK protobuf decodes to', () => {
  const spans = recordSpans();
  const json = JsonTraceSerializer.serializeRequest(spans)!;
  const actual = otlpJsonToProtobuf('traces', json);
  assertSameRequest('traces', actual, ProtobufTraceSerializer.serializeRequest(spans)!);

  // The request holds what the test says it does.
  const decoded = decode('traces', actual) as { resourceSpans: Array<{ schemaUrl: string; scopeSpans: Array<{ schemaUrl: string; spans: Array<Record<string, unknown>> }> }> };
  const all = decoded.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  assert.equal(all.length, spans.length);
  assert.deepEqual(new Set(all.map((s) => s.kind)), new Set([1, 2, 3, 4, 5]));
  assert.deepEqual(new Set(all.map((s) => (s.status as { code: number }).code)), new Set([0, 1, 2]));
  assert.ok(all.some((s) => s.traceState === 'vendor=abc,other=1' && s.flags === 0x301), 'trace state and remote-parent flags');
  assert.ok(all.some((s) => s.droppedAttributesCount === 2 && s.droppedEventsCount === 2 && s.droppedLinksCount === 1), 'dropped counts');
  assert.ok(decoded.resourceSpans[0]!.schemaUrl && decoded.resourceSpans[0]!.scopeSpans[0]!.schemaUrl, 'schema urls');
});

// ---- logs ----

type LogsShape = Array<{ scopeLogs: Array<{ scope: { attributes: unknown[] }; logRecords: Array<Record<string, unknown>> }> }>;

const BYTES = Uint8Array.from([0, 1, 2, 0xfe, 0xff]);

/** Every body kind (bytes and nested maps included), in and out of a span, events, limits, scope attributes. */
async function recordLogs(): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agent', 'host.cores': 8 }, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }),
    logRecordLimits: { attributeCountLimit: 3 },
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const chat = provider.getLogger('chat', '1.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.27.0', attributes: { team: 'ml', shard: 3 } });
  const plain = provider.getLogger('plain');
  const inSpan = trace.setSpanContext(context.active(), REMOTE);
  chat.emit({ body: 'calling the model', severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: { model: 'gpt-4o', attempt: 2, temperature: 0.2 } });
  chat.emit({ context: inSpan, eventName: 'gen_ai.user.message', severityNumber: SeverityNumber.INFO2,
    body: { role: 'user', content: 'hi', parts: [{ type: 'text', text: 'hi' }], tokens: 12, score: 0.75, ok: true, raw: BYTES, nothing: null } });
  chat.emit({ context: inSpan, body: ['tool_calls', 1, 2.5, false, ['nested', { deep: 'yes' }]], severityNumber: SeverityNumber.ERROR, timestamp: 1_700_000_000_123 });
  chat.emit({ body: 42, severityNumber: SeverityNumber.FATAL4, attributes: { a: 1, b: 2, c: 3, d: 4, e: 5 } });
  plain.emit({ body: 2.5, severityText: 'custom' });
  plain.emit({ body: BYTES, severityNumber: SeverityNumber.WARN, observedTimestamp: [1_700_000_001, 5] });
  plain.emit({ body: 'é'.repeat(1_100_000), attributes: { note: 'a body over 2 MB: a four-byte length' } });
  plain.emit({ attributes: { note: 'no body at all' }, eventName: 'tool.finished' });
  await provider.forceFlush();
  const records = [...memory.getFinishedLogRecords()];
  await provider.shutdown();
  return records;
}

test('log records: the SDK JSON transcoded decodes to exactly what the SDK protobuf decodes to', async () => {
  const records = await recordLogs();
  const actual = otlpJsonToProtobuf('logs', JsonLogsSerializer.serializeRequest(records)!);
  // For a record without a body the SDK's JSON says `body: {}` (an empty AnyValue, which is what
  // gets transcoded) where its protobuf leaves body out: both mean "no body".
  const noEmptyBody = (decoded: Record<string, unknown>) => {
    for (const rl of decoded.resourceLogs as LogsShape) for (const sl of rl.scopeLogs) for (const l of sl.logRecords) if (isDeepStrictEqual(l.body, {})) l.body = null;
    return decoded;
  };
  assertSameRequest('logs', actual, ProtobufLogsSerializer.serializeRequest(records)!, noEmptyBody);

  const decoded = decode('logs', actual) as { resourceLogs: LogsShape };
  const all = decoded.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
  assert.equal(all.length, records.length);
  const bodyKinds = new Set(all.map((l) => Object.keys(l.body ?? {}).find((k) => (l.body as Record<string, unknown>)[k] !== undefined)));
  assert.deepEqual(bodyKinds, new Set(['stringValue', 'kvlistValue', 'arrayValue', 'intValue', 'doubleValue', 'bytesValue', undefined]));
  assert.ok(all.some((l) => l.traceId !== '' && l.flags === 1 && l.eventName === 'gen_ai.user.message'), 'ids, flags and event name');
  assert.ok(all.some((l) => l.droppedAttributesCount === 2), 'dropped attributes');
  assert.ok(decoded.resourceLogs[0]!.scopeLogs.some((sl) => sl.scope.attributes.length === 2), 'scope attributes');
});

// ---- metrics ----

class CollectOnlyReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Every instrument the SDK has, int and double, each aggregation (exponential histogram by a view). */
async function recordMetrics(delta: boolean): Promise<ResourceMetrics> {
  const reader = new CollectOnlyReader({ aggregationTemporalitySelector: () => (delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE) });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': delta ? 'delta' : 'cumulative' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }),
    readers: [reader],
    views: [{ instrumentName: 'llm.latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const llm = provider.getMeter('llm', '1.2.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.27.0' });
  const tokens = llm.createCounter('gen_ai.client.token.usage', { valueType: ValueType.INT, unit: '{token}', description: 'tokens used' });
  tokens.add(1200, { 'gen_ai.token.type': 'input' });
  tokens.add(2 ** 60, { 'gen_ai.token.type': 'output' });
  llm.createCounter('cost').add(0.25);
  const temperature = llm.createGauge('gpu.temperature', { unit: 'Cel' });
  temperature.record(21.5, { gpu: 0 });
  temperature.record(-40, { gpu: 1 });
  temperature.record(0, { gpu: 2 });
  llm.createGauge('queue.max', { valueType: ValueType.INT }).record(-3);
  const latency = llm.createHistogram('llm.latency', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1, 10] } });
  for (const v of [0.05, 0.5, 5, 50]) latency.record(v, { model: 'gpt-4o' });
  latency.record(2, { model: 'claude' });
  const exp = llm.createHistogram('llm.latency.exp');
  for (const v of [0, 1e-9, 3, 3000, -2, -0.5]) exp.record(v);
  llm.createHistogram('llm.latency.exp', { description: 'never recorded' });
  const queue = provider.getMeter('queue');
  queue.createUpDownCounter('queue.depth').add(-1.5);
  queue.createUpDownCounter('queue.jobs', { valueType: ValueType.INT }).add(-7);
  queue.createObservableGauge('queue.lag').addCallback((r) => r.observe(12.5, { partition: 1 }));
  queue.createObservableCounter('queue.processed', { valueType: ValueType.INT }).addCallback((r) => r.observe(99));
  queue.createObservableUpDownCounter('queue.workers').addCallback((r) => r.observe(4));
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
  await provider.shutdown();
  return resourceMetrics;
}

test('metrics: the SDK JSON transcoded decodes to exactly what the SDK protobuf decodes to, both temporalities', async () => {
  for (const delta of [false, true]) {
    const metrics = await recordMetrics(delta);
    const actual = otlpJsonToProtobuf('metrics', JsonMetricsSerializer.serializeRequest(metrics)!);
    assertSameRequest('metrics', actual, ProtobufMetricsSerializer.serializeRequest(metrics)!);

    const decoded = decode('metrics', actual) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<Record<string, unknown>> }> }> };
    const kinds = decoded.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => ['gauge', 'sum', 'histogram', 'exponentialHistogram'].find((k) => m[k]))));
    assert.deepEqual(new Set(kinds), new Set(['gauge', 'sum', 'histogram', 'exponentialHistogram']));
  }
});

// ---- what the JS SDK never sends ----

const TRACE = REMOTE.traceId;
const SPAN = REMOTE.spanId;
const attrs = (pairs: Record<string, unknown>) => Object.entries(pairs).map(([key, value]) => ({ key, value }));

const HAND_TRACES = {
  resourceSpans: [{
    resource: {
      attributes: attrs({ 'service.name': { stringValue: 'hand' }, blob: { bytesValue: 'AAEC/v8=' } }),
      droppedAttributesCount: 3,
      entityRefs: [{ schemaUrl: 'https://example.com/s', type: 'service', idKeys: ['service.name', 'service.namespace'], descriptionKeys: ['service.version'] }],
    },
    schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    scopeSpans: [{
      scope: { name: 'manual', version: '9', attributes: attrs({ k: { stringValue: 'v' } }), droppedAttributesCount: 1 },
      schemaUrl: 'https://opentelemetry.io/schemas/1.27.0',
      spans: [
        {
          traceId: TRACE.toUpperCase(), spanId: SPAN, parentSpanId: '', traceState: 'a=b', name: 'all of it', kind: 'SPAN_KIND_PRODUCER', flags: 0x301,
          startTimeUnixNano: '18446744073709551615', endTimeUnixNano: 1,
          attributes: attrs({
            map: { kvlistValue: { values: attrs({ inner: { arrayValue: { values: [{ intValue: '-9223372036854775808' }, {}, { kvlistValue: {} }] } } }) } },
            nan: { doubleValue: 'NaN' }, inf: { doubleValue: 'Infinity' }, ninf: { doubleValue: '-Infinity' }, negzero: { doubleValue: '-0' }, text: { doubleValue: '2.5e3' },
            max: { intValue: '9223372036854775807' }, numberInt: { intValue: -5 }, empty: {}, emptyString: { stringValue: '' }, f: { boolValue: false },
          }),
          events: [{ timeUnixNano: '1700000000000000001', name: 'e', droppedAttributesCount: 7 }, {}],
          droppedEventsCount: 4294967295,
          links: [{ traceId: TRACE, spanId: SPAN, traceState: 'x=y', flags: 0x100, droppedAttributesCount: 1 }],
          status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
          unknownField: { whatever: [1, 2] },
        },
        { traceId: TRACE, spanId: '0000000000000001', kind: 5, status: {} },
      ],
    }],
  }],
};

const HAND_LOGS = {
  resourceLogs: [{
    resource: { attributes: [] },
    scopeLogs: [{
      logRecords: [
        { timeUnixNano: '1700000000000000000', observedTimeUnixNano: 1_700_000_000_000_000, severityNumber: 'SEVERITY_NUMBER_WARN3', severityText: 'W', flags: 0x01,
          traceId: TRACE, spanId: SPAN, eventName: 'evt', droppedAttributesCount: 2, body: { kvlistValue: { values: attrs({ b: { bytesValue: '' } }) } } },
        { spanId: SPAN, severityNumber: 24, body: { doubleValue: '-0' } },
        { body: {} },
        {},
      ],
    }, {}],
  }],
};

const HAND_METRICS = {
  resourceMetrics: [{
    resource: { attributes: attrs({ 'service.name': { stringValue: 'hand' } }) },
    scopeMetrics: [{
      scope: { name: 'manual' },
      metrics: [
        { name: 'rpc.duration', description: 'server time', unit: 'ms', metadata: attrs({ origin: { stringValue: 'prometheus' } }), summary: { dataPoints: [
          { startTimeUnixNano: '1', timeUnixNano: '2', count: '10', sum: 12.5, flags: 1, attributes: attrs({ route: { stringValue: '/chat' } }),
            quantileValues: [{ quantile: 0, value: '-0' }, { quantile: 0.5, value: 'NaN' }, { quantile: 1, value: 'Infinity' }, {}] },
          { timeUnixNano: '3', count: 0, sum: '-Infinity' },
          {},
        ] } },
        { name: 'load', gauge: { dataPoints: [
          { timeUnixNano: '5', asDouble: 0, exemplars: [
            { timeUnixNano: '1700000000000000001', asDouble: 0.25, traceId: TRACE, spanId: SPAN, filteredAttributes: attrs({ user: { stringValue: 'u1' } }) },
            { asInt: '-9223372036854775808' },
            { asInt: 0 },
            {},
          ] },
          { asInt: '9223372036854775807', flags: 1 },
          { asInt: -1 },
          { asDouble: '-0' },
          {},
        ] } },
        { name: 'bytes', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA', isMonotonic: true, dataPoints: [{ asInt: 5 }] } },
        { name: 'unspecified', sum: { isMonotonic: false, dataPoints: [{ asDouble: 1.5 }] } },
        { name: 'h', histogram: { aggregationTemporality: 1, dataPoints: [
          { count: '3', sum: 0, min: 0, max: 'Infinity', bucketCounts: ['1', 2, '18446744073709551615'], explicitBounds: ['-Infinity', 0, -0.5], flags: 1,
            exemplars: [{ asDouble: 'NaN', spanId: SPAN }] },
          { count: '0', bucketCounts: [], explicitBounds: [] },
        ] } },
        { name: 'e', exponentialHistogram: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE', dataPoints: [
          { count: 9, sum: -4.5, min: -3, max: 2, scale: -3, zeroCount: '2', zeroThreshold: 1e-12, positive: { offset: -2, bucketCounts: ['1', 1, '18446744073709551615'] },
            negative: { offset: 5, bucketCounts: [3, 0, 2] }, exemplars: [{ asInt: 7, traceId: TRACE }] },
          { scale: 20, zeroThreshold: '-0', sum: 0, min: 0, max: 0, positive: {}, negative: { offset: -2147483648 } },
        ] } },
        { name: 'no data at all' },
      ],
    }],
  }],
};

const HAND: Record<OtlpSignal, unknown> = { traces: HAND_TRACES, logs: HAND_LOGS, metrics: HAND_METRICS };

/** protobufjs reads OTLP/JSON but for the ids, which it expects in base64 like any bytes field. */
function idsAsBase64(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(idsAsBase64);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /^(traceId|spanId|parentSpanId)$/.test(k) ? Buffer.from(x as string, 'hex').toString('base64') : idsAsBase64(x)]));
}

test('fields the JS SDK never sends (summaries, exemplars, flags, NaN, -0, entity refs, bytes, kvlists) transcode as protobufjs encodes them', () => {
  for (const signal of ['traces', 'logs', 'metrics'] as const) {
    const type = REQUEST_TYPE[signal];
    const reference = type.encode(type.fromObject(idsAsBase64(HAND[signal]) as Record<string, unknown>)).finish();
    assertSameRequest(signal, transcode(signal, HAND[signal]), reference);
  }
  // Spot checks that the reference itself read the request as meant.
  const traces = decode('traces', transcode('traces', HAND_TRACES)) as { resourceSpans: Array<{ resource: { entityRefs: unknown[] }; scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
  const span = traces.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(span.startTimeUnixNano, '18446744073709551615');
  assert.equal(span.kind, 4);
  assert.equal(span.flags, 0x301);
  assert.equal(traces.resourceSpans[0]!.resource.entityRefs.length, 1);
  const metrics = decode('metrics', transcode('metrics', HAND_METRICS)) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ gauge?: { dataPoints: Array<Record<string, unknown>> } }> }> }> };
  const load = metrics.resourceMetrics[0]!.scopeMetrics[0]!.metrics[1]!.gauge!.dataPoints;
  assert.equal(load[0]!.asDouble, 0, 'a oneof member set to zero is kept');
  assert.equal((load[0]!.exemplars as Array<Record<string, unknown>>)[2]!.asInt, '0');
  assert.ok(Object.is(load[3]!.asDouble, -0));
  assert.equal(load[4]!.asDouble, undefined, 'a point without a value has none');
});

test('snake_case names and enum names read as lowerCamelCase names and enum numbers do', async () => {
  const spans = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(recordSpans())!)) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ kind: number; status: { code: number } }> }> }> };
  const expected = transcode('traces', spans);
  const kindNames = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
  for (const span of spans.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))) {
    (span as Record<string, unknown>).kind = kindNames[span.kind];
    (span.status as Record<string, unknown>).code = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'][span.status.code];
  }
  assert.deepEqual(transcode('traces', snakeCase(spans)), expected);

  const logs = parse(JsonLogsSerializer.serializeRequest(await recordLogs())!);
  assert.deepEqual(transcode('logs', snakeCase(logs)), transcode('logs', logs));
  const metrics = parse(JsonMetricsSerializer.serializeRequest(await recordMetrics(true))!);
  assert.deepEqual(transcode('metrics', snakeCase(metrics)), transcode('metrics', metrics));
  for (const signal of ['traces', 'logs', 'metrics'] as const) assert.deepEqual(transcode(signal, snakeCase(HAND[signal])), transcode(signal, HAND[signal]), signal);
});

test('bytes in base64 with the URL-safe alphabet or without padding read as standard base64 does', () => {
  const withBytes = (b64: string) => ({ resourceSpans: [{ resource: { attributes: attrs({ blob: { bytesValue: b64 } }) } }] });
  assert.deepEqual(transcode('traces', withBytes('AAE')), transcode('traces', withBytes('AAE=')));
  assert.deepEqual(transcode('traces', withBytes('-_8')), transcode('traces', withBytes('+/8=')));
  const decoded = decode('traces', transcode('traces', withBytes('-_8'))) as { resourceSpans: Array<{ resource: { attributes: Array<{ value: { bytesValue: string } }> } }> };
  assert.equal(decoded.resourceSpans[0]!.resource.attributes[0]!.value.bytesValue, '+/8=');
});

test('-0 in the JSON text stays -0 (JSON.stringify would have written 0)', () => {
  const body = utf8('{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"gauge":{"dataPoints":[{"asDouble":-0},{"asDouble":0}]}}]}]}]}');
  const decoded = decode('metrics', otlpJsonToProtobuf('metrics', body)) as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ gauge: { dataPoints: Array<{ asDouble: number }> } }> }> }> };
  const [negative, positive] = decoded.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.gauge.dataPoints;
  assert.ok(Object.is(negative!.asDouble, -0) && Object.is(positive!.asDouble, 0));
});

test('an empty request is empty protobuf; fields are written in field-number order whatever the JSON order', () => {
  assert.deepEqual(otlpJsonToProtobuf('traces', utf8('{}')), new Uint8Array(0));
  assert.deepEqual(transcode('logs', { resourceLogs: [] }), new Uint8Array(0));
  const span = { name: 'n', spanId: SPAN, traceId: TRACE, kind: 2, status: { code: 2, message: 'm' } };
  const reversed = Object.fromEntries(Object.entries(span).reverse());
  const request = (s: unknown) => ({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] });
  assert.deepEqual(transcode('traces', request(reversed)), transcode('traces', request(span)));
});

test('what is not valid OTLP/JSON is a DecodeError that names the field', () => {
  const spanWith = (fields: Record<string, unknown>) => ({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, name: 's', ...fields }] }] }] });
  const rejects = (signal: OtlpSignal, body: Uint8Array, message: RegExp) =>
    assert.throws(() => otlpJsonToProtobuf(signal, body), (err: unknown) => err instanceof DecodeError && message.test(err.message), String(message));
  const rejectsJson = (signal: OtlpSignal, request: unknown, message: RegExp) => rejects(signal, utf8(JSON.stringify(request)), message);

  rejects('traces', utf8('{"resourceSpans": ['), /not valid JSON/);
  rejects('traces', Uint8Array.from([0x7b, 0xff, 0x7d]), /not valid JSON/);
  rejectsJson('traces', [], /ExportTraceServiceRequest must be a JSON object/);
  rejectsJson('traces', spanWith({ traceId: '0102030405' }), /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId must be a 16-byte id as 32 hex digits, got "0102030405"/);
  rejectsJson('traces', spanWith({ spanId: 'zz'.repeat(8) }), /spans\[0\]\.spanId must be a 8-byte id/);
  rejectsJson('traces', spanWith({ traceId: 'AAECAwQFBgcICQoLDA0ODw==' }), /traceId must be a 16-byte id as 32 hex digits/); // base64, as protobuf JSON would have it
  rejectsJson('traces', { resourceSpans: [{ resource: 'agent' }] }, /resourceSpans\[0\]\.resource must be an object \(a Resource message\), got "agent"/);
  rejectsJson('traces', { resourceSpans: { scopeSpans: [] } }, /resourceSpans must be an array/);
  rejectsJson('traces', { resourceSpans: [null] }, /resourceSpans\[0\] must be an object/);
  rejectsJson('traces', spanWith({ kind: 'SERVER' }), /spans\[0\]\.kind must be one of SPAN_KIND_UNSPECIFIED, .*got "SERVER"/);
  rejectsJson('traces', spanWith({ status: { code: 1.5 } }), /spans\[0\]\.status\.code must be an enum name or number/);
  rejectsJson('traces', spanWith({ startTimeUnixNano: '-1' }), /startTimeUnixNano must be a uint64/);
  rejectsJson('traces', spanWith({ endTimeUnixNano: '18446744073709551616' }), /endTimeUnixNano must be a uint64/);
  rejectsJson('traces', spanWith({ droppedAttributesCount: -1 }), /droppedAttributesCount must be a uint32/);
  rejectsJson('traces', spanWith({ name: 5 }), /spans\[0\]\.name must be a string, got 5/);
  rejectsJson('traces', spanWith({ attributes: [{ key: 'k', value: { boolValue: 'true' } }] }), /spans\[0\]\.attributes\[0\]\.value\.boolValue must be true or false/);
  rejectsJson('traces', spanWith({ attributes: [{ key: 'k', value: { stringValue: 'a', intValue: 1 } }] }), /attributes\[0\]\.value\.intValue cannot be set together with stringValue/);
  rejectsJson('traces', spanWith({ attributes: [{ key: 'k', value: { bytesValue: '***' } }] }), /value\.bytesValue must be a base64 string/);
  rejectsJson('traces', spanWith({ attributes: [{ key: 'k', value: { doubleValue: 'fast' } }] }), /value\.doubleValue must be a number/);
  rejectsJson('traces', spanWith({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }), /value\.intValue must be an int64/);
  rejectsJson('logs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'INFO' }] }] }] }, /resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.severityNumber must be one of/);
  rejectsJson('metrics', { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ histogram: { dataPoints: [{ bucketCounts: [1, 'two'] }] } }] }] }] },
    /metrics\[0\]\.histogram\.dataPoints\[0\]\.bucketCounts\[1\] must be a uint64/);
  rejectsJson('metrics', { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ gauge: {}, sum: {} }] }] }] }, /metrics\[0\]\.sum cannot be set together with gauge/);

  // Too deep for JSON.stringify, not for JSON.parse: without a bound this would overflow the stack.
  const deep = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${'{"arrayValue":{"values":['.repeat(10_000)}{}${']}}'.repeat(10_000)}}]}]}]}`;
  rejects('logs', utf8(deep), /resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body\.arrayValue\.values\[0\]\.arrayValue.* nests messages deeper than 100 levels/);
});
