/**
 * Rebuilds stale session summaries (migration 0008) in the store worker's spare time: at most
 * BUDGET_MS at a go, each go its own transaction. Under steady ingest a go runs at most every
 * DELAY_MS (so ≤ 4 % of the store thread, and a busy session is rebuilt once per go, not once per
 * compaction slice); when ingest stops, goes follow each other until nothing is stale. A read never
 * waits for this: a stale row it meets is built by the read itself (session-queries.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SessionQueries } from './session-queries';

const BUDGET_MS = 10;
const DELAY_MS = 250;

export class SessionRefresh {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly sessions: SessionQueries,
    /** Whether acknowledged requests wait for compaction: then the next go waits DELAY_MS. */
    private readonly busy: () => boolean,
    private readonly log: (line: string) => void,
  ) {}

  /** Something may have gone stale (a compaction, a delete, a start): a go is due within DELAY_MS. */
  schedule(delayMs = DELAY_MS): void {
    if (this.closed || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.go();
    }, delayMs);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private go(): void {
    let more: boolean;
    try {
      more = this.db.transaction(() => this.sessions.refreshStale(BUDGET_MS))();
    } catch (err) {
      this.log(`session summaries could not be rebuilt, retrying in 1 s: ${(err as Error).message}`);
      this.schedule(1000);
      return;
    }
    if (more) this.schedule(this.busy() ? DELAY_MS : 0);
  }
}
