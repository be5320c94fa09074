// Creates .venv-interop: the Python OpenTelemetry SDK and OTLP exporters used by the interop test
// (test/interop/python-exporters.test.ts), pinned in test/interop/python/requirements.txt.
// Idempotent: does nothing when the venv already has them. Exit 2 when python3 is not installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
export const VENV = join(root, '.venv-interop');
export const VENV_PYTHON = join(VENV, 'bin', 'python');
const requirements = join(root, 'test', 'interop', 'python', 'requirements.txt');
const marker = join(VENV, '.requirements-installed');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.error) return false;
  return r.status === 0;
}

export function ensureInteropVenv() {
  if (existsSync(marker)) return 'ready';
  if (spawnSync('python3', ['--version']).error) return 'no-python';
  if (!existsSync(VENV_PYTHON) && !run('python3', ['-m', 'venv', VENV])) throw new Error('python3 -m venv failed');
  if (!run(VENV_PYTHON, ['-m', 'pip', 'install', '--quiet', '-r', requirements])) throw new Error('pip install of the interop requirements failed');
  spawnSync('touch', [marker]);
  return 'ready';
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const state = ensureInteropVenv();
  if (state === 'no-python') {
    console.error('python3 is not installed: the Python interop test will skip');
    process.exit(2);
  }
}
