/**
 * Damaged database files: the store never crash-loops and never deletes anything. A file that fails
 * its checks is moved aside (with its WAL), a fresh one is started, and the user is told; a damaged
 * WAL tail is dropped by SQLite's own recovery and the rest opens intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import type { StoreNotice } from '../../../src-shared/contract';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../../src-main/engine';
import { post, startTestEngine } from '../../support/engine';
import { otlpJson, sid, tid } from '../../support/spans';
import { startServe, tempDataDir } from '../../support/serve-process';

const JSON_CT = { 'content-type': 'application/json' };

async function fill(dataDir: string, traces: number): Promise<void> {
  const engine = await startTestEngine(dataDir);
  try {
    for (let n = 0; n < traces; n++) {
      const body = otlpJson([{ traceId: tid(0x7000 + n), spanId: sid(n + 1), name: `run ${n}`, startMs: 1_760_000_000_000 + n, attributes: { pad: 'x'.repeat(400) } }]);
      assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, body, JSON_CT)).status, 200);
    }
  } finally {
    await engine.close();
  }
}

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, offset);
  } finally {
    closeSync(fd);
  }
}

async function expectQuarantinedAndFresh(dataDir: string): Promise<void> {
  const original = readFileSync(join(dataDir, DB_FILE));
  const engine = await startTestEngine(dataDir);
  try {
    const stats = await engine.getStats();
    assert.equal(stats.traces, 0, 'a fresh database');
    const notice = stats.notices.at(-1);
    assert.equal(notice?.level, 'error');
    assert.match(notice!.message, /was damaged .* moved, unchanged, to .*corrupt-.* Nothing was deleted/);
    const moved = readdirSync(dataDir).filter((f) => f.startsWith(`${DB_FILE}.corrupt-`) && !f.endsWith('-wal') && !f.endsWith('-shm'));
    assert.equal(moved.length, 1);
    assert.deepEqual(readFileSync(join(dataDir, moved[0]!)), original, 'the damaged file is kept byte for byte');
    // And the fresh store works.
    const body = otlpJson([{ traceId: tid(0xfeed), spanId: sid(1), name: 'after recovery', startMs: 1_760_000_000_000 }]);
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, body, JSON_CT)).status, 200);
    assert.equal((await engine.getTrace(tid(0xfeed)))?.spans[0]?.name, 'after recovery');
  } finally {
    await engine.close();
  }
}

test('bytes flipped in the header: moved aside, fresh database, user told', async () => {
  const dataDir = tempDataDir();
  await fill(dataDir, 5);
  overwrite(join(dataDir, DB_FILE), 0, Buffer.from('this is no longer a sqlite file'));
  await expectQuarantinedAndFresh(dataDir);
});

test('bytes flipped inside a page: moved aside, fresh database, user told', async () => {
  const dataDir = tempDataDir();
  await fill(dataDir, 60);
  const file = join(dataDir, DB_FILE);
  const pageSize = 4096;
  const pages = statSync(file).size / pageSize;
  assert.ok(pages > 10);
  // Garbage over the middle of several interior pages (b-tree headers and cell pointers).
  for (const page of [3, 5, Math.floor(pages / 2), pages - 2]) overwrite(file, page * pageSize, Buffer.alloc(64, 0xa5));
  await expectQuarantinedAndFresh(dataDir);
});

test('damage met while running is remembered: the next start moves the file aside', async () => {
  const dataDir = tempDataDir();
  await fill(dataDir, 3);
  assert.ok(existsSync(join(dataDir, `${DB_FILE}.clean`)), 'a clean close leaves its marker');
  // What the store writes when a query meets SQLITE_CORRUPT.
  writeFileSync(join(dataDir, `${DB_FILE}.damaged`), 'database disk image is malformed');
  await expectQuarantinedAndFresh(dataDir);
  assert.ok(!existsSync(join(dataDir, `${DB_FILE}.damaged`)));
});

test('bytes flipped in the WAL: the damaged tail is dropped, everything before it opens intact', async () => {
  const dataDir = tempDataDir();
  await fill(dataDir, 10); // checkpointed into the main file by a clean close
  const server = await startServe({ dataDir });
  for (let n = 100; n < 110; n++) {
    const body = otlpJson([{ traceId: tid(0x7000 + n), spanId: sid(n + 1), name: `run ${n}`, startMs: 1_760_000_000_000 + n }]);
    assert.equal((await post(`${server.otlpHttp}/v1/traces`, body, JSON_CT)).status, 200);
  }
  await server.kill9(); // no checkpoint: the last commits live only in the WAL
  const wal = join(dataDir, `${DB_FILE}-wal`);
  assert.ok(existsSync(wal) && statSync(wal).size > 4096);
  overwrite(wal, Math.floor(statSync(wal).size / 2), Buffer.alloc(256, 0x5a));

  const engine = await startTestEngine(dataDir);
  try {
    const stats = await engine.getStats();
    for (let n = 0; n < 10; n++) assert.ok(await engine.getTrace(tid(0x7000 + n)), `checkpointed trace ${n} intact`);
    assert.ok(stats.traces >= 10);
    assert.deepEqual(stats.notices, []);
  } finally {
    await engine.close();
  }
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});

test('a large store after an unclean shutdown opens at once; its full check runs beside it and reports damage as met while running', { timeout: 60_000 }, async () => {
  const dataDir = tempDataDir();
  await fill(dataDir, 60);
  const file = join(dataDir, DB_FILE);
  const pageSize = 4096;
  const pages = statSync(file).size / pageSize;
  // An unclean shutdown (no clean marker), damage in a data page, and the file past the size below
  // which the check runs at open (the pages SQLite counts are in its header; the rest is sparse).
  rmSync(join(dataDir, `${DB_FILE}.clean`));
  overwrite(file, Math.floor(pages / 2) * pageSize, Buffer.alloc(64, 0xa5));
  truncateSync(file, 300 * 1024 * 1024);
  const engine = await startTestEngine(dataDir);
  try {
    const stats = await engine.getStats();
    assert.ok(stats.traces > 0, 'it opened the store as it was, without a full check first');
    let notice: StoreNotice | undefined;
    for (let i = 0; i < 200 && !notice; i++) {
      notice = (await engine.getStats()).notices.find((n) => /failed its full check after an unclean shutdown/.test(n.message));
      if (!notice) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(notice?.level, 'error');
    assert.match(notice!.message, /Restart Flowtrace: it will move the file aside, unchanged/);
    assert.ok(existsSync(join(dataDir, `${DB_FILE}.damaged`)), 'marked for the next start');
  } finally {
    await engine.close();
  }
  await expectQuarantinedAndFresh(dataDir);
});

test('a large store after an unclean shutdown with nothing wrong: checked beside it, no notice', { timeout: 60_000 }, async () => {
  const dataDir = tempDataDir();
  await fill(dataDir, 5);
  rmSync(join(dataDir, `${DB_FILE}.clean`));
  truncateSync(join(dataDir, DB_FILE), 300 * 1024 * 1024);
  const lines: string[] = [];
  const engine = await startTestEngine(dataDir, { log: (l) => lines.push(l) });
  try {
    for (let i = 0; i < 200 && !lines.some((l) => l.startsWith('full check after an unclean shutdown: ok')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(lines.some((l) => l.startsWith('full check after an unclean shutdown: ok')), lines.join('\n'));
    assert.equal((await engine.getStats()).notices.length, 0);
    assert.equal((await engine.getStats()).traces, 5);
  } finally {
    await engine.close();
  }
});
