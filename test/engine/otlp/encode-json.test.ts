/**
 * The OTLP/JSON encoder against the JSON decoder: what it writes reads back to the very records it
 * was given (every value shape the store keeps, events, links, dropped counts, orphans), grouped by
 * resource and scope, with OTLP's wire conventions (hex ids, decimal-string nanos, enum numbers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ResourceInfo, ScopeInfo, SpanRecord } from '../../../src-shared/contract';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { encodeTraceRequestJson } from '../../../src-main/engine/otlp/encode-json';
import { MAX_VALUE_BYTES } from '../../../src-main/engine/otlp/limits';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function reimport(spans: SpanRecord[]): SpanRecord[] {
  const batch = decodeTraceRequestJson(new TextEncoder().encode(JSON.stringify(encodeTraceRequestJson(spans))));
  assert.equal(batch.rejected, 0);
  assert.deepEqual(batch.warnings, [], 'nothing may be trimmed on the way back in');
  return batch.spans;
}

const agentResource: ResourceInfo = { attributes: { 'service.name': 'planner', 'host.cores': 8 }, droppedAttributesCount: 2 };
const toolResource: ResourceInfo = { attributes: { 'service.name': 'tools' }, droppedAttributesCount: 0 };
const sdkScope: ScopeInfo = { name: 'openai-instrumentation', version: '1.2.3', attributes: { 'scope.attr': true }, droppedAttributesCount: 1 };
const plainScope: ScopeInfo = { name: '', version: '', attributes: {}, droppedAttributesCount: 0 };

function span(spanId: string, patch: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId: null,
    traceState: '',
    name: `span ${spanId}`,
    kind: 'internal',
    startTimeUnixNano: '1795309713027374771',
    endTimeUnixNano: '1795309713127374771',
    status: { code: 'unset', message: '' },
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: agentResource,
    scope: sdkScope,
    ...patch,
  };
}

test('every stored value shape reads back unchanged', () => {
  const longBytes = 'QUJD'.repeat(MAX_VALUE_BYTES / 4 + 100); // base64 of bytes longer than any stored string can be
  const attributes: SpanRecord['attributes'] = {
    str: 'héllo ✓ <b>',
    empty: '',
    int: 42,
    negative: -7,
    zero: 0,
    maxSafe: Number.MAX_SAFE_INTEGER,
    double: 3.25,
    tiny: 5e-324,
    hugeDouble: 1e300,
    bigInt: '9223372036854775807',
    nan: 'NaN',
    inf: '-Infinity',
    bool: false,
    bytes: 'AAE=',
    longBytes,
    none: null,
    strings: ['a', 'b'],
    mixed: [1, 2.5, 'x', true, null, [], {}],
    nested: { k: [false, { deeper: { n: 1 } }], ' spaced key ': 'v' },
    emptyList: [],
    emptyMap: {},
  };
  Object.defineProperty(attributes, '__proto__', { value: { polluted: 'yes' }, enumerable: true, writable: true, configurable: true });
  const original = [span('00f067aa0ba902b7', { attributes })];
  const [back] = reimport(original);
  assert.deepEqual(back, original[0]);
  assert.equal(Object.getPrototypeOf(back!.attributes), Object.prototype);
  assert.equal(back!.attributes.longBytes, longBytes, 'bytes past the string limit are not cut');
});

test('span fields, events, links, dropped counts and a parent that never arrived read back unchanged', () => {
  const original = [
    span('1000000000000001', {
      name: 'invoke_agent planner',
      kind: 'server',
      traceState: 'vendor=a,other=b',
      status: { code: 'error', message: 'tool failed: timeout' },
      attributes: { 'gen_ai.operation.name': 'invoke_agent' },
      droppedAttributesCount: 3,
      events: [
        { timeUnixNano: '1795309713027374800', name: 'exception', attributes: { 'exception.message': 'boom', n: 1 }, droppedAttributesCount: 1 },
        { timeUnixNano: '0', name: 'bare', attributes: {}, droppedAttributesCount: 0 },
      ],
      droppedEventsCount: 4,
      links: [
        { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: 'k=v', attributes: { why: 'retry of' }, droppedAttributesCount: 2 },
        { traceId: TRACE, spanId: '1000000000000002', traceState: '', attributes: {}, droppedAttributesCount: 0 },
      ],
      droppedLinksCount: 5,
    }),
    span('1000000000000002', { parentSpanId: 'ffffffffffffff01', kind: 'client', status: { code: 'ok', message: '' } }),
    span('1000000000000003', { parentSpanId: '1000000000000001', kind: 'unspecified', resource: toolResource, scope: plainScope }),
    span('1000000000000004', { parentSpanId: '1000000000000001', kind: 'consumer', resource: toolResource }),
    span('1000000000000005', { parentSpanId: '1000000000000001', kind: 'producer', status: { code: 'unset', message: 'ignored but kept' } }),
  ];
  // Grouping by resource reorders spans; the store orders them by time when they are read.
  const bySpanId = (a: SpanRecord, b: SpanRecord) => a.spanId.localeCompare(b.spanId);
  assert.deepEqual(reimport(original).sort(bySpanId), original);
});

test('spans are grouped by resource, then by scope, in order of first appearance', () => {
  const request = encodeTraceRequestJson([
    span('2000000000000001'),
    span('2000000000000002', { resource: toolResource, scope: plainScope }),
    // Equal to agentResource but a different object with keys in another order: still the same resource.
    span('2000000000000003', { resource: { droppedAttributesCount: 2, attributes: { 'host.cores': 8, 'service.name': 'planner' } } }),
    span('2000000000000004', { scope: plainScope }),
    span('2000000000000005', { resource: toolResource }),
  ]);
  const shape = request.resourceSpans.map((rs) => [
    rs.resource.attributes.find((kv) => kv.key === 'service.name')?.value,
    rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.spanId.slice(-1))]),
  ]);
  assert.deepEqual(shape, [
    [{ stringValue: 'planner' }, [['openai-instrumentation', ['1', '3']], ['', ['4']]]],
    [{ stringValue: 'tools' }, [['', ['2']], ['openai-instrumentation', ['5']]]],
  ]);
});

test('the JSON follows the OTLP/JSON conventions', () => {
  const request = encodeTraceRequestJson([
    span('3000000000000001', {
      parentSpanId: '3000000000000000',
      kind: 'client',
      status: { code: 'error', message: 'x' },
      attributes: { n: 7, d: 0.5, big: 2 ** 60 },
    }),
  ]);
  const s = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal(s.traceId, TRACE);
  assert.equal(s.parentSpanId, '3000000000000000');
  assert.equal(s.kind, SpanKind.CLIENT + 1, 'OTLP numbers kinds from UNSPECIFIED = 0; the API from INTERNAL = 0');
  assert.deepEqual(s.status, { code: 2, message: 'x' });
  assert.equal(s.startTimeUnixNano, '1795309713027374771');
  assert.deepEqual(s.attributes, [
    { key: 'n', value: { intValue: '7' } },
    { key: 'd', value: { doubleValue: 0.5 } },
    // 2^60 is exact as a double but not a safe integer: written as the double it is stored as.
    { key: 'big', value: { doubleValue: 2 ** 60 } },
  ]);
  const root = encodeTraceRequestJson([span('3000000000000002')]).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  assert.equal('parentSpanId' in root, false, 'a root has no parent id');
});

test('spans from the official SDK serializer survive a decode → encode → decode cycle', () => {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'sdk-roundtrip', 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('roundtrip', '9.9');
  const root = tracer.startSpan('root', { kind: SpanKind.SERVER, attributes: { s: 'x', i: 1, d: 1.5, b: true, arr: [1, 2, 3], strs: ['p', 'q'] } });
  root.addEvent('event', { at: 'start' });
  root.addLink({ context: { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1, traceState: undefined }, attributes: { link: 'yes' } });
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
  root.end();
  const first = decodeTraceRequestJson(JsonTraceSerializer.serializeRequest(memory.getFinishedSpans())!).spans;
  assert.equal(first.length, 1);
  assert.deepEqual(reimport(first), first);
});
