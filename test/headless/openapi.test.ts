/**
 * The OpenAPI document against a real `flowtrace serve` (hashing embedder, so search and memory
 * answer at once) fed by the official OTel exporters and a captured coding-agent run: every
 * operation the document lists is called with real data, and every answer (2xx and errors) must be
 * a status the document lists for it, with a body its schema accepts. The schemas are closed here
 * (additionalProperties: false wherever the document names properties), so a field the server sends
 * and the document does not name fails, as does a required one it leaves out. An operation never
 * answered successfully fails the last test; a route the document lacks cannot be served at all
 * (the router's gate, openapi.ts), which the gate's own test shows. Needs the build.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import WebSocket from 'ws';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { API_ROUTES, matchesTemplate, openApiDocument, routeMethods } from '../../src-main/headless/openapi';
import type { ForwardingView } from '../../src-shared/forwarding';
import type { RedactionView } from '../../src-shared/redaction';
import type { PricesView } from '../../src-shared/prices';
import type { SettingsView } from '../../src-shared/settings';
import type { DeletedCounts, MemoryStatus, ReceiverStatus, SessionListPage, TraceListPage } from '../../src-shared/contract';
import { recordAgentRun, type AgentRun } from '../support/agent-run';
import { loadCodingAgentFixture, replayFixture } from '../support/coding-agent-fixtures';
import { eventually } from '../support/engine';
import { exportSpans } from '../support/otel';
import { recordGenAiTurn, recordPlainTrace } from '../support/otel-genai';
import { exportOnce, recordLogs, recordMetrics, type SentLogs } from '../support/otel-signals';
import { startServe, type ServeProcess } from '../support/serve-process';

type Doc = ReturnType<typeof openApiDocument> & {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: { 'application/json': { schema: unknown } } }> }>>;
  components: { schemas: Record<string, unknown> };
};

const BASE_ID = 'https://flowtrace.invalid/schemas/';

/** Every object schema that names its properties admits no other (a copy; the document stays open). */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', BASE_ID);
    else if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, s]) => [p, closed(s)]));
    else out[k] = closed(v);
  }
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

let doc: Doc;
let ajv: Ajv2020;
const validators = new Map<string, ValidateFunction>();
/** operationId → statuses seen (each validated). */
const seen = new Map<string, Set<number>>();

function operationFor(method: string, rawPath: string): { operationId: string; responses: Doc['paths'][string][string]['responses'] } {
  const matches = Object.entries(doc.paths).filter(([template, ops]) => matchesTemplate(template, rawPath) && ops[method.toLowerCase()]);
  // A literal segment beats a parameter (memory/status over memory/{collection}).
  matches.sort(([a], [b]) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
  assert.ok(matches.length > 0, `${method} ${rawPath} is not in the OpenAPI document`);
  return matches[0]![1][method.toLowerCase()]!;
}

function validatorFor(operationId: string, status: number, schema: unknown): ValidateFunction {
  const key = `${operationId} ${status}`;
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(closed(schema) as object);
    validators.set(key, v);
  }
  return v;
}

/** Checks an answer against the document: its status is listed for the operation, its body fits. */
function check(method: string, url: string, status: number, contentType: string | null, text: string): unknown {
  const rawPath = new URL(url).pathname;
  const op = operationFor(method, rawPath);
  const response = op.responses[String(status)];
  assert.ok(response, `${method} ${rawPath} answered ${status}, which the document does not list for ${op.operationId}: ${text.slice(0, 300)}`);
  (seen.get(op.operationId) ?? seen.set(op.operationId, new Set()).get(op.operationId)!).add(status);
  const schema = response.content?.['application/json']?.schema;
  if (schema === undefined) {
    assert.equal(text, '', `${op.operationId} ${status} has no body in the document`);
    return null;
  }
  assert.match(contentType ?? '', /^application\/json/, `${op.operationId} ${status}: content type`);
  const body = JSON.parse(text) as unknown;
  const validate = validatorFor(op.operationId, status, schema);
  if (!validate(body)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
    assert.fail(`${method} ${rawPath} → ${status} does not fit the document (${op.operationId}):\n${why}\n${text.slice(0, 500)}`);
  }
  return body;
}

let serve: ServeProcess;

interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  headers?: Record<string, string>;
  body?: string;
}

/** A request through fetch, checked against the document; the status must be `expect`. */
async function call<T = unknown>(path: string, expect: number, init: Call = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const url = `${serve.api}${path}`;
  const res = await fetch(url, { method, headers: init.headers, body: init.body });
  const text = await res.text();
  assert.equal(res.status, expect, `${method} ${path}: ${text.slice(0, 300)}`);
  return check(method, url, res.status, res.headers.get('content-type'), text) as T;
}

/** fetch cannot choose its Host; a DNS-rebound page's request does. */
function withHost(method: string, path: string, host: string): Promise<{ status: number; type: string | null; text: string }> {
  const url = new URL(serve.api);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path, method, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? null, text }));
    })
      .on('error', reject)
      .end();
  });
}

const FOREIGN = { origin: 'https://evil.example' };
let run: AgentRun;
let turn1: ReturnType<typeof recordGenAiTurn>;
let plain: ReturnType<typeof recordPlainTrace>;
let logs: SentLogs;
let metrics: Awaited<ReturnType<typeof recordMetrics>>;
const SESSION = 'sess-openapi-1';
const claude = loadCodingAgentFixture('claude-code@2.1.332');

before(async () => {
  doc = openApiDocument('test') as Doc;
  ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema(closed(schema) as object, BASE_ID + name);

  serve = await startServe({ args: ['--embedder', 'hashing'] });
  const now = Date.now();
  run = recordAgentRun({ startMs: now - 60_000, handoffSpan: true });
  turn1 = recordGenAiTurn({ serviceName: 'openapi-agent', sessionId: SESSION, startMs: now - 30_000, toolFails: true });
  const turn2 = recordGenAiTurn({ serviceName: 'openapi-agent', sessionId: SESSION, startMs: now - 20_000 });
  plain = recordPlainTrace('openapi-web');
  await exportSpans(serve.otlpHttp, 'protobuf', run.spans);
  await exportSpans(serve.otlpHttp, 'json', [...turn1.spans, ...turn2.spans]);
  await exportSpans(serve.otlpHttp, 'protobuf', plain.spans);
  logs = await recordLogs('openapi-logs');
  await exportOnce(new OTLPLogExporter({ url: `${serve.otlpHttp}/v1/logs` }), logs.records);
  metrics = await recordMetrics('openapi-metrics', '.openapi');
  await exportOnce(new OTLPMetricExporter({ url: `${serve.otlpHttp}/v1/metrics` }), metrics.resourceMetrics);
  await replayFixture(claude, serve.otlpHttp);
  // Indexed, and remembered by the memory (hashing embedder: quick).
  await eventually(async () => ((await (await fetch(`${serve.api}/api/v1/stats`)).json()) as { traces: number }).traces >= 4 || null, 10_000);
  await eventually(async () => {
    const s = (await (await fetch(`${serve.api}/api/v1/memory/status`)).json()) as MemoryStatus;
    return s.backlogSpans === 0 && s.items > 0 ? s : null;
  }, 30_000);
});

after(async () => {
  await serve?.stop();
});

describe('the document', () => {
  test('is OpenAPI 3.1 whose every schema compiles strictly, with one operation per route of the table', () => {
    assert.equal(doc.openapi, '3.1.0');
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    assert.equal(ids.length, API_ROUTES.length);
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, r] of Object.entries(op.responses)) {
          const schema = r.content?.['application/json']?.schema;
          if (schema) assert.doesNotThrow(() => validatorFor(op.operationId, Number(status), schema), `${method} ${template} ${status}`);
        }
      }
    }
  });

  test('is served at /api/v1/openapi.json, as built', async () => {
    const served = await call<Doc>('/api/v1/openapi.json', 200);
    assert.deepEqual(Object.keys(served.paths).sort(), Object.keys(doc.paths).sort());
    assert.deepEqual(served.components, JSON.parse(JSON.stringify(doc.components)));
  });
});

describe('every route answers what the document says, with real data', () => {
  test('status: health, stats, info', async () => {
    const health = await call<{ status: string }>('/api/v1/health', 200);
    assert.equal(health.status, 'ok');
    await call('/api/v1/stats', 200);
    await call('/api/v1/info', 200);
  });

  test('the trace list with every filter, paged', async () => {
    const all = await call<TraceListPage>('/api/v1/traces?internal=true', 200);
    assert.ok(all.traces.some((t) => t.genai !== undefined) && all.traces.some((t) => t.genai === undefined), 'GenAI and plain traces');
    const start = BigInt(all.traces.at(-1)!.startTimeUnixNano);
    const filters = [
      'limit=1', 'sort=oldest', 'sort=longest', 'sort=shortest', 'service=travel-agent', 'q=lisbon', 'rootName=GET%20%2Fhotels', 'spanName=chat%20gpt-4o-mini',
      'status=error', 'status=ok', 'minDurationMs=1', 'maxDurationMs=100000', `startFrom=${start}`, `startTo=${start + 10n ** 12n}`, 'startTo=18446744073709551615',
      'attr=gen_ai.agent.name%3Dplanner', 'attr=http.request.method%3DGET&attr=session.id%3Dweb-session-1', 'model=gpt-4o-mini', 'agent=planner',
      'tool=search_hotels', 'kind=tool', 'hasError=true', 'hasError=false', 'minTokens=100', 'minCostUsd=0.0001', 'internal=true',
    ];
    for (const f of filters) await call(`/api/v1/traces?${f}`, 200);
    const first = await call<TraceListPage>('/api/v1/traces?limit=1&internal=true', 200);
    assert.ok(first.nextCursor);
    await call(`/api/v1/traces?limit=1&internal=true&cursor=${encodeURIComponent(first.nextCursor)}`, 200);
    for (const bad of ['limit=0', 'sort=sideways', 'startFrom=yesterday', 'bogus=1', 'hasError=true&status=ok', 'cursor=not-a-cursor']) await call(`/api/v1/traces?${bad}`, 400);
  });

  test('one trace: spans, outline, graph, OTLP export, one span', async () => {
    for (const id of [run.traceId, turn1.traceId, plain.traceId]) {
      await call(`/api/v1/traces/${id}`, 200);
      await call(`/api/v1/traces/${id}/outline`, 200);
      await call(`/api/v1/traces/${id}/graph`, 200);
      assert.equal((await call<{ state: string }>(`/api/v1/traces/${id}/audit`, 200)).state, 'verified');
    }
    await call(`/api/v1/traces/${run.traceId}/graph?collapse=2`, 200);
    await call(`/api/v1/traces/${run.traceId}/graph?collapse=1`, 400);
    const res = await fetch(`${serve.api}/api/v1/traces/${run.traceId}/otlp`);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="trace-[0-9a-f]{32}\.otlp\.json"/);
    check('GET', res.url, res.status, res.headers.get('content-type'), await res.text());
    for (const spanId of [run.ids.firstChat, run.ids.failedHotelSearch, run.ids.handoff!, run.ids.planner]) await call(`/api/v1/traces/${run.traceId}/spans/${spanId}`, 200);
    const unknown = '0'.repeat(31) + '1';
    for (const suffix of ['', '/outline', '/audit', '/graph', '/otlp', '/spans/00000000000000ff']) {
      await call(`/api/v1/traces/${unknown}${suffix}`, 404);
      await call(`/api/v1/traces/nothex${suffix}`, 400);
    }
    await call(`/api/v1/traces/${run.traceId}/spans/00000000000000ff`, 404);
  });

  test('compare two runs', async () => {
    await call(`/api/v1/compare?a=${run.traceId}&b=${turn1.traceId}`, 200);
    await call(`/api/v1/compare?a=${run.traceId}&b=${'0'.repeat(31)}1`, 404);
    await call(`/api/v1/compare?a=${run.traceId}`, 400);
    await call(`/api/v1/compare?a=nothex&b=${run.traceId}`, 400);
  });

  test('sessions: from spans, and from a coding agent\'s log events and metrics', async () => {
    const page = await call<SessionListPage>('/api/v1/sessions', 200);
    const claudeSession = page.sessions.find((s) => s.serviceName === 'claude-code');
    assert.ok(claudeSession, 'the coding agent session');
    assert.ok(page.sessions.some((s) => s.sessionId === SESSION));
    const one = await call<SessionListPage>('/api/v1/sessions?limit=1', 200);
    assert.ok(one.nextCursor);
    await call(`/api/v1/sessions?limit=1&cursor=${encodeURIComponent(one.nextCursor)}`, 200);
    await call('/api/v1/sessions?limit=9999', 400);
    for (const id of [SESSION, claudeSession.sessionId, 'web-session-1']) await call(`/api/v1/sessions/${encodeURIComponent(id)}`, id === 'web-session-1' ? 404 : 200);
  });

  test('funnels: over traces and sessions, with the runs behind each number', async () => {
    const steps = encodeURIComponent(JSON.stringify([{ type: 'agent', value: 'planner' }, { type: 'tool', value: 'search_hotels' }, { type: 'attribute', key: 'no.such', value: 'x' }]));
    const byTrace = await call<{ steps: Array<{ reached: { count: number } }> }>(`/api/v1/funnel?steps=${steps}`, 200);
    assert.ok(byTrace.steps[1]!.reached.count >= 2);
    await call(`/api/v1/funnel?steps=${steps}&mode=sessions&from=1&to=18446744073709551615&runLimit=1&service=openapi-agent`, 200);
    await call('/api/v1/funnel?steps=%5B%5D', 400);
  });

  test('logs and metrics', async () => {
    await call('/api/v1/logs', 200);
    await call(`/api/v1/logs?traceId=${logs.traceId}&spanId=${logs.spanId}&q=model&from=1&to=18446744073709551615&limit=1`, 200);
    await call(`/api/v1/logs?spanId=${logs.spanId}`, 400);
    await call('/api/v1/logs?service=nobody&minSeverity=13', 200);
    await call('/api/v1/logs?minSeverity=25', 400);
    const names = await call<Array<{ name: string }>>('/api/v1/metrics/names', 200);
    assert.ok(names.length >= 3);
    for (const { name } of names) await call(`/api/v1/metrics?name=${encodeURIComponent(name)}&limit=5`, 200);
    await call(`/api/v1/metrics?name=${metrics.names.histogram}&from=${metrics.from}&to=${metrics.to}`, 200);
    await call('/api/v1/metrics', 400);
    await call('/api/v1/metrics?name=x&from=9&to=1', 400);
  });

  test('analytics: latency per group and time series, every metric and dimension', async () => {
    for (const groupBy of ['model', 'agent', 'tool', 'service', 'spanName']) {
      const latency = await call<{ groups: unknown[] }>(`/api/v1/analytics/latency?groupBy=${groupBy}`, 200);
      if (groupBy === 'service' || groupBy === 'model') assert.ok(latency.groups.length > 0, groupBy);
    }
    await call('/api/v1/analytics/latency?groupBy=service&from=1&to=18446744073709551615', 200);
    for (const metric of ['spans', 'errors', 'tokens', 'cost', 'p95Ms']) {
      await call(`/api/v1/analytics/timeseries?metric=${metric}&groupBy=model`, 200);
    }
    await call('/api/v1/analytics/timeseries?metric=spans&bucket=300&from=1700000000000000000&to=1700000600000000000', 200);
    await call('/api/v1/analytics/latency', 400);
    await call('/api/v1/analytics/latency?groupBy=colour', 400);
    await call('/api/v1/analytics/timeseries?metric=spans&bucket=61', 400);
    await call('/api/v1/analytics/timeseries?metric=spans&bucket=60&from=0&to=1700000600000000000', 400);
  });

  test('search and the memory: collections, remember, recall, forget; writes refuse foreign pages and non-JSON', async () => {
    const found = await call<{ results: Array<{ traceId: string; spanId: string }> }>('/api/v1/search?q=hotel&mode=hybrid&limit=5', 200);
    assert.ok(found.results.length > 0);
    await call('/api/v1/search?q=hotel&mode=text&service=travel-agent&model=gpt-4o-mini&agent=planner&startFrom=1&startTo=18446744073709551615', 200);
    await call(`/api/v1/search?similarTrace=${run.traceId}`, 200);
    await call(`/api/v1/search?similarTrace=${found.results[0]!.traceId}&similarSpan=${found.results[0]!.spanId}&mode=semantic`, 200);
    await call('/api/v1/search', 400);
    await call('/api/v1/memory/status', 200);
    const json = { 'content-type': 'application/json' };
    const { id } = await call<{ id: string }>('/api/v1/memory/notes', 201, { method: 'POST', headers: json, body: JSON.stringify({ text: 'the staging database lives on port 5433', metadata: { topic: 'db' } }) });
    await call('/api/v1/memory/notes', 415, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    await call('/api/v1/memory/notes', 403, { method: 'POST', headers: { ...json, ...FOREIGN }, body: JSON.stringify({ text: 'planted' }) });
    await call('/api/v1/memory/notes', 400, { method: 'POST', headers: json, body: JSON.stringify({ text: '' }) });
    await call('/api/v1/memory/status', 400, { method: 'POST', headers: json, body: JSON.stringify({ text: 'x' }) });
    await call('/api/v1/memory/notes/recall', 200, { method: 'POST', headers: json, body: JSON.stringify({ query: 'staging database port', k: 3, filter: { topic: 'db' } }) });
    await call('/api/v1/memory/notes/recall', 400, { method: 'POST', headers: json, body: JSON.stringify({ k: 3 }) });
    await call('/api/v1/memory', 200);
    await call('/api/v1/memory/notes?limit=10', 200);
    await call('/api/v1/memory/bad%20name', 400);
    await call(`/api/v1/memory/notes/${id}`, 403, { method: 'DELETE', headers: FOREIGN });
    await call(`/api/v1/memory/notes/${id}`, 204, { method: 'DELETE' });
    await call(`/api/v1/memory/notes/${id}`, 404, { method: 'DELETE' });
  });

  test('feedback: annotate, list, filter, delete; writes refuse foreign pages and non-JSON', async () => {
    const json = { 'content-type': 'application/json' };
    const body = (b: object) => ({ method: 'POST' as const, headers: json, body: JSON.stringify(b) });
    const down = await call<{ id: string }>('/api/v1/annotations', 201, body({ traceId: run.traceId, name: 'thumbs', value: 'down', comment: 'wrong hotel' }));
    await call('/api/v1/annotations', 201, body({ traceId: run.traceId, spanId: run.ids.failedHotelSearch, name: 'label', value: ['tool-error'] }));
    await call('/api/v1/annotations', 201, body({ traceId: run.traceId, name: 'rating', value: 2 }));
    await call('/api/v1/annotations', 400, body({ traceId: run.traceId, name: 'rating', value: 0 }));
    await call('/api/v1/annotations', 404, body({ traceId: 'f'.repeat(32), name: 'thumbs', value: 'up' }));
    await call('/api/v1/annotations', 415, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    await call('/api/v1/annotations', 403, { method: 'POST', headers: { ...json, ...FOREIGN }, body: JSON.stringify({ traceId: run.traceId, name: 'thumbs', value: 'up' }) });
    await call(`/api/v1/traces/${run.traceId}/annotations`, 200);
    await call('/api/v1/traces/nothex/annotations', 400);
    const page = await call<TraceListPage>('/api/v1/traces?feedback=down&label=tool-error', 200);
    assert.deepEqual(page.traces.map((t) => t.traceId), [run.traceId]);
    await call(`/api/v1/traces/${run.traceId}/otlp`, 200);
    await call(`/api/v1/annotations/${down.id}`, 403, { method: 'DELETE', headers: FOREIGN });
    await call(`/api/v1/annotations/${down.id}`, 204, { method: 'DELETE' });
    await call(`/api/v1/annotations/${down.id}`, 404, { method: 'DELETE' });
    await call('/api/v1/annotations/xyz', 400, { method: 'DELETE' });
  });

  test('receivers: retry answers the state; a move onto a busy port is 409 and changes nothing; writes refuse foreign pages', async () => {
    const json = { 'content-type': 'application/json' };
    const retry = (b: object, headers: Record<string, string> = {}) => ({ method: 'POST' as const, headers: { ...json, ...headers }, body: JSON.stringify(b) });
    const now = await call<ReceiverStatus>('/api/v1/receivers/otlp-grpc/retry', 200, retry({}));
    assert.equal(now.state, 'listening');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const busyPort = (blocker.address() as { port: number }).port;
      await call('/api/v1/receivers/otlp-grpc/retry', 409, retry({ port: busyPort }));
    } finally {
      blocker.close();
    }
    await call('/api/v1/receivers/otlp-grpc/retry', 403, retry({}, FOREIGN));
    await call('/api/v1/receivers/otlp-zipkin/retry', 400, retry({}));
    await call('/api/v1/receivers/otlp-grpc/retry', 400, retry({ port: 'soon' }));
    await call('/api/v1/receivers/otlp-grpc/retry', 415, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    const health = await call<{ status: string; receivers: ReceiverStatus[] }>('/api/v1/health', 200);
    assert.deepEqual(health.receivers.map((r) => [r.kind, r.state, r.port]), [['otlp-http', 'listening', Number(new URL(serve.otlpHttp).port)], ['otlp-grpc', 'listening', now.port]]);
  });

  test('settings: read, change, a refused edit names its fields; writes refuse foreign pages and non-JSON', async () => {
    const json = { 'content-type': 'application/json' };
    const put = (b: object, headers: Record<string, string> = {}) => ({ method: 'PUT' as const, headers: { ...json, ...headers }, body: JSON.stringify(b) });
    const before = await call<SettingsView>('/api/v1/settings', 200);
    assert.equal(before.settings.theme, 'system');
    const after = await call<SettingsView>('/api/v1/settings', 200, put({ theme: 'dark', notifications: { budget: false } }));
    assert.deepEqual([after.settings.theme, after.settings.notifications.budget], ['dark', false]);
    const refused = await call<{ error: string; fields: Record<string, string> }>('/api/v1/settings', 400, put({ retentionGb: 0, theme: 'pink' }));
    assert.deepEqual(Object.keys(refused.fields).sort(), ['retentionGb', 'theme']);
    await call('/api/v1/settings', 403, put({ theme: 'light' }, FOREIGN));
    await call('/api/v1/settings', 415, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.equal((await call<SettingsView>('/api/v1/settings', 200)).settings.theme, 'dark');
  });

  test('prices: read, replace, a refused list names its models, reset; writes refuse foreign pages', async () => {
    const put = (b: unknown, headers: Record<string, string> = {}) => ({ method: 'PUT' as const, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(b) });
    const before = await call<PricesView>('/api/v1/settings/prices', 200);
    assert.ok(Object.keys(before.shipped.models).length > 10);
    assert.deepEqual([before.yours, before.restartNeeded], [{}, false]);
    const saved = await call<PricesView>('/api/v1/settings/prices', 200, put({ 'my-model': { input: 1, output: 2 } }));
    assert.deepEqual([saved.yours, saved.restartNeeded], [{ 'my-model': { input: 1, output: 2, cacheRead: null } }, true]);
    const refused = await call<{ fields: Record<string, string> }>('/api/v1/settings/prices', 400, put({ a: { input: 'x', output: 1 }, b: { input: 1, output: 1 } }));
    assert.deepEqual(Object.keys(refused.fields), ['a']);
    await call('/api/v1/settings/prices', 400, put([1, 2]));
    await call('/api/v1/settings/prices', 403, put({}, FOREIGN));
    await call('/api/v1/settings/prices', 403, { method: 'DELETE', headers: FOREIGN });
    await call('/api/v1/settings/prices', 415, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.deepEqual((await call<PricesView>('/api/v1/settings/prices', 200)).yours, saved.yours, 'refused writes changed nothing');
    const reset = await call<PricesView>('/api/v1/settings/prices', 200, { method: 'DELETE' });
    assert.deepEqual([reset.yours, reset.restartNeeded], [{}, false]);
  });

  test('redaction rules: read, replace, a bad line refused with its number; writes refuse foreign pages', async () => {
    const put = (b: unknown, headers: Record<string, string> = {}) => ({ method: 'PUT' as const, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(b) });
    const before = await call<RedactionView>('/api/v1/settings/redaction', 200);
    assert.equal(before.detectors.find((d) => d.id === 'openai-key')?.action, 'mask');
    assert.equal(before.detectors.find((d) => d.id === 'email')?.action, 'off');
    const saved = await call<RedactionView>('/api/v1/settings/redaction', 200, put({ rules: 'pii on\nkey drop *password*' }));
    assert.deepEqual([saved.detectors.find((d) => d.id === 'email')?.action, saved.keyRules], ['mask', 1]);
    const refused = await call<{ fields: Record<string, string> }>('/api/v1/settings/redaction', 400, put({ rules: 'pii on\n\nvalue mask /(/' }));
    assert.match(refused.fields.rules ?? '', /^line 3: not a valid regular expression/);
    await call('/api/v1/settings/redaction', 400, put({ rules: 42 }));
    await call('/api/v1/settings/redaction', 403, put({ rules: 'secrets off' }, FOREIGN));
    await call('/api/v1/settings/redaction', 415, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.equal((await call<RedactionView>('/api/v1/settings/redaction', 200)).rules, 'pii on\nkey drop *password*', 'refused writes changed nothing');
    await call('/api/v1/settings/redaction', 200, put({ rules: '' }));
  });

  test('forwarding: read, replace with the OTLP token, a refused list names its fields; writes refuse foreign pages and no token', async () => {
    const put = (b: unknown, headers: Record<string, string> = {}) => ({ method: 'PUT' as const, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(b) });
    const before = await call<ForwardingView>('/api/v1/settings/forwarding', 200);
    assert.deepEqual([before.endpoints, before.status, before.overridden], [[], [], false]);
    const endpoints = [{ url: 'http://127.0.0.1:9', headers: { 'x-api-key': 'never-read-back' } }];
    await call('/api/v1/settings/forwarding', 403, put({ token: 'no-token-is-saved-yet', endpoints }));
    const token = 'openapi-forwarding-token-1';
    await call('/api/v1/settings', 200, put({ otlpToken: token }));
    await call('/api/v1/settings/forwarding', 403, put({ token: 'not-the-saved-token-00', endpoints }));
    await call('/api/v1/settings/forwarding', 403, put({ token, endpoints }, FOREIGN));
    await call('/api/v1/settings/forwarding', 415, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '{}' });
    const refused = await call<{ fields: Record<string, string> }>('/api/v1/settings/forwarding', 400, put({ token, endpoints: [{ url: 'grpc://collector' }] }));
    assert.match(refused.fields['endpoints.0.url'] ?? '', /grpc:\/\/host:port/);
    const saved = await call<ForwardingView>('/api/v1/settings/forwarding', 200, put({ token, endpoints }));
    assert.deepEqual(saved.endpoints, [{ url: 'http://127.0.0.1:9', protocol: 'http', headerNames: ['x-api-key'], compression: 'gzip' }]);
    assert.equal(saved.status[0]?.url, 'http://127.0.0.1:9');
    const health = await call<{ forwarding: unknown[] }>('/api/v1/health', 200);
    assert.equal(health.forwarding.length, 1);
    await call('/api/v1/settings/forwarding', 200, put({ token, endpoints: [] }));
    await call('/api/v1/settings', 200, put({ otlpToken: null }));
  });

  test('the WebSocket pushes ingest messages; a plain GET is 426; a foreign page is refused', async () => {
    await call('/api/v1/ws', 426);
    const wsUrl = `${serve.api.replace(/^http/, 'ws')}/api/v1/ws`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsUrl, FOREIGN);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    assert.equal(refused, 403);
    seen.get('ingestSocket')!.add(403);
    const ws = new WebSocket(wsUrl);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const message = new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString())));
    await exportSpans(serve.otlpHttp, 'json', recordPlainTrace('openapi-tick').spans);
    const schema = (doc.paths['/api/v1/ws']!.get as unknown as { 'x-websocket-message': unknown })['x-websocket-message'];
    const validate = ajv.compile(closed(schema) as object);
    const text = await message;
    ws.close();
    assert.ok(validate(JSON.parse(text)), ajv.errorsText(validate.errors));
    seen.get('ingestSocket')!.add(101);
  });

  test('the gate: a path the table lacks is 404, a method it lacks 405 with Allow, a foreign Host 403', async () => {
    const unknown = await fetch(`${serve.api}/api/v1/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(Object.keys((await unknown.json()) as object), ['error']);
    const wrong = await fetch(`${serve.api}/api/v1/traces`, { method: 'POST' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET, HEAD');
    check('GET', wrong.url, 405, wrong.headers.get('content-type'), await wrong.text());
    assert.equal((await fetch(`${serve.api}/api/v1/data`)).headers.get('allow'), 'DELETE');
    for (const route of API_ROUTES) {
      const concrete = route.path.replace(/\{[^}]+\}/g, 'x');
      assert.ok(routeMethods(concrete).includes(route.method.toUpperCase()), `${route.method} ${route.path}`);
    }
    const foreignHost = await withHost('GET', '/api/v1/stats', 'evil.example:9600');
    assert.equal(foreignHost.status, 403);
    check('GET', `${serve.api}/api/v1/stats`, foreignHost.status, foreignHost.type, foreignHost.text);
    const foreignHostDelete = await withHost('DELETE', `/api/v1/traces/${plain.traceId}`, 'evil.example');
    assert.equal(foreignHostDelete.status, 403);
    check('DELETE', `${serve.api}/api/v1/traces/${plain.traceId}`, foreignHostDelete.status, foreignHostDelete.type, foreignHostDelete.text);
    await call(`/api/v1/traces/${plain.traceId}`, 200);
  });
});

describe('clear data (last: it deletes)', () => {
  test('a foreign page can delete nothing: 403 and the data stays', async () => {
    await call(`/api/v1/traces/${plain.traceId}`, 403, { method: 'DELETE', headers: FOREIGN });
    await call(`/api/v1/sessions/${SESSION}`, 403, { method: 'DELETE', headers: FOREIGN });
    await call('/api/v1/data?confirm=delete-everything', 403, { method: 'DELETE', headers: { origin: 'null' } });
    await call(`/api/v1/traces/${plain.traceId}`, 200);
    await call(`/api/v1/sessions/${SESSION}`, 200);
  });

  test('a trace, then a session, then everything', async () => {
    const gone = await call<DeletedCounts>(`/api/v1/traces/${plain.traceId}`, 200, { method: 'DELETE' });
    assert.deepEqual(gone, { traces: 1, spans: 2, logs: 0, metricPoints: 0 });
    await call(`/api/v1/traces/${plain.traceId}`, 404);
    await call(`/api/v1/traces/${plain.traceId}`, 404, { method: 'DELETE' });
    await call('/api/v1/traces/nothex', 400, { method: 'DELETE' });
    // Our own page may delete (same Origin as Host).
    const session = await call<DeletedCounts>(`/api/v1/sessions/${SESSION}`, 200, { method: 'DELETE', headers: { origin: serve.api } });
    assert.equal(session.traces, 2);
    await call(`/api/v1/sessions/${SESSION}`, 404);
    await call(`/api/v1/sessions/${SESSION}`, 404, { method: 'DELETE' });
    await call('/api/v1/data', 400, { method: 'DELETE' });
    await call('/api/v1/data?confirm=yes', 400, { method: 'DELETE' });
    const before = await call<{ traces: number }>('/api/v1/stats', 200);
    assert.ok(before.traces > 0);
    const all = await call<DeletedCounts>('/api/v1/data?confirm=delete-everything', 200, { method: 'DELETE' });
    assert.equal(all.traces, before.traces);
    assert.ok(all.logs > 0 && all.metricPoints > 0);
    const after = await call<{ traces: number; spans: number }>('/api/v1/stats', 200);
    assert.deepEqual([after.traces, after.spans], [0, 0]);
    assert.deepEqual((await call<TraceListPage>('/api/v1/traces?internal=true', 200)).traces, []);
    // The memory drops what it remembered of the deleted runs; collections stay.
    await eventually(async () => ((await call<{ results: unknown[] }>('/api/v1/search?q=hotel&mode=text', 200)).results.length === 0 ? true : null), 20_000);
  });

  test('every operation of the document was answered successfully and checked', () => {
    const missing = API_ROUTES.filter((r) => ![...(seen.get(r.operationId) ?? [])].some((s) => s < 300 && s >= 100)).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, []);
    const errors = new Set([...seen.values()].flatMap((s) => [...s].filter((n) => n >= 400)));
    for (const status of [400, 403, 404, 405, 415, 426]) assert.ok(errors.has(status), `some route answered ${status}`);
  });
});
