/**
 * The public REST API and the WebSocket tick, served by the headless shell over real sockets.
 * Shapes are the documented ones (README "REST API"): scripts and the CLI depend on them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { startTestApiServer, startTestEngine } from '../support/engine';
import { exportSpans, sendAgentTrace } from '../support/otel';
import { recordGenAiTurn, recordPlainTrace } from '../support/otel-genai';
import type { Engine } from '../../src-main/engine';
import type { IngestTick } from '../../src-shared/contract';

describe('REST API', () => {
  let engine: Engine;
  let rest: Awaited<ReturnType<typeof startTestApiServer>>;
  let base: string;
  before(async () => {
    engine = await startTestEngine();
    rest = await startTestApiServer(engine);
    base = rest.base;
  });
  after(async () => {
    rest.close();
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
      // The agent trace carries gen_ai.* attributes, so its summary has the GenAI rollup.
      assert.deepEqual(Object.keys(traces[0]!).sort(), ['durationMs', 'errorCount', 'genai', 'rootName', 'serviceName', 'spanCount', 'startTimeUnixNano', 'traceId']);
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

  test('GenAI: genai in span and trace JSON, the list filters as query parameters, sessions list and detail', async () => {
    const t0 = Date.now() - 30_000;
    const turn1 = recordGenAiTurn({ serviceName: 'rest-genai', sessionId: 'rest conv/1', startMs: t0, userId: 'alice@example.com' });
    const turn2 = recordGenAiTurn({ serviceName: 'rest-genai', sessionId: 'rest conv/1', startMs: t0 + 1000, agentName: 'booker', toolFails: true });
    const plain = recordPlainTrace('rest-genai');
    for (const sent of [turn1, turn2, plain]) await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);

    const span = await getJson(`/api/v1/traces/${turn1.traceId}/spans/${turn1.spans.find((s) => s.name.startsWith('chat '))!.spanContext().spanId}`);
    assert.equal(span.status, 200);
    const genai = span.body.genai as Record<string, unknown>;
    assert.equal(genai.kind, 'llm');
    assert.equal(genai.requestModel, 'gpt-4o-mini');
    assert.equal(genai.inputTokens, 1000);
    assert.equal(genai.sessionId, 'rest conv/1');
    const plainSpans = (await getJson(`/api/v1/traces/${plain.traceId}`)).body.spans as Array<Record<string, unknown>>;
    assert.ok(plainSpans.every((s) => !('genai' in s)), 'no genai on spans without GenAI markers');

    const list = async (query: string) =>
      ((await getJson(`/api/v1/traces?service=rest-genai&internal=true&${query}`)).body.traces as Array<{ traceId: string; genai?: Record<string, unknown> }>).map((t) => t.traceId);
    const all = (await getJson('/api/v1/traces?service=rest-genai&internal=true')).body.traces as Array<{ traceId: string; genai?: Record<string, unknown> }>;
    // The plain trace of a service that sends GenAI spans is internal: stored, left out of the default list.
    assert.deepEqual(((await getJson('/api/v1/traces?service=rest-genai')).body.traces as Array<{ traceId: string }>).map((t) => t.traceId).includes(plain.traceId), false);
    assert.deepEqual(all.find((t) => t.traceId === turn1.traceId)?.genai, {
      inputTokens: 1500, outputTokens: 300, totalTokens: 1800, costUsd: (1500 * 0.15 + 300 * 0.6) / 1e6,
      models: ['gpt-4o-mini'], agents: ['planner'], llmCalls: 2, toolCalls: 1, sessionId: 'rest conv/1',
    });
    assert.ok(!('genai' in all.find((t) => t.traceId === plain.traceId)!));
    assert.deepEqual(await list('agent=booker'), [turn2.traceId]);
    assert.deepEqual(await list('agent=nobody'), []);
    assert.deepEqual(await list('model=gpt-4o-mini&tool=search_hotels&kind=agent'), [turn2.traceId, turn1.traceId]);
    assert.deepEqual(await list('model=gpt-4'), []);
    assert.deepEqual(await list('tool=book_flight'), []);
    assert.deepEqual(await list('kind=embedding'), []);
    assert.deepEqual(await list('hasError=true'), [turn2.traceId]);
    assert.deepEqual(await list('hasError=false'), all.map((t) => t.traceId).filter((id) => id !== turn2.traceId), 'the plain trace too: hasError is status');
    assert.deepEqual(await list('minTokens=1800&minCostUsd=0.0004'), [turn2.traceId, turn1.traceId]);
    assert.deepEqual(await list('minTokens=1801'), []);
    assert.deepEqual(await list('minCostUsd=1'), []);
    assert.equal((await getJson('/api/v1/traces?hasError=maybe')).status, 400);
    assert.equal((await getJson('/api/v1/traces?minCostUsd=-1')).status, 400);

    const sessions = await getJson('/api/v1/sessions?limit=500');
    assert.equal(sessions.status, 200);
    const mine = (sessions.body.sessions as Array<Record<string, unknown>>).find((s) => s.sessionId === 'rest conv/1');
    const cost = 2 * ((1500 * 0.15 + 300 * 0.6) / 1e6);
    assert.ok(Math.abs((mine?.costUsd as number) - cost) < 1e-15, 'per-call costs summed');
    assert.deepEqual({ ...mine, costUsd: cost }, {
      sessionId: 'rest conv/1',
      turns: 2,
      inputTokens: 3000,
      outputTokens: 600,
      totalTokens: 3600,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      llmCalls: (mine as { llmCalls: number }).llmCalls,
      toolCalls: (mine as { toolCalls: number }).toolCalls,
      models: ['gpt-4o-mini'],
      users: ['alice@example.com'],
      errors: 1,
      failedTurns: 1,
      costUsd: cost,
      costSource: 'prices',
      serviceName: (mine as { serviceName: string }).serviceName,
      firstActivityUnixNano: String(BigInt(t0) * 1_000_000n),
      lastActivityUnixNano: String(BigInt(t0 + 1040) * 1_000_000n),
    });
    const detail = await getJson(`/api/v1/sessions/${encodeURIComponent('rest conv/1')}`);
    assert.equal(detail.status, 200);
    assert.equal(detail.body.sessionId, 'rest conv/1');
    assert.deepEqual((detail.body.traces as Array<{ traceId: string }>).map((t) => t.traceId), [turn1.traceId, turn2.traceId], 'in time order');
    assert.deepEqual((detail.body.turns as Array<{ traceIds: string[] }>).map((t) => t.traceIds), [[turn1.traceId], [turn2.traceId]]);
    assert.deepEqual(detail.body.summary, mine);
    const missing = await getJson('/api/v1/sessions/never-seen');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'session not found');
    assert.equal((await getJson('/api/v1/sessions?limit=0')).status, 400);
    assert.equal((await getJson('/api/v1/sessions?color=red')).status, 400);
  });

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
      const port = (rest.server.address() as AddressInfo).port;
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
