/**
 * Numbered schema migrations, each applied in its own transaction and recorded in `user_version`.
 * A database from a newer Flowtrace is refused with a message naming the file, never "upgraded" down.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migration0001 } from './migrations/0001-init';
import { migration0002 } from './migrations/0002-events-links-fts';
import { migration0003 } from './migrations/0003-logs-metrics';
import { migration0004 } from './migrations/0004-genai';
import { migration0005 } from './migrations/0005-sessions';
import { migration0006 } from './migrations/0006-annotations';
import { migration0007 } from './migrations/0007-analytics';
import { migration0008 } from './migrations/0008-session-summaries';
import { migration0009 } from './migrations/0009-analytics-tiers';
import { migration0010 } from './migrations/0010-trace-blocks';
import { migration0011 } from './migrations/0011-audit-chain';
import { migration0012 } from './migrations/0012-telemetry-retries';
import { migration0013 } from './migrations/0013-forward-state';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Data to carry over that SQL alone cannot compute (sketch merges); runs after `sql`, in its transaction. */
  data?: (db: BetterSqlite3.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013,
];
/** The last migration's version; every version from 1 to it is in the list, in order. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError';
}

export function migrate(db: BetterSqlite3.Database, file: string, upTo = SCHEMA_VERSION): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new NewerSchemaError(
      `${file} has schema version ${current}, newer than this Flowtrace understands (${SCHEMA_VERSION}); ` +
        'open it with a newer Flowtrace or point --data-dir elsewhere',
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.data?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
