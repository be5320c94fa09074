// The installers' configuration, read as electron-builder will read it (no Electron or
// electron-builder is needed here): every target the README promises, the native addons and the
// embedder model outside the asar, the fuses set, flowtrace:// registered, and `npm run dist` wired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/serve-process';

interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  protocols: Array<{ schemes: string[] }>;
  linux: { target: string[]; icon: string };
  mac: { target: string[] };
  win: { target: string[] };
}

const config = JSON.parse(readFileSync(join(REPO_ROOT, 'electron-builder.json'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

test('AppImage and deb for Linux, dmg for macOS, nsis for Windows', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.ok(existsSync(join(REPO_ROOT, config.linux.icon)), 'the Linux icon exists');
});

test('what the app loads from disk is packed, and what native code opens is outside the asar', () => {
  assert.equal(config.asar, true);
  assert.ok(config.files.includes('out/**') && config.files.includes('resources/**'), 'the build and resources are packed');
  assert.ok(pkg.main.startsWith('out/'), 'package.json main is in the packed build');
  for (const unpacked of ['native/build/**', 'resources/embedder/**', 'node_modules/onnxruntime-node/**', 'node_modules/hnswlib-node/**']) {
    assert.ok(config.asarUnpack.includes(unpacked), `${unpacked} is unpacked`);
  }
  // Electron's better-sqlite3 comes from native/rebuild-electron.mjs; electron-builder's own rebuild
  // would overwrite the Node build the tests and `serve` use.
  assert.equal(config.npmRebuild, false);
  assert.match(pkg.scripts.dist ?? '', /native\/rebuild-electron\.mjs/);
  assert.match(pkg.scripts.dist ?? '', /electron-builder@\d+\.\d+\.\d+ --config electron-builder\.json/);
});

test('fuses: the app binary never runs as Node, no Node inspector or NODE_OPTIONS, the asar checked and the only app source', () => {
  assert.equal(config.electronFuses.enableNodeCliInspectArguments, false);
  assert.equal(config.electronFuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(config.electronFuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(config.electronFuses.onlyLoadAppFromAsar, true);
  assert.equal(config.electronFuses.runAsNode, false);
  // Which the desktop app can afford because its memory process is a utilityProcess, not the binary run as Node.
  assert.match(readFileSync(join(REPO_ROOT, 'src-main/electron/main.ts'), 'utf8'), /launch = utilityProcessMemoryChild/);
});

test('flowtrace:// links are registered with the OS by the installers', () => {
  assert.deepEqual(config.protocols.flatMap((p) => p.schemes), ['flowtrace']);
});
