/**
 * The REST client `flowtrace mcp` and `inspect` use answers exactly what the engine answers in
 * process, for a run sent by the official exporter; unknown things are null, refusals carry the
 * server's message, and a Flowtrace that is not running is said so in one line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Engine } from '../../src-main/engine';
import { createRestClient, normalizeApiUrl, type RestApi } from '../../src-main/mcp/rest-client';
import { timeToNanos } from '../../src-main/mcp/tools';
import { recordAgentRun, type AgentRun } from '../support/agent-run';
import { exportSpans } from '../support/otel';
import { startTestApiServer, startTestEngine } from '../support/engine';

let engine: Engine;
let http: Awaited<ReturnType<typeof startTestApiServer>>;
let rest: RestApi;
let run: AgentRun;

before(async () => {
  engine = await startTestEngine();
  http = await startTestApiServer(engine);
  rest = createRestClient(http.base);
  run = recordAgentRun();
  await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', run.spans);
});

after(async () => {
  http?.close();
  await engine?.close();
});

test('every read answers what the engine answers in process', async () => {
  const id = run.traceId;
  const span = run.ids.failedHotelSearch;
  const pairs: Array<[string, (api: RestApi) => Promise<unknown>]> = [
    ['listTraces', (api) => api.listTraces({ tool: 'search_hotels', attributes: { 'gen_ai.tool.call.id': 'call_ht_1' } })],
    ['getTrace', (api) => api.getTrace(id)],
    ['getTraceOutline', (api) => api.getTraceOutline(id)],
    ['getSpan', (api) => api.getSpan(id, span)],
    ['getAgentGraph', (api) => api.getAgentGraph(id)],
    ['getAgentGraph collapsed', (api) => api.getAgentGraph(id, { collapse: 2 })],
    ['listSessions', (api) => api.listSessions({ limit: 5 })],
    ['getSession', (api) => api.getSession('conv_lisbon_0517')],
    ['listLogs', (api) => api.listLogs({ traceId: id })],
    ['listMetricNames', (api) => api.listMetricNames()],
    ['exportTraceOtlp', (api) => api.exportTraceOtlp(id)],
    ['getInfo', (api) => api.getInfo()],
    ['compareTraces', (api) => api.compareTraces(id, id)],
    ['getAnalyticsLatency', (api) => api.getAnalyticsLatency({ groupBy: 'tool', from: '1', to: '18446744073709551615' })],
    ['getAnalyticsTimeseries', (api) => api.getAnalyticsTimeseries({ metric: 'p95Ms', groupBy: 'model', bucket: 300 })],
  ];
  for (const [name, read] of pairs) assert.deepEqual(await read(rest), await read(engine), name);
  assert.equal((await rest.listTraces({})).traces[0]?.traceId, id);
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('unknown things are null; refusals carry the server message; no server is one clear line', async () => {
  const none = '0123456789abcdef0123456789abcdef';
  assert.equal(await rest.getTrace(none), null);
  assert.equal(await rest.getTraceOutline(none), null);
  assert.equal(await rest.getAgentGraph(none), null);
  assert.equal(await rest.getSpan(run.traceId, 'ffffffffffffffff'), null);
  assert.equal(await rest.getSession('nobody'), null);
  assert.equal(await rest.exportTraceOtlp(none), null);
  assert.equal(await rest.compareTraces(run.traceId, none), null);
  await assert.rejects(rest.getTrace('xyz'), { name: 'RestApiError', status: 400, message: 'traceId must be 32 hex characters' });
  await assert.rejects(rest.listTraces({ kind: 'banana' as never }), /kind/);
  // Memory is off in this engine: said as the engine says it.
  const off = await engine.search({ q: 'x' }).then(() => null, (err: Error) => err.message);
  await assert.rejects(rest.search({ q: 'x' }), { message: off ?? '' });

  const port = await closedPort();
  const gone = createRestClient(`http://127.0.0.1:${port}`);
  await assert.rejects(gone.getStats(), { message: `no Flowtrace answers at http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}); start the desktop app or \`flowtrace serve\`, or point --url at it` });
  assert.throws(() => normalizeApiUrl('127.0.0.1:9600'), /must look like http:\/\/127\.0\.0\.1:9600/);
  assert.equal(normalizeApiUrl('http://localhost:9600/'), 'http://localhost:9600');
});

test('times a model writes: nanoseconds, ISO 8601, or how long ago', () => {
  const now = Date.UTC(2026, 4, 17, 12, 0, 0);
  assert.equal(timeToNanos('1779019200000000000', 'startFrom', now), '1779019200000000000');
  assert.equal(timeToNanos('2026-05-17T10:00:00Z', 'startFrom', now), (BigInt(Date.UTC(2026, 4, 17, 10)) * 1_000_000n).toString());
  assert.equal(timeToNanos('2h', 'startFrom', now), (BigInt(now - 7_200_000) * 1_000_000n).toString());
  assert.equal(timeToNanos('30m', 'startFrom', now), (BigInt(now - 1_800_000) * 1_000_000n).toString());
  assert.equal(timeToNanos('7d', 'startFrom', now), (BigInt(now - 604_800_000) * 1_000_000n).toString());
  assert.throws(() => timeToNanos('last tuesday', 'startTo', now), /^Error: startTo must be an ISO 8601 time/);
});
