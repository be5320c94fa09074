/**
 * Rebuilds stale session summaries (migration 0008) in the store worker's spare time: at most
 * BUDGET_MS at a go, each go its own transaction. A go may take far longer than that (one session
 * can: a trace of a million spans is one session whose build reads all its GenAI spans), so the
 * next waits in proportion to the last one's time: under steady ingest the goes keep to BUSY_SHARE
 * of the store thread and run at most every DELAY_MS; between requests, to IDLE_SHARE. A busy
 * session is rebuilt once per go, not once per compaction slice. A read never waits for this: a
 * stale row it meets is built by the read itself (session-queries.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SessionQueries } from './session-queries';

const BUDGET_MS = 10;
const DELAY_MS = 250;
/** The share of the store thread the goes may take while acknowledged requests wait for compaction. */
const BUSY_SHARE = 0.04;
/** …and while nothing waits (ingest paused between requests, or stopped). */
const IDLE_SHARE = 0.5;

export class SessionRefresh {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** When the last go started and how long it took (ms on `now`'s clock). */
  private last = { started: 0, took: 0 };

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly sessions: SessionQueries,
    /** Whether acknowledged requests wait for compaction: then the next go waits DELAY_MS. */
    private readonly busy: () => boolean,
    private readonly log: (line: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Something may have gone stale (a compaction, a delete, a start): a go is due within DELAY_MS. */
  schedule(delayMs = DELAY_MS): void {
    if (this.closed || this.timer !== null) return;
    const share = this.busy() ? BUSY_SHARE : IDLE_SHARE;
    const wait = Math.max(delayMs, this.last.started + this.last.took / share - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.go();
    }, wait);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private go(): void {
    let more: boolean;
    const started = this.now();
    try {
      more = this.db.transaction(() => this.sessions.refreshStale(BUDGET_MS))();
      this.last = { started, took: this.now() - started };
    } catch (err) {
      this.log(`session summaries could not be rebuilt, retrying in 1 s: ${(err as Error).message}`);
      this.schedule(1000);
      return;
    }
    if (more) this.schedule(this.busy() ? DELAY_MS : 0);
  }
}
