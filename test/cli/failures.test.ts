/**
 * The three failures a new user met (issue 14), through the real binary: `backup --help` printed a
 * parser error, `restore` into a new directory failed with ENOENT on the lock, `serve --data-dir
 * /proc/x` hung. Each now helps or fails at once with one clear line; restore still refuses while a
 * Flowtrace runs on the directory. Needs `npx electron-vite build`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServe, tempDataDir } from '../support/serve-process';
import { sendAgentTrace } from '../support/otel';
import { runCli, runCliAsync } from '../support/cli';

const oneLine = (text: string) => {
  assert.ok(text.endsWith('\n') && !text.slice(0, -1).includes('\n'), `one line, got:\n${text}`);
  return text.trimEnd();
};

test('backup --help and restore --help print their usage', () => {
  for (const command of ['backup', 'restore']) {
    const r = runCli([command, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: flowtrace ${command} FILE \\[--data-dir DIR\\]\\n`));
    assert.equal(r.stderr, '');
  }
  const missing = runCli(['backup']);
  assert.equal(missing.status, 2);
  assert.equal(oneLine(missing.stderr), 'flowtrace backup: needs a FILE (`flowtrace backup --help` shows usage)');
});

test('restore creates a new data directory, and refuses in one line while Flowtrace runs on it', async () => {
  const dataDir = tempDataDir();
  const server = await startServe({ dataDir });
  const backupFile = join(tempDataDir('flowtrace-backup-'), 'b.sqlite');
  let traceId: string;
  try {
    traceId = (await sendAgentTrace(server.otlpHttp, 'protobuf')).traceId;
    const backup = await runCliAsync(['backup', backupFile, '--data-dir', dataDir]);
    assert.equal(backup.status, 0, backup.stderr);
    const busy = await runCliAsync(['restore', backupFile, '--data-dir', dataDir]);
    assert.equal(busy.status, 1);
    assert.match(
      oneLine(busy.stderr),
      /^flowtrace restore: cannot restore while Flowtrace runs: .* is in use by another Flowtrace \(pid \d+\); stop it first \(backup works while it runs\)$/,
    );
  } finally {
    await server.stop();
  }

  const fresh = join(tempDataDir(), 'not', 'there', 'yet');
  const restored = runCli(['restore', backupFile, '--data-dir', fresh]);
  assert.equal(restored.status, 0, restored.stderr);
  assert.equal(oneLine(restored.stdout), `restored ${backupFile} into ${fresh}`);
  assert.ok(!existsSync(join(fresh, 'flowtrace.lock')), 'the lock is released');
  const second = await startServe({ dataDir: fresh });
  try {
    assert.equal((await fetch(`${second.api}/api/v1/traces/${traceId}`)).status, 200);
  } finally {
    await second.stop();
  }
});

test('serve on a data directory that cannot be created fails at once with its path and the reason', async () => {
  const file = join(tempDataDir(), 'a-file');
  writeFileSync(file, 'not a directory');
  const cases: Array<[string, string]> = [[join(file, 'data'), `cannot create data directory ${join(file, 'data')}: ${file} is a file, not a directory`]];
  if (process.platform === 'linux') cases.push(['/proc/x', 'cannot create data directory /proc/x: /proc does not allow creating directories in it']);
  for (const [dir, message] of cases) {
    const started = Date.now();
    const r = await runCliAsync(['serve', '--data-dir', dir, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--no-memory'], { timeoutMs: 15_000 });
    assert.equal(r.signal, null, `serve --data-dir ${dir} had to be killed: it hung`);
    assert.equal(r.status, 1);
    assert.equal(oneLine(r.stderr), `flowtrace serve: ${message}`);
    assert.equal(r.stdout, '');
    assert.ok(Date.now() - started < 5000, `failed fast (${Date.now() - started} ms)`);
  }
});
