/**
 * The write side of `session_summaries` (migration 0008): a row per session id any signal names,
 * with its activity bounds kept exact and its summary cleared (stale) whenever anything of the
 * session arrives or goes. Every call runs inside the transaction that changed the data, so a crash
 * never leaves a summary that is fresh by its flag and stale by its data. The summaries themselves
 * are built by SessionQueries (refreshStale) and by a read that meets a stale row.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { crc32 } from 'node:zlib';
import { SHIPPED_PRICES, type ModelPrice } from '../genai/prices';

/**
 * What a stored summary's cost was priced with: the shipped table and the user's overrides. A start
 * with other prices marks every summary stale (markMispriced).
 */
export function pricingKey(overrides: Record<string, ModelPrice> | undefined): number {
  return crc32(JSON.stringify([SHIPPED_PRICES, overrides ?? null]));
}

export class SessionSummaries {
  private readonly stmts;

  constructor(db: BetterSqlite3.Database) {
    this.stmts = {
      touch: db.prepare(`INSERT INTO session_summaries (session_id, first_ns, last_ns) VALUES (?, ?, ?)
        ON CONFLICT (session_id) DO UPDATE SET first_ns = min(first_ns, excluded.first_ns),
          last_ns = max(last_ns, excluded.last_ns), summary = NULL`),
      markStale: db.prepare('UPDATE session_summaries SET summary = NULL WHERE session_id = ? AND summary IS NOT NULL'),
      // The bounds as getSession finds the session: its traces and its 0005 sessions row.
      bounds: db.prepare(`SELECT min(first_ns) AS first_ns, max(last_ns) AS last_ns FROM (
          SELECT start_ns AS first_ns, end_ns AS last_ns FROM traces WHERE session_id = @id
          UNION ALL SELECT first_ns, last_ns FROM sessions WHERE session_id = @id)`).safeIntegers(true),
      reset: db.prepare(`INSERT INTO session_summaries (session_id, first_ns, last_ns) VALUES (?, ?, ?)
        ON CONFLICT (session_id) DO UPDATE SET first_ns = excluded.first_ns, last_ns = excluded.last_ns, summary = NULL`),
      drop: db.prepare('DELETE FROM session_summaries WHERE session_id = ?'),
      markMispriced: db.prepare('UPDATE session_summaries SET summary = NULL WHERE summary IS NOT NULL AND priced_with IS NOT ?'),
      sessionsOfTraceLogs: db.prepare('SELECT DISTINCT session_id FROM logs WHERE trace_id = ? AND session_id IS NOT NULL').pluck(),
    };
  }

  /** Something of the session arrived, with these bounds: the row is created or widened, and stale. */
  touch(sessionId: string, firstNs: bigint, lastNs: bigint): void {
    this.stmts.touch.run(sessionId, firstNs, lastNs);
  }

  /**
   * Spans of this trace arrived: the sessions whose log records were logged inside it (a coding
   * agent's events carry the trace id) include it, so their summaries are stale. One index probe
   * (logs_by_trace), nothing found for an app that sends no log records.
   */
  touchSessionsLoggedIn(traceId: Buffer): void {
    for (const id of this.stmts.sessionsOfTraceLogs.all(traceId) as string[]) this.stmts.markStale.run(id);
  }

  /** The sessions whose log records were logged inside this trace (before it is deleted). */
  sessionsLoggedIn(traceId: Buffer): string[] {
    return this.stmts.sessionsOfTraceLogs.all(traceId) as string[];
  }

  /** Something of the session went, or moved: bounds recomputed from what is left, or the row dropped. */
  reconcile(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) {
      const b = this.stmts.bounds.get({ id }) as { first_ns: bigint | null; last_ns: bigint | null };
      if (b.first_ns === null || b.last_ns === null) this.stmts.drop.run(id);
      else this.stmts.reset.run(id, b.first_ns, b.last_ns);
    }
  }

  /** At start: summaries priced with other tables than these are stale. */
  markMispriced(key: number): void {
    this.stmts.markMispriced.run(key);
  }
}
