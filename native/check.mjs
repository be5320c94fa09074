// Proves every native module in native/modules.json loads and works in the current runtime, on the
// main thread and in a worker_threads worker (the store runs SQLite in a worker). Under plain Node it
// checks node_modules' build; under Electron (ELECTRON_RUN_AS_NODE=1 electron native/check.mjs) it
// checks native/build/electron-<abi>/. One line per module and thread; exit 1 if any fails.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { REPO_ROOT, builtBinaryName, electronBuildDir, nativeModules } from './electron.mjs';

const requireFromRepo = createRequire(join(REPO_ROOT, 'package.json'));
const isElectron = Boolean(process.versions.electron);

/** Each smoke test does real work and returns a short detail for the report line. */
const SMOKE = {
  'better-sqlite3'(binaryPath) {
    const Database = requireFromRepo('better-sqlite3');
    const db = new Database(':memory:', binaryPath ? { nativeBinding: binaryPath } : {});
    try {
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT');
      const insert = db.prepare('INSERT INTO t (name) VALUES (?)');
      db.transaction(() => {
        insert.run('alpha');
        insert.run('beta');
      })();
      const rows = db.prepare('SELECT id, name FROM t ORDER BY id').all();
      if (rows.length !== 2 || rows[0].name !== 'alpha' || rows[1].name !== 'beta') {
        throw new Error(`unexpected rows ${JSON.stringify(rows)}`);
      }
      const { v } = db.prepare('SELECT sqlite_version() AS v').get();
      return `sqlite ${v}, created, inserted and selected ${rows.length} rows`;
    } finally {
      db.close();
    }
  },
  'hnswlib-node'(binaryPath) {
    const { HierarchicalNSW } = binaryPath ? requireFromRepo(binaryPath) : requireFromRepo('hnswlib-node');
    const index = new HierarchicalNSW('cosine', 3);
    index.initIndex(10);
    index.addPoint([1, 0, 0], 0);
    index.addPoint([0, 1, 0], 1);
    index.addPoint([0, 0, 1], 2);
    const { neighbors } = index.searchKnn([0.9, 0.1, 0], 1);
    if (neighbors[0] !== 0) throw new Error(`nearest neighbour was ${neighbors[0]}, expected 0`);
    return 'built a 3-point index, nearest-neighbour search correct';
  },
};

/** null under Node (the package finds its own build); the Electron-ABI file under Electron. */
function binaryFor(module) {
  if (!isElectron) return null;
  return join(electronBuildDir(process.versions.modules), builtBinaryName(module));
}

function runSmoke(module) {
  const smoke = SMOKE[module.name];
  if (!smoke) throw new Error(`no smoke test in native/check.mjs for "${module.name}"`);
  const binary = binaryFor(module);
  if (binary && !existsSync(binary)) throw new Error(`${binary} missing; run npm run native:rebuild-electron`);
  return smoke(binary);
}

function inWorker(module) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { module } });
    worker.once('message', resolve);
    worker.once('error', (error) => resolve({ ok: false, error: String(error?.stack ?? error) }));
    worker.once('exit', (code) => resolve({ ok: false, error: `worker exited with code ${code} before answering` }));
  });
}

function settle(fn) {
  try {
    return { ok: true, detail: fn() };
  } catch (error) {
    return { ok: false, error: String(error?.stack ?? error) };
  }
}

function packageVersion(name) {
  try {
    const pkgJson = requireFromRepo.resolve(`${name}/package.json`);
    return JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  } catch {
    return '(not installed)';
  }
}

async function main() {
  const runtime = isElectron
    ? `electron ${process.versions.electron}, abi ${process.versions.modules}`
    : `node ${process.versions.node}, abi ${process.versions.modules}`;
  let failed = 0;
  for (const module of nativeModules()) {
    const label = `native:check ${module.name} ${packageVersion(module.name)} [${runtime}]`;
    for (const [thread, result] of [
      ['main thread', settle(() => runSmoke(module))],
      ['worker thread', await inWorker(module)],
    ]) {
      if (result.ok) {
        console.log(`${label} ${thread}: ok (${result.detail})`);
      } else {
        failed++;
        console.log(`${label} ${thread}: FAILED ${result.error.split('\n')[0]}`);
        console.error(result.error);
      }
    }
  }
  if (isElectron) console.log(`native:check Electron builds read from ${electronBuildDir(process.versions.modules)}`);
  process.exitCode = failed ? 1 : 0;
}

if (isMainThread) {
  await main();
} else {
  parentPort.postMessage(settle(() => runSmoke(workerData.module)));
}
