/**
 * The Electron shell's trust decisions that need no Electron binary: which URLs are our app, which
 * files app:// may serve, and how IPC arguments are checked. (The window, tray and IPC wiring
 * themselves are tested in e2e/electron.test.ts, where an Electron binary exists.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOriginPolicy, isAppUrl, resolveRendererFile } from '../../src-main/electron/app-url';
import { serveRendererFile } from '../../src-main/electron/renderer-files';
import { ARG_PARSERS } from '../../src-main/electron/ipc-args';

test('only app://flowtrace is our app; a dev server is trusted only at its exact origin', () => {
  assert.ok(isAppUrl('app://flowtrace/index.html'));
  assert.ok(!isAppUrl('app://evil/index.html'));
  assert.ok(!isAppUrl('evil://flowtrace/index.html'));
  assert.ok(!isAppUrl('app://user:pw@flowtrace/'));
  const packaged = createOriginPolicy(undefined);
  assert.ok(!packaged.isTrusted('http://localhost:5173/'));
  const dev = createOriginPolicy('http://localhost:5173/');
  assert.ok(dev.isTrusted('http://localhost:5173/#/traces/x'));
  assert.ok(!dev.isTrusted('http://localhost:5174/'));
  assert.throws(() => createOriginPolicy('file:///etc/passwd'));
});

test('app:// never serves a file outside the renderer build, however the path is spelled', async () => {
  const root = mkdtempSync(join(tmpdir(), 'renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  const outside = mkdtempSync(join(tmpdir(), 'secret-'));
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'assets', 'link.txt'));

  assert.equal(resolveRendererFile(root, 'app://flowtrace/'), join(root, 'index.html'));
  for (const url of ['app://flowtrace/..%2f..%2fetc%2fpasswd', 'app://flowtrace/%00', 'app://flowtrace/%E0%A4%A', 'app://other/index.html']) {
    assert.equal(resolveRendererFile(root, url), null, url);
  }
  const realRoot = realpathSync(root);
  const ok = await serveRendererFile(root, realRoot, new Request('app://flowtrace/assets/app.js'));
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.match(ok.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.equal((await serveRendererFile(root, realRoot, new Request('app://flowtrace/assets/link.txt'))).status, 404, 'symlink out of the build');
  assert.equal((await serveRendererFile(root, realRoot, new Request('app://flowtrace/..%2f..%2fetc%2fpasswd'))).status, 403);
  assert.equal((await serveRendererFile(root, realRoot, new Request('app://flowtrace/index.html', { method: 'POST', body: 'x' }))).status, 405);
});

test('IPC arguments are checked against the contract; extra or malformed arguments are refused', () => {
  assert.deepEqual(ARG_PARSERS.listTraces([]), [{}]);
  assert.deepEqual(ARG_PARSERS.listTraces([{ limit: 10, q: 'x' }]), [{ limit: 10, q: 'x' }]);
  assert.throws(() => ARG_PARSERS.listTraces([{ limit: 10 }, 'extra']), /takes 0 to 1 argument/);
  assert.throws(() => ARG_PARSERS.listTraces([{ limit: 'all' }]), /limit/);
  assert.throws(() => ARG_PARSERS.listTraces([{ __proto__: { polluted: true }, sql: 'DROP' }]), /unknown query field "sql"/);
  assert.deepEqual(ARG_PARSERS.getTrace(['AB'.repeat(16)]), ['ab'.repeat(16)]);
  assert.throws(() => ARG_PARSERS.getTrace([]), /takes 1 argument/);
  assert.throws(() => ARG_PARSERS.getTrace([{ toString: () => 'a'.repeat(32) }]), /must be a string/);
  assert.throws(() => ARG_PARSERS.getStats([1]), /takes 0 argument/);
  // Clear data: everything only with the confirmation word, exactly.
  assert.deepEqual(ARG_PARSERS.deleteTrace(['AB'.repeat(16)]), ['ab'.repeat(16)]);
  assert.throws(() => ARG_PARSERS.deleteTrace(['x']), /32 hex/);
  assert.deepEqual(ARG_PARSERS.deleteSession(['conv 1']), ['conv 1']);
  assert.throws(() => ARG_PARSERS.deleteSession(['']), /non-empty/);
  assert.deepEqual(ARG_PARSERS.clearAllData(['delete-everything']), ['delete-everything']);
  for (const bad of [[], ['yes'], ['DELETE-EVERYTHING'], [true]]) assert.throws(() => ARG_PARSERS.clearAllData(bad), /argument|confirm=delete-everything/);
});
