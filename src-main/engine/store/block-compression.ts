/**
 * Deflates the blocks compaction wrote as encoded (`span_blocks_fresh`) into `span_blocks`, in the
 * store thread's spare time (spare-time.ts: 10 % of the thread while acknowledged requests wait for
 * compaction, 50 % between them). Deflating every block as it is written took ~15 % of compaction,
 * the ingest bottleneck; done here, ingest at full rate writes blocks as they are (~4× the bytes)
 * and they shrink once the thread has time. Moved, not updated in place: `span_blocks` stays packed
 * in row order, and the fresh table's freed pages take the next blocks. Reads see both
 * (`all_span_blocks`), and decode either form (span-block.ts RAW_BLOCK).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { BlockDictionaryTrainer } from './block-dictionary';
import { deflateBlock } from './span-block';
import { SpareTimeWork } from './spare-time';

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

export class BlockCompression extends SpareTimeWork {
  protected readonly failure = 'span blocks could not be compressed';
  private readonly stmts;

  constructor(
    db: BetterSqlite3.Database,
    private readonly dictionary: BlockDictionaryTrainer,
    busy: () => boolean,
    log: (line: string) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {
    super(db, { busy: 0.1, idle: 0.5 }, busy, log, clock);
    this.stmts = {
      fresh: db.prepare(`SELECT first_row, trace_id, span_count, span_ids, feed, block FROM span_blocks_fresh ORDER BY first_row LIMIT ${BATCH}`),
      insert: db.prepare('INSERT INTO span_blocks (first_row, trace_id, span_count, span_ids, feed, dict, block) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      remove: db.prepare('DELETE FROM span_blocks_fresh WHERE first_row = ?'),
    };
  }

  /** Deflates fresh blocks for up to `budgetMs`, oldest first; true when some are left. */
  protected step(budgetMs: number): boolean {
    const started = this.clock();
    const { id, dict } = this.dictionary.now();
    for (;;) {
      const rows = this.stmts.fresh.all() as FreshBlock[];
      for (const r of rows) {
        this.stmts.insert.run(r.first_row, r.trace_id, r.span_count, r.span_ids, r.feed, id, deflateBlock(r.block, dict));
        this.stmts.remove.run(r.first_row);
        if (this.clock() - started >= budgetMs) return true;
      }
      if (rows.length < BATCH) return false;
    }
  }
}
