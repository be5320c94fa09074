/**
 * How `import` reads files and answers, on payloads the official OTel JS serializers produce: a
 * request's items are counted the same in JSON and protobuf for all three signals, JSON lines split
 * into requests, gzip is undone, and partial_success is read in both encodings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { countProtobufItems, readOtlpFile, rejectedOf } from '../../src-main/cli/otlp-files';
import { exportResponse } from '../../src-main/engine/otlp/responses';
import { recordAgentTrace } from '../support/otel';
import { recordLogs, recordMetrics } from '../support/otel-signals';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test('spans, log records and metric data points are counted alike in JSON and protobuf', async () => {
  const spans = recordAgentTrace({ toolCalls: 3 }).spans;
  const logs = (await recordLogs('files')).records;
  const metrics = (await recordMetrics('files', '.count')).resourceMetrics;
  const cases = [
    { signal: 'traces', json: JsonTraceSerializer.serializeRequest(spans)!, pb: ProtobufTraceSerializer.serializeRequest(spans)!, items: 7 },
    { signal: 'logs', json: JsonLogsSerializer.serializeRequest(logs)!, pb: ProtobufLogsSerializer.serializeRequest(logs)!, items: 2 },
    // counter (one point), gauge (one), histogram (one)
    { signal: 'metrics', json: JsonMetricsSerializer.serializeRequest(metrics)!, pb: ProtobufMetricsSerializer.serializeRequest(metrics)!, items: 3 },
  ] as const;
  for (const c of cases) {
    const [fromJson] = readOtlpFile(c.json, undefined);
    assert.equal(fromJson!.signal, c.signal, 'JSON names its signal');
    assert.equal(fromJson!.items, c.items, `${c.signal} JSON`);
    assert.equal(countProtobufItems(c.pb, c.signal), c.items, `${c.signal} protobuf`);
    const [fromPb] = readOtlpFile(c.pb, c.signal);
    assert.deepEqual({ encoding: fromPb!.encoding, items: fromPb!.items }, { encoding: 'protobuf', items: c.items });
  }
  assert.equal(readOtlpFile(ProtobufTraceSerializer.serializeRequest(spans)!, undefined)[0]!.signal, 'traces', 'protobuf is traces unless told');
});

test('JSON lines are one request per line; a pretty-printed document is one; gzip is read through', () => {
  const a = text(JsonTraceSerializer.serializeRequest(recordAgentTrace().spans)!);
  const b = text(JsonTraceSerializer.serializeRequest(recordAgentTrace({ toolCalls: 1 }).spans)!);
  const lines = new TextEncoder().encode(`${a}\n\n${b}\n`);
  assert.deepEqual(readOtlpFile(lines, undefined).map((r) => r.items), [4, 5]);
  assert.deepEqual(readOtlpFile(gzipSync(lines), undefined).map((r) => r.items), [4, 5]);
  const pretty = new TextEncoder().encode(JSON.stringify(JSON.parse(a), null, 2));
  assert.deepEqual(readOtlpFile(pretty, undefined).map((r) => r.items), [4]);
  assert.throws(() => readOtlpFile(new TextEncoder().encode(`${a}\n{"oops"\n`), undefined), /^Error: line 2 is not JSON/);
  assert.throws(() => readOtlpFile(new TextEncoder().encode('{"hello":1}'), undefined), /none of resourceSpans, resourceLogs, resourceMetrics/);
  assert.throws(() => readOtlpFile(new TextEncoder().encode('  \n'), undefined), /the file is empty/);
});

test('partial_success is read from both encodings of the receiver\'s answer', () => {
  const partial = { rejected: 2, errorMessage: '2 span(s) rejected: invalid span id' };
  for (const encoding of ['json', 'protobuf'] as const) {
    const body = exportResponse('traces', encoding, partial);
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    assert.deepEqual(rejectedOf(bytes, encoding), { rejected: 2, message: partial.errorMessage }, encoding);
    const whole = exportResponse('traces', encoding, null);
    assert.deepEqual(rejectedOf(typeof whole === 'string' ? new TextEncoder().encode(whole) : whole, encoding), { rejected: 0, message: '' });
  }
});
