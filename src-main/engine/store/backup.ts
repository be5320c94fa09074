/**
 * Backup and restore of the store as one SQLite file. Backup uses `VACUUM INTO` on a connection of
 * its own: one read transaction, so the copy is consistent even while the engine keeps writing
 * (acknowledged-but-uncompacted requests travel as log rows and are replayed after a restore).
 * Restore never deletes: the current files are moved aside before the backup is copied in.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from './migrate';
import { cleanMarker, damagedMarker } from './database';

export function backupDatabase(dbFile: string, outFile: string): { bytes: number } {
  if (existsSync(outFile)) throw new Error(`${outFile} exists already; choose a new file name`);
  if (!existsSync(dbFile)) throw new Error(`no Flowtrace database at ${dbFile}`);
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare('VACUUM INTO ?').run(outFile);
  } finally {
    db.close();
  }
  const check = checkBackup(outFile);
  return { bytes: check.bytes };
}

export function checkBackup(file: string): { bytes: number; schemaVersion: number } {
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new Error(`${file} is not a Flowtrace backup: ${(err as Error).message}`, { cause: err });
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version === 0 || version > SCHEMA_VERSION) {
      throw new Error(`${file} is not a backup this Flowtrace can restore (schema version ${version}, supported 1–${SCHEMA_VERSION})`);
    }
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new Error(`${file} is damaged: ${check.split('\n')[0]}`);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    return { bytes: pageSize * pages, schemaVersion: version };
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new Error(`${file} is not a Flowtrace backup: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  } finally {
    db.close();
  }
}

/** The caller holds the data-dir lock, so no engine writes meanwhile. Returns where the old files went. */
export function restoreDatabase(backupFile: string, dataDir: string, dbFileName: string, now = Date.now()): string | null {
  checkBackup(backupFile);
  const target = join(dataDir, dbFileName);
  let movedTo: string | null = null;
  if (existsSync(target)) {
    movedTo = `${target}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(target + suffix)) renameSync(target + suffix, movedTo + suffix);
    }
  }
  // Markers describe the file that was moved aside, not the restored one.
  rmSync(cleanMarker(target), { force: true });
  rmSync(damagedMarker(target), { force: true });
  copyFileSync(backupFile, target);
  return movedTo;
}
