/**
 * Finds the better-sqlite3 addon built for this Electron's ABI (native/rebuild-electron.mjs puts it
 * in native/build/electron-<abi>/). node_modules holds the Node build used by tests and the headless
 * shell; loading that one here fails with NODE_MODULE_VERSION mismatch, so it is never a fallback
 * we pick silently.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function electronNativeDir(appRoot: string, abi: string = process.versions.modules): string {
  // Native addons cannot be loaded from inside an asar archive; packagers unpack them alongside.
  const root = appRoot.replace(/\.asar$/, '.asar.unpacked');
  return join(root, 'native', 'build', `electron-${abi}`);
}

/** Path to better_sqlite3.node for this runtime, or undefined (with a log line) when it was never built. */
export function betterSqliteBinding(appRoot: string, log: (line: string) => void): string | undefined {
  const file = join(electronNativeDir(appRoot), 'better_sqlite3.node');
  if (existsSync(file)) return file;
  log(
    `flowtrace: ${file} missing; run \`npm run native:rebuild-electron\`. ` +
      "Falling back to node_modules' better-sqlite3, which is built for Node and will likely not load.",
  );
  return undefined;
}
