/**
 * Feedback over REST against a real `flowtrace serve` fed by the official OTel exporter: POST, GET
 * and DELETE of annotations (also through the MCP REST client); a foreign page or a non-JSON body
 * writes nothing; annotations survive a restart of the server and go with their trace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Annotation, TraceListPage } from '../../src-shared/contract';
import { createRestClient } from '../../src-main/mcp/rest-client';
import { recordAgentRun, type AgentRun } from '../support/agent-run';
import { eventually } from '../support/engine';
import { exportSpans } from '../support/otel';
import { startServe, type ServeProcess } from '../support/serve-process';

let serve: ServeProcess;
let run: AgentRun;
const JSON_CT = { 'content-type': 'application/json' };

async function req(method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${serve.api}${path}`, {
    method,
    headers: init.headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

const annotationsOf = async (traceId: string) => ((await req('GET', `/api/v1/traces/${traceId}/annotations`)).body as { annotations: Annotation[] }).annotations;

before(async () => {
  serve = await startServe();
  run = recordAgentRun();
  await exportSpans(serve.otlpHttp, 'protobuf', run.spans);
  await eventually(async () => ((await req('GET', '/api/v1/stats')).body as { traces: number }).traces >= 1 || null, 10_000);
});

after(async () => {
  await serve?.stop();
});

test('a foreign page or a non-JSON body writes nothing', async () => {
  const body = { traceId: run.traceId, name: 'thumbs', value: 'down' };
  assert.equal((await req('POST', '/api/v1/annotations', { headers: { ...JSON_CT, origin: 'https://evil.example' }, body })).status, 403);
  assert.equal((await req('POST', '/api/v1/annotations', { headers: { ...JSON_CT, origin: 'null' }, body })).status, 403);
  assert.equal((await req('POST', '/api/v1/annotations', { headers: { 'content-type': 'text/plain' }, body })).status, 415);
  assert.equal((await req('POST', '/api/v1/annotations', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=thumbs' })).status, 415);
  assert.deepEqual(await annotationsOf(run.traceId), []);
  assert.equal(((await req('GET', '/api/v1/traces?feedback=any')).body as TraceListPage).traces.length, 0);
});

test('POST, GET and DELETE; the list filters by it; bad input is 400, an unknown trace 404', async () => {
  const created = await req('POST', '/api/v1/annotations', { headers: { ...JSON_CT, origin: serve.api }, body: { traceId: run.traceId, name: 'thumbs', value: 'down', comment: 'booked the wrong hotel' } });
  assert.equal(created.status, 201);
  const down = created.body as Annotation;
  assert.equal(down.comment, 'booked the wrong hotel');
  const label = await req('POST', '/api/v1/annotations', { headers: JSON_CT, body: { traceId: run.traceId, spanId: run.ids.failedHotelSearch, name: 'label', value: ['tool-error'] } });
  assert.equal(label.status, 201);
  assert.equal((await req('POST', '/api/v1/annotations', { headers: JSON_CT, body: { traceId: run.traceId, name: 'rating', value: 9 } })).status, 400);
  assert.equal((await req('POST', '/api/v1/annotations', { headers: JSON_CT, body: '{not json' })).status, 400);
  assert.equal((await req('POST', '/api/v1/annotations', { headers: JSON_CT, body: { traceId: 'f'.repeat(32), name: 'thumbs', value: 'up' } })).status, 404);

  assert.deepEqual((await annotationsOf(run.traceId)).map((a) => a.name), ['thumbs', 'label']);
  const page = (await req('GET', '/api/v1/traces?feedback=down&label=tool-error')).body as TraceListPage;
  assert.deepEqual(page.traces.map((t) => [t.traceId, t.feedback?.down, t.feedback?.labels]), [[run.traceId, 1, ['tool-error']]]);
  assert.equal(((await req('GET', '/api/v1/traces?feedback=up')).body as TraceListPage).traces.length, 0);
  assert.equal((await req('GET', '/api/v1/traces?feedback=maybe')).status, 400);

  // The MCP REST client answers the same.
  const rest = createRestClient(serve.api);
  const rating = await rest.annotate({ traceId: run.traceId, name: 'rating', value: 2 });
  assert.equal(rating?.value, 2);
  assert.equal(await rest.annotate({ traceId: 'e'.repeat(32), name: 'rating', value: 2 }), null);
  assert.deepEqual((await rest.listAnnotations(run.traceId)).map((a) => a.name), ['thumbs', 'label', 'rating']);
  assert.equal(await rest.deleteAnnotation(rating!.id), true);
  assert.equal(await rest.deleteAnnotation(rating!.id), false);

  assert.equal((await req('DELETE', `/api/v1/annotations/${down.id}`, { headers: { origin: 'https://evil.example' } })).status, 403);
  assert.equal((await annotationsOf(run.traceId)).length, 2, 'a foreign page deleted nothing');
});

test('annotations survive a restart of the server, and go with their trace', async () => {
  const before = await annotationsOf(run.traceId);
  await serve.stop();
  serve = await startServe({ dataDir: serve.dataDir });
  assert.deepEqual(await annotationsOf(run.traceId), before);
  const page = (await req('GET', '/api/v1/traces?feedback=down')).body as TraceListPage;
  assert.deepEqual(page.traces.map((t) => t.traceId), [run.traceId]);
  const otlp = (await req('GET', `/api/v1/traces/${run.traceId}/otlp`)).body as { annotations: Annotation[] };
  assert.deepEqual(otlp.annotations, before);

  assert.equal((await req('DELETE', `/api/v1/traces/${run.traceId}`)).status, 200);
  assert.deepEqual(await annotationsOf(run.traceId), []);
  assert.equal((await req('DELETE', `/api/v1/annotations/${before[0]!.id}`)).status, 404);
});
