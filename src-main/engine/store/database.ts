/**
 * Opens the SQLite file with the settings an append-heavy store needs, checks it, and brings its
 * schema up to date. WAL lets the UI's reads run beside the single writer; `synchronous` is chosen
 * explicitly: NORMAL survives a process crash, FULL also survives power loss.
 * A damaged file is never deleted and never crash-loops the app: it is moved aside with its WAL
 * and shared-memory files, a fresh database is started, and a notice tells the user where it went.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreNotice } from '../../../src-shared/contract';
import { migrate, NewerSchemaError } from './migrate';
import type { Durability } from './protocol';

export interface OpenedStore {
  db: BetterSqlite3.Database;
  notices: StoreNotice[];
  /** A large store after an unclean shutdown: its full check runs beside it once it is up (integrity-check.ts). */
  checkAfterReady: boolean;
}

const CORRUPTION_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

class DamagedDatabaseError extends Error {}

/**
 * `quick_check` reads the whole file (1.6 s for 200 MB here). It runs at every start of a small
 * store, before it opens. A large store that was closed cleanly opens without it (its header is
 * still checked by opening it); after an unclean shutdown it is checked too, but in a thread beside
 * the running store, so that it is ready in about a second at a million spans rather than after a
 * read of the whole file; damage found then is handled as damage met while running.
 */
const ALWAYS_CHECK_BELOW_BYTES = 256 * 1024 * 1024;

/** Written by a clean close, removed at open: its absence means the last run did not end cleanly. */
export const cleanMarker = (file: string) => `${file}.clean`;
/** Written when a running store meets SQLITE_CORRUPT: the next start moves the file aside. */
export const damagedMarker = (file: string) => `${file}.damaged`;

export function markClean(file: string): void {
  writeFileSync(cleanMarker(file), '');
}

export function markDamaged(file: string, reason: string): void {
  writeFileSync(damagedMarker(file), reason);
}

export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && CORRUPTION_CODES.has(code);
}

type FullCheck = 'at-open' | 'after-ready' | 'none';

function fullCheckOf(file: string): FullCheck {
  const clean = existsSync(cleanMarker(file));
  rmSync(cleanMarker(file), { force: true });
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return 'none'; // a new file
  }
  if (size < ALWAYS_CHECK_BELOW_BYTES) return 'at-open';
  return clean ? 'none' : 'after-ready';
}

function openChecked(file: string, nativeBinding: string | undefined, durability: Durability): { db: BetterSqlite3.Database; checkAfterReady: boolean } {
  if (existsSync(damagedMarker(file))) {
    const reason = readFileSync(damagedMarker(file), 'utf8');
    rmSync(damagedMarker(file), { force: true });
    throw new DamagedDatabaseError(`found damaged while running: ${reason}`);
  }
  const fullCheck = fullCheckOf(file);
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('busy_timeout = 5000');
    // Keep the WAL from growing without bound after bursts.
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = OFF');
    // Trace ids are random, so index inserts land all over the spans index: keep its hot pages in
    // memory (the default cache is 2 MB). No memory map: mapped pages of a large file count as the
    // app's resident memory (measured: 597 MB at 1M spans), the page cache serves reads as well.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    const check = fullCheck === 'at-open' ? (db.pragma('quick_check', { simple: true }) as string) : (db.pragma('schema_version'), 'ok');
    if (check !== 'ok') {
      const summary = check.split('\n').filter((l) => !l.startsWith('***')).slice(0, 3).join('; ');
      throw new DamagedDatabaseError(`quick_check: ${summary.slice(0, 300)}`);
    }
    migrate(db, file);
    return { db, checkAfterReady: fullCheck === 'after-ready' };
  } catch (err) {
    db.close();
    throw err;
  }
}

function isDamage(err: unknown): boolean {
  return err instanceof DamagedDatabaseError || isCorruption(err);
}

/** Moves the database and its -wal/-shm together, so the set stays consistent for a later `.recover`. */
function quarantine(file: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

export function openDatabase(file: string, nativeBinding: string | undefined, durability: Durability): OpenedStore {
  try {
    return { ...openChecked(file, nativeBinding, durability), notices: [] };
  } catch (err) {
    if (err instanceof NewerSchemaError || !isDamage(err)) throw err;
    const now = Date.now();
    const movedTo = quarantine(file, now);
    const { db } = openChecked(file, nativeBinding, durability);
    const message =
      `The database ${file} was damaged (${(err as Error).message}). It was moved, unchanged, to ${movedTo} ` +
      'and a fresh database was started. Nothing was deleted.';
    return { db, notices: [{ level: 'error', message, at: now }], checkAfterReady: false };
  }
}
