/**
 * Clear data in the store: one trace, one session or everything goes in one transaction, with its
 * full text, events, links, log records, metric points and sessions rows; what stays is untouched
 * and consistent (counters, session bounds, integrity); new data after a delete is stored and read
 * back whole, and never reuses a deleted span's row id (the memory's feed reads by row id).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE, type Engine } from '../../../src-main/engine';
import { ArgumentError } from '../../../src-shared/validate';
import type { IngestTick } from '../../../src-shared/contract';
import { eventually, post, startTestEngine } from '../../support/engine';
import { otlpJson, sid, tid, type SpanSpec } from '../../support/spans';

const JSON_CT = { 'content-type': 'application/json' };
const T0 = 1_770_000_000_000;
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

/** A GenAI trace of two spans (an agent and its model call) in `session`, with a searchable word and an event. */
function genAiTrace(n: number, session: string | null, word: string): SpanSpec[] {
  const conv: Record<string, string> = session === null ? {} : { 'gen_ai.conversation.id': session };
  return [
    { traceId: tid(n), spanId: sid(n * 10 + 1), name: `invoke_agent planner ${word}`, startMs: T0 + n * 1000, durationMs: 50,
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner', ...conv } },
    { traceId: tid(n), spanId: sid(n * 10 + 2), parentSpanId: sid(n * 10 + 1), name: 'chat gpt-4o-mini', startMs: T0 + n * 1000 + 5, durationMs: 20,
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10, ...conv },
      event: { name: 'note', text: `event text ${word}` } },
  ];
}

interface LogSpec {
  body: string;
  atMs: number;
  traceId?: string;
  spanId?: string;
  session?: string;
}

function logsJson(records: LogSpec[]): string {
  return JSON.stringify({
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'clear-test' } }] },
      scopeLogs: [{
        scope: { name: 'clear-test' },
        logRecords: records.map((r) => ({
          body: { stringValue: r.body },
          timeUnixNano: ns(r.atMs),
          severityNumber: 9,
          attributes: r.session ? [{ key: 'session.id', value: { stringValue: r.session } }] : [],
          ...(r.traceId ? { traceId: r.traceId, spanId: r.spanId } : {}),
        })),
      }],
    }],
  });
}

function gaugeJson(name: string, atMs: number, session: string): string {
  return JSON.stringify({
    resourceMetrics: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'clear-test' } }, { key: 'host.name', value: { stringValue: 'laptop-of-someone' } }] },
      scopeMetrics: [{
        scope: { name: 'clear-test' },
        metrics: [{ name, unit: '1', gauge: { dataPoints: [{ timeUnixNano: ns(atMs), asDouble: 1.5, attributes: [{ key: 'session.id', value: { stringValue: session } }] }] } }],
      }],
    }],
  });
}

async function send(engine: Engine, signal: 'traces' | 'logs' | 'metrics', body: string): Promise<void> {
  const res = await post(`${engine.info.otlpHttpEndpoint}/v1/${signal}`, body, JSON_CT);
  assert.equal(res.status, 200, res.body.toString());
}

function openDb(dataDir: string): Database.Database {
  return new Database(join(dataDir, DB_FILE), { readonly: true });
}

/** Rows no trace or span owns any more: what a delete must never leave behind. */
function orphans(db: Database.Database): Record<string, number> {
  const n = (sql: string) => db.prepare(sql).pluck().get() as number;
  return {
    spanNames: n('SELECT count(*) FROM trace_span_names WHERE trace_id NOT IN (SELECT trace_id FROM traces)'),
    searchDocs: n('SELECT count(*) FROM search_docs WHERE trace_id NOT IN (SELECT trace_id FROM traces)'),
    spanBlocks: n('SELECT count(*) FROM all_span_blocks WHERE trace_id NOT IN (SELECT trace_id FROM traces)'),
    spanCounter: n("SELECT (SELECT value FROM counters WHERE name = 'spans') - (SELECT coalesce(sum(span_count), 0) FROM all_span_blocks)"),
    traceCounter: n("SELECT (SELECT value FROM counters WHERE name = 'traces') - (SELECT count(*) FROM traces)"),
  };
}

const NO_ORPHANS = { spanNames: 0, searchDocs: 0, spanBlocks: 0, spanCounter: 0, traceCounter: 0 };

test('deleting a trace takes its spans, events, full text and log records, and nothing of any other trace', async () => {
  const engine = await startTestEngine();
  const ticks: IngestTick[] = [];
  engine.onIngest((t) => ticks.push(t));
  try {
    await send(engine, 'traces', otlpJson([...genAiTrace(1, 'sess-a', 'alphaword'), ...genAiTrace(2, 'sess-a', 'betaword')]));
    await send(engine, 'logs', logsJson([
      { body: 'inside one', atMs: T0 + 1001, traceId: tid(1), spanId: sid(11) },
      { body: 'inside two', atMs: T0 + 2001, traceId: tid(2), spanId: sid(21) },
    ]));
    assert.equal((await engine.listTraces({ q: 'alphaword' })).traces.length, 1);
    const before = await engine.getStats();

    assert.deepEqual(await engine.deleteTrace(tid(1)), { traces: 1, spans: 2, logs: 1, metricPoints: 0 });

    assert.equal(await engine.getTrace(tid(1)), null);
    assert.equal(await engine.getSpan(tid(1), sid(12)), null);
    assert.equal(await engine.getTraceOutline(tid(1)), null);
    assert.equal((await engine.listTraces({ q: 'alphaword' })).traces.length, 0, 'gone from the full text');
    assert.equal((await engine.listTraces({ model: 'gpt-4o-mini' })).traces.length, 1, 'the other trace keeps its facets');
    assert.deepEqual((await engine.listLogs({ traceId: tid(1) })).logs, []);
    assert.equal((await engine.listLogs({ traceId: tid(2) })).logs.length, 1);
    assert.equal((await engine.getTrace(tid(2)))?.spans.length, 2);
    const session = (await engine.getSession('sess-a'))!;
    assert.deepEqual(session.traces.map((t) => t.traceId), [tid(2)], 'the session keeps its other trace');
    const after = await engine.getStats();
    assert.deepEqual([after.traces, after.spans], [before.traces - 1, before.spans - 2]);
    // Views hear of it as of retention: a tick with the new totals that tells them to re-read.
    const tick = await eventually(async () => ticks.find((t) => t.truncated && t.traces === after.traces) ?? null);
    assert.equal(tick.spans, after.spans);

    assert.equal(await engine.deleteTrace(tid(1)), null, 'deleting it again: unknown');
    assert.equal(await engine.deleteTrace(tid(99)), null);
    await assert.rejects(engine.deleteTrace('not-hex'), ArgumentError);
  } finally {
    await engine.close();
  }
  const db = openDb(engine.dataDir);
  try {
    assert.deepEqual(orphans(db), NO_ORPHANS);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
});

test('deleting a session takes its traces, its log records and metric points, and leaves other sessions whole', async () => {
  const engine = await startTestEngine();
  try {
    await send(engine, 'traces', otlpJson([...genAiTrace(1, 'sess-x', 'xone'), ...genAiTrace(2, 'sess-x', 'xtwo'), ...genAiTrace(3, 'sess-y', 'yone'), ...genAiTrace(4, null, 'plain')]));
    await send(engine, 'logs', logsJson([
      { body: 'x event outside spans', atMs: T0 + 5000, session: 'sess-x' },
      // Trace 4 names no session, but sess-x's event was logged in it: the session page lists it.
      { body: 'x event in trace 4', atMs: T0 + 4001, traceId: tid(4), spanId: sid(41), session: 'sess-x' },
      { body: 'y event', atMs: T0 + 6000, session: 'sess-y' },
    ]));
    await send(engine, 'metrics', gaugeJson('x.cost', T0 + 5500, 'sess-x'));
    await send(engine, 'metrics', gaugeJson('y.cost', T0 + 6500, 'sess-y'));
    const y = (await engine.getSession('sess-y'))!;

    assert.deepEqual(await engine.deleteSession('sess-x'), { traces: 3, spans: 6, logs: 2, metricPoints: 1 });

    assert.equal(await engine.getSession('sess-x'), null);
    assert.deepEqual((await engine.listSessions({})).sessions.map((s) => s.sessionId), ['sess-y']);
    for (const n of [1, 2, 4]) assert.equal(await engine.getTrace(tid(n)), null, `trace ${n}`);
    assert.deepEqual(await engine.getSession('sess-y'), y, 'the other session is unchanged');
    assert.deepEqual((await engine.listLogs({})).logs.map((l) => l.body), ['y event']);
    assert.deepEqual((await engine.listMetricNames()).map((m) => m.name), ['y.cost']);
    assert.equal(await engine.deleteSession('sess-x'), null);
    await assert.rejects(engine.deleteSession(''), ArgumentError);
  } finally {
    await engine.close();
  }
  const db = openDb(engine.dataDir);
  try {
    assert.deepEqual(orphans(db), NO_ORPHANS);
    assert.deepEqual(db.prepare('SELECT session_id FROM sessions').pluck().all(), ['sess-y']);
  } finally {
    db.close();
  }
});

test('a session whose log records lived partly in a deleted trace keeps the bounds of what is left', async () => {
  const engine = await startTestEngine();
  try {
    await send(engine, 'traces', otlpJson(genAiTrace(1, null, 'bounds')));
    await send(engine, 'logs', logsJson([
      { body: 'early, inside the trace', atMs: T0 + 1001, traceId: tid(1), spanId: sid(11), session: 'sess-b' },
      { body: 'late, outside', atMs: T0 + 9000, session: 'sess-b' },
    ]));
    assert.equal((await engine.getSession('sess-b'))!.summary.firstActivityUnixNano, ns(T0 + 1001));
    assert.deepEqual(await engine.deleteTrace(tid(1)), { traces: 1, spans: 2, logs: 1, metricPoints: 0 });
    const s = (await engine.getSession('sess-b'))!;
    assert.equal(s.summary.firstActivityUnixNano, ns(T0 + 9000), 'recomputed from the record left');
    assert.equal(s.summary.lastActivityUnixNano, ns(T0 + 9000));
    // The record left was logged outside any trace: deleting the session takes it.
    assert.deepEqual(await engine.deleteSession('sess-b'), { traces: 0, spans: 0, logs: 1, metricPoints: 0 });
    assert.equal(await engine.getSession('sess-b'), null);
  } finally {
    await engine.close();
  }
});

test('clearing all data empties every table, needs its confirmation, and new data is then stored and read back whole', async () => {
  const engine = await startTestEngine();
  let maxRowBefore: number;
  try {
    await send(engine, 'traces', otlpJson([...genAiTrace(1, 'sess-c', 'cone'), ...genAiTrace(2, null, 'ctwo')]));
    await send(engine, 'logs', logsJson([{ body: 'a log', atMs: T0, session: 'sess-c' }]));
    await send(engine, 'metrics', gaugeJson('c.gauge', T0, 'sess-c'));
    await assert.rejects(engine.clearAllData('yes' as never), /confirm=delete-everything/);
    assert.equal((await engine.getStats()).traces, 2, 'nothing deleted without the confirmation');
    {
      const db = openDb(engine.dataDir);
      maxRowBefore = db.prepare('SELECT max(first_row + span_count - 1) FROM all_span_blocks').pluck().get() as number;
      db.close();
    }

    assert.deepEqual(await engine.clearAllData('delete-everything'), { traces: 2, spans: 4, logs: 1, metricPoints: 1 });

    const stats = await engine.getStats();
    assert.deepEqual([stats.traces, stats.spans], [0, 0]);
    assert.deepEqual((await engine.listTraces({})).traces, []);
    assert.deepEqual((await engine.listSessions({})).sessions, []);
    assert.deepEqual((await engine.listLogs({})).logs, []);
    assert.deepEqual(await engine.listMetricNames(), []);
    assert.deepEqual((await engine.listTraces({ q: 'cone' })).traces, []);

    // New data after the clear: attribute keys, resources and scopes are interned afresh, and read back as sent.
    await send(engine, 'traces', otlpJson([{ ...genAiTrace(3, 'sess-d', 'dthree')[0]!, service: 'after-clear' }]));
    await send(engine, 'metrics', gaugeJson('d.gauge', T0, 'sess-d'));
    const trace = (await engine.getTrace(tid(3)))!;
    assert.equal(trace.spans[0]!.resource.attributes['service.name'], 'after-clear');
    assert.equal(trace.spans[0]!.attributes['gen_ai.agent.name'], 'planner');
    assert.equal(trace.spans[0]!.genai?.agentName, 'planner');
    assert.equal((await engine.listTraces({ q: 'dthree' })).traces.length, 1);
    assert.equal((await engine.listTraces({ agent: 'planner' })).traces.length, 1);
    const point = (await engine.listMetricPoints({ name: 'd.gauge' })).points[0]!;
    assert.deepEqual([point.resource.attributes['host.name'], point.attributes['session.id']], ['laptop-of-someone', 'sess-d']);
    assert.deepEqual((await engine.listSessions({})).sessions.map((s) => s.sessionId), ['sess-d']);
  } finally {
    await engine.close();
  }
  const db = openDb(engine.dataDir);
  try {
    assert.deepEqual(orphans(db), NO_ORPHANS);
    assert.ok((db.prepare('SELECT min(first_row) FROM all_span_blocks').pluck().get() as number) > maxRowBefore, 'no span row is reused');
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
});

test('after the newest trace is deleted, the next spans get row ids above it, also after a restart', async () => {
  let engine = await startTestEngine();
  const { dataDir } = engine;
  const maxRow = () => {
    const db = openDb(dataDir);
    try {
      return db.prepare('SELECT coalesce(max(first_row + span_count - 1), 0) FROM all_span_blocks').pluck().get() as number;
    } finally {
      db.close();
    }
  };
  try {
    await send(engine, 'traces', otlpJson([...genAiTrace(1, null, 'one'), ...genAiTrace(2, null, 'two')]));
    const top = maxRow();
    await engine.deleteTrace(tid(2));
    await engine.close();
    engine = await startTestEngine(dataDir);
    await send(engine, 'traces', otlpJson(genAiTrace(3, null, 'three')));
    assert.equal((await engine.getTrace(tid(3)))?.spans.length, 2, 'read once, so it is compacted');
    const db = openDb(dataDir);
    try {
      const blocks = db.prepare('SELECT first_row, span_count FROM all_span_blocks WHERE trace_id = ?').all(Buffer.from(tid(3), 'hex')) as Array<{ first_row: number; span_count: number }>;
      assert.deepEqual(blocks.map((b) => b.span_count), [2]);
      assert.ok(blocks[0]!.first_row > top, `new span rows from ${blocks[0]!.first_row} are above the deleted ones (≤ ${top})`);
    } finally {
      db.close();
    }
  } finally {
    await engine.close();
  }
});
