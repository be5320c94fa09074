/**
 * The data directory both shells use: one default per OS (FLOWTRACE_DATA_DIR wins), created level
 * by level, and a path that cannot be a data directory refused at once with its path and the
 * reason (Node 20's recursive mkdir never returns under /proc).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureDataDir, DataDirError } from '../../src-main/engine/data-dir';
import { defaultDataDir } from '../../src-main/headless/data-dir';
import { tempDataDir } from '../support/serve-process';

test('one default data directory per OS, FLOWTRACE_DATA_DIR first', () => {
  assert.equal(defaultDataDir({ FLOWTRACE_DATA_DIR: '/srv/ft' }, 'linux'), '/srv/ft');
  assert.equal(defaultDataDir({}, 'linux'), join(homedir(), '.local', 'share', 'flowtrace'));
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux'), join('/x/data', 'flowtrace'));
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '' }, 'linux'), join(homedir(), '.local', 'share', 'flowtrace'));
  assert.equal(defaultDataDir({}, 'darwin'), join(homedir(), 'Library', 'Application Support', 'Flowtrace', 'data'));
  assert.equal(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), join('C:\\Users\\a\\AppData\\Roaming', 'Flowtrace', 'data'));
});

test('a new nested data directory is created; an existing one is left as it is', () => {
  const root = tempDataDir();
  const dir = join(root, 'a', 'b', 'c');
  ensureDataDir(dir);
  assert.ok(existsSync(dir));
  ensureDataDir(dir);
});

test('a path that cannot be a data directory fails at once, naming the path and why', () => {
  const file = join(tempDataDir(), 'plain-file');
  writeFileSync(file, 'x');
  assert.throws(() => ensureDataDir(join(file, 'data')), (err: Error) => err instanceof DataDirError && err.message === `cannot create data directory ${join(file, 'data')}: ${file} is a file, not a directory`);
  assert.throws(() => ensureDataDir(file), /^DataDirError: cannot use data directory .*plain-file: it is a file, not a directory$/);
  if (process.platform === 'linux') {
    const started = Date.now();
    assert.throws(() => ensureDataDir('/proc/x'), { message: 'cannot create data directory /proc/x: /proc does not allow creating directories in it' });
    assert.ok(Date.now() - started < 1000);
  }
});
