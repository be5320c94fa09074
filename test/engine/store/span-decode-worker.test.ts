/**
 * The span-decode worker (store/span-decoder.ts): protobuf span requests are decoded, and their
 * GenAI semantics read, in a thread beside the store's. What a user sees must not depend on where
 * a span was decoded, and a read must still see every span acknowledged before it, even while the
 * worker has not answered yet. Real SQLite files, real OTel SDK spans, the real protobuf serializer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { StoreClient } from '../../../src-main/engine/store/client';
import type { IngestResult } from '../../../src-main/engine/store/protocol';
import type { TraceListPage } from '../../../src-shared/contract';
import { recordAgentRun } from '../../support/agent-run';
import { recordGenAiTurn } from '../../support/otel-genai';
import { eventually } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';

function protobufBody(spans: ReadableSpan[]): Uint8Array {
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  if (!body) throw new Error('the serializer produced no request');
  return body;
}

async function openStore(spanDecodeWorker: boolean): Promise<StoreClient> {
  const { store } = await StoreClient.open({ dbPath: join(tempDataDir('flowtrace-decode-'), 'flowtrace.db'), spanDecodeWorker });
  return store;
}

/**
 * The worker starts with the first protobuf span request (decoded on the store thread meanwhile);
 * a warm-up request, sent to every store compared, brings it up.
 */
async function untilWorkerReady(store: StoreClient): Promise<void> {
  await ingest(store, recordAgentRun({ serviceName: 'warm-up' }).spans);
  await eventually(async () => ((await store.request({ op: 'metrics' })).spanDecodeWorker === 'ready' ? true : null), 30_000);
}

async function ingest(store: StoreClient, spans: ReadableSpan[]): Promise<void> {
  const result: IngestResult = await store.request({ op: 'ingest', signal: 'traces', encoding: 'protobuf', body: protobufBody(spans) });
  assert.equal(result.status, 'accepted', JSON.stringify(result));
}

/**
 * Agent runs and sessions' turns, their spans dealt round-robin into small requests: every trace
 * arrives over several requests, children often before their parents, as batching exporters send
 * them, so the trace rollups are built across batches.
 */
function requests(): { traceIds: string[]; bodies: ReadableSpan[][] } {
  const traces = [
    recordAgentRun({ serviceName: 'trip-planner' }),
    recordAgentRun({ serviceName: 'trip-planner-eu', startMs: Date.now() - 120_000 }),
    recordGenAiTurn({ serviceName: 'support-bot', sessionId: 'conv-7', toolFails: true, agentReportsTotals: true }),
    recordGenAiTurn({ serviceName: 'support-bot', sessionId: 'conv-7', model: 'gemini-2.5-flash', startMs: Date.now() - 30_000 }),
  ];
  const all = traces.flatMap((t) => t.spans);
  const bodies: ReadableSpan[][] = [];
  for (let i = 0; i < all.length; i++) (bodies[i % 9] ??= []).push(all[i]!);
  return { traceIds: traces.map((t) => t.traceId), bodies };
}

describe('span-decode worker', () => {
  let inWorker: StoreClient;
  let onStoreThread: StoreClient;
  const sent = requests();

  before(async () => {
    [inWorker, onStoreThread] = await Promise.all([openStore(true), openStore(false)]);
    await untilWorkerReady(inWorker);
    assert.equal((await onStoreThread.request({ op: 'metrics' })).spanDecodeWorker, 'off');
    await ingest(onStoreThread, recordAgentRun({ serviceName: 'warm-up' }).spans);
    for (const body of sent.bodies) {
      await ingest(inWorker, body);
      await ingest(onStoreThread, body);
    }
  });
  after(async () => {
    await Promise.all([inWorker.close(), onStoreThread.close()]);
  });

  test('traces, GenAI readings, rollups and sessions read the same as when decoded on the store thread', async () => {
    for (const traceId of sent.traceIds) {
      const a = await inWorker.request({ op: 'getTrace', traceId });
      const b = await onStoreThread.request({ op: 'getTrace', traceId });
      assert.ok(a && a.spans.length > 0, `trace ${traceId} is stored`);
      // Span for span; the audit digest is over each store's own encoding (its attribute key ids).
      assert.deepEqual({ ...a, audit: undefined }, { ...b, audit: undefined });
    }
    const notWarmUp = (page: TraceListPage) => page.traces.filter((t) => t.serviceName !== 'warm-up');
    const listA = notWarmUp(await inWorker.request({ op: 'listTraces', query: { limit: 50 } }));
    const listB = notWarmUp(await onStoreThread.request({ op: 'listTraces', query: { limit: 50 } }));
    assert.equal(listA.length, sent.traceIds.length);
    assert.deepEqual(listA, listB);
    // The comparison means something only if the readings are there: tokens, cost, the session.
    for (const summary of listA) assert.ok((summary.genai?.totalTokens ?? 0) > 0, `${summary.rootName} has a GenAI rollup`);
    assert.ok(listA.some((t) => t.genai?.costUsd !== null && (t.genai?.costUsd ?? 0) > 0), 'a trace is priced');
    const filtered = await inWorker.request({ op: 'listTraces', query: { model: 'gemini-2.5-flash' } });
    assert.equal(filtered.traces.length, 1, 'the model filter finds the worker-read facet');
    assert.deepEqual(await inWorker.request({ op: 'getSession', sessionId: 'conv-7' }), await onStoreThread.request({ op: 'getSession', sessionId: 'conv-7' }));

    const [metricsA, metricsB] = await Promise.all([inWorker.request({ op: 'metrics' }), onStoreThread.request({ op: 'metrics' })]);
    const sentSpans = sent.bodies.reduce((n, b) => n + b.length, 0);
    assert.ok(metricsA.workerDecodedSpans >= sentSpans, `the worker decoded the ${sentSpans} spans sent once it was up`);
    assert.equal(metricsB.workerDecodedSpans, 0, 'without the worker the store thread decoded everything');
    assert.equal(metricsB.decodedSpans, metricsA.compactedSpans);
  });

  test('a read right after a burst of acknowledged requests sees every one of them', async () => {
    const store = await openStore(true);
    try {
      await untilWorkerReady(store);
      const runs = Array.from({ length: 40 }, (_, i) => recordAgentRun({ serviceName: `burst-${i}` }));
      // All in flight at once; the read is sent the moment the last acknowledgement arrives, while
      // the worker is still decoding what came before it.
      await Promise.all(runs.map((run) => ingest(store, run.spans)));
      const counters = await store.request({ op: 'counters' });
      const warmUp = await store.request({ op: 'listTraces', query: { service: 'warm-up' } });
      assert.equal(counters.traces, runs.length + 1);
      assert.equal(counters.spans, runs.reduce((n, r) => n + r.spans.length, warmUp.traces[0]!.spanCount));
      const page = await store.request({ op: 'listTraces', query: { limit: 100 } });
      assert.deepEqual(new Set(page.traces.map((t) => t.traceId)), new Set([...runs.map((r) => r.traceId), warmUp.traces[0]!.traceId]));
      assert.ok((await store.request({ op: 'metrics' })).workerDecodedSpans > 0);
    } finally {
      await store.close();
    }
  });
});
