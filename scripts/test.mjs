// `npm test`: everything that must hold before a change lands, in order, stopping at the first
// failure: lint (with the import boundaries), strict type-check, build, native module check, then
// every test file under test/ and e2e/ in node's test runner (unit, integration, browser e2e,
// Electron e2e where the binary exists).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(title, cmd, args) {
  process.stdout.write(`\n=== ${title}\n`);
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stdout.write(`\n${title} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status || 1);
  }
}

/** Node 20's test runner takes files, not globs: list every *.test.ts under a folder. */
function testFiles(dir) {
  return readdirSync(join(root, dir), { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .sort();
}

run('lint', bin('eslint'), ['--max-warnings', '0', '.']);
run('type-check (node side)', bin('tsc'), ['-p', 'tsconfig.json']);
run('type-check (renderer)', bin('tsc'), ['-p', 'tsconfig.web.json']);
run('type-check (renderer tests)', bin('tsc'), ['-p', 'tsconfig.renderer-tests.json']);
run('build', bin('electron-vite'), ['build']);
run('native modules', process.execPath, ['native/check.mjs']);
run('tests', process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...testFiles('test'), ...testFiles('e2e')]);
