/**
 * The public REST API and the WebSocket tick, served by the headless shell over real sockets.
 * Shapes are the documented ones (README "REST API"): scripts and the CLI depend on them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startApiServer } from '../../src-main/headless/api-server';
import { startTestEngine } from '../support/engine';
import { sendAgentTrace } from '../support/otel';
import type { Engine } from '../../src-main/engine';
import type { IngestTick } from '../../src-shared/contract';

describe('REST API', () => {
  let engine: Engine;
  let server: Server;
  let base: string;
  before(async () => {
    engine = await startTestEngine();
    const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Flowtrace</title>');
    server = await startApiServer({ api: engine, host: '127.0.0.1', port: 0, rendererDir });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    server.closeAllConnections();
    await engine.close();
  });

  const getJson = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('health, stats and info', async () => {
    assert.deepEqual((await getJson('/api/v1/health')).body.status, 'ok');
    const stats = await getJson('/api/v1/stats');
    assert.equal(typeof stats.body.spans, 'number');
    assert.equal(typeof stats.body.traces, 'number');
    const info = await getJson('/api/v1/info');
    assert.equal(info.body.otlpHttpEndpoint, engine.info.otlpHttpEndpoint);
  });

  for (const protocol of ['protobuf', 'json'] as const) {
    test(`${protocol} exporter: the trace is listed and readable with the documented fields right after the ack`, async () => {
      const sent = await sendAgentTrace(engine.info.otlpHttpEndpoint, protocol, { serviceName: `rest-${protocol}` });
      const list = await getJson(`/api/v1/traces?service=rest-${protocol}&limit=5`);
      assert.equal(list.status, 200);
      const traces = list.body.traces as Array<Record<string, unknown>>;
      assert.equal(traces.length, 1);
      assert.deepEqual(Object.keys(traces[0]!).sort(), ['durationMs', 'errorCount', 'rootName', 'serviceName', 'spanCount', 'startTimeUnixNano', 'traceId']);
      assert.equal(traces[0]!.traceId, sent.traceId);
      assert.match(traces[0]!.startTimeUnixNano as string, /^\d+$/);
      assert.equal(list.body.nextCursor, null);

      const one = await getJson(`/api/v1/traces/${sent.traceId.toUpperCase()}`);
      assert.equal(one.status, 200);
      assert.equal(one.body.traceId, sent.traceId);
      const spans = one.body.spans as Array<Record<string, unknown>>;
      assert.equal(spans.length, sent.spans.length);
      for (const key of ['traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'status', 'attributes', 'events', 'links', 'resource', 'scope']) {
        assert.ok(key in spans[0]!, `span has ${key}`);
      }
    });
  }

  test('an unknown trace id is 404', async () => {
    const missing = await getJson(`/api/v1/traces/${'f'.repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'trace not found');
  });

  test('bad parameters are 400 with a message; other methods 405; unknown API paths 404', async () => {
    const bad = await getJson('/api/v1/traces?limit=9999');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error as string, /limit/);
    assert.equal((await getJson('/api/v1/traces/not-hex')).status, 400);
    assert.equal((await getJson('/api/v1/traces?color=red')).status, 400);
    assert.equal((await fetch(`${base}/api/v1/traces`, { method: 'POST' })).status, 405);
    assert.equal((await getJson('/api/v1/nothing')).status, 404);
  });

  test('serves the UI with a strict CSP', async () => {
    const res = await fetch(base + '/');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await res.text(), /Flowtrace/);
    assert.equal((await fetch(base + '/../../etc/passwd')).status, 404);
  });

  test('a request whose Host is not a loopback name is refused (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const port = (server.address() as AddressInfo).port;
      request({ host: '127.0.0.1', port, path: '/api/v1/stats', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    assert.equal(status, 403);
  });

  test('the WebSocket pushes an ingest tick naming the new trace', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const ticks: IngestTick[] = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { type: string; tick: IngestTick };
      if (msg.type === 'ingest') ticks.push(msg.tick);
    });
    const sent = await sendAgentTrace(engine.info.otlpHttpEndpoint, 'json');
    const deadline = Date.now() + 3000;
    while (!ticks.some((t) => t.traceIds.includes(sent.traceId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    ws.close();
    assert.ok(ticks.some((t) => t.traceIds.includes(sent.traceId)), 'tick received');
  });

  test('a WebSocket from another origin is refused', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/api/v1/ws`, { origin: 'http://evil.example' });
    const outcome = await new Promise<string>((resolve) => {
      ws.once('open', () => resolve('open'));
      ws.once('error', () => resolve('refused'));
    });
    assert.equal(outcome, 'refused');
  });
});
