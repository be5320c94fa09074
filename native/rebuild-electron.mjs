// Builds each native module in native/modules.json for Electron's ABI into
// native/build/electron-<abi>/, then runs native/check.mjs under that Electron to prove it loads.
// node_modules is never touched: tests and `flowtrace serve` keep using its Node build, so the
// module is copied to a temp dir and built there (rejected: electron-rebuild in place, which swaps
// the Node build out from under the test suite). Without an Electron binary it says so and exits 0.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, builtBinaryName, electronAbi, electronBuildDir, findElectron, nativeModules } from './electron.mjs';

const requireFromRepo = createRequire(join(REPO_ROOT, 'package.json'));

/** npm's bundled node-gyp: no extra dependency, and the one `npm install` itself builds with. */
export function findNodeGyp() {
  const tail = ['node_modules', 'node-gyp', 'bin', 'node-gyp.js'];
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(requireFromRepo.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a local dependency; fall through to npm's copy
  }
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', ...tail));
  const nodeDir = dirname(process.execPath);
  candidates.push(join(nodeDir, '..', 'lib', 'node_modules', 'npm', ...tail)); // Unix layout
  candidates.push(join(nodeDir, 'node_modules', 'npm', ...tail)); // Windows layout
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error(`node-gyp not found (looked in: ${candidates.filter(Boolean).join(', ')})`);
  return found;
}

/**
 * An environment for node-gyp without the npm settings that would point it at the wrong headers:
 * this machine's ~/.npmrc sets nodedir=/usr (Node 20's headers), right for node_modules, wrong here.
 */
export function cleanGypEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source)$/i.test(key)) {
      delete env[key];
    }
  }
  // Some binding.gyp files call `node -p "require('node-addon-api')"`; the temp copy has no node_modules above it.
  env.NODE_PATH = [join(REPO_ROOT, 'node_modules'), env.NODE_PATH].filter(Boolean).join(delimiter);
  return { ...env, ...extra };
}

/** Copies the package (minus any existing build) to a temp dir, runs node-gyp there, copies the addon to outFile. */
export function buildModule(module, { gypArgs, outFile, env = cleanGypEnv(), nodeGyp = findNodeGyp() }) {
  const pkgDir = dirname(requireFromRepo.resolve(`${module.name}/package.json`));
  const work = mkdtempSync(join(tmpdir(), `flowtrace-${module.name.replace(/[^\w.-]/g, '_')}-`));
  try {
    cpSync(pkgDir, work, {
      recursive: true,
      filter: (src) => !['build', 'prebuilds'].includes(relative(pkgDir, src).split(/[\\/]/)[0] ?? ''),
    });
    const gyp = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--release', '--jobs=max', ...gypArgs], {
      cwd: work,
      env,
      stdio: 'inherit',
    });
    if (gyp.status !== 0) throw new Error(`node-gyp failed for ${module.name} (exit ${gyp.status ?? gyp.signal})`);
    const built = join(work, module.binary);
    if (!existsSync(built)) throw new Error(`node-gyp succeeded but ${module.binary} is missing in the build`);
    mkdirSync(dirname(outFile), { recursive: true });
    copyFileSync(built, outFile);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function packageVersion(name) {
  return JSON.parse(readFileSync(requireFromRepo.resolve(`${name}/package.json`), 'utf8')).version;
}

function main() {
  const electron = findElectron();
  if (!electron.found) {
    console.log(`native:rebuild-electron: skipped, no Electron binary on this machine (${electron.reason})`);
    return 0;
  }
  const force = process.argv.includes('--force');
  const abi = electronAbi(electron);
  const outDir = electronBuildDir(abi);
  const infoFile = join(outDir, 'build-info.json');
  const previous = existsSync(infoFile) ? JSON.parse(readFileSync(infoFile, 'utf8')) : { modules: {} };
  const info = { electron: electron.version, abi, platform: process.platform, arch: process.arch, modules: {} };

  for (const module of nativeModules()) {
    const outFile = join(outDir, builtBinaryName(module));
    const version = packageVersion(module.name);
    info.modules[module.name] = version;
    if (!force && existsSync(outFile) && previous.modules?.[module.name] === version && previous.electron === electron.version) {
      console.log(`native:rebuild-electron ${module.name} ${version}: up to date for Electron ${electron.version} (abi ${abi})`);
      continue;
    }
    console.log(`native:rebuild-electron ${module.name} ${version}: building for Electron ${electron.version} (abi ${abi})`);
    buildModule(module, {
      outFile,
      gypArgs: [
        `--target=${electron.version}`,
        `--arch=${process.arch}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
      ],
    });
    console.log(`native:rebuild-electron ${module.name}: wrote ${relative(REPO_ROOT, outFile)}`);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(infoFile, JSON.stringify(info, null, 2) + '\n');

  // Prove the new builds load under the very runtime they were built for.
  const check = spawnSync(electron.path, [join(REPO_ROOT, 'native', 'check.mjs')], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: 'inherit',
  });
  return check.status ?? 1;
}

if (process.argv[1] && basename(process.argv[1]) === basename(fileURLToPath(import.meta.url))) {
  try {
    process.exitCode = main();
  } catch (error) {
    console.error(`native:rebuild-electron: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
