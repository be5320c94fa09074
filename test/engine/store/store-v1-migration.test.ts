/**
 * A data directory written by the one-row-per-span layout (schema 9, test/fixtures/store-v1: real
 * instrumentations' spans, SDK agent traces, a retry, a trace in two slices, events, links, every
 * attribute type) opens with today's Flowtrace, migrates, and answers exactly what it answered
 * before: every trace, span, outline and agent graph, the filters that read spans, sessions, a
 * funnel and the counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../../src-main/engine';
import { SCHEMA_VERSION } from '../../../src-main/engine/store/migrate';
import { startTestEngine } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';
import { dumpStore } from '../../fixtures/store-v1/dump-store';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'store-v1');

test('a store written by the one-row-per-span layout migrates and reads back span for span', async () => {
  const dataDir = tempDataDir();
  writeFileSync(join(dataDir, DB_FILE), gunzipSync(readFileSync(join(FIXTURE, 'flowtrace.db.gz'))));
  const before = new Database(join(dataDir, DB_FILE), { readonly: true });
  assert.equal(before.pragma('user_version', { simple: true }), 9, 'the fixture is the old schema');
  before.close();

  const engine = await startTestEngine(dataDir);
  try {
    const golden = JSON.parse(gunzipSync(readFileSync(join(FIXTURE, 'golden.json.gz'))).toString('utf8')) as Record<string, unknown>;
    const now = JSON.parse(JSON.stringify(await dumpStore(engine))) as Record<string, unknown>;
    assert.equal(Object.keys(now.traces as object).length, 47);
    for (const key of Object.keys(golden)) assert.deepEqual(now[key], golden[key], `${key} reads as it did before the migration`);
    // Stored before the audit trail began: no trace claims to be verified.
    const audits = await Promise.all(Object.keys(now.traces as object).map((id) => engine.getTraceAudit(id)));
    assert.deepEqual([...new Set(audits.map((a) => a?.state))], ['not-recorded']);
  } finally {
    await engine.close();
  }
  const after = new Database(join(dataDir, DB_FILE), { readonly: true });
  assert.equal(after.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  after.close();
});
