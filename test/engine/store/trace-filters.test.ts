/**
 * Every trace-list filter and sort, and single-span lookup, on a small known data set sent over
 * OTLP/HTTP: what a user gets back is exactly the traces that match, in order, page by page.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { post, startTestEngine } from '../../support/engine';
import { otlpJson, sid, tid, type SpanSpec } from '../../support/spans';
import type { Engine } from '../../../src-main/engine';
import type { TraceListQuery } from '../../../src-shared/contract';

const BASE = 1_760_000_000_000;
const MODELS = ['gpt-4o-mini', 'claude-sonnet', 'llama-3'];

/** 30 traces: root + llm + tool; trace i starts at BASE + i s, lasts (i % 7 + 1) × 100 ms. */
function dataSet(): SpanSpec[] {
  const specs: SpanSpec[] = [];
  for (let i = 0; i < 30; i++) {
    const traceId = tid(0x5000 + i);
    const start = BASE + i * 1000;
    const duration = ((i % 7) + 1) * 100;
    specs.push(
      { traceId, spanId: sid(i * 10 + 1), name: i % 3 === 0 ? 'invoke_agent planner' : 'invoke_agent writer', startMs: start, durationMs: duration, service: i % 2 ? 'odd-svc' : 'even-svc' },
      {
        traceId, spanId: sid(i * 10 + 2), parentSpanId: sid(i * 10 + 1), name: `chat ${MODELS[i % 3]}`, startMs: start + 1, durationMs: duration / 2,
        attributes: { 'gen_ai.request.model': MODELS[i % 3]!, 'gen_ai.usage.input_tokens': 100 + i, streaming: i % 2 === 0 },
        ...(i === 17 ? { event: { name: 'gen_ai.choice', text: 'the zanzibar itinerary is ready' } } : {}),
      },
      { traceId, spanId: sid(i * 10 + 3), parentSpanId: sid(i * 10 + 1), name: i % 5 === 0 ? 'execute_tool search_hotels' : 'execute_tool book_flight', startMs: start + 2, error: i % 10 === 4 },
    );
  }
  return specs;
}

describe('trace list filters and sorts', () => {
  let engine: Engine;
  const ids = async (query: TraceListQuery) => (await engine.listTraces({ limit: 100, ...query })).traces.map((t) => Number.parseInt(t.traceId, 16) - 0x5000);
  const expected = (pred: (i: number) => boolean) => Array.from({ length: 30 }, (_, i) => 29 - i).filter(pred);

  before(async () => {
    engine = await startTestEngine();
    const res = await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, otlpJson(dataSet()), { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
  });
  after(async () => {
    await engine.close();
  });

  test('service, root name and status', async () => {
    assert.deepEqual(await ids({ service: 'odd-svc' }), expected((i) => i % 2 === 1));
    assert.deepEqual(await ids({ rootName: 'invoke_agent planner' }), expected((i) => i % 3 === 0));
    assert.deepEqual(await ids({ status: 'error' }), expected((i) => i % 10 === 4));
    assert.deepEqual(await ids({ status: 'ok' }), expected((i) => i % 10 !== 4));
  });

  test('a span anywhere in the trace with an exact name', async () => {
    assert.deepEqual(await ids({ spanName: 'execute_tool search_hotels' }), expected((i) => i % 5 === 0));
    assert.deepEqual(await ids({ spanName: 'execute_tool search' }), [], 'exact, not a prefix');
  });

  test('attribute key = value, as strings, numbers and booleans', async () => {
    assert.deepEqual(await ids({ attributes: { 'gen_ai.request.model': 'claude-sonnet' } }), expected((i) => i % 3 === 1));
    assert.deepEqual(await ids({ attributes: { 'gen_ai.usage.input_tokens': '117' } }), [17]);
    assert.deepEqual(await ids({ attributes: { streaming: 'true', 'gen_ai.request.model': 'llama-3' } }), expected((i) => i % 2 === 0 && i % 3 === 2));
    assert.deepEqual(await ids({ attributes: { 'gen_ai.request.model': 'gpt-4' } }), []);
  });

  test('full text over names, attribute values and event text, by word prefix', async () => {
    assert.deepEqual(await ids({ q: 'zanzibar' }), [17]);
    assert.deepEqual(await ids({ q: 'ZANZI itinerary' }), [17]);
    assert.deepEqual(await ids({ q: 'sonnet' }), expected((i) => i % 3 === 1));
    assert.deepEqual(await ids({ q: 'zanzibar llama' }), [17], 'words may come from different spans of the trace');
    assert.deepEqual(await ids({ q: 'zanzibar sonnet' }), [], 'but all must occur in the trace');
    await assert.rejects(engine.listTraces({ q: '***' }), /no searchable words/);
  });

  test('duration and start-time ranges', async () => {
    assert.deepEqual(await ids({ minDurationMs: 600 }), expected((i) => i % 7 >= 5));
    assert.deepEqual(await ids({ maxDurationMs: 100 }), expected((i) => i % 7 === 0));
    const from = String(BigInt(BASE + 10_000) * 1_000_000n);
    const to = String(BigInt(BASE + 12_000) * 1_000_000n);
    assert.deepEqual(await ids({ startFrom: from, startTo: to }), [12, 11, 10]);
  });

  test('sorts page with cursors without gaps or repeats', async () => {
    for (const sort of ['newest', 'oldest', 'longest', 'shortest'] as const) {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await engine.listTraces({ sort, limit: 7, status: 'ok', ...(cursor ? { cursor } : {}) });
        seen.push(...page.traces.map((t) => Number.parseInt(t.traceId, 16) - 0x5000));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const all = await ids({ sort, status: 'ok' });
      assert.deepEqual(seen, all, sort);
      assert.equal(new Set(seen).size, 27, `${sort}: every ok trace once`);
    }
    const longest = await ids({ sort: 'longest', limit: 4 });
    assert.deepEqual(longest, [27, 20, 13, 6], 'longest first, ties newest id first');
    const page = await engine.listTraces({ sort: 'oldest', limit: 2 });
    await assert.rejects(engine.listTraces({ sort: 'newest', cursor: page.nextCursor! }), /different sort order/);
  });

  test('one span by trace and span id, with its events', async () => {
    const span = await engine.getSpan(tid(0x5000 + 17), sid(172));
    assert.equal(span?.name, 'chat llama-3');
    assert.deepEqual(span?.attributes, { 'gen_ai.request.model': 'llama-3', 'gen_ai.usage.input_tokens': 117, streaming: false });
    assert.equal(span?.events[0]?.attributes.text, 'the zanzibar itinerary is ready');
    assert.equal(await engine.getSpan(tid(0x5000 + 17), sid(999)), null);
    await assert.rejects(engine.getSpan(tid(1), 'xyz'), /spanId must be 16 hex characters/);
  });
});

test('full text finds a word however much other text the trace carries', async () => {
  const engine = await startTestEngine();
  try {
    const traceId = tid(0x6000);
    const specs = Array.from({ length: 120 }, (_, k) => ({
      traceId,
      spanId: sid(60_000 + k),
      name: `turn ${k}`,
      startMs: BASE + 100_000 + k,
      attributes: { 'gen_ai.input.messages': `message ${k}: ${'lorem ipsum '.repeat(60)}${k === 119 ? ' quetzalcoatl' : ''}` },
    }));
    const res = await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, otlpJson(specs), { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    const found = await engine.listTraces({ q: 'quetzalcoatl' });
    assert.deepEqual(found.traces.map((t) => t.traceId), [traceId]);
  } finally {
    await engine.close();
  }
});
