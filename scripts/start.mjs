// What `npm start` runs after `electron-vite build`: the desktop app when an Electron binary is
// installed (building the Electron-ABI native modules first if needed), otherwise the headless
// shell, announced in one line. Arguments, stdio, SIGINT/SIGTERM and the exit status pass through.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO_ROOT,
  builtBinaryName,
  electronAbi,
  electronBuildDir,
  findElectron,
  nativeModules,
} from '../native/electron.mjs';

const args = process.argv.slice(2);

/** Runs the child in our process group (Ctrl+C reaches it), mirrors its fate as our exit status. */
function runForwarding(command, commandArgs, env) {
  const child = spawn(command, commandArgs, { cwd: REPO_ROOT, env, stdio: 'inherit' });
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`flowtrace: could not run ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal, so a supervisor sees what really happened.
      for (const s of ['SIGINT', 'SIGTERM']) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

function ensureElectronNativeBuild(electron) {
  const dir = electronBuildDir(electronAbi(electron));
  const missing = nativeModules().filter((m) => !existsSync(join(dir, builtBinaryName(m))));
  if (missing.length === 0) return;
  console.log(`flowtrace: building ${missing.map((m) => m.name).join(', ')} for Electron ${electron.version} (first run)`);
  const rebuild = spawnSync(process.execPath, [join(REPO_ROOT, 'native', 'rebuild-electron.mjs')], { stdio: 'inherit' });
  if (rebuild.status !== 0) {
    console.error('flowtrace: native rebuild for Electron failed; see above (`npm run native:rebuild-electron` retries)');
    process.exit(rebuild.status ?? 1);
  }
}

function headlessPort() {
  const i = args.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return '9600';
  return args[i].includes('=') ? args[i].slice('--port='.length) : (args[i + 1] ?? '9600');
}

const electron = findElectron();
if (electron.found) {
  ensureElectronNativeBuild(electron);
  const env = { ...process.env };
  // Inherited from a shell or a parent tool, it would turn the app into a plain Node process.
  delete env.ELECTRON_RUN_AS_NODE;
  runForwarding(electron.path, [REPO_ROOT, ...args], env);
} else {
  const port = headlessPort();
  const where = port === '0' ? 'the UI address printed below' : `http://127.0.0.1:${port}`;
  console.log(
    `flowtrace: Electron binary not installed (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or no network); starting the headless shell — open ${where}`,
  );
  runForwarding(process.execPath, [join(REPO_ROOT, 'bin', 'flowtrace.mjs'), 'serve', ...args], process.env);
}
