/**
 * The store's file on disk: migrations, refusing a newer schema, and replaying acknowledged log
 * records that a crash left above the compaction watermark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { DB_FILE } from '../../../src-main/engine';
import { migrate, SCHEMA_VERSION } from '../../../src-main/engine/store/migrate';
import { AttributeKeys } from '../../../src-main/engine/store/attribute-codec';
import { recordAgentTrace, sendAgentTrace } from '../../support/otel';
import { startTestEngine } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';

test('migration 0001 creates the log, the indexed tables and sets user_version', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 1);
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as Array<{ name: string; sql: string }>;
  // Only 0001 here; the migration test below takes it to 0002.
  assert.deepEqual(tables.map((t) => t.name), ['compaction_state', 'counters', 'log', 'resources', 'scopes', 'spans', 'sqlite_sequence', 'traces']);
  for (const t of tables.filter((x) => x.name !== 'sqlite_sequence')) assert.match(t.sql, /STRICT/, `${t.name} is STRICT`);
  assert.equal(db.prepare('SELECT watermark FROM compaction_state').pluck().get(), 0);
  db.close();
});

test('migration 0002 moves events, links and attributes of stored spans into the new layout', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 1);
  db.prepare("INSERT INTO resources (fingerprint, service_name, attributes, dropped_attributes_count) VALUES ('r', 'svc', '{}', 0)").run();
  db.prepare("INSERT INTO scopes (fingerprint, name, version, attributes, dropped_attributes_count) VALUES ('s', 'scope', '1', '{}', 0)").run();
  db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, trace_state, name, kind, start_ns, end_ns, status_code, status_message,
       attributes, dropped_attributes_count, events, dropped_events_count, links, dropped_links_count, resource_id, scope_id, received_at)
     VALUES (?, ?, NULL, '', 'chat gpt-4o', 3, 1, 2, 0, '', ?, 0, ?, 0, ?, 0, 1, 1, 0)`,
  ).run(
    Buffer.alloc(16, 1),
    Buffer.alloc(8, 2),
    JSON.stringify({ 'gen_ai.request.model': 'gpt-4o', n: 3, ok: true, nested: { a: [1, 'x'] } }),
    JSON.stringify([{ timeUnixNano: '5', name: 'gen_ai.choice', attributes: { reason: 'stop' }, droppedAttributesCount: 0 }]),
    JSON.stringify([{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: '', attributes: {}, droppedAttributesCount: 0 }]),
  );
  migrate(db, ':memory:', 2);
  assert.equal(db.pragma('user_version', { simple: true }), 2);
  const columns = (db.prepare('PRAGMA table_info(spans)').all() as Array<{ name: string }>).map((c) => c.name);
  assert.ok(columns.includes('attrs') && !columns.includes('attributes') && !columns.includes('events'));
  const keys = new AttributeKeys(db);
  assert.deepEqual(keys.decode(db.prepare('SELECT attrs FROM spans').pluck().get() as string), {
    'gen_ai.request.model': 'gpt-4o',
    n: 3,
    ok: true,
    nested: { a: [1, 'x'] },
  });
  assert.deepEqual(db.prepare('SELECT seq, time_ns, name, attributes FROM span_events').get(), { seq: 0, time_ns: 5, name: 'gen_ai.choice', attributes: '{"reason":"stop"}' });
  assert.equal((db.prepare('SELECT trace_id FROM span_links').pluck().get() as Buffer).toString('hex'), 'ab'.repeat(16));
  assert.equal(db.prepare("SELECT count(*) FROM trace_search WHERE trace_search MATCH 'text : gpt'").pluck().get(), 1);
  db.close();
});

test('migration 0003 adds STRICT logs and metric_points tables beside stored spans, which stay as they were', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 2);
  db.prepare("INSERT INTO resources (fingerprint, service_name, attributes, dropped_attributes_count) VALUES ('r', 'svc', '{}', 0)").run();
  db.prepare("INSERT INTO scopes (fingerprint, name, version, attributes, dropped_attributes_count) VALUES ('s', 'scope', '1', '{}', 0)").run();
  db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, trace_state, name, kind, start_ns, end_ns, status_code, status_message,
       dropped_attributes_count, dropped_events_count, dropped_links_count, resource_id, scope_id, received_at, attrs)
     VALUES (?, ?, NULL, '', 'kept', 1, 1, 2, 0, '', 0, 0, 0, 1, 1, 0, '[]')`,
  ).run(Buffer.alloc(16, 1), Buffer.alloc(8, 2));
  db.prepare("INSERT INTO log (received_at, encoding, payload, checksum) VALUES (0, 2, x'00', 0)").run();
  migrate(db, ':memory:', 3);
  assert.equal(db.pragma('user_version', { simple: true }), 3);
  const sql = (name: string) => db.prepare("SELECT sql FROM sqlite_schema WHERE name = ?").pluck().get(name) as string;
  assert.match(sql('logs'), /STRICT/);
  assert.match(sql('metric_points'), /STRICT/);
  const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('logs', 'metric_points') ORDER BY name").pluck().all();
  assert.deepEqual(indexes, ['logs_by_received', 'logs_by_time', 'logs_by_trace', 'metric_points_by_exemplar_trace', 'metric_points_by_name', 'metric_points_by_received']);
  assert.equal(db.prepare('SELECT name FROM spans').pluck().get(), 'kept');
  assert.equal(db.prepare('SELECT count(*) FROM log').pluck().get(), 1, 'unreplayed log rows are left for replay');
  // The new tables take what the compactor writes, and "logs of a span" uses its index.
  db.prepare(
    `INSERT INTO logs (trace_id, span_id, time_ns, observed_ns, at_ns, severity_number, severity_text, body, attrs,
       dropped_attributes_count, flags, event_name, resource_id, scope_id, received_at)
     VALUES (?, ?, 5, 6, 5, 9, 'INFO', '"hi"', '[]', 0, 1, '', 1, 1, 0)`,
  ).run(Buffer.alloc(16, 1), Buffer.alloc(8, 2));
  db.prepare(
    `INSERT INTO metric_points (name, description, unit, type, temporality, is_monotonic, start_ns, time_ns, attrs, flags, value,
       resource_id, scope_id, received_at) VALUES ('m', '', '', 7, 2, 1, 0, 5, '[]', 0, 3, 1, 1, 0)`,
  ).run();
  const plan = db.prepare('EXPLAIN QUERY PLAN SELECT id FROM logs WHERE trace_id = ? AND span_id = ? ORDER BY at_ns DESC, id DESC')
    .all(Buffer.alloc(16, 1), Buffer.alloc(8, 2)) as Array<{ detail: string }>;
  assert.match(plan.map((p) => p.detail).join('\n'), /logs_by_trace/);
  // STRICT: a text timestamp is refused rather than stored.
  assert.throws(() => db.prepare("UPDATE logs SET time_ns = 'soon'").run(), /cannot store TEXT value in INTEGER column/);
  db.close();
});

test('migration 0004 adds genai to spans and rollup columns with their indexes to traces; stored spans keep genai NULL', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 3);
  db.prepare(
    `INSERT INTO spans (trace_id, span_id, parent_span_id, trace_state, name, kind, start_ns, end_ns, status_code, status_message,
       dropped_attributes_count, dropped_events_count, dropped_links_count, resource_id, scope_id, received_at, attrs)
     VALUES (?, ?, NULL, '', 'chat gpt-4o', 3, 1, 2, 0, '', 0, 0, 0, 1, 1, 0, '[]')`,
  ).run(Buffer.alloc(16, 1), Buffer.alloc(8, 2));
  db.prepare(
    `INSERT INTO traces (trace_id, root_span_id, root_name, root_is_orphan, root_start_ns, service_name, start_ns, end_ns,
       span_count, error_count, last_received_at) VALUES (?, ?, 'chat gpt-4o', 0, 1, 'svc', 1, 2, 1, 0, 0)`,
  ).run(Buffer.alloc(16, 1), Buffer.alloc(8, 2));
  migrate(db, ':memory:', 4);
  assert.equal(db.pragma('user_version', { simple: true }), 4);
  // Stored before 0004: not normalized (documented), and the trace counts as not GenAI.
  assert.equal(db.prepare('SELECT genai FROM spans').pluck().get(), null);
  assert.deepEqual(db.prepare('SELECT has_genai, total_tokens, llm_calls, tool_calls, models, agents, session_id FROM traces').get(), {
    has_genai: 0, total_tokens: null, llm_calls: null, tool_calls: null, models: null, agents: null, session_id: null,
  });
  const sql = (name: string) => db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck().get(name) as string;
  assert.match(sql('spans'), /STRICT/);
  assert.match(sql('traces'), /STRICT/);
  const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN ('traces_genai_by_start', 'traces_by_tokens', 'traces_by_cost', 'traces_by_session') ORDER BY name").pluck().all();
  assert.deepEqual(indexes, ['traces_by_cost', 'traces_by_session', 'traces_by_tokens', 'traces_genai_by_start']);
  // STRICT: the new columns refuse what they cannot hold.
  assert.throws(() => db.prepare("UPDATE traces SET total_tokens = 'many'").run(), /cannot store TEXT value in INTEGER column/);
  // The lookups the list filters and the session view make use the new indexes.
  const plan = (q: string, ...p: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...p) as Array<{ detail: string }>).map((r) => r.detail).join('\n');
  assert.match(plan('SELECT trace_id FROM traces WHERE total_tokens >= ?', 1000), /traces_by_tokens/);
  assert.match(plan('SELECT trace_id FROM traces WHERE session_id = ? ORDER BY start_ns, trace_id', 'conv'), /traces_by_session/);
  assert.match(plan('SELECT trace_id FROM traces WHERE has_genai = 1 ORDER BY start_ns DESC, trace_id DESC LIMIT 5'), /traces_genai_by_start/);
  db.close();
});


test('migration 0005 keeps sessions from every signal: ids carried over from stored log records and metric points (traces name theirs already)', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 4);
  db.prepare("INSERT INTO attribute_keys (id, key) VALUES (1, 'event.name'), (2, 'conversation.id'), (3, 'session.id')").run();
  db.prepare(`INSERT INTO resources (id, fingerprint, service_name, attributes, dropped_attributes_count) VALUES (1, 'a', '', '{}', 0), (2, 'b', '', '{"session.id":"res-session"}', 0)`).run();
  const log = db.prepare(`INSERT INTO logs (trace_id, span_id, time_ns, observed_ns, at_ns, severity_number, severity_text, body, attrs,
      dropped_attributes_count, flags, event_name, resource_id, scope_id, received_at) VALUES (NULL, NULL, ?, ?, ?, 0, '', 'null', ?, 0, 0, '', ?, 1, ?)`);
  log.run(10, 10, 10, '[1,"codex.user_prompt",2,"conv-1"]', 1, 1000);
  log.run(30, 30, 30, '[1,"x"]', 2, 2000);
  log.run(40, 40, 40, '[1,"plain"]', 1, 3000);
  db.prepare(`INSERT INTO metric_points (name, description, unit, type, temporality, is_monotonic, metadata, start_ns, time_ns, attrs, flags,
      value, data, exemplars, exemplar_trace_id, exemplar_span_id, resource_id, scope_id, received_at)
      VALUES ('claude_code.cost.usage', '', 'USD', 7, 1, 1, NULL, 0, 50, '[3,"cc-1"]', 0, 0.5, NULL, NULL, NULL, NULL, 1, 1, 4000)`).run();
  db.prepare(`INSERT INTO traces (trace_id, root_span_id, root_name, root_is_orphan, root_start_ns, service_name, start_ns, end_ns,
      span_count, error_count, last_received_at, has_genai, session_id) VALUES (?, ?, 'turn', 0, 5, 'svc', 5, 20, 1, 0, 500, 1, 'conv-1')`).run(Buffer.alloc(16, 1), Buffer.alloc(8, 2));
  migrate(db, ':memory:', 5);
  assert.equal(db.pragma('user_version', { simple: true }), 5);
  assert.ok(SCHEMA_VERSION >= 5);
  assert.deepEqual(db.prepare('SELECT session_id FROM logs ORDER BY id').pluck().all(), ['conv-1', 'res-session', null]);
  assert.deepEqual(db.prepare('SELECT session_id FROM metric_points').pluck().all(), ['cc-1']);
  assert.deepEqual(db.prepare('SELECT session_id, first_ns, last_ns, last_received_at FROM sessions ORDER BY session_id').all(), [
    { session_id: 'cc-1', first_ns: 50, last_ns: 50, last_received_at: 4000 },
    // The log record's bounds only: the trace of conv-1 keeps its session in traces.session_id.
    { session_id: 'conv-1', first_ns: 10, last_ns: 10, last_received_at: 1000 },
    { session_id: 'res-session', first_ns: 30, last_ns: 30, last_received_at: 2000 },
  ]);
  const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('logs_by_session', 'metric_points_by_session')").pluck().all();
  assert.equal(indexes.length, 2);
});
test('a database from a newer Flowtrace is refused with a message naming the file', async () => {
  const dir = tempDataDir();
  const file = join(dir, DB_FILE);
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  await assert.rejects(startTestEngine(dir), (err: Error) => {
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, /newer than this Flowtrace understands/);
    return true;
  });
  // The file is left as it was.
  const again = new Database(file);
  assert.equal(again.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1);
  again.close();
});

test('log records above the watermark (acknowledged, not yet compacted) are replayed at start', async () => {
  const dir = tempDataDir();
  const engine = await startTestEngine(dir);
  // Earlier traffic, compacted: the log is empty again and the watermark is above zero, so a
  // sequence that restarted at 1 would make the record below look compacted already.
  for (let i = 0; i < 3; i++) await sendAgentTrace(engine.info.otlpHttpEndpoint, 'protobuf');
  await engine.close();

  // What a crash between the ack and compaction leaves behind: a committed log row, nothing indexed.
  const sent = recordAgentTrace({ serviceName: 'replayed' });
  const payload = Buffer.from(ProtobufTraceSerializer.serializeRequest(sent.spans)!);
  const db = new Database(join(dir, DB_FILE));
  db.prepare('INSERT INTO log (received_at, encoding, payload, checksum) VALUES (?, 1, ?, ?)').run(Date.now(), payload, crc32(payload));
  db.close();

  const restarted = await startTestEngine(dir);
  try {
    const trace = await restarted.getTrace(sent.traceId);
    assert.equal(trace?.spans.length, sent.spans.length);
    assert.equal((await restarted.listTraces({ service: 'replayed' })).traces.length, 1);
    assert.equal((await restarted.getStats()).spans, 4 * sent.spans.length);
  } finally {
    await restarted.close();
  }
  const after = new Database(join(dir, DB_FILE));
  assert.equal(after.prepare('SELECT count(*) FROM log').pluck().get(), 0, 'replayed records are dropped once compacted');
  assert.equal(after.pragma('integrity_check', { simple: true }), 'ok');
  after.close();
});
