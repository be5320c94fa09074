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
import { exportSpans, sendAgentTrace, type SentTrace } from '../support/otel';
import { recordGenAiTurn } from '../support/otel-genai';
import { eventually } from '../support/engine';
import type { SessionDetail, SessionListPage } from '../../src-shared/contract';

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

test('a backup carries the session summaries: the restored list equals the sessions as their pages build them', async () => {
  const dataDir = tempDataDir();
  const backupFile = join(tempDataDir('flowtrace-backup-'), 'sessions.sqlite');
  const server = await startServe({ dataDir });
  const t0 = Date.now() - 60_000;
  let before: SessionListPage;
  try {
    for (const [i, session] of ['conv-1', 'conv-2', 'conv-1'].entries()) {
      const turn = recordGenAiTurn({ serviceName: 'backed-up', sessionId: session, startMs: t0 + i * 1000, userId: `user-${i}`, toolFails: i === 2 });
      await exportSpans(server.otlpHttp, 'protobuf', turn.spans);
    }
    before = await eventually(async () => {
      const page = (await (await fetch(`${server.api}/api/v1/sessions`)).json()) as SessionListPage;
      return page.sessions.length === 2 ? page : null;
    }, 10_000);
    assert.equal(cli('backup', backupFile, '--data-dir', dataDir).status, 0);
  } finally {
    await server.stop();
  }
  const restoredDir = tempDataDir();
  assert.equal(cli('restore', backupFile, '--data-dir', restoredDir).status, 0);
  const second = await startServe({ dataDir: restoredDir });
  try {
    const after = (await (await fetch(`${second.api}/api/v1/sessions`)).json()) as SessionListPage;
    assert.deepEqual(after, before);
    for (const s of after.sessions) {
      const detail = (await (await fetch(`${second.api}/api/v1/sessions/${s.sessionId}`)).json()) as SessionDetail;
      assert.deepEqual(detail.summary, s);
    }
    assert.deepEqual(after.sessions.map((s) => [s.sessionId, s.turns, s.errors, s.users]), [
      ['conv-1', 2, 1, ['user-0', 'user-2']],
      ['conv-2', 1, 0, ['user-1']],
    ]);
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
