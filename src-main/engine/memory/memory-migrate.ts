/**
 * The memory file's numbered migrations, each applied in one transaction with its row in
 * `memory_migrations`. A table, not `user_version`: it also records each step's name and when it
 * ran, which is what a support question about an old file needs. A file from a newer Flowtrace
 * is refused, never migrated down.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { memoryMigration0001 } from './migrations/0001-init';

export interface MemoryMigration {
  version: number;
  name: string;
  sql: string;
}

export const MEMORY_MIGRATIONS: readonly MemoryMigration[] = [memoryMigration0001];
export const MEMORY_SCHEMA_VERSION = MEMORY_MIGRATIONS.length;

export class NewerMemorySchemaError extends Error {
  override name = 'NewerMemorySchemaError';
}

const VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS memory_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL  -- ms since epoch
  ) STRICT`;

export function memorySchemaVersion(db: BetterSqlite3.Database): number {
  db.exec(VERSION_TABLE);
  return (db.prepare('SELECT coalesce(max(version), 0) FROM memory_migrations').pluck().get() as number) ?? 0;
}

export function migrateMemory(db: BetterSqlite3.Database, file: string, upTo = MEMORY_SCHEMA_VERSION, now = Date.now()): void {
  const current = memorySchemaVersion(db);
  if (current > MEMORY_SCHEMA_VERSION) {
    throw new NewerMemorySchemaError(
      `${file} has memory schema version ${current}, newer than this Flowtrace understands (${MEMORY_SCHEMA_VERSION}); ` +
        'open it with a newer Flowtrace or point --data-dir elsewhere',
    );
  }
  const record = db.prepare('INSERT INTO memory_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MEMORY_MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, now);
    })();
  }
}
