/**
 * `flowtrace backup` while the server is taking data, `flowtrace restore` into another directory,
 * and the refusals that protect a running store: all through the real CLI and the real server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startServe, tempDataDir } from '../support/serve-process';
import { sendAgentTrace, type SentTrace } from '../support/otel';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/flowtrace.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('an online backup taken under ingest restores every trace acknowledged before it started', async () => {
  const dataDir = tempDataDir();
  const backupFile = join(tempDataDir('flowtrace-backup-'), 'backup.sqlite');
  const server = await startServe({ dataDir });
  const ackedBefore: SentTrace[] = [];
  let backupStarted = false;
  let running = true;
  const exporter = (async () => {
    while (running) {
      const sent = await sendAgentTrace(server.otlpHttp, 'protobuf', { toolCalls: 5 });
      if (!backupStarted) ackedBefore.push(sent);
    }
  })();
  try {
    while (ackedBefore.length < 20) await new Promise((r) => setTimeout(r, 10));
    backupStarted = true;
    const result = cli('backup', backupFile, '--data-dir', dataDir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /backed up .* to .*backup\.sqlite/);
  } finally {
    running = false;
    await exporter;
    await server.stop();
  }

  const restoredDir = tempDataDir();
  const restored = cli('restore', backupFile, '--data-dir', restoredDir);
  assert.equal(restored.status, 0, restored.stderr);
  const second = await startServe({ dataDir: restoredDir });
  try {
    for (const sent of ackedBefore) {
      const res = await fetch(`${second.api}/api/v1/traces/${sent.traceId}`);
      assert.equal(res.status, 200, `trace ${sent.traceId} acked before the backup is in it`);
      assert.equal(((await res.json()) as { spans: unknown[] }).spans.length, sent.spanIds.length);
    }
  } finally {
    await second.stop();
  }
});

test('restore refuses while Flowtrace runs on the directory, and refuses a file that is not a backup', async () => {
  const dataDir = tempDataDir();
  const server = await startServe({ dataDir });
  const sent = await sendAgentTrace(server.otlpHttp, 'json');
  const backupFile = join(tempDataDir('flowtrace-backup-'), 'b.sqlite');
  try {
    assert.equal(cli('backup', backupFile, '--data-dir', dataDir).status, 0);
    const busy = cli('restore', backupFile, '--data-dir', dataDir);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /in use by another Flowtrace \(pid \d+\)/);
    const again = cli('backup', backupFile, '--data-dir', dataDir);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /exists already/);
  } finally {
    await server.stop();
  }

  const garbage = join(tempDataDir('flowtrace-backup-'), 'not-a-backup.sqlite');
  writeFileSync(garbage, 'hello, this is not SQLite at all'.repeat(200));
  const bad = cli('restore', garbage, '--data-dir', dataDir);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /is not a Flowtrace backup/);

  // Restoring over an existing store moves the old database aside, never deletes it.
  const ok = cli('restore', backupFile, '--data-dir', dataDir);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /previous database was moved to .*before-restore-/);
  assert.equal(readdirSync(dataDir).filter((f) => f.includes('.before-restore-') && !/-(wal|shm)$/.test(f)).length, 1);
  const server2 = await startServe({ dataDir });
  try {
    assert.equal((await fetch(`${server2.api}/api/v1/traces/${sent.traceId}`)).status, 200);
  } finally {
    await server2.stop();
  }
});

test('a second server on the same data directory refuses to start', async () => {
  const dataDir = tempDataDir();
  const first = await startServe({ dataDir });
  try {
    await assert.rejects(startServe({ dataDir }), /in use by another Flowtrace/);
  } finally {
    await first.stop();
  }
  assert.ok(!existsSync(join(dataDir, 'flowtrace.lock')), 'a clean stop releases the lock');
});
