/**
 * Clear data over REST, with the memory on (hashing embedder): a foreign page deletes nothing; a
 * deleted trace or session is gone from every read, from the WebSocket's totals and, shortly after,
 * from what search remembers, while the other runs stay findable; clearing everything keeps the
 * memory collections agents wrote. Runs recorded with the official OTel SDK.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { DeletedCounts, IngestTick, MemoryStatus, SearchAnswer } from '../../src-shared/contract';
import { eventually, startTestApiServer, startTestEngine } from '../support/engine';
import { exportSpans } from '../support/otel';
import { MEMORY_RUNS, recordConversation, type RecordedRun } from '../support/memory-runs';
import type { Engine } from '../../src-main/engine';

let engine: Engine;
let server: Awaited<ReturnType<typeof startTestApiServer>>;
let runs: RecordedRun[];
const ticks: IngestTick[] = [];
let socket: WebSocket;

async function req(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.base}${path}`, { method, headers });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** The trace ids a text search finds (run texts: messages, tool calls, errors). */
async function found(q: string): Promise<string[]> {
  const { body } = await req('GET', `/api/v1/search?${new URLSearchParams({ q, mode: 'text' })}`);
  return [...new Set((body as SearchAnswer).results.map((r) => r.traceId))];
}

before(async () => {
  engine = await startTestEngine(undefined, { memory: { embedder: { kind: 'hashing' }, lowPriority: false } });
  server = await startTestApiServer(engine);
  runs = MEMORY_RUNS.map(recordConversation);
  for (const run of runs) await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', run.spans);
  await eventually(async () => {
    const s = (await req('GET', '/api/v1/memory/status')).body as MemoryStatus;
    return s.backlogSpans === 0 && s.items >= runs.length ? s : null;
  }, 30_000);
  socket = new WebSocket(`${server.base.replace(/^http/, 'ws')}/api/v1/ws`);
  socket.on('message', (data: Buffer) => ticks.push((JSON.parse(data.toString()) as { tick: IngestTick }).tick));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
});

after(async () => {
  socket?.close();
  server?.close();
  await engine?.close();
});

test('a foreign page deletes nothing: 403, and the trace, its session and its memory stay', async () => {
  const [hotel] = runs;
  for (const origin of ['https://evil.example', 'null', 'http://localhost:1']) {
    assert.equal((await req('DELETE', `/api/v1/traces/${hotel!.traceId}`, { origin })).status, 403, origin);
    assert.equal((await req('DELETE', '/api/v1/sessions/sess-hotel', { origin })).status, 403, origin);
    assert.equal((await req('DELETE', '/api/v1/data?confirm=delete-everything', { origin })).status, 403, origin);
  }
  assert.equal((await req('GET', `/api/v1/traces/${hotel!.traceId}`)).status, 200);
  assert.equal((await req('GET', '/api/v1/sessions/sess-hotel')).status, 200);
  assert.deepEqual(await found('Lisbon'), [hotel!.traceId]);
  assert.equal((await engine.getStats()).traces, runs.length);
});

test('deleting a trace: gone from reads, from the ticks\' totals, and from search; the other runs stay', async () => {
  const [hotel, refund] = runs;
  const before = await engine.getStats();
  const res = await req('DELETE', `/api/v1/traces/${hotel!.traceId}`, { origin: server.base });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body as DeletedCounts, { traces: 1, spans: 3, logs: 0, metricPoints: 0 });
  for (const path of ['', '/outline', '/graph', '/otlp', `/spans/${hotel!.llmSpanId}`]) {
    assert.equal((await req('GET', `/api/v1/traces/${hotel!.traceId}${path}`)).status, 404, path);
  }
  assert.equal((await req('GET', '/api/v1/sessions/sess-hotel')).status, 404, 'its only trace went: so did the session');
  const tick = await eventually(async () => ticks.find((t) => t.traces === before.traces - 1) ?? null);
  assert.ok(tick.truncated, 'the tick tells views to re-read');
  await eventually(async () => ((await found('Lisbon')).length === 0 ? true : null), 20_000);
  assert.deepEqual(await found('refunded'), [refund!.traceId]);
  assert.equal((await req('DELETE', `/api/v1/traces/${hotel!.traceId}`)).status, 404);
});

test('deleting a session takes its run out of search too', async () => {
  const [, refund, etl] = runs;
  const res = await req('DELETE', '/api/v1/sessions/sess-refund');
  assert.equal(res.status, 200);
  assert.equal((res.body as DeletedCounts).traces, 1);
  assert.equal((await req('GET', `/api/v1/traces/${refund!.traceId}`)).status, 404);
  await eventually(async () => ((await found('refunded')).length === 0 ? true : null), 20_000);
  assert.deepEqual(await found('warehouse'), [etl!.traceId]);
});

test('clearing everything keeps the memory collections agents wrote', async () => {
  const json = { 'content-type': 'application/json' };
  const remembered = await fetch(`${server.base}/api/v1/memory/notes`, { method: 'POST', headers: json, body: JSON.stringify({ text: 'deploys go out on Tuesdays' }) });
  assert.equal(remembered.status, 201);
  const missing = await req('DELETE', '/api/v1/data');
  assert.equal(missing.status, 400);
  assert.match((missing.body as { error: string }).error, /confirm=delete-everything/);
  const res = await req('DELETE', '/api/v1/data?confirm=delete-everything');
  assert.equal(res.status, 200);
  assert.equal((res.body as DeletedCounts).traces, 1);
  assert.deepEqual([(await engine.getStats()).traces, (await engine.getStats()).spans], [0, 0]);
  await eventually(async () => ((await found('warehouse')).length === 0 ? true : null), 20_000);
  const items = await req('GET', '/api/v1/memory/notes');
  assert.deepEqual((items.body as { items: Array<{ text: string }> }).items.map((i) => i.text), ['deploys go out on Tuesdays']);
});
