/**
 * Trace blocks (ADR 0011): a trace bigger than one block is cut into several and reads back whole,
 * in start order (arrival order on equal starts); one span is found in any block; an exporter's
 * retry of spans spread over blocks and passes is stored once; the span-name filter finds the trace
 * by any of its names.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE, type Engine } from '../../../src-main/engine';
import { BLOCK_MAX_SPANS } from '../../../src-main/engine/store/span-block';
import { eventually, post, startTestEngine } from '../../support/engine';
import { otlpJson, sid, tid, type SpanSpec } from '../../support/spans';

const JSON_CT = { 'content-type': 'application/json' };
const T0 = 1_700_000_000_000;

describe('trace blocks', () => {
  let engine: Engine & { dataDir: string };
  let url: string;
  before(async () => {
    engine = await startTestEngine();
    url = `${engine.info.otlpHttpEndpoint}/v1/traces`;
  });
  after(async () => {
    await engine.close();
  });

  const send = async (specs: SpanSpec[]) => assert.equal((await post(url, otlpJson(specs), JSON_CT)).status, 200);
  const blockSizes = (traceId: string) => {
    const db = new Database(join(engine.dataDir, DB_FILE), { readonly: true });
    try {
      return db.prepare('SELECT span_count FROM all_span_blocks WHERE trace_id = ? ORDER BY first_row').pluck().all(Buffer.from(traceId, 'hex')) as number[];
    } finally {
      db.close();
    }
  };

  test('a trace of more spans than a block holds is cut into blocks and reads back whole, in start order', async () => {
    const t = tid(0xb10c);
    const n = 2 * BLOCK_MAX_SPANS + 7;
    // Sent newest first, with pairs of equal starts: the read orders by start, then by arrival.
    const specs: SpanSpec[] = Array.from({ length: n }, (_, i) => ({
      traceId: t,
      spanId: sid(i + 1),
      ...(i === 0 ? {} : { parentSpanId: sid(1) }),
      name: `step ${i % 5}`,
      startMs: T0 + Math.floor((n - i) / 2),
      attributes: { i },
    }));
    await send(specs);
    // A read sees everything acknowledged before it, so the spans are compacted once it answers.
    const trace = (await engine.getTrace(t))!;
    assert.deepEqual(blockSizes(t), [BLOCK_MAX_SPANS, BLOCK_MAX_SPANS, 7]);
    assert.equal(trace.spans.length, n);
    const expected = specs
      .map((s, i) => ({ s, i }))
      .sort((a, b) => a.s.startMs - b.s.startMs || a.i - b.i)
      .map(({ s }) => s.spanId);
    assert.deepEqual(trace.spans.map((s) => s.spanId), expected);
    const last = (await engine.getSpan(t, sid(n)))!;
    assert.deepEqual([last.name, last.attributes.i, last.parentSpanId], [`step ${(n - 1) % 5}`, n - 1, sid(1)]);
    assert.equal(await engine.getSpan(t, sid(n + 1)), null);
    assert.equal((await engine.getTraceOutline(t))?.spanIds.length, n);
  });

  test("an exporter's retry, over blocks and passes, is stored once; new spans beside it are kept", async () => {
    const t = tid(0xd0b);
    const first: SpanSpec[] = Array.from({ length: BLOCK_MAX_SPANS + 3 }, (_, i) => ({ traceId: t, spanId: sid(i + 1), name: 'first', startMs: T0 + i }));
    await send(first);
    // The same spans again with two new ones, in a later pass.
    await send([...first, { traceId: t, spanId: sid(9000), name: 'late', startMs: T0 }, { traceId: t, spanId: sid(9001), name: 'late', startMs: T0 + 1 }]);
    const trace = (await engine.getTrace(t))!;
    assert.equal(trace.spans.length, BLOCK_MAX_SPANS + 5);
    assert.equal(new Set(trace.spans.map((s) => s.spanId)).size, BLOCK_MAX_SPANS + 5);
    const summary = (await engine.listTraces({ spanName: 'late' })).traces.find((s) => s.traceId === t);
    assert.equal(summary?.spanCount, BLOCK_MAX_SPANS + 5);
    assert.deepEqual(blockSizes(t), [BLOCK_MAX_SPANS, 3, 2]);
    assert.deepEqual((await engine.listTraces({ spanName: 'first' })).traces.map((s) => s.traceId), [t]);
  });

  test('blocks are written as encoded and deflated in spare time, with a dictionary trained from the first blocks; both read back', async () => {
    const traces = 260;
    for (let k = 0; k < traces; k += 20) {
      const specs: SpanSpec[] = [];
      for (let t = k; t < k + 20; t++) {
        specs.push(
          { traceId: tid(0x5000 + t), spanId: sid(1), name: 'invoke_agent planner', startMs: T0 + 10 * t, attributes: { 'gen_ai.agent.name': 'planner', n: t } },
          { traceId: tid(0x5000 + t), spanId: sid(2), parentSpanId: sid(1), name: 'chat gpt-4o', startMs: T0 + 10 * t + 1, attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': t } },
        );
      }
      await send(specs);
    }
    const readBack = async () => {
      for (const t of [0, 199, 259]) {
        const trace = (await engine.getTrace(tid(0x5000 + t)))!;
        assert.deepEqual(trace.spans.map((s) => [s.name, s.attributes.n ?? s.attributes['gen_ai.usage.input_tokens']]), [['invoke_agent planner', t], ['chat gpt-4o', t]]);
      }
    };
    // Compaction stores blocks as encoded; they read the same before and after they are deflated.
    await readBack();
    const db = new Database(join(engine.dataDir, DB_FILE), { readonly: true });
    try {
      const raw = db.prepare('SELECT count(*) FROM span_blocks_fresh').pluck();
      await eventually(async () => ((raw.get() as number) === 0 ? true : null), 10_000);
      assert.equal(db.prepare('SELECT count(*) FROM block_dictionaries').pluck().get(), 1);
      const last = db.prepare('SELECT dict FROM span_blocks WHERE trace_id = ?').pluck().get(Buffer.from(tid(0x5000 + traces - 1), 'hex'));
      assert.ok((last as number) > 0, 'the newest blocks are deflated with the dictionary');
    } finally {
      db.close();
    }
    await readBack();
    // A funnel reads blocks inside SQL (span_rows): with and without the dictionary.
    const range = { from: `${T0}000000`, to: `${T0 + 10 * traces}000000` };
    const funnel = await engine.runFunnel({ ...range, steps: [{ type: 'spanName', value: 'invoke_agent planner' }, { type: 'spanName', value: 'chat gpt-4o' }] });
    assert.deepEqual(funnel.steps.map((s) => s.reached.count), [traces, traces]);
  });
});
