/**
 * The WAL is copied back into the database file by a thread beside the store (checkpointer.ts), not
 * by the store thread every 1,000 pages: while ingest flows the pages reach the database file, long
 * before the WAL reaches the bound past which the store thread checkpoints itself (16,000 pages);
 * nothing is lost across a restart. A real SQLite file, real protobuf requests of the load
 * generator's agent spans.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { StoreClient } from '../../../src-main/engine/store/client';
import type { IngestResult } from '../../../src-main/engine/store/protocol';
import { RequestPool } from '../../../bench/lib/otlp-requests';
import { eventually } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';

const REQUESTS = 40;

async function traceCount(store: StoreClient): Promise<number> {
  return (await store.request({ op: 'counters' })).traces;
}

test('while spans arrive, their pages reach the database file beside the store, and nothing is lost across a restart', async () => {
  const dbPath = join(tempDataDir('flowtrace-checkpoint-'), 'flowtrace.db');
  const pool = new RequestPool({ encoding: 'protobuf', spansPerRequest: 512, poolSize: 8, seed: 7 });
  const traces = new Set<string>();
  const { store } = await StoreClient.open({ dbPath });
  try {
    for (let i = 0; i < REQUESTS; i++) {
      const { body, send } = pool.next();
      for (const t of pool.tracesOf(send)) traces.add(t.traceId);
      const result: IngestResult = await store.request({ op: 'ingest', signal: 'traces', encoding: 'protobuf', body });
      assert.equal(result.status, 'accepted', JSON.stringify(result));
    }
    await eventually(async () => ((await traceCount(store)) === traces.size ? true : null), 60_000);
    // The store thread alone copies nothing back below its bound of 16,000 pages (64 MB of WAL).
    const wal = statSync(`${dbPath}-wal`).size;
    assert.ok(wal < 64 * 1024 * 1024, `the WAL is ${wal} B`);
    await eventually(async () => (statSync(dbPath).size > 8 * 1024 * 1024 ? true : null), 10_000);
  } finally {
    await store.close();
  }
  const { store: reopened } = await StoreClient.open({ dbPath });
  try {
    assert.equal(await traceCount(reopened), traces.size, 'every trace acknowledged is there after a restart');
  } finally {
    await reopened.close();
  }
});
