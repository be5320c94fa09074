/**
 * Deflates the blocks compaction stored as encoded (`span_blocks.dict` = RAW_DICT), in the store
 * thread's spare time. Deflating every block as it is written took ~15 % of compaction, the ingest
 * bottleneck; done here, ingest at full rate writes blocks as they are (~4× the bytes) and they
 * shrink once the store thread has time: BUDGET_MS at a go, each go its own transaction, keeping to
 * BUSY_SHARE of the thread while acknowledged requests wait for compaction and IDLE_SHARE between
 * them (the shape of session-refresh.ts). Reads decode either form (span-block.ts RAW_BLOCK).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { BlockDictionaryTrainer } from './block-dictionary';
import { deflateBlock } from './span-block';

/** `span_blocks.dict` of a block not deflated yet. */
export const RAW_DICT = -1;
const BUDGET_MS = 10;
const DELAY_MS = 250;
const BUSY_SHARE = 0.1;
const IDLE_SHARE = 0.5;
/** Blocks read per statement inside a go. */
const BATCH = 32;

export class BlockCompression {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private last = { started: 0, took: 0 };
  private readonly stmts;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly dictionary: BlockDictionaryTrainer,
    /** Whether acknowledged requests wait for compaction. */
    private readonly busy: () => boolean,
    private readonly log: (line: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.stmts = {
      raw: db.prepare(`SELECT first_row, block FROM span_blocks WHERE dict < 0 AND first_row > ? ORDER BY first_row LIMIT ${BATCH}`),
      store: db.prepare('UPDATE span_blocks SET dict = ?, block = ? WHERE first_row = ? AND dict < 0'),
    };
  }

  /** Blocks may be waiting (after a compaction, at start): a go is due within DELAY_MS. */
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

  /** Deflates raw blocks for up to `budgetMs`; true when some are left. */
  compress(budgetMs = BUDGET_MS): boolean {
    const started = this.now();
    const { id, dict } = this.dictionary.now();
    let after = 0;
    for (;;) {
      const rows = this.stmts.raw.all(after) as Array<{ first_row: number; block: Buffer }>;
      for (const r of rows) {
        this.stmts.store.run(id, deflateBlock(r.block, dict), r.first_row);
        after = r.first_row;
        if (this.now() - started >= budgetMs) return true;
      }
      if (rows.length < BATCH) return false;
    }
  }

  private go(): void {
    let more: boolean;
    const started = this.now();
    try {
      more = this.db.transaction(() => this.compress())();
      this.last = { started, took: this.now() - started };
    } catch (err) {
      this.log(`span blocks could not be compressed, retrying in 1 s: ${(err as Error).message}`);
      this.schedule(1000);
      return;
    }
    if (more) this.schedule(this.busy() ? DELAY_MS : 0);
  }
}
