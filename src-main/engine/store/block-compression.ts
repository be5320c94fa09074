/**
 * Deflates the blocks compaction wrote as encoded (`span_blocks_fresh`) into `span_blocks`, in the
 * store thread's spare time. Deflating every block as it is written took ~15 % of compaction, the
 * ingest bottleneck; done here, ingest at full rate writes blocks as they are (~4× the bytes) and
 * they shrink once the thread has time: BUDGET_MS at a go, each go its own transaction, keeping to
 * BUSY_SHARE of the thread while acknowledged requests wait for compaction and IDLE_SHARE between
 * them (the shape of session-refresh.ts). Moved, not updated in place: `span_blocks` stays packed in
 * row order, and the fresh table's freed pages take the next blocks. Reads see both
 * (`all_span_blocks`), and decode either form (span-block.ts RAW_BLOCK).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { BlockDictionaryTrainer } from './block-dictionary';
import { deflateBlock } from './span-block';

const BUDGET_MS = 10;
const DELAY_MS = 250;
const BUSY_SHARE = 0.1;
const IDLE_SHARE = 0.5;
/** Blocks read per statement inside a go. */
const BATCH = 32;

interface FreshBlock {
  first_row: number;
  trace_id: Buffer;
  span_count: number;
  span_ids: Buffer;
  feed: number;
  block: Buffer;
}

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
      fresh: db.prepare(`SELECT first_row, trace_id, span_count, span_ids, feed, block FROM span_blocks_fresh ORDER BY first_row LIMIT ${BATCH}`),
      insert: db.prepare('INSERT INTO span_blocks (first_row, trace_id, span_count, span_ids, feed, dict, block) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM span_blocks_fresh WHERE first_row = ?'),
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

  /** Deflates fresh blocks for up to `budgetMs`, oldest first; true when some are left. */
  compress(budgetMs = BUDGET_MS): boolean {
    const started = this.now();
    const { id, dict } = this.dictionary.now();
    for (;;) {
      const rows = this.stmts.fresh.all() as FreshBlock[];
      for (const r of rows) {
        this.stmts.insert.run(r.first_row, r.trace_id, r.span_count, r.span_ids, r.feed, id, deflateBlock(r.block, dict));
        this.stmts.remove.run(r.first_row);
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
