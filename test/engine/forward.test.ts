/**
 * Forwarding's rules, against an upstream OTLP/HTTP server in this test that answers as told (the
 * real Collector is the upstream of test/headless/forward-collector.test.ts): requests leave in the
 * order they arrived, with the endpoint's headers and gzip; 503 with Retry-After is retried no
 * sooner than asked; 400 is not sent again and the next request goes on; the log keeps what an
 * upstream has not taken through compaction and a restart; a backlog past the disk bound drops its
 * oldest requests with a notice; the settings route needs the OTLP token.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordAgentTrace, exportSpans } from '../support/otel';
import { eventually, startTestApiServer, startTestEngine } from '../support/engine';
import { tempDataDir } from '../support/serve-process';
import type { Engine } from '../../src-main/engine';
import { retryAfterMs, retryInfoDelayMs } from '../../src-main/engine/forward/send-outcome';
import { rpcStatusWithRetryDelay } from '../../src-main/engine/otlp/responses';
import { decodeTraceRequest } from '../../src-main/engine/otlp/decode-protobuf';
import { FORWARDING_FILE, writeForwardingFile } from '../../src-main/engine/forward/forwarding-file';

interface Received {
  at: number;
  path: string;
  headers: IncomingMessage['headers'];
  traceIds: string[];
}

type Answer = { status: number; headers?: Record<string, string>; body?: string };

/** An OTLP/HTTP upstream: records each request, answers from `answers` (then 200). */
async function startUpstream(): Promise<{ url: string; received: Received[]; answers: Answer[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const answers: Answer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const traceIds = req.url === '/v1/traces' && req.headers['content-type'] === 'application/x-protobuf' ? [...new Set(decodeTraceRequest(body).spans.map((s) => s.traceId))] : [];
      received.push({ at: Date.now(), path: req.url ?? '', headers: req.headers, traceIds });
      const answer = answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answers,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function sendTraces(engine: Engine, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const sent = recordAgentTrace({ serviceName: `forwarded-${i}` });
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    ids.push(sent.traceId);
  }
  return ids;
}

const FAST = { initialMs: 50, maxMs: 200 };

describe('forwarding to an OTLP/HTTP upstream', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  test('requests reach the upstream in the order they arrived, with its headers, gzip-compressed', async () => {
    const upstream = await startUpstream();
    cleanups.push(upstream.close);
    const engine = await startTestEngine(tempDataDir(), { forward: [{ url: upstream.url, headers: { 'x-team-key': 'k-123' }, compression: 'gzip' }], forwardBackoff: FAST });
    cleanups.push(() => engine.close());
    const ids = await sendTraces(engine, 6);
    await eventually(async () => (upstream.received.length >= 6 ? true : null), 10_000);
    assert.deepEqual(upstream.received.map((r) => r.traceIds[0]), ids);
    for (const r of upstream.received) {
      assert.equal(r.path, '/v1/traces');
      assert.equal(r.headers['x-team-key'], 'k-123');
      assert.equal(r.headers['content-encoding'], 'gzip');
    }
    const status = await eventually(async () => {
      const s = (await engine.getStats()).forwarding[0]!;
      return s.lagRequests === 0 && s.deliveredRequests === 6 ? s : null;
    }, 10_000);
    assert.equal(status.url, upstream.url);
    assert.equal(status.lastError, null);
  });

  test('503 with Retry-After is tried again no sooner than asked; 400 is not sent again and the next request goes on', async () => {
    const upstream = await startUpstream();
    cleanups.push(upstream.close);
    upstream.answers.push({ status: 503, headers: { 'retry-after': '2' } }, { status: 400, body: '{"code":3,"message":"bad batch"}' });
    const engine = await startTestEngine(tempDataDir(), { forward: [{ url: upstream.url, headers: {}, compression: 'none' }], forwardBackoff: FAST });
    cleanups.push(() => engine.close());
    const [first, second] = await sendTraces(engine, 2);
    await eventually(async () => (upstream.received.length >= 3 ? true : null), 15_000);
    const [refusedFor503, refusedFor400, delivered] = upstream.received;
    assert.equal(refusedFor503!.traceIds[0], first);
    assert.ok(refusedFor400!.at - refusedFor503!.at >= 1900, `retried after ${refusedFor400!.at - refusedFor503!.at} ms, asked 2 s`);
    assert.equal(refusedFor400!.traceIds[0], first, 'the same request again after the 503');
    assert.equal(delivered!.traceIds[0], second, 'the 400 request is not sent again: the next one goes');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(upstream.received.length, 3);
    const status = await eventually(async () => {
      const s = (await engine.getStats()).forwarding[0]!;
      return s.lagRequests === 0 ? s : null;
    });
    assert.equal(status.refusedRequests, 1);
    assert.equal(status.deliveredRequests, 1);
    assert.match(status.lastError!.message, /answered 400: \{"code":3,"message":"bad batch"\}/);
  });

  test('credentials refused (401) hold the queue rather than drain it: the same request is sent again', async () => {
    const upstream = await startUpstream();
    cleanups.push(upstream.close);
    upstream.answers.push({ status: 401, body: '{"message":"bad key"}' }, { status: 401, body: '{"message":"bad key"}' });
    const engine = await startTestEngine(tempDataDir(), { forward: [{ url: upstream.url, headers: {}, compression: 'none' }], forwardBackoff: FAST });
    cleanups.push(() => engine.close());
    const [only] = await sendTraces(engine, 1);
    await eventually(async () => (upstream.received.length >= 3 ? true : null), 10_000);
    assert.deepEqual(upstream.received.map((r) => r.traceIds[0]), [only, only, only]);
    const status = await eventually(async () => {
      const s = (await engine.getStats()).forwarding[0]!;
      return s.deliveredRequests === 1 ? s : null;
    });
    assert.equal(status.refusedRequests, 0);
    assert.match(status.lastError!.message, /answered 401.*refuses this endpoint's headers/);
  });

  test('a --forward run, or an unreadable forwarding.json, keeps the saved endpoints\' places: what arrives meanwhile reaches them later', async () => {
    const dataDir = tempDataDir();
    const saved = await startUpstream();
    cleanups.push(saved.close);
    saved.answers.push(...Array.from({ length: 10_000 }, () => ({ status: 503 })));
    writeForwardingFile(dataDir, [{ url: saved.url, headers: {}, compression: 'none' }]);
    let engine = await startTestEngine(dataDir, { forwardBackoff: FAST });
    const ids = await sendTraces(engine, 2);
    await engine.close();

    const other = await startUpstream();
    cleanups.push(other.close);
    engine = await startTestEngine(dataDir, { forward: [{ url: other.url, headers: {}, compression: 'none' }], forwardBackoff: FAST });
    ids.push(...(await sendTraces(engine, 2)));
    await eventually(async () => (other.received.length >= 2 ? true : null), 10_000);
    await engine.close();

    writeFileSync(join(dataDir, FORWARDING_FILE), '{ not json');
    engine = await startTestEngine(dataDir, { forwardBackoff: FAST });
    assert.ok((await engine.getStats()).notices.some((n) => n.level === 'error' && /Forwarding is off: .*forwarding\.json/.test(n.message)));
    ids.push(...(await sendTraces(engine, 1)));
    await engine.close();

    saved.answers.length = 0;
    const before = saved.received.length;
    writeForwardingFile(dataDir, [{ url: saved.url, headers: {}, compression: 'none' }]);
    engine = await startTestEngine(dataDir, { forwardBackoff: FAST });
    cleanups.push(() => engine.close());
    await eventually(async () => (saved.received.length - before >= 5 ? true : null), 10_000);
    assert.deepEqual(saved.received.slice(before).map((r) => r.traceIds[0]), ids);
  });

  test('what the upstream has not taken survives compaction and a restart, and leaves the log once delivered', async () => {
    const dataDir = tempDataDir();
    const upstream = await startUpstream();
    cleanups.push(upstream.close);
    upstream.answers.push(...Array.from({ length: 1000 }, () => ({ status: 503 })));
    const options = { forward: [{ url: upstream.url, headers: {}, compression: 'gzip' as const }], forwardBackoff: FAST };
    let engine = await startTestEngine(dataDir, options);
    const ids = await sendTraces(engine, 5);
    // Compacted (readable) while still waiting for the upstream.
    for (const id of ids) assert.ok(await engine.getTrace(id));
    const waiting = await eventually(async () => {
      const s = (await engine.getStats()).forwarding[0]!;
      return s.state === 'retrying' && s.lagRequests === 5 ? s : null;
    });
    assert.match(waiting.lastError!.message, /answered 503/);
    assert.ok(waiting.lagBytes > 0 && waiting.lagMs >= 0);
    await engine.close();

    upstream.answers.length = 0;
    const before = upstream.received.length;
    engine = await startTestEngine(dataDir, options);
    cleanups.push(() => engine.close());
    await eventually(async () => (upstream.received.slice(before).filter((r) => r.traceIds.length).length >= 5 ? true : null), 10_000);
    assert.deepEqual(upstream.received.slice(before).map((r) => r.traceIds[0]), ids);
    await eventually(async () => ((await engine.getStats()).forwarding[0]!.lagRequests === 0 ? true : null), 10_000);
  });

  test('an upstream that never answers holds neither a stop nor a change of endpoints', async () => {
    const hung = createServer(() => {});
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => {
      hung.close(() => resolve());
      hung.closeAllConnections();
    }));
    const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    const dataDir = tempDataDir();
    const engine = await startTestEngine(dataDir, { forward: [{ url, headers: {}, compression: 'none' }], forwardBackoff: FAST });
    await sendTraces(engine, 1);
    await eventually(async () => ((await engine.getStats()).forwarding[0]!.state === 'delivering' ? true : null));
    const started = Date.now();
    await engine.close();
    // The request's own deadline is 30 s: the stop does not wait for it.
    assert.ok(Date.now() - started < 10_000, `closing took ${Date.now() - started} ms`);
    // Not delivered, so still owed: the next run has it waiting.
    const again = await startTestEngine(dataDir, { forward: [{ url, headers: {}, compression: 'none' }], forwardBackoff: FAST });
    cleanups.push(() => again.close());
    await eventually(async () => ((await again.getStats()).forwarding[0]!.lagRequests === 1 ? true : null), 5000);
  });

  test('an endpoint more than its bound behind drops its oldest requests, with a notice saying how many', async () => {
    const upstream = await startUpstream();
    cleanups.push(upstream.close);
    upstream.answers.push(...Array.from({ length: 100_000 }, () => ({ status: 503 })));
    const engine = await startTestEngine(tempDataDir(), { forward: [{ url: upstream.url, headers: {}, compression: 'none' }], forwardBackoff: FAST, forwardMaxBacklogBytes: 4000 });
    cleanups.push(() => engine.close());
    await sendTraces(engine, 8);
    const notice = await eventually(async () => (await engine.getStats()).notices.find((n) => /fell more than .* behind/.test(n.message)) ?? null, 10_000);
    assert.equal(notice.level, 'error');
    assert.match(notice.message, /the oldest \d+ requests \(.* MB, received .* to .*\) were dropped/);
    const status = (await engine.getStats()).forwarding[0]!;
    assert.ok(status.droppedRequests > 0);
    assert.ok(status.lagBytes <= 4000, `backlog ${status.lagBytes} bytes after the drop`);
    assert.ok(status.lagRequests >= 1 && status.lagRequests + status.droppedRequests === 8, JSON.stringify(status));
  });
});

describe('the forwarding setting', () => {
  test('changing the endpoints needs the OTLP token; header values are never shown; a bad URL is named', async () => {
    const upstream = await startUpstream();
    const engine = await startTestEngine(tempDataDir(), { forwardBackoff: FAST });
    const rest = await startTestApiServer(engine);
    try {
      const put = (body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${rest.base}/api/v1/settings/forwarding`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      const endpoints = [{ url: upstream.url, headers: { authorization: 'Bearer team-secret-value' } }];

      const noTokenSaved = await put({ token: 'anything-at-all-1234', endpoints });
      assert.equal(noTokenSaved.status, 403);
      assert.match(((await noTokenSaved.json()) as { error: string }).error, /save an OTLP token first/);

      const token = 'forwarding-test-token-0001';
      assert.equal((await fetch(`${rest.base}/api/v1/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ otlpToken: token }) })).status, 200);
      assert.equal((await put({ token: 'wrong-token-wrong-token', endpoints })).status, 403);
      assert.equal((await put({ endpoints })).status, 403);
      assert.equal((await put({ token, endpoints }, { origin: 'https://evil.example' })).status, 403);

      const bad = await put({
        token,
        endpoints: [
          { url: 'ftp://collector:21' },
          { url: upstream.url, headers: { 'bad name': 'x' } },
          { url: 'grpc://127.0.0.1:4317', headers: { 'x_key!': 'v' } },
          { url: 'http://127.0.0.1:4319', headers: { 'x-key': 'clé-secrète' } },
        ],
      });
      assert.equal(bad.status, 400);
      const refusalText = await bad.text();
      assert.ok(!refusalText.includes('secrète'), 'a refused value is not quoted back');
      const refusal = JSON.parse(refusalText) as { fields: Record<string, string> };
      assert.match(refusal.fields['endpoints.0.url']!, /ftp: is not forwarded to/);
      assert.match(refusal.fields['endpoints.1.headers']!, /not a header name/);
      assert.match(refusal.fields['endpoints.2.headers']!, /cannot be gRPC metadata/);
      assert.match(refusal.fields['endpoints.3.headers']!, /printable ASCII/);

      const saved = await put({ token, endpoints });
      assert.equal(saved.status, 200);
      const view = await (await fetch(`${rest.base}/api/v1/settings/forwarding`)).text();
      assert.ok(!view.includes('team-secret-value'), 'header values stay in the engine');
      assert.deepEqual((JSON.parse(view) as { endpoints: unknown }).endpoints, [{ url: upstream.url, protocol: 'http', headerNames: ['authorization'], compression: 'gzip' }]);

      // In effect at once, with the saved header; an edit without headers keeps them.
      await put({ token, endpoints: [{ url: upstream.url }] });
      await sendTraces(engine, 1);
      await eventually(async () => (upstream.received.length >= 1 ? true : null), 10_000);
      assert.equal(upstream.received[0]!.headers.authorization, 'Bearer team-secret-value');
      const health = (await (await fetch(`${rest.base}/api/v1/health`)).json()) as { forwarding: Array<{ url: string }> };
      assert.deepEqual(health.forwarding.map((f) => f.url), [upstream.url]);
    } finally {
      rest.close();
      await engine.close();
      await upstream.close();
    }
  });
});

describe('retry delays an upstream asks for', () => {
  test('Retry-After in seconds or as a date; RetryInfo in grpc-status-details-bin', () => {
    assert.equal(retryAfterMs('7'), 7000);
    const now = Date.parse('2026-12-07T10:00:00Z');
    assert.equal(retryAfterMs('Mon, 07 Dec 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('soon'), null);
    assert.equal(retryAfterMs(null), null);
    assert.equal(retryInfoDelayMs(rpcStatusWithRetryDelay(14, 'busy', 5)), 5000);
    assert.equal(retryInfoDelayMs(new Uint8Array([0x0a, 0x05, 0x01])), null, 'a malformed trailer is no delay');
    assert.equal(retryInfoDelayMs(null), null);
  });
});
