/**
 * Work the store thread does in its spare time (session summaries, block deflating): at most
 * BUDGET_MS at a go, each go its own transaction. A go may take far longer than its budget, so the
 * next waits in proportion to the last one's time: while acknowledged requests wait for compaction
 * the goes keep to their busy share of the thread and run at most every DELAY_MS; between requests,
 * to their idle share. A go that fails is tried again in a second.
 */
import type BetterSqlite3 from 'better-sqlite3';

const BUDGET_MS = 10;
const DELAY_MS = 250;
const RETRY_MS = 1000;

export interface SpareTimeShares {
  /** The share of the store thread the goes may take while acknowledged requests wait for compaction. */
  busy: number;
  /** …and while nothing waits (ingest paused between requests, or stopped). */
  idle: number;
}

export abstract class SpareTimeWork {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** When the last go started and how long it took (ms on `now`'s clock). */
  private last = { started: 0, took: 0 };

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly shares: SpareTimeShares,
    /** Whether acknowledged requests wait for compaction: then the next go waits DELAY_MS. */
    private readonly busy: () => boolean,
    private readonly log: (line: string) => void,
    private readonly now: () => number,
  ) {}

  /** One go's work, inside its transaction; true when some is left. */
  protected abstract step(budgetMs: number): boolean;

  /** What a failed go could not do, for the log ("session summaries could not be rebuilt"). */
  protected abstract readonly failure: string;

  /** Work may be waiting (after a compaction, a delete, at start): a go is due within DELAY_MS. */
  schedule(delayMs = DELAY_MS): void {
    if (this.closed || this.timer !== null) return;
    const share = this.busy() ? this.shares.busy : this.shares.idle;
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
      more = this.db.transaction(() => this.step(BUDGET_MS))();
      this.last = { started, took: this.now() - started };
    } catch (err) {
      this.log(`${this.failure}, retrying in 1 s: ${(err as Error).message}`);
      this.schedule(RETRY_MS);
      return;
    }
    if (more) this.schedule(this.busy() ? DELAY_MS : 0);
  }
}
