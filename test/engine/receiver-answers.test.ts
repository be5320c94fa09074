/**
 * Every answer the OTLP/HTTP receiver gives, over a real loopback socket: success, partial
 * success, and each error, each in the request's own encoding, and the server stays healthy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { recordAgentTrace } from '../support/otel';
import { post, startTestEngine } from '../support/engine';
import type { Engine } from '../../src-main/engine';
import { WireReader } from '../../src-main/engine/otlp/wire';

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };

/** Reads google.rpc.Status {1: code, 2: message} from protobuf bytes. */
function readStatus(bytes: Uint8Array): { code: number; message: string } {
  const r = new WireReader(bytes);
  const out = { code: 0, message: '' };
  while (!r.done()) {
    const tag = r.tag();
    if (tag === (1 << 3)) out.code = r.varint32();
    else if (tag === ((2 << 3) | 2)) out.message = r.string();
    else r.skip(tag & 7);
  }
  return out;
}

describe('OTLP/HTTP receiver answers', () => {
  let engine: Engine;
  let url: string;
  before(async () => {
    engine = await startTestEngine();
    url = `${engine.info.otlpHttpEndpoint}/v1/traces`;
  });
  after(async () => {
    await engine.close();
  });

  test('garbage bytes posted as protobuf get 400 with a Status message, and the server stays healthy', async () => {
    const res = await post(url, 'this is definitely not protobuf', PROTO);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    const status = readStatus(res.body);
    assert.equal(status.code, 3);
    assert.match(status.message, /could not decode OTLP protobuf/);
    const sent = recordAgentTrace();
    const ok = await post(url, ProtobufTraceSerializer.serializeRequest(sent.spans)!, PROTO);
    assert.equal(ok.status, 200);
    assert.ok(await engine.getTrace(sent.traceId));
  });

  test('a truncated protobuf request is a 400 and stores nothing', async () => {
    const sent = recordAgentTrace();
    const full = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
    const res = await post(url, full.subarray(0, full.length - 7), PROTO);
    assert.equal(res.status, 400);
    assert.equal(await engine.getTrace(sent.traceId), null);
  });

  test('invalid JSON is a 400 with a JSON Status body', async () => {
    const res = await post(url, '{"resourceSpans": [', JSON_CT);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = JSON.parse(res.body.toString()) as { code: number; message: string };
    assert.equal(body.code, 3);
    assert.match(body.message, /not valid JSON/);
  });

  test('gzip-compressed protobuf is accepted', async () => {
    const sent = recordAgentTrace();
    const res = await post(url, gzipSync(ProtobufTraceSerializer.serializeRequest(sent.spans)!), { ...PROTO, 'content-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
  });

  test('an empty request is a success', async () => {
    assert.equal((await post(url, new Uint8Array(0), PROTO)).status, 200);
    assert.equal((await post(url, '{}', JSON_CT)).status, 200);
  });

  test('spans with invalid ids are rejected alone, as partial success', async () => {
    const sent = recordAgentTrace();
    const request = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sent.spans)!)) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string; spanId: string }> }> }>;
    };
    const spans = request.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans[0]!.spanId = 'abc';
    spans[1]!.traceId = '00000000000000000000000000000000';
    const res = await post(url, JSON.stringify(request), JSON_CT);
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body.toString()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(body.partialSuccess.rejectedSpans, '2');
    assert.match(body.partialSuccess.errorMessage, /span_id must be 8 bytes/);
    assert.match(body.partialSuccess.errorMessage, /trace_id must not be all zeros/);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length - 2);
  });

  test('wrong method is 405, unknown path 404, unknown content type 415, unknown encoding 415', async () => {
    const get = await fetch(url);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/nope`, '{}', JSON_CT)).status, 404);
    assert.equal((await post(url, 'hello', { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post(url, '{}', { ...JSON_CT, 'content-encoding': 'br' })).status, 415);
  });

  test('a body over 20 MiB is 413', async () => {
    const res = await post(url, new Uint8Array(20 * 1024 * 1024 + 1), PROTO).catch((err: Error) => err);
    // The server answers 413 and closes; depending on timing the client sees the answer or a reset.
    if (res instanceof Error) assert.match(String(res.cause ?? res), /ECONNRESET|EPIPE|other side closed|fetch failed/);
    else assert.equal(res.status, 413);
    assert.equal((await post(url, new Uint8Array(0), PROTO)).status, 200);
  });

  test('a gzip bomb is refused by its decompressed size', async () => {
    const bomb = gzipSync(new Uint8Array(21 * 1024 * 1024));
    const res = await post(url, bomb, { ...PROTO, 'content-encoding': 'gzip' });
    assert.equal(res.status, 413);
  });

  test('while ingest is paused, exporters get 503 with Retry-After and nothing is lost', async () => {
    engine.setIngestPaused(true);
    const sent = recordAgentTrace();
    const body = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
    const res = await post(url, body, PROTO);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.equal(readStatus(res.body).code, 14);
    engine.setIngestPaused(false);
    assert.equal((await post(url, body, PROTO)).status, 200);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
  });
});
