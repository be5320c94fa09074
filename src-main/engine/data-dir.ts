/**
 * Makes sure a data directory exists and can be written, or says in one line why not. It creates
 * the missing levels one at a time instead of `mkdirSync(dir, { recursive: true })`: Node 20's
 * recursive mkdir never returns for a path under /proc (it retries the ENOENT forever), which left
 * `flowtrace serve --data-dir /proc/x` hanging with no output.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class DataDirError extends Error {
  override name = 'DataDirError';
}

function errnoCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
}

/** Why creating `dir` inside `parent` failed, in words a person can act on. */
function reason(err: unknown, dir: string, parent: string): string {
  const code = errnoCode(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${parent}`;
    case 'EROFS':
      return `${parent} is on a read-only file system`;
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOTDIR':
      return `${parent} is not a directory`;
    case 'EEXIST':
      return `${dir} exists and is not a directory`;
    case 'ENOENT':
      // The parent exists (it was just found), so this file system refuses new entries (/proc, /sys).
      return `${parent} does not allow creating directories in it`;
    default:
      return `${code}: ${(err as Error).message}`;
  }
}

/** An existing ancestor of `dir` (itself included), and the levels below it to create, top first. */
function missingLevels(dir: string): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let at = dir;
  for (;;) {
    try {
      statSync(at);
      return { existing: at, missing };
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOTDIR') throw new DataDirError(`cannot create data directory ${dir}: ${dirname(at)} is a file, not a directory`);
      if (code !== 'ENOENT') throw new DataDirError(`cannot use data directory ${dir}: ${reason(err, at, dirname(at))}`);
      const up = dirname(at);
      if (up === at) return { existing: at, missing }; // a root that does not exist (a missing drive)
      missing.unshift(at);
      at = up;
    }
  }
}

/** Creates `dir` (and its missing parents) and checks it is a writable directory; throws DataDirError otherwise. */
export function ensureDataDir(dataDir: string): void {
  const dir = resolve(dataDir);
  const { existing, missing } = missingLevels(dir);
  if (missing.length === 0 && !statSync(existing).isDirectory()) {
    throw new DataDirError(`cannot use data directory ${dir}: it is a file, not a directory`);
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      if (errnoCode(err) === 'EEXIST' && statSync(level).isDirectory()) continue; // created meanwhile
      throw new DataDirError(`cannot create data directory ${dir}: ${reason(err, level, dirname(level))}`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = errnoCode(err);
    const why = code === 'EROFS' ? 'it is on a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'it is not writable (permission denied)' : `${code}: ${(err as Error).message}`;
    throw new DataDirError(`cannot use data directory ${dir}: ${why}`);
  }
}
