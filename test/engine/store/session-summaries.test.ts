/**
 * The sessions list reads kept summaries (migration 0008): once rebuilt they equal what the session
 * page builds; a delete of a trace, a session or everything, and a restart, leave the list as true
 * as a build per read would. A second, read-only connection to the store's file sees when the worker
 * has rebuilt every stale summary, so the list is then read from stored rows, not built.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../../src-main/engine';
import { CLEAR_ALL_CONFIRMATION } from '../../../src-shared/contract';
import { migrate } from '../../../src-main/engine/store/migrate';
import { eventually, startTestEngine } from '../../support/engine';
import { exportSpans } from '../../support/otel';
import { recordGenAiTurn } from '../../support/otel-genai';

/** True once there are summaries and none is stale. Call after a read: a read waits for compaction, an export does not. */
function staleSummaries(dataDir: string): () => Promise<true | null> {
  return async () => {
    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    try {
      const { rows, stale } = db.prepare('SELECT count(*) AS rows, count(*) FILTER (WHERE summary IS NULL) AS stale FROM session_summaries').get() as { rows: number; stale: number };
      return rows > 0 && stale === 0 ? true : null;
    } finally {
      db.close();
    }
  };
}

test('migration 0008 carries every session over (from traces and the sessions table), stale, with its bounds', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 7);
  const trace = db.prepare(`INSERT INTO traces (trace_id, root_span_id, root_name, root_is_orphan, root_start_ns, service_name, start_ns, end_ns,
      span_count, error_count, last_received_at, has_genai, session_id) VALUES (?, ?, 'turn', 0, ?, 'svc', ?, ?, 3, 0, 500, 1, ?)`);
  trace.run(Buffer.alloc(16, 1), Buffer.alloc(8, 1), 10, 10, 20, 'conv-a');
  trace.run(Buffer.alloc(16, 2), Buffer.alloc(8, 2), 30, 30, 40, 'conv-a');
  trace.run(Buffer.alloc(16, 3), Buffer.alloc(8, 3), 5, 5, 50, null);
  db.prepare('INSERT INTO sessions VALUES (?, ?, ?, 0)').run('conv-a', 25, 45);
  db.prepare('INSERT INTO sessions VALUES (?, ?, ?, 0)').run('claude-1', 100, 200);
  migrate(db, ':memory:', 8);
  assert.equal(db.pragma('user_version', { simple: true }), 8);
  assert.deepEqual(db.prepare('SELECT session_id, first_ns, last_ns, summary FROM session_summaries ORDER BY session_id').all(), [
    { session_id: 'claude-1', first_ns: 100, last_ns: 200, summary: null },
    { session_id: 'conv-a', first_ns: 10, last_ns: 45, summary: null },
  ]);
  const sql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'session_summaries'").pluck().get() as string;
  assert.match(sql, /STRICT/);
  assert.throws(() => db.prepare('INSERT INTO session_summaries (session_id, first_ns, last_ns) VALUES (?, ?, ?)').run('x', 'soon', 1), /cannot store TEXT/);
  db.close();
});

test('the list reads kept summaries equal to the session page; deletes and a restart keep it true', async () => {
  let engine = await startTestEngine();
  const dataDir = engine.dataDir;
  try {
    const t0 = Date.now() - 60_000;
    const a1 = recordGenAiTurn({ serviceName: 'summaries', sessionId: 'conv-A', startMs: t0, userId: 'user-7' });
    const a2 = recordGenAiTurn({ serviceName: 'summaries', sessionId: 'conv-A', startMs: t0 + 2000, userId: 'user-3', toolFails: true });
    const b1 = recordGenAiTurn({ serviceName: 'summaries', sessionId: 'conv-B', startMs: t0 + 1000 });
    for (const sent of [a1, a2, b1]) await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    await engine.getStats();
    await eventually(staleSummaries(dataDir), 10_000);

    const listed = async () => Object.fromEntries((await engine.listSessions({})).sessions.map((s) => [s.sessionId, s]));
    let list = await listed();
    assert.deepEqual(Object.keys(list), ['conv-A', 'conv-B']);
    assert.deepEqual(list['conv-A'], (await engine.getSession('conv-A'))!.summary);
    assert.deepEqual([list['conv-A']!.turns, list['conv-A']!.users, list['conv-A']!.errors, list['conv-A']!.failedTurns], [2, ['user-3', 'user-7'], 1, 1]);

    // A deleted trace leaves its session one turn shorter, at once (the row went stale in the delete).
    await engine.deleteTrace(a2.traceId);
    list = await listed();
    assert.deepEqual([list['conv-A']!.turns, list['conv-A']!.users, list['conv-A']!.errors], [1, ['user-7'], 0]);
    assert.equal(list['conv-A']!.lastActivityUnixNano, String(BigInt(t0 + 40) * 1_000_000n), 'bounds shrink to what is left');
    assert.deepEqual(Object.keys(list), ['conv-B', 'conv-A'], 'and the order follows');
    await eventually(staleSummaries(dataDir), 10_000);
    assert.deepEqual((await listed())['conv-A'], (await engine.getSession('conv-A'))!.summary);

    await engine.deleteSession('conv-B');
    assert.deepEqual(Object.keys(await listed()), ['conv-A']);

    // A restart reads the kept rows; nothing is rebuilt that did not change.
    await engine.close();
    engine = await startTestEngine(dataDir);
    await staleSummaries(dataDir)().then((fresh) => assert.equal(fresh, true, 'summaries stay fresh across a restart with the same prices'));
    assert.deepEqual(Object.keys(await listed()), ['conv-A']);

    await engine.clearAllData(CLEAR_ALL_CONFIRMATION);
    assert.deepEqual(await engine.listSessions({}), { sessions: [], nextCursor: null });
    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    assert.equal(db.prepare('SELECT count(*) FROM session_summaries').pluck().get(), 0);
    db.close();
  } finally {
    await engine.close();
  }
});

test('a start with other prices rebuilds the kept summaries (a call priced at read time would cost otherwise)', async () => {
  let engine = await startTestEngine();
  const dataDir = engine.dataDir;
  const pricedWith = (): unknown => {
    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    try {
      return db.prepare("SELECT priced_with FROM session_summaries WHERE session_id = 'conv-P'").pluck().get();
    } finally {
      db.close();
    }
  };
  try {
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', recordGenAiTurn({ serviceName: 'prices', sessionId: 'conv-P' }).spans);
    await engine.getStats();
    await eventually(staleSummaries(dataDir), 10_000);
    const before = pricedWith();
    assert.equal(typeof before, 'number');
    await engine.close();
    engine = await startTestEngine(dataDir, { genaiPriceOverrides: { 'gpt-4o-mini': { input: 150, output: 600 } } });
    await eventually(async () => ((await staleSummaries(dataDir)()) && pricedWith() !== before ? true : null), 10_000);
    assert.deepEqual((await engine.listSessions({})).sessions[0], (await engine.getSession('conv-P'))!.summary);
  } finally {
    await engine.close();
  }
});

test('retention takes a session summary with the last trace of its session', async () => {
  const engine = await startTestEngine(undefined, { retention: { maxAgeMs: 1500 }, retentionIntervalMs: 200 });
  try {
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', recordGenAiTurn({ serviceName: 'retained', sessionId: 'conv-R' }).spans);
    assert.deepEqual((await engine.listSessions({})).sessions.map((s) => s.sessionId), ['conv-R']);
    await eventually(async () => ((await engine.listSessions({})).sessions.length === 0 ? true : null), 10_000);
    const db = new Database(join(engine.dataDir, DB_FILE), { readonly: true });
    assert.equal(db.prepare('SELECT count(*) FROM session_summaries').pluck().get(), 0);
    db.close();
  } finally {
    await engine.close();
  }
});
