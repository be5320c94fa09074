/**
 * The desktop app's move from its old data directory (Electron's userData/data) to the one the CLI
 * uses: once, only when the new place is free, never deleting anything.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adoptLegacyDataDir } from '../../src-main/electron/legacy-data-dir';
import { tempDataDir } from '../support/serve-process';

function legacyWithDatabase(root: string): string {
  const legacy = join(root, 'config', 'flowtrace', 'data');
  mkdirSync(legacy, { recursive: true });
  writeFileSync(join(legacy, 'flowtrace.sqlite'), 'old traces');
  return legacy;
}

test('an old desktop database moves to the shared data directory', () => {
  const root = tempDataDir();
  const legacy = legacyWithDatabase(root);
  const target = join(root, 'share', 'flowtrace');
  const lines: string[] = [];
  assert.equal(adoptLegacyDataDir(legacy, target, (l) => lines.push(l)), target);
  assert.equal(readFileSync(join(target, 'flowtrace.sqlite'), 'utf8'), 'old traces');
  assert.ok(!existsSync(legacy));
  assert.match(lines.join('\n'), /moved the data directory from .* to .*share\/flowtrace/);
  // Nothing left to move the next time.
  assert.equal(adoptLegacyDataDir(legacy, target, (l) => lines.push(l)), target);
  assert.equal(lines.length, 1);
});

test('a shared data directory that already holds data wins, and the old one is left untouched', () => {
  const root = tempDataDir();
  const legacy = legacyWithDatabase(root);
  const target = join(root, 'share', 'flowtrace');
  mkdirSync(target, { recursive: true });
  writeFileSync(join(target, 'flowtrace.sqlite'), 'cli traces');
  const lines: string[] = [];
  assert.equal(adoptLegacyDataDir(legacy, target, (l) => lines.push(l)), target);
  assert.equal(readFileSync(join(legacy, 'flowtrace.sqlite'), 'utf8'), 'old traces');
  assert.equal(readFileSync(join(target, 'flowtrace.sqlite'), 'utf8'), 'cli traces');
  assert.match(lines[0]!, /older data directory .* is left as it is/);
});

test('no old database: nothing happens', () => {
  const root = tempDataDir();
  const lines: string[] = [];
  assert.equal(adoptLegacyDataDir(join(root, 'nothing'), join(root, 'share'), (l) => lines.push(l)), join(root, 'share'));
  assert.deepEqual(lines, []);
});
