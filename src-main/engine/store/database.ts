/**
 * Opens the SQLite file with the settings an append-heavy store needs and brings its schema
 * up to date. WAL lets the UI's reads run beside the single writer; `synchronous` is chosen
 * explicitly: NORMAL survives a process crash, FULL also survives power loss.
 */
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from './migrate';
import type { Durability } from './protocol';

export function openDatabase(file: string, nativeBinding: string | undefined, durability: Durability): BetterSqlite3.Database {
  const db = new Database(file, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('busy_timeout = 5000');
    // Keep the WAL from growing without bound after bursts.
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = OFF');
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
