/**
 * GET /api/v1/traces/{id} writes its JSON a slice of spans at a time: the bytes are exactly those
 * of one JSON.stringify of the trace (also across slice boundaries and for unicode text), and a
 * client that hangs up halfway does not stall the server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { TraceDetail } from '../../src-shared/contract';
import { engineWithApiServerPerFile, post } from '../support/engine';
import { otlpJson, sid, tid, type SpanSpec } from '../support/spans';

const served = engineWithApiServerPerFile();

test('a 1,201-span trace streams the bytes of JSON.stringify', async () => {
  const t = tid(77);
  const specs: SpanSpec[] = Array.from({ length: 1201 }, (_, i) => ({
    traceId: t,
    spanId: sid(i + 1),
    ...(i > 0 ? { parentSpanId: sid(1) } : {}),
    name: i % 2 ? `span ${i} — “ü” 🤖` : `span ${i}`,
    startMs: 1_700_000_000_000 + i,
    durationMs: 5,
    attributes: { 'k\u2028': 'line\nbreak', n: i },
  }));
  assert.equal((await post(`${served.engine.info.otlpHttpEndpoint}/v1/traces`, otlpJson(specs), { 'content-type': 'application/json' })).status, 200);
  const expected = await served.engine.getTrace(t);
  assert.equal(expected?.spans.length, 1201);
  const res = await fetch(`${served.base}/api/v1/traces/${t}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const text = await res.text();
  assert.equal(text, JSON.stringify(expected));
  assert.deepEqual(JSON.parse(text) as TraceDetail, expected);
});

test('a client that leaves mid-stream: the server goes on answering', async () => {
  const t = tid(78);
  const specs: SpanSpec[] = Array.from({ length: 3000 }, (_, i) => ({
    traceId: t,
    spanId: sid(i + 1),
    name: 'x'.repeat(2000),
    startMs: 1_700_000_000_000 + i,
  }));
  for (let i = 0; i < specs.length; i += 1000) await post(`${served.engine.info.otlpHttpEndpoint}/v1/traces`, otlpJson(specs.slice(i, i + 1000)), { 'content-type': 'application/json' });
  await new Promise<void>((resolve) => {
    const req = request(`${served.base}/api/v1/traces/${t}`, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.end();
  });
  const again = await fetch(`${served.base}/api/v1/traces/${t}`);
  assert.equal(((await again.json()) as TraceDetail).spans.length, 3000);
});
