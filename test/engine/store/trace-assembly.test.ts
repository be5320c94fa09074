/**
 * Spans arrive out of order, partially and duplicated; the trace summary must still be right:
 * orphans are roots (never dropped), the real root wins once it arrives, counts never double.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { post, startTestEngine } from '../../support/engine';
import { otlpJson, sid, tid } from '../../support/spans';
import type { Engine } from '../../../src-main/engine';

const JSON_CT = { 'content-type': 'application/json' };

describe('trace assembly from out-of-order spans', () => {
  let engine: Engine;
  let url: string;
  before(async () => {
    engine = await startTestEngine();
    url = `${engine.info.otlpHttpEndpoint}/v1/traces`;
  });
  after(async () => {
    await engine.close();
  });

  test('a child that arrives before its parent is shown as the root until the parent comes', async () => {
    const t = tid(0xa1);
    assert.equal((await post(url, otlpJson([{ traceId: t, spanId: sid(2), parentSpanId: sid(1), name: 'child', startMs: 1_700_000_000_100, error: true }]), JSON_CT)).status, 200);
    let page = await engine.listTraces({ q: 'child' });
    assert.equal(page.traces[0]?.traceId, t);
    assert.equal(page.traces[0]?.rootName, 'child');
    assert.equal(page.traces[0]?.spanCount, 1);

    await post(url, otlpJson([{ traceId: t, spanId: sid(1), name: 'parent', startMs: 1_700_000_000_000, durationMs: 500, service: 'api' }]), JSON_CT);
    page = await engine.listTraces({ q: 'child' });
    const summary = page.traces[0]!;
    assert.equal(summary.rootName, 'parent');
    assert.equal(summary.serviceName, 'api');
    assert.equal(summary.spanCount, 2);
    assert.equal(summary.errorCount, 1);
    assert.equal(summary.startTimeUnixNano, '1700000000000000000');
    assert.equal(summary.durationMs, 500);

    // The same spans again (an exporter retry): nothing changes.
    await post(url, otlpJson([{ traceId: t, spanId: sid(2), parentSpanId: sid(1), name: 'child', startMs: 1_700_000_000_100, error: true }]), JSON_CT);
    const again = (await engine.listTraces({ q: 'child' })).traces[0]!;
    assert.deepEqual(again, summary);
    const trace = await engine.getTrace(t);
    assert.deepEqual(trace?.spans.map((s) => s.name), ['parent', 'child']);
  });

  test('a trace whose root never arrives is kept, rooted at its earliest span', async () => {
    const t = tid(0xb2);
    await post(url, otlpJson([
      { traceId: t, spanId: sid(5), parentSpanId: sid(99), name: 'late orphan', startMs: 1_700_000_001_500 },
      { traceId: t, spanId: sid(4), parentSpanId: sid(99), name: 'early orphan', startMs: 1_700_000_001_000 },
    ]), JSON_CT);
    const trace = await engine.getTrace(t);
    assert.equal(trace?.spans.length, 2);
    const summary = (await engine.listTraces({ q: 'orphan' })).traces.find((x) => x.traceId === t);
    assert.equal(summary?.rootName, 'early orphan');
  });
});

describe('trace list queries', () => {
  let engine: Engine;
  let url: string;
  const base = 1_750_000_000_000;
  before(async () => {
    engine = await startTestEngine();
    url = `${engine.info.otlpHttpEndpoint}/v1/traces`;
    const specs = Array.from({ length: 25 }, (_, i) => ({
      traceId: tid(0x1000 + i),
      spanId: sid(i + 1),
      name: i % 5 === 0 ? `special_100%_${i}` : `op ${i}`,
      startMs: base + i * 1000,
      service: i % 2 === 0 ? 'even' : 'odd',
    }));
    assert.equal((await post(url, otlpJson(specs), JSON_CT)).status, 200);
  });
  after(async () => {
    await engine.close();
  });

  test('pages newest first with a cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await engine.listTraces({ limit: 10, ...(cursor ? { cursor } : {}) });
      seen.push(...page.traces.map((t) => t.traceId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => tid(0x1000 + 24 - i)));
  });

  test('filters by service and by span-name text (LIKE wildcards are literal)', async () => {
    const even = await engine.listTraces({ service: 'even', limit: 100 });
    assert.equal(even.traces.length, 13);
    assert.ok(even.traces.every((t) => t.serviceName === 'even'));
    const special = await engine.listTraces({ q: '100%_', limit: 100 });
    assert.deepEqual(special.traces.map((t) => t.rootName).sort(), ['special_100%_0', 'special_100%_10', 'special_100%_15', 'special_100%_20', 'special_100%_5']);
    assert.equal((await engine.listTraces({ q: 'SPECIAL', limit: 100 })).traces.length, 5);
  });

  test('bad arguments are refused with a clear error', async () => {
    await assert.rejects(engine.listTraces({ limit: 0 }), /limit must be an integer from 1 to 500/);
    await assert.rejects(engine.listTraces({ cursor: 'nonsense' }), /cursor is not one this server issued/);
    await assert.rejects(engine.getTrace('xyz'), /traceId must be 32 hex characters/);
    assert.equal(await engine.getTrace(tid(0xdead)), null);
  });
});
