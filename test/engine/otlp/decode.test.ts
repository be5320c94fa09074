/**
 * The two OTLP decoders against payloads made by the official serializer
 * (@opentelemetry/otlp-transformer): both read every value type the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { decodeTraceRequest } from '../../../src-main/engine/otlp/decode-protobuf';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { DecodeError, WireWriter } from '../../../src-main/engine/otlp/wire';
import { MAX_ANY_VALUE_DEPTH } from '../../../src-main/engine/otlp/limits';

function spansWithEveryValueType() {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'decode-test', 'host.cores': 2 }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('decoder', '2.0');
  const span = tracer.startSpan('values', {
    attributes: {
      str: 'héllo ✓',
      int: 42,
      negative: -7,
      double: 3.25,
      bool: true,
      strings: ['a', 'b'],
      numbers: [1, 2.5],
    },
  });
  span.addEvent('evt', { 'evt.n': 1 });
  span.addLink({ context: { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1 }, attributes: { why: 'follows' } });
  span.end();
  return memory.getFinishedSpans();
}

test('protobuf and JSON decoders agree on every attribute type, events and links', () => {
  const spans = spansWithEveryValueType();
  const fromProto = decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(spans)!);
  const fromJson = decodeTraceRequestJson(JsonTraceSerializer.serializeRequest(spans)!);
  assert.deepEqual(fromProto, fromJson);
  const s = fromProto.spans[0]!;
  assert.deepEqual(s.attributes, { str: 'héllo ✓', int: 42, negative: -7, double: 3.25, bool: true, strings: ['a', 'b'], numbers: [1, 2.5] });
  assert.deepEqual(s.resource.attributes['host.cores'], 2);
  assert.equal(s.scope.name, 'decoder');
  assert.equal(s.scope.version, '2.0');
  assert.deepEqual(s.events.map((e) => [e.name, e.attributes]), [['evt', { 'evt.n': 1 }]]);
  assert.deepEqual(s.links.map((l) => [l.traceId, l.spanId, l.attributes]), [['ab'.repeat(16), 'cd'.repeat(8), { why: 'follows' }]]);
});

test('64-bit integers beyond 2^53 and nanosecond times keep every digit', () => {
  const body = JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{
      traceId: 'AB'.repeat(16), spanId: '01'.repeat(8), name: 'big',
      startTimeUnixNano: '1795309713027374771', endTimeUnixNano: 1795309713,
      attributes: [
        { key: 'big', value: { intValue: '9223372036854775807' } },
        { key: 'small', value: { intValue: '-12' } },
        { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { arrayValue: { values: [{ boolValue: false }] } } }] } } },
        { key: 'bytes', value: { bytesValue: 'AAE=' } },
      ],
    }] }] }],
  });
  const s = decodeTraceRequestJson(new TextEncoder().encode(body)).spans[0]!;
  assert.equal(s.traceId, 'ab'.repeat(16), 'hex ids are read case-insensitively and stored lowercase');
  assert.equal(s.startTimeUnixNano, '1795309713027374771');
  assert.equal(s.endTimeUnixNano, '1795309713');
  assert.deepEqual(s.attributes, { big: '9223372036854775807', small: -12, nested: { k: [false] }, bytes: 'AAE=' });
});

test('attribute values nested too deep are refused', () => {
  let value: object = { stringValue: 'x' };
  for (let i = 0; i < MAX_ANY_VALUE_DEPTH + 2; i++) value = { arrayValue: { values: [value] } };
  const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '1'.repeat(32), spanId: '2'.repeat(16), attributes: [{ key: 'deep', value }] }] }] }] });
  assert.throws(() => decodeTraceRequestJson(new TextEncoder().encode(body)), DecodeError);

  // The same in protobuf: AnyValue{array_value{values: AnyValue{…}}} nested past the limit.
  let any = new WireWriter().string(1, 'x').finish();
  for (let i = 0; i < MAX_ANY_VALUE_DEPTH + 2; i++) any = new WireWriter().bytes(5, new WireWriter().bytes(1, any).finish()).finish();
  const kv = new WireWriter().string(1, 'deep').bytes(2, any).finish();
  const span = new WireWriter().bytes(1, new Uint8Array(16).fill(1)).bytes(2, new Uint8Array(8).fill(2)).bytes(9, kv).finish();
  const request = new WireWriter().bytes(1, new WireWriter().bytes(2, new WireWriter().bytes(2, span).finish()).finish()).finish();
  assert.throws(() => decodeTraceRequest(request), /nested deeper/);
});

test('malformed protobuf framing throws DecodeError, never reads past the buffer', () => {
  const spans = spansWithEveryValueType();
  const good = ProtobufTraceSerializer.serializeRequest(spans)!;
  let failures = 0;
  for (let cut = 1; cut < good.length; cut++) {
    try {
      decodeTraceRequest(good.subarray(0, cut));
    } catch (err) {
      assert.ok(err instanceof DecodeError, `cut at ${cut}: ${String(err)}`);
      failures++;
    }
  }
  assert.ok(failures > good.length / 2, 'most truncations are detected');
  assert.throws(() => decodeTraceRequest(new TextEncoder().encode('not protobuf at all')), DecodeError);
  assert.throws(() => decodeTraceRequestJson(new TextEncoder().encode('[1,2')), DecodeError);
  assert.throws(() => decodeTraceRequestJson(new TextEncoder().encode('{"resourceSpans": 5}')), /resourceSpans must be an array/);
});

test('an attribute named __proto__ is kept as an ordinary attribute by both decoders', () => {
  const json = JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [{
      traceId: '0102030405060708090a0b0c0d0e0f10', spanId: 'a0a1a2a3a4a5a6a7', name: 'p',
      attributes: [
        { key: '__proto__', value: { kvlistValue: { values: [{ key: 'polluted', value: { stringValue: 'yes' } }] } } },
        { key: 'a', value: { stringValue: 'b' } },
      ],
    }] }] }],
  });
  const proto = Buffer.from('0a51124f124d0a100102030405060708090a0b0c0d0e0f10120801020304050607082a01784a220a095f5f70726f746f5f5f121532130a110a08706f6c6c7574656412050a037965734a080a016112030a0162', 'hex');
  for (const attrs of [decodeTraceRequestJson(Buffer.from(json)).spans[0]!.attributes, decodeTraceRequest(proto).spans[0]!.attributes]) {
    assert.deepEqual(Object.keys(attrs), ['__proto__', 'a']);
    assert.deepEqual(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value, { polluted: 'yes' });
    assert.equal(Object.getPrototypeOf(attrs), Object.prototype, 'the object was not re-parented');
    assert.equal((attrs as Record<string, unknown>).polluted, undefined);
  }
});
