/**
 * The import boundaries are enforced by the lint step: these run the project's real ESLint
 * config on small files placed (virtually) in each layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../support/serve-process';

const eslint = new ESLint({ cwd: REPO_ROOT });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

test('lint fails on an engine file that imports electron', async () => {
  const errors = await boundaryErrors('src-main/engine/store/bad.ts', "import { app } from 'electron';\nexport const x = app;\n");
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /Only src-main\/electron\/ may import electron/);
  const viaRequire = await boundaryErrors('src-main/headless/bad.ts', "export { ipcMain } from 'electron/main';\n");
  assert.equal(viaRequire.length, 1);
});

test('the Electron shell may import electron', async () => {
  assert.deepEqual(await boundaryErrors('src-main/electron/ok.ts', "import { app } from 'electron';\nexport const x = app;\n"), []);
});

test('the renderer may not import main-process code or electron', async () => {
  assert.equal((await boundaryErrors('src-renderer/src/bad.ts', "import { startEngine } from '../../src-main/engine';\nexport const x = startEngine;\n")).length, 1);
  assert.equal((await boundaryErrors('src-renderer/src/bad2.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).length, 1);
  assert.deepEqual(await boundaryErrors('src-renderer/src/ok.ts', "import { API_METHODS } from '../../src-shared/contract';\nexport const x = API_METHODS;\n"), []);
});

test('the contract stays pure', async () => {
  assert.equal((await boundaryErrors('src-shared/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).length, 1);
});
