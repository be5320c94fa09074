/**
 * The OTLP/JSON logs and metrics encoders against the decoders: requests made by the official SDK
 * serializers (protobuf and JSON), sent by real CLIs (the coding-agent fixtures), and written by hand
 * for what the JS SDK never sends (summaries, exemplars, ids without their pair), decode, re-encode
 * and decode again to the very same items in the very same order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, TraceFlags, ValueType } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, AggregationType, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { JsonLogsSerializer, JsonMetricsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { AttributeValue, LogRecordView, MetricPointView } from '../../../src-shared/contract';
import { decodeLogsRequest, decodeLogsRequestJson } from '../../../src-main/engine/otlp/decode-logs';
import { decodeMetricsRequest, decodeMetricsRequestJson } from '../../../src-main/engine/otlp/decode-metrics';
import type { ItemBatch } from '../../../src-main/engine/otlp/item-batch';
import { encodeLogsRequestJson } from '../../../src-main/engine/otlp/encode-logs-json';
import { encodeMetricsRequestJson } from '../../../src-main/engine/otlp/encode-metrics-json';
import { listCodingAgentFixtures, loadCodingAgentFixture } from '../../support/coding-agent-fixtures';

const asBody = (request: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(request));
const parse = (body: Uint8Array): Record<string, unknown> => JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;

function accepted<T>(batch: ItemBatch<T>): T[] {
  assert.equal(batch.rejected, 0, batch.rejectReasons.join('; '));
  assert.deepEqual(batch.warnings, [], 'nothing may be trimmed');
  return batch.items;
}

const reimportLogs = (items: readonly LogRecordView[]) => accepted(decodeLogsRequestJson(asBody(encodeLogsRequestJson(items))));
const reimportMetrics = (items: readonly MetricPointView[]) => accepted(decodeMetricsRequestJson(asBody(encodeMetricsRequestJson(items))));

/** How many items each resource's scopes hold, in order: the request's grouping, whoever wrote it. */
function logsShape(request: unknown): number[][] {
  const r = request as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }> };
  return r.resourceLogs.map((rl) => rl.scopeLogs.map((sl) => sl.logRecords.length));
}

function metricsShape(request: unknown): number[][][] {
  const r = request as { resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<Record<string, { dataPoints: unknown[] } | string>> }> }> };
  return r.resourceMetrics.map((rm) => rm.scopeMetrics.map((sm) => sm.metrics.map((m) => {
    const data = Object.values(m).find((v) => typeof v === 'object');
    return data ? data.dataPoints.length : 0;
  })));
}

function kindOf(v: AttributeValue): string {
  if (v === null) return 'absent';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'kvlist';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'double';
  return typeof v;
}

// ---- logs ----

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const BYTES = Uint8Array.from([0, 1, 2, 0xfe, 0xff]);

/** Two services, two loggers each, every body kind, in and out of a span, events and plain lines. */
async function recordLogs(): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const providerFor = (service: string) => new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'host.cores': 8, 'deployment.environment': 'test' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const agent = providerFor('agent');
  const tools = providerFor('tools');
  const inSpan = trace.setSpanContext(context.active(), { traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED });
  const chat = agent.getLogger('chat', '1.0.0');
  const http = agent.getLogger('http');
  const runner = tools.getLogger('runner', '0.3.1');
  chat.emit({ body: 'calling the model with key sk-live-123', severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes: { 'gen_ai.request.model': 'gpt-4o', attempt: 2, temperature: 0.2, cached: false } });
  chat.emit({ context: inSpan, body: { role: 'user', content: 'hi', parts: [{ type: 'text', text: 'hi' }], tokens: 12, score: 0.75, ok: true }, eventName: 'gen_ai.user.message', severityNumber: SeverityNumber.INFO });
  chat.emit({ context: inSpan, body: ['tool_calls', 1, 2.5, false, ['nested', { deep: 'yes' }]], eventName: 'gen_ai.choice', severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', timestamp: 1_700_000_000_123 });
  http.emit({ body: 42, severityNumber: SeverityNumber.DEBUG2, attributes: { 'http.status_code': 200, big: 2 ** 60, huge: 1e300, tags: ['a', 'b'] } });
  http.emit({ body: 2.5, severityText: 'custom' });
  runner.emit({ body: true, context: inSpan, attributes: { 'tool.name': 'shell' } });
  runner.emit({ body: BYTES, severityNumber: SeverityNumber.WARN });
  runner.emit({ attributes: { note: 'no body at all' }, eventName: 'tool.finished' });
  chat.emit({ body: 'back to the first scope, after the others', severityNumber: SeverityNumber.FATAL4 });
  await Promise.all([agent.forceFlush(), tools.forceFlush()]);
  const records = [...memory.getFinishedLogRecords()];
  await Promise.all([agent.shutdown(), tools.shutdown()]);
  return records;
}

test('logs from the official serializers (protobuf and JSON) read back unchanged, grouped as the SDK grouped them', async () => {
  const records = await recordLogs();
  const json = JsonLogsSerializer.serializeRequest(records)!;
  const requests: Array<[string, LogRecordView[]]> = [
    ['protobuf', accepted(decodeLogsRequest(ProtobufLogsSerializer.serializeRequest(records)!))],
    ['JSON', accepted(decodeLogsRequestJson(json))],
  ];
  for (const [encoding, items] of requests) {
    // The request is what this test says it is: every body kind, ids present and absent, events.
    assert.equal(items.length, records.length, encoding);
    assert.deepEqual(new Set(items.map((l) => kindOf(l.body))), new Set(['string', 'int', 'double', 'boolean', 'array', 'kvlist', 'absent']), encoding);
    assert.ok(items.some((l) => l.body === Buffer.from(BYTES).toString('base64')), `${encoding}: bytes body`);
    assert.ok(items.some((l) => l.traceId === TRACE && l.spanId === SPAN && l.flags === 1), encoding);
    assert.ok(items.some((l) => l.traceId === null && l.spanId === null), encoding);
    assert.ok(items.some((l) => l.eventName !== '') && items.some((l) => l.eventName === ''), encoding);
    assert.equal(new Set(items.map((l) => l.resource.attributes['service.name'])).size, 2, encoding);

    assert.deepEqual(reimportLogs(items), items, encoding);
    assert.deepEqual(logsShape(encodeLogsRequestJson(items)), logsShape(parse(json)), `${encoding}: one resourceLogs per resource, one scopeLogs per scope`);
  }
});

test('log records keep their order when a resource comes back after another, and changed values are what read back', async () => {
  const items = accepted(decodeLogsRequestJson(JsonLogsSerializer.serializeRequest(await recordLogs())!));
  const [agent, tools] = [items.filter((l) => l.resource.attributes['service.name'] === 'agent'), items.filter((l) => l.resource.attributes['service.name'] === 'tools')];
  const interleaved = [agent[0]!, tools[0]!, agent[1]!, tools[1]!, agent[2]!];
  assert.deepEqual(reimportLogs(interleaved), interleaved);

  // As redaction does: each record its own copy (no shared resource objects), strings replaced.
  const redacted = items.map((l) => structuredClone(l));
  for (const l of redacted) {
    if (typeof l.body === 'string') l.body = l.body.replace(/sk-live-\w+/, '[REDACTED]');
    l.resource.attributes['deployment.environment'] = '[REDACTED]';
  }
  assert.notDeepEqual(redacted, items);
  assert.deepEqual(reimportLogs(redacted), redacted);
  assert.deepEqual(logsShape(encodeLogsRequestJson(redacted)), logsShape(encodeLogsRequestJson(items)), 'equal resources group by value, not by object');
});

test('log record fields the JS SDK never sends read back unchanged', () => {
  const attrs = (pairs: Record<string, unknown>) => Object.entries(pairs).map(([key, value]) => ({ key, value }));
  const resource = { attributes: attrs({ 'service.name': { stringValue: 'svc' } }), droppedAttributesCount: 3 };
  const other = { attributes: attrs({ 'service.name': { stringValue: 'other' } }) };
  const items = accepted(decodeLogsRequestJson(asBody({
    resourceLogs: [
      { resource, scopeLogs: [
        { scope: { name: 's', version: '2', attributes: attrs({ 'scope.attr': { boolValue: true } }), droppedAttributesCount: 1 }, logRecords: [
          { spanId: SPAN.toUpperCase(), severityNumber: 9, flags: 0x101, droppedAttributesCount: 4, body: { stringValue: '' },
            attributes: attrs({ ['__proto__']: { stringValue: 'own key' }, nan: { doubleValue: 'NaN' }, inf: { doubleValue: '-Infinity' }, int64: { intValue: '-9223372036854775808' }, none: {}, empty: { arrayValue: {} }, map: { kvlistValue: {} } }) },
          { traceId: '0'.repeat(32), spanId: '0'.repeat(16), observedTimeUnixNano: '1795309713027374771', body: { kvlistValue: { values: attrs({ bytes: { bytesValue: 'AAE=' }, nested: { arrayValue: { values: [{ intValue: '9007199254740993' }, {}] } } }) } } },
        ] },
        { logRecords: [{ body: { doubleValue: 1e-300 } }] },
      ] },
      { resource: other, scopeLogs: [{ logRecords: [{ body: { stringValue: 'between' } }] }] },
      { resource, scopeLogs: [{ scope: { name: 's', version: '2' }, logRecords: [{ body: { stringValue: 'the first resource again' }, timeUnixNano: 1 }] }] },
    ],
  })));
  assert.equal(items.length, 5);
  assert.ok(items.some((l) => l.traceId === null && l.spanId === SPAN), 'a span id without a trace id');
  assert.ok(Object.hasOwn(items[0]!.attributes, '__proto__'), 'an own __proto__ attribute');
  assert.deepEqual(reimportLogs(items), items);
});

// ---- metrics ----

class CollectOnlyReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/**
 * One service's meters, collected once: every SDK point type, several points per metric, ints
 * beyond 2^53, NaN, ±Infinity and -0. `delta` picks the temporality of every instrument.
 */
async function recordMetrics(service: string, delta: boolean): Promise<ResourceMetrics> {
  const reader = new CollectOnlyReader({ aggregationTemporalitySelector: () => (delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE) });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [reader],
    views: [{ instrumentName: 'llm.latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const llm = provider.getMeter('llm', '1.2.0');
  const tokens = llm.createCounter('gen_ai.client.token.usage', { valueType: ValueType.INT, unit: '{token}', description: 'tokens used' });
  tokens.add(1200, { 'gen_ai.token.type': 'input' });
  tokens.add(2 ** 60, { 'gen_ai.token.type': 'output' });
  const temperature = llm.createGauge('gpu.temperature', { unit: 'Cel' });
  temperature.record(21.5, { gpu: 0 });
  temperature.record(NaN, { gpu: 1 });
  temperature.record(Infinity, { gpu: 2 });
  temperature.record(-0, { gpu: 3 });
  const latency = llm.createHistogram('llm.latency', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 1, 10] } });
  for (const v of [0.05, 0.5, 5, 50]) latency.record(v, { model: 'gpt-4o' });
  latency.record(2, { model: 'claude' });
  const exp = llm.createHistogram('llm.latency.exp');
  for (const v of [0, 1e-9, 3, 3000]) exp.record(v);
  const queue = provider.getMeter('queue');
  queue.createUpDownCounter('queue.depth').add(-1.5);
  queue.createUpDownCounter('queue.jobs', { valueType: ValueType.INT }).add(-7);
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
  await provider.shutdown();
  return resourceMetrics;
}

test('metrics from the official serializers (protobuf and JSON) read back unchanged, grouped as the SDK grouped them', async () => {
  const [first, second] = [await recordMetrics('agent', false), await recordMetrics('tools', true)];
  // One request per resource from the SDK; two protobuf requests concatenated are one request with
  // both resources (repeated fields merge), and the JSON ones are joined the same way.
  const json = { resourceMetrics: [first, second].flatMap((rm) => parse(JsonMetricsSerializer.serializeRequest(rm)!).resourceMetrics as unknown[]) };
  const requests: Array<[string, MetricPointView[]]> = [
    ['protobuf', accepted(decodeMetricsRequest(Buffer.concat([ProtobufMetricsSerializer.serializeRequest(first)!, ProtobufMetricsSerializer.serializeRequest(second)!])))],
    ['JSON', accepted(decodeMetricsRequestJson(asBody(json)))],
  ];
  for (const [encoding, items] of requests) {
    assert.deepEqual(new Set(items.map((p) => p.type)), new Set(['sum', 'gauge', 'histogram', 'exponentialHistogram']), encoding);
    assert.deepEqual(new Set(items.map((p) => p.aggregationTemporality)), new Set(['unspecified', 'cumulative', 'delta']), encoding);
    assert.equal(new Set(items.map((p) => p.resource.attributes['service.name'])).size, 2, encoding);
    assert.deepEqual(reimportMetrics(items), items, encoding);
    assert.deepEqual(metricsShape(encodeMetricsRequestJson(items)), metricsShape(json), `${encoding}: one entry per resource, scope and metric`);
  }
  // Protobuf keeps what JSON cannot carry as numbers: these are the values the round trip kept.
  const fromProtobuf = requests[0]![1];
  const values = fromProtobuf.map((p) => p.value);
  assert.ok(values.includes('1152921504606846976'), 'an int64 beyond 2^53, as decimal text');
  assert.ok(values.includes('NaN') && values.includes('Infinity'), 'NaN and Infinity, as their names');
  assert.ok(values.some((v) => Object.is(v, -0)), '-0');
});

test('summaries, exemplars and the number shapes the JS SDK never sends read back unchanged, in order', () => {
  const attrs = (pairs: Record<string, string>) => Object.entries(pairs).map(([key, v]) => ({ key, value: { stringValue: v } }));
  const exemplars = [
    { timeUnixNano: '1700000000000000001', asDouble: 0.25, traceId: TRACE.toUpperCase(), spanId: SPAN, filteredAttributes: attrs({ user: 'u1' }) },
    { timeUnixNano: '1700000000000000002', asInt: '-9223372036854775808', traceId: TRACE },
    { timeUnixNano: 3, asDouble: 'NaN', spanId: SPAN },
    { asInt: 17, traceId: 'abc' },
    {},
  ];
  const resource = { attributes: attrs({ 'service.name': 'hand' }), droppedAttributesCount: 2 };
  const scope = { name: 'manual', version: '9', attributes: attrs({ k: 'v' }), droppedAttributesCount: 1 };
  const items = accepted(decodeMetricsRequestJson(asBody({
    resourceMetrics: [
      { resource, scopeMetrics: [{ scope, metrics: [
        { name: 'rpc.duration', description: 'server time', unit: 'ms', summary: { dataPoints: [
          { startTimeUnixNano: '1', timeUnixNano: '2', count: '10', sum: 12.5, flags: 1, attributes: attrs({ route: '/chat' }),
            quantileValues: [{ quantile: 0, value: -0 }, { quantile: 0.5, value: 'NaN' }, { quantile: 1, value: 'Infinity' }, {}] },
          { timeUnixNano: '3', count: 0, sum: '-Infinity' },
          { timeUnixNano: '4' },
        ] } },
        { name: 'load', metadata: attrs({ origin: 'prometheus' }), gauge: { dataPoints: [
          { timeUnixNano: '5', asDouble: 1, exemplars },
          { timeUnixNano: '6', asInt: '9223372036854775807' },
          { timeUnixNano: '7', asInt: '-9007199254740993' },
          { timeUnixNano: '8', asDouble: '-Infinity' },
          { timeUnixNano: '9', asDouble: '-0' },
          { timeUnixNano: '10' },
        ] } },
        { name: 'bytes', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ asInt: 5, exemplars: exemplars.slice(1, 3) }] } },
        { name: 'bytes', sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: [{ asInt: 6 }] } },
        { name: 'unspecified', sum: { dataPoints: [{ asDouble: 1.5 }] } },
        { name: 'h', histogram: { aggregationTemporality: 1, dataPoints: [
          { count: '3', sum: 'NaN', bucketCounts: ['1', 2], explicitBounds: ['-Infinity'], exemplars },
          { count: '0' },
          { count: 2, sum: -0, min: -0, max: 'Infinity', bucketCounts: [0, 0, 2], explicitBounds: [-1, 1] },
        ] } },
        { name: 'e', exponentialHistogram: { aggregationTemporality: 2, dataPoints: [
          { count: 9, sum: -4.5, min: -3, max: 2, scale: -3, zeroCount: '2', zeroThreshold: 1e-12, positive: { offset: -2, bucketCounts: ['1', 1] }, negative: { offset: 5, bucketCounts: [3, 0, 2] }, exemplars },
          { scale: 20, zeroThreshold: -0 },
        ] } },
      ] }] },
      { resource: { attributes: attrs({ 'service.name': 'between' }) }, scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: 2 }] } }] }] },
      { resource, scopeMetrics: [{ scope, metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: 3 }] } }] }] },
    ],
  })));
  assert.equal(items.length, 19);
  assert.deepEqual(new Set(items.map((p) => p.type)), new Set(['summary', 'gauge', 'sum', 'histogram', 'exponentialHistogram']));
  assert.equal(items.flatMap((p) => p.exemplars).length, 3 * exemplars.length + 2);
  assert.deepEqual(reimportMetrics(items), items);
});

// ---- captured from real CLIs ----

test('every logs and metrics request a coding-agent CLI sent reads back unchanged', () => {
  let requests = 0;
  for (const name of listCodingAgentFixtures()) {
    for (const r of loadCodingAgentFixture(name).requests) {
      if (r.entry.signal === 'logs') assert.deepEqual(reimportLogs(r.logs), r.logs, `${name} ${r.entry.file}`);
      else if (r.entry.signal === 'metrics') assert.deepEqual(reimportMetrics(r.metrics), r.metrics, `${name} ${r.entry.file}`);
      else continue;
      requests++;
    }
  }
  assert.ok(requests >= 8, `only ${requests} logs and metrics requests in the fixtures`);
});
