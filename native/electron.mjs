// Locates the Electron binary, its version and ABI, and the per-ABI native build directory, for
// scripts/start.mjs, native/*.mjs and the Electron e2e test. It never calls `require('electron')`:
// when the binary is missing that runs electron's install.js, which tries to download it from
// GitHub — a hang or a failure on machines without network, and a side effect a check must not have.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

/**
 * @typedef {{ found: true, path: string, version: string, packageDir: string }
 *   | { found: false, reason: string }} ElectronLookup
 */

/** Mirrors node_modules/electron/index.js (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH) minus the download. */
export function findElectron(root = REPO_ROOT) {
  let packageDir;
  try {
    packageDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron npm package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let binary;
  if (override) {
    binary = join(override, relative || 'electron');
  } else if (relative) {
    binary = join(packageDir, 'dist', relative);
  } else {
    return {
      found: false,
      reason:
        'node_modules/electron/dist missing; installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or without network',
    };
  }
  if (!existsSync(binary)) {
    return { found: false, reason: `Electron binary not found at ${binary}` };
  }
  const versionFile = join(dirname(binary), 'version');
  const pkgVersion = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  const version = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim().replace(/^v/, '') : pkgVersion;
  return { found: true, path: binary, version, packageDir };
}

/**
 * Electron's `process.versions.modules`. Asking the binary is the ground truth; the package's
 * `abi_version` file and node-abi's registry are fallbacks for a binary that will not run here.
 */
export function electronAbi(electron) {
  const run = spawnSync(electron.path, ['-p', 'process.versions.modules'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const fromBinary = (run.stdout ?? '').trim();
  if (run.status === 0 && /^\d+$/.test(fromBinary)) return fromBinary;
  const abiFile = join(electron.packageDir, 'abi_version');
  if (existsSync(abiFile)) return readFileSync(abiFile, 'utf8').trim();
  try {
    const nodeAbi = createRequire(join(REPO_ROOT, 'package.json'))('node-abi');
    return String(nodeAbi.getAbi(electron.version, 'electron'));
  } catch (error) {
    throw new Error(`cannot determine the ABI of Electron ${electron.version}: ${error}`, { cause: error });
  }
}

/** Where the Electron-ABI builds of the native modules live (git-ignored, generated). */
export function electronBuildDir(abi, root = REPO_ROOT) {
  return join(root, 'native', 'build', `electron-${abi}`);
}

/** @returns {{ name: string, binary: string }[]} */
export function nativeModules(root = REPO_ROOT) {
  return JSON.parse(readFileSync(join(root, 'native', 'modules.json'), 'utf8')).modules;
}

/** The file each module's Electron build is stored under in electronBuildDir(). */
export function builtBinaryName(module) {
  return module.binary.split('/').pop();
}
