/**
 * The logs and metrics decoders: protobuf and OTLP/JSON agree on payloads made by the official
 * serializer (@opentelemetry/otlp-transformer), and the edge cases the SDK never produces (bad ids,
 * unknown fields, 64-bit ints as strings, summaries, exemplars, empty and malformed requests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace, ValueType } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonLogsSerializer, JsonMetricsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { decodeLogsRequest, decodeLogsRequestJson } from '../../../src-main/engine/otlp/decode-logs';
import { decodeMetricsRequest, decodeMetricsRequestJson } from '../../../src-main/engine/otlp/decode-metrics';
import { DecodeError } from '../../../src-main/engine/otlp/wire';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** Just enough protobuf writing for payloads the SDK does not produce. */
class Pb {
  private readonly bytes: number[] = [];
  private varint(n: bigint): this {
    let v = BigInt.asUintN(64, n);
    while (v > 0x7fn) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
    return this;
  }
  private tag(field: number, wire: number): this {
    return this.varint(BigInt(field * 8 + wire));
  }
  uint(field: number, n: number | bigint): this {
    return this.tag(field, 0).varint(BigInt(n));
  }
  fixed64(field: number, n: bigint): this {
    const b = new DataView(new ArrayBuffer(8));
    b.setBigUint64(0, BigInt.asUintN(64, n), true);
    this.tag(field, 1).bytes.push(...new Uint8Array(b.buffer));
    return this;
  }
  double(field: number, n: number): this {
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, n, true);
    this.tag(field, 1).bytes.push(...new Uint8Array(b.buffer));
    return this;
  }
  raw(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(BigInt(data.length)).bytes.push(...data);
    return this;
  }
  msg(field: number, m: Pb): this {
    return this.raw(field, m.finish());
  }
  str(field: number, s: string): this {
    return this.raw(field, new TextEncoder().encode(s));
  }
  hex(field: number, h: string): this {
    return this.raw(field, Buffer.from(h, 'hex'));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);

test('logs: protobuf and JSON decoders agree on records from the official serializer', async () => {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'decode-logs' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('scope-a', '3.1');
  const span = new TracerProvider().getTracer('t').startSpan('s');
  logger.emit({ body: 'plain', severityNumber: SeverityNumber.DEBUG, severityText: 'DEBUG', attributes: { n: 42, ok: true, list: ['a', 'b'] } });
  logger.emit({
    context: trace.setSpan(context.active(), span),
    body: { nested: { deep: [1, 2.5, 'x'] } },
    eventName: 'gen_ai.user.message',
    timestamp: 1_700_000_000_123,
  });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  const fromProto = decodeLogsRequest(ProtobufLogsSerializer.serializeRequest(records)!);
  const fromJson = decodeLogsRequestJson(JsonLogsSerializer.serializeRequest(records)!);
  assert.deepEqual(fromProto, fromJson);
  assert.equal(fromProto.rejected, 0);
  const [plain, event] = fromProto.items;
  assert.equal(plain?.body, 'plain');
  assert.equal(plain?.traceId, null);
  assert.equal(plain?.severityNumber, SeverityNumber.DEBUG);
  assert.deepEqual(plain?.attributes, { n: 42, ok: true, list: ['a', 'b'] });
  assert.equal(plain?.resource.attributes['service.name'], 'decode-logs');
  assert.deepEqual([plain?.scope.name, plain?.scope.version], ['scope-a', '3.1']);
  assert.equal(event?.traceId, span.spanContext().traceId);
  assert.equal(event?.spanId, span.spanContext().spanId);
  assert.deepEqual(event?.body, { nested: { deep: [1, 2.5, 'x'] } });
  assert.equal(event?.eventName, 'gen_ai.user.message');
  assert.equal(event?.timeUnixNano, '1700000000123000000');
});

test('metrics: protobuf and JSON decoders agree on every SDK point type', async () => {
  class Reader extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  }
  const reader = new Reader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'decode-metrics' }),
    readers: [reader],
    views: [{ instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('m', '1');
  meter.createCounter('tokens', { valueType: ValueType.INT }).add(5, { kind: 'in' });
  meter.createUpDownCounter('inflight').add(-1.5);
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5);
  meter.createHistogram('latency', { unit: 's', advice: { explicitBucketBoundaries: [1, 2] } }).record(1.5);
  meter.createHistogram('latency.exp').record(3);
  const { resourceMetrics } = await reader.collect();
  const fromProto = decodeMetricsRequest(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!);
  const fromJson = decodeMetricsRequestJson(JsonMetricsSerializer.serializeRequest(resourceMetrics)!);
  assert.deepEqual(fromProto, fromJson);
  const byName = new Map(fromProto.items.map((p) => [p.name, p]));
  assert.deepEqual(
    [...byName.values()].map((p) => [p.name, p.type, p.aggregationTemporality, p.isMonotonic]).sort(),
    [
      ['inflight', 'sum', 'cumulative', false],
      ['latency', 'histogram', 'cumulative', false],
      ['latency.exp', 'exponentialHistogram', 'cumulative', false],
      ['temperature', 'gauge', 'unspecified', false],
      ['tokens', 'sum', 'cumulative', true],
    ],
  );
  assert.equal(byName.get('tokens')?.value, 5);
  assert.deepEqual(byName.get('tokens')?.attributes, { kind: 'in' });
  assert.equal(byName.get('inflight')?.value, -1.5);
  assert.equal(byName.get('temperature')?.value, 21.5);
  assert.deepEqual(byName.get('latency')?.histogram, { count: 1, sum: 1.5, min: 1.5, max: 1.5, bucketCounts: [0, 1, 0], explicitBounds: [1, 2] });
  const exp = byName.get('latency.exp')?.exponentialHistogram;
  assert.equal(exp?.count, 1);
  assert.equal(exp?.sum, 3);
  assert.deepEqual(exp?.positive.bucketCounts, [1]);
  assert.equal(typeof exp?.scale, 'number');
});

test('a log record with a trace or span id of the wrong length is rejected alone', () => {
  const batch = decodeLogsRequestJson(json({
    resourceLogs: [{ scopeLogs: [{ logRecords: [
      { body: { stringValue: 'good' }, traceId: TRACE.toUpperCase(), spanId: SPAN },
      { body: { stringValue: 'short trace' }, traceId: 'abcd', spanId: SPAN },
      { body: { stringValue: 'long span' }, traceId: TRACE, spanId: `${SPAN}00` },
      { body: { stringValue: 'not hex' }, traceId: 'zz'.repeat(16) },
      { body: { stringValue: 'zeros mean none' }, traceId: '0'.repeat(32), spanId: '0'.repeat(16) },
    ] }] }],
  }));
  assert.deepEqual(batch.items.map((l) => [l.body, l.traceId, l.spanId]), [['good', TRACE, SPAN], ['zeros mean none', null, null]]);
  assert.equal(batch.rejected, 3);
  assert.deepEqual(batch.rejectReasons, ['log record: trace_id must be empty or 16 bytes', 'log record: span_id must be empty or 8 bytes']);

  const record = (traceHex: string) => new Pb().msg(5, new Pb().str(1, traceHex)).hex(9, traceHex).hex(10, SPAN);
  const proto = new Pb().msg(1, new Pb().msg(2, new Pb().msg(2, record(TRACE)).msg(2, record('abcdef')))).finish();
  const fromProto = decodeLogsRequest(proto);
  assert.deepEqual(fromProto.items.map((l) => l.body), [TRACE]);
  assert.equal(fromProto.rejected, 1);
});

test('the points of a metric without a name are rejected alone', () => {
  const batch = decodeMetricsRequestJson(json({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [
      { gauge: { dataPoints: [{ asDouble: 1 }, { asDouble: 2 }] } },
      { name: 'kept', gauge: { dataPoints: [{ asDouble: 3 }] } },
    ] }] }],
  }));
  assert.deepEqual(batch.items.map((p) => [p.name, p.value]), [['kept', 3]]);
  assert.equal(batch.rejected, 2);
  assert.match(batch.rejectReasons[0]!, /without a name/);
});

test('unknown fields are ignored, in JSON and protobuf', () => {
  const logs = decodeLogsRequestJson(json({
    future: 1,
    resourceLogs: [{ schemaUrl: 'x', entityRefs: [{}], resource: { attributes: [], extra: true }, scopeLogs: [{ scope: { name: 's', more: 2 }, logRecords: [{ body: { stringValue: 'b' }, newField: { a: 1 } }] }] }],
  }));
  assert.deepEqual(logs.items.map((l) => [l.body, l.scope.name]), [['b', 's']]);

  const metricsJson = decodeMetricsRequestJson(json({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', unknownData: {}, gauge: { dataPoints: [{ asDouble: 1.5, whatever: 'x' }], extra: 1 } }] }] }],
  }));
  assert.deepEqual(metricsJson.items.map((p) => [p.name, p.value]), [['g', 1.5]]);

  // Unknown varint, fixed64 and length-delimited fields at every level of a protobuf request.
  const point = new Pb().uint(99, 7).double(4, 2.5).str(100, 'future');
  const metric = new Pb().str(1, 'g').fixed64(98, 1n).msg(5, new Pb().msg(1, point).uint(97, 1));
  const proto = new Pb().msg(1, new Pb().str(50, 'x').msg(2, new Pb().msg(2, metric).uint(60, 3))).uint(70, 1).finish();
  assert.deepEqual(decodeMetricsRequest(proto).items.map((p) => [p.name, p.value]), [['g', 2.5]]);
  const log = new Pb().uint(99, 1).str(3, 'WARN').msg(100, new Pb().uint(1, 1));
  const logsProto = new Pb().msg(1, new Pb().msg(2, new Pb().msg(2, log))).finish();
  assert.deepEqual(decodeLogsRequest(logsProto).items.map((l) => l.severityText), ['WARN']);
});

test('64-bit integers arrive as strings or numbers and keep every digit', () => {
  const batch = decodeMetricsRequestJson(json({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [
      { name: 'big', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [
        { asInt: '9223372036854775807', timeUnixNano: '1795309713027374771', startTimeUnixNano: 1795309713 },
        { asInt: -5 },
        { asInt: '-12' },
      ] } },
      { name: 'h', histogram: { aggregationTemporality: '2', dataPoints: [{ count: '18', sum: '2.5', bucketCounts: ['3', 15], explicitBounds: [1] }] } },
    ] }] }],
  }));
  const [big, neg, negString, h] = batch.items;
  assert.equal(big?.value, '9223372036854775807');
  assert.equal(big?.timeUnixNano, '1795309713027374771');
  assert.equal(big?.startTimeUnixNano, '1795309713');
  assert.equal(big?.aggregationTemporality, 'delta');
  assert.equal(neg?.value, -5);
  assert.equal(negString?.value, -12);
  assert.deepEqual(h?.histogram, { count: 18, sum: 2.5, min: null, max: null, bucketCounts: [3, 15], explicitBounds: [1] });
  assert.equal(h?.aggregationTemporality, 'cumulative');

  // sfixed64 in protobuf: negative and beyond 2^53.
  const points = new Pb().msg(1, new Pb().fixed64(6, -3n)).msg(1, new Pb().fixed64(6, 2n ** 62n + 1n));
  const proto = new Pb().msg(1, new Pb().msg(2, new Pb().msg(2, new Pb().str(1, 'i').msg(5, points)))).finish();
  assert.deepEqual(decodeMetricsRequest(proto).items.map((p) => p.value), [-3, '4611686018427387905']);

  const logs = decodeLogsRequestJson(json({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1795309713027374771', observedTimeUnixNano: 1795309713, severityNumber: 17 }] }] }] }));
  assert.deepEqual(logs.items.map((l) => [l.timeUnixNano, l.observedTimeUnixNano, l.severityNumber]), [['1795309713027374771', '1795309713', 17]]);
});

test('summaries and exemplars (which the JS SDK does not send) read the same from protobuf and JSON', () => {
  const exemplar = new Pb().fixed64(2, 1_700_000_000_000_000_000n).double(3, 0.25).hex(4, SPAN).hex(5, TRACE).msg(7, new Pb().str(1, 'user').msg(2, new Pb().str(1, 'u1')));
  const summaryPoint = new Pb()
    .fixed64(2, 1n).fixed64(3, 2n).fixed64(4, 10n).double(5, 12.5)
    .msg(6, new Pb().double(1, 0.5).double(2, 1)).msg(6, new Pb().double(1, 0.99).double(2, 4))
    .msg(7, new Pb().str(1, 'route').msg(2, new Pb().str(1, '/chat')));
  const gaugePoint = new Pb().fixed64(3, 5n).double(4, 1).msg(5, exemplar).uint(8, 1);
  const proto = new Pb().msg(1, new Pb().msg(2, new Pb()
    .msg(2, new Pb().str(1, 'rpc.duration').str(2, 'd').str(3, 'ms').msg(11, new Pb().msg(1, summaryPoint)))
    .msg(2, new Pb().str(1, 'load').msg(5, new Pb().msg(1, gaugePoint)).msg(12, new Pb().str(1, 'm').msg(2, new Pb().str(1, 'v'))))))
    .finish();
  const fromJson = decodeMetricsRequestJson(json({
    resourceMetrics: [{ scopeMetrics: [{ metrics: [
      { name: 'rpc.duration', description: 'd', unit: 'ms', summary: { dataPoints: [{
        startTimeUnixNano: '1', timeUnixNano: '2', count: '10', sum: 12.5,
        quantileValues: [{ quantile: 0.5, value: 1 }, { quantile: 0.99, value: 4 }],
        attributes: [{ key: 'route', value: { stringValue: '/chat' } }],
      }] } },
      { name: 'load', metadata: [{ key: 'm', value: { stringValue: 'v' } }], gauge: { dataPoints: [{
        timeUnixNano: '5', asDouble: 1, flags: 1,
        exemplars: [{ timeUnixNano: '1700000000000000000', asDouble: 0.25, spanId: SPAN, traceId: TRACE, filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }] }],
      }] } },
    ] }] }],
  }));
  const fromProto = decodeMetricsRequest(proto);
  assert.deepEqual(fromProto, fromJson);
  const [summary, load] = fromProto.items;
  assert.deepEqual(summary?.summary, { count: 10, sum: 12.5, quantileValues: [{ quantile: 0.5, value: 1 }, { quantile: 0.99, value: 4 }] });
  assert.deepEqual(summary?.attributes, { route: '/chat' });
  assert.deepEqual(load?.exemplars, [{ timeUnixNano: '1700000000000000000', value: 0.25, traceId: TRACE, spanId: SPAN, filteredAttributes: { user: 'u1' } }]);
  assert.deepEqual(load?.metadata, { m: 'v' });
  assert.equal(load?.flags, 1);
});

test('empty requests decode to nothing; malformed ones are a DecodeError', () => {
  for (const batch of [
    decodeLogsRequest(new Uint8Array(0)),
    decodeLogsRequestJson(json({})),
    decodeLogsRequestJson(json({ resourceLogs: [] })),
    decodeMetricsRequest(new Uint8Array(0)),
    decodeMetricsRequestJson(json({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'no data' }] }] }] })),
  ]) {
    assert.deepEqual([batch.items.length, batch.rejected], [0, 0]);
  }
  const truncated = new Pb().msg(1, new Pb().msg(2, new Pb().str(1, 'x'))).finish().slice(0, -2);
  assert.throws(() => decodeLogsRequest(truncated), DecodeError);
  assert.throws(() => decodeMetricsRequest(truncated), DecodeError);
  assert.throws(() => decodeLogsRequestJson(new TextEncoder().encode('{"resourceLogs": [')), DecodeError);
  assert.throws(() => decodeLogsRequestJson(json({ resourceLogs: {} })), DecodeError);
  assert.throws(() => decodeMetricsRequestJson(json({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [{ asInt: 1.5 }] } }] }] }] })), DecodeError);
  assert.throws(() => decodeMetricsRequestJson(json({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x', gauge: { dataPoints: [{ asDouble: 'lots' }] } }] }] }] })), DecodeError);
});
