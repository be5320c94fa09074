/**
 * Feedback on runs in the store: migration 0006, annotating a trace and a span, the list's feedback
 * summary and filters, the JSON export's `annotations`, and that annotations live exactly as long as
 * their trace (a delete, clearing everything, retention) and survive a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE, startEngine } from '../../../src-main/engine';
import { migrate } from '../../../src-main/engine/store/migrate';
import { ArgumentError } from '../../../src-shared/validate';
import type { IngestTick } from '../../../src-shared/contract';
import { eventually, post, startTestEngine } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';
import { otlpJson, sid, tid, type SpanSpec } from '../../support/spans';

const JSON_CT = { 'content-type': 'application/json' };
const T0 = 1_770_000_000_000;

function trace(n: number): SpanSpec[] {
  return [
    { traceId: tid(n), spanId: sid(n * 10 + 1), name: `run ${n}`, startMs: T0 + n * 1000, durationMs: 50 },
    { traceId: tid(n), spanId: sid(n * 10 + 2), parentSpanId: sid(n * 10 + 1), name: 'step', startMs: T0 + n * 1000 + 5, durationMs: 20 },
  ];
}

async function send(otlpHttpEndpoint: string, specs: SpanSpec[]): Promise<void> {
  const res = await post(`${otlpHttpEndpoint}/v1/traces`, otlpJson(specs), JSON_CT);
  assert.equal(res.status, 200, res.body.toString());
}

test('migration 0006 adds the STRICT annotations table and its indexes, and keeps what was stored', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 5);
  db.prepare(`INSERT INTO traces (trace_id, root_span_id, root_name, root_is_orphan, root_start_ns, service_name, start_ns, end_ns,
      span_count, error_count, last_received_at, has_genai, session_id) VALUES (?, ?, 'turn', 0, 5, 'svc', 5, 20, 1, 0, 500, 0, NULL)`).run(Buffer.alloc(16, 1), Buffer.alloc(8, 2));
  migrate(db, ':memory:', 6);
  assert.equal(db.pragma('user_version', { simple: true }), 6);
  assert.equal(db.prepare('SELECT count(*) FROM traces').pluck().get(), 1);
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'annotations'").pluck().get() as string;
  assert.match(sql, /STRICT/);
  const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'annotations' AND sql IS NOT NULL ORDER BY name").pluck().all();
  assert.deepEqual(indexes, ['annotations_by_name', 'annotations_by_trace']);
  // STRICT: a value of the wrong type is refused, not coerced.
  assert.throws(() => db.prepare("INSERT INTO annotations (id, trace_id, name, value, created_at) VALUES ('a', x'01', 'thumbs', '\"up\"', 'now')").run());
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT trace_id FROM annotations WHERE name = 'thumbs' AND value = '\"down\"'").all() as Array<{ detail: string }>;
  assert.match(plan.map((p) => p.detail).join(' '), /annotations_by_name/);
  db.close();
});

test('annotate a trace and a span; the list carries a summary and filters by feedback and label; the export carries them', async () => {
  const engine = await startTestEngine();
  try {
    await send(engine.info.otlpHttpEndpoint, [...trace(1), ...trace(2), ...trace(3)]);
    const down = await engine.annotate({ traceId: tid(1), name: 'thumbs', value: 'down' });
    assert.ok(down);
    assert.match(down.id, /^[0-9a-f]{16}$/);
    assert.deepEqual({ ...down, id: '', createdAt: 0 }, { id: '', traceId: tid(1), spanId: null, name: 'thumbs', value: 'down', comment: null, createdAt: 0 });
    await engine.annotate({ traceId: tid(1), spanId: sid(12), name: 'label', value: ['hallucination', 'wrong-tool'], comment: 'picked search over calc' });
    await engine.annotate({ traceId: tid(1), name: 'rating', value: 2 });
    await engine.annotate({ traceId: tid(1), name: 'rating', value: 3 });
    await engine.annotate({ traceId: tid(1), spanId: sid(12), name: 'correction', value: 'The answer is 42.' });
    await engine.annotate({ traceId: tid(2), name: 'thumbs', value: 'up' });
    await engine.annotate({ traceId: tid(2), name: 'reviewer', value: { by: 'ana', ok: true } });

    const list = await engine.listAnnotations(tid(1));
    assert.deepEqual(list.map((a) => [a.name, a.spanId]), [['thumbs', null], ['label', sid(12)], ['rating', null], ['rating', null], ['correction', sid(12)]]);
    assert.equal(list[1]!.comment, 'picked search over calc');

    const all = await engine.listTraces({});
    const byId = new Map(all.traces.map((t) => [t.traceId, t]));
    assert.deepEqual(byId.get(tid(1))!.feedback, { count: 5, up: 0, down: 1, rating: 2.5, ratingCount: 2, labels: ['hallucination', 'wrong-tool'], hasNote: false, hasCorrection: true });
    assert.deepEqual(byId.get(tid(2))!.feedback, { count: 2, up: 1, down: 0, rating: null, ratingCount: 0, labels: [], hasNote: false, hasCorrection: false });
    assert.equal(byId.get(tid(3))!.feedback, undefined);

    const ids = async (q: Parameters<typeof engine.listTraces>[0]) => (await engine.listTraces(q)).traces.map((t) => t.traceId).sort();
    assert.deepEqual(await ids({ feedback: 'down' }), [tid(1)]);
    assert.deepEqual(await ids({ feedback: 'up' }), [tid(2)]);
    assert.deepEqual(await ids({ feedback: 'any' }), [tid(1), tid(2)]);
    assert.deepEqual(await ids({ feedback: 'none' }), [tid(3)]);
    assert.deepEqual(await ids({ label: 'hallucination' }), [tid(1)]);
    assert.deepEqual(await ids({ label: 'hallucin' }), [], 'labels match exactly');
    assert.deepEqual(await ids({ label: 'wrong-tool', feedback: 'up' }), []);
    // Paging with a filter keeps to it.
    const first = await engine.listTraces({ feedback: 'any', limit: 1 });
    const second = await engine.listTraces({ feedback: 'any', limit: 1, cursor: first.nextCursor! });
    assert.deepEqual([first.traces[0]!.traceId, second.traces[0]!.traceId], [tid(2), tid(1)]);

    const exported = JSON.parse((await engine.exportTraceOtlp(tid(1)))!) as { resourceSpans: unknown[]; annotations: Array<{ name: string }> };
    assert.equal(exported.resourceSpans.length, 1);
    assert.deepEqual(exported.annotations.map((a) => a.name), ['thumbs', 'label', 'rating', 'rating', 'correction']);
    assert.equal('annotations' in JSON.parse((await engine.exportTraceOtlp(tid(3)))!), false, 'no annotations, no field');

    assert.equal(await engine.deleteAnnotation(down.id), true);
    assert.equal(await engine.deleteAnnotation(down.id), false);
    assert.deepEqual(await ids({ feedback: 'down' }), []);
  } finally {
    await engine.close();
  }
});

test('annotate refuses what does not fit its name, and an unknown trace or span', async () => {
  const engine = await startTestEngine();
  try {
    await send(engine.info.otlpHttpEndpoint, trace(1));
    const bad: unknown[] = [
      { traceId: tid(1), name: 'thumbs', value: 'sideways' },
      { traceId: tid(1), name: 'rating', value: 6 },
      { traceId: tid(1), name: 'rating', value: 2.5 },
      { traceId: tid(1), name: 'label', value: [] },
      { traceId: tid(1), name: 'label', value: ['x'.repeat(65)] },
      { traceId: tid(1), name: 'note', value: '' },
      { traceId: tid(1), name: 'n'.repeat(65), value: 1 },
      { traceId: tid(1), name: 'custom', value: 'x'.repeat(17 * 1024) },
      { traceId: tid(1), name: 'thumbs', value: 'up', extra: 1 },
      { traceId: 'nothex', name: 'thumbs', value: 'up' },
      { traceId: tid(1), spanId: 'zz', name: 'thumbs', value: 'up' },
    ];
    for (const input of bad) await assert.rejects(engine.annotate(input as never), ArgumentError, JSON.stringify(input).slice(0, 80));
    await assert.rejects(engine.listTraces({ feedback: 'maybe' as never }), ArgumentError);
    await assert.rejects(engine.deleteAnnotation('12'), ArgumentError);
    assert.equal(await engine.annotate({ traceId: tid(9), name: 'thumbs', value: 'up' }), null);
    assert.equal(await engine.annotate({ traceId: tid(1), spanId: sid(99), name: 'thumbs', value: 'up' }), null);
    // A single label may be given as a string; duplicates fold.
    assert.deepEqual((await engine.annotate({ traceId: tid(1), name: 'label', value: ['a', 'a', ' b '] as never }))!.value, ['a', 'b']);
    assert.deepEqual((await engine.annotate({ traceId: tid(1), name: 'label', value: 'solo' }))!.value, ['solo']);
    assert.deepEqual(await engine.listAnnotations(tid(9)), []);
  } finally {
    await engine.close();
  }
});

test('annotations survive a restart and go with their trace: a delete, clearing everything, retention', async () => {
  const dataDir = tempDataDir();
  let engine = await startTestEngine(dataDir);
  await send(engine.info.otlpHttpEndpoint, [...trace(1), ...trace(2)]);
  await engine.annotate({ traceId: tid(1), name: 'thumbs', value: 'down' });
  await engine.annotate({ traceId: tid(2), name: 'note', value: 'fine' });
  await engine.close();

  engine = await startTestEngine(dataDir);
  try {
    assert.deepEqual((await engine.listAnnotations(tid(1))).map((a) => a.value), ['down']);
    // A write ticks with its trace and no new spans, so the list and other windows re-read it.
    const ticks: IngestTick[] = [];
    engine.onIngest((t) => ticks.push(t));
    const rating = (await engine.annotate({ traceId: tid(2), name: 'rating', value: 5 }))!;
    assert.deepEqual(await eventually(async () => ticks.find((t) => t.traceIds.length > 0)), { spans: 4, traces: 2, newSpans: 0, newLogRecords: 0, newMetricPoints: 0, traceIds: [tid(2)], truncated: false });
    ticks.length = 0;
    assert.equal(await engine.deleteAnnotation(rating.id), true);
    assert.deepEqual((await eventually(async () => ticks.find((t) => t.traceIds.length > 0))).traceIds, [tid(2)]);
    assert.deepEqual((await engine.listTraces({ feedback: 'down' })).traces.map((t) => t.traceId), [tid(1)]);
    await engine.deleteTrace(tid(1));
    assert.deepEqual(await engine.listAnnotations(tid(1)), []);
    // The same trace sent again starts without feedback.
    await send(engine.info.otlpHttpEndpoint, trace(1));
    assert.equal((await engine.listTraces({})).traces.find((t) => t.traceId === tid(1))!.feedback, undefined);
    assert.equal((await engine.listAnnotations(tid(2))).length, 1);
    await engine.clearAllData('delete-everything');
  } finally {
    await engine.close();
  }
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  assert.equal(db.prepare('SELECT count(*) FROM annotations').pluck().get(), 0);
  db.close();

  const retained = tempDataDir();
  const aging = await startEngine({ memory: false, dataDir: retained, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, retention: { maxAgeMs: 400 }, retentionIntervalMs: 100 });
  try {
    await send(aging.info.otlpHttpEndpoint, trace(5));
    await aging.annotate({ traceId: tid(5), name: 'thumbs', value: 'up' });
    await eventually(async () => ((await aging.listTraces({})).traces.length === 0 ? true : null), 10_000);
    assert.deepEqual(await aging.listAnnotations(tid(5)), []);
  } finally {
    await aging.close();
  }
});
