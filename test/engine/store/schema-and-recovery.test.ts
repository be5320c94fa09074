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
import { recordAgentTrace } from '../../support/otel';
import { startTestEngine } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';

test('migration 0001 creates the log, the indexed tables and sets user_version', () => {
  const db = new Database(':memory:');
  migrate(db, ':memory:', 1);
  assert.equal(db.pragma('user_version', { simple: true }), 1);
  const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as Array<{ name: string; sql: string }>;
  assert.deepEqual(tables.map((t) => t.name), ['compaction_state', 'counters', 'log', 'resources', 'scopes', 'spans', 'traces']);
  for (const t of tables) assert.match(t.sql, /STRICT/, `${t.name} is STRICT`);
  assert.equal(db.prepare('SELECT watermark FROM compaction_state').pluck().get(), 0);
  // Migrating again is a no-op.
  migrate(db, ':memory:');
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  db.close();
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
    assert.equal((await restarted.getStats()).spans, sent.spans.length);
  } finally {
    await restarted.close();
  }
  const after = new Database(join(dir, DB_FILE));
  assert.equal(after.prepare('SELECT count(*) FROM log').pluck().get(), 0, 'replayed records are dropped once compacted');
  assert.equal(after.pragma('integrity_check', { simple: true }), 'ok');
  after.close();
});
