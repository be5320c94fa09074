/**
 * Reading span blocks (`all_span_blocks`: deflated and fresh; migration 0010, ADR 0011): a trace's blocks in row order, one span found by
 * its id without inflating the blocks around it, the highest span row, and `span_rows(…)`, a
 * table-valued function that gives SQL (the funnel) a block's spans as rows.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { BlockDictionaries } from './block-dictionary';
import { DecodedBlock, indexOfSpan } from './span-block';

interface BlockRow {
  first_row: number;
  span_ids: Buffer;
  dict: number;
  block: Buffer;
}

export class TraceBlocks {
  private readonly stmts;
  readonly dictionaries: BlockDictionaries;

  constructor(db: BetterSqlite3.Database) {
    this.dictionaries = new BlockDictionaries(db);
    this.stmts = {
      ofTrace: db.prepare('SELECT first_row, span_ids, dict, block FROM all_span_blocks WHERE trace_id = ? ORDER BY first_row'),
      idsOfTrace: db.prepare('SELECT first_row, span_ids FROM all_span_blocks WHERE trace_id = ? ORDER BY first_row'),
      block: db.prepare('SELECT first_row, span_ids, dict, block FROM all_span_blocks WHERE first_row = ?'),
      // Rows are numbered in insert order, and a block's are consecutive: the last block holds the highest.
      maxRow: db.prepare(`SELECT max(coalesce((SELECT first_row + span_count - 1 FROM span_blocks ORDER BY first_row DESC LIMIT 1), 0),
        coalesce((SELECT first_row + span_count - 1 FROM span_blocks_fresh ORDER BY first_row DESC LIMIT 1), 0))`).pluck(),
    };
  }

  ofTrace(traceId: Buffer): DecodedBlock[] {
    return (this.stmts.ofTrace.all(traceId) as BlockRow[]).map((r) => this.decode(r));
  }

  decode(r: BlockRow): DecodedBlock {
    return new DecodedBlock(r.first_row, r.span_ids, r.block, this.dictionaries.get(r.dict));
  }

  /** The block holding the span and its index there; only that block is inflated. */
  find(traceId: Buffer, spanId: Buffer): { block: DecodedBlock; index: number } | null {
    for (const r of this.stmts.idsOfTrace.all(traceId) as Array<Omit<BlockRow, 'block'>>) {
      const index = indexOfSpan(r.span_ids, spanId);
      if (index < 0) continue;
      const row = this.stmts.block.get(r.first_row) as BlockRow;
      return { block: this.decode(row), index };
    }
    return null;
  }

  hasSpan(traceId: Buffer, spanId: Buffer): boolean {
    return (this.stmts.idsOfTrace.all(traceId) as Array<Omit<BlockRow, 'block'>>).some((r) => indexOfSpan(r.span_ids, spanId) >= 0);
  }

  /** The trace's stored span ids as hex (the compactor's duplicate check). */
  spanIdsOf(traceId: Buffer): Set<string> {
    const out = new Set<string>();
    for (const r of this.stmts.idsOfTrace.all(traceId) as Array<Omit<BlockRow, 'block'>>) {
      for (let off = 0; off < r.span_ids.length; off += 8) out.add(r.span_ids.toString('hex', off, off + 8));
    }
    return out;
  }

  maxRow(): number {
    return this.stmts.maxRow.get() as number;
  }
}

/**
 * `span_rows(first_row, span_ids, dict, block)`: a `span_blocks` row's spans as rows (id = the span's row
 * number, name, start_ns, status_code, attrs in the interned-key encoding, genai as stored), for SQL
 * that tests span conditions (funnel-step-sql.ts): `JOIN all_span_blocks b ON … JOIN span_rows(b.first_row,
 * b.span_ids, b.dict, b.block) s`. It decodes what it is given and reads nothing (a function may not
 * run a statement on the connection that called it): `dictionaries.loadAll()` must run before such a
 * statement. Registered on each connection that runs such SQL.
 */
export function registerSpanRows(db: BetterSqlite3.Database, dictionaries: BlockDictionaries): void {
  db.table('span_rows', {
    columns: ['id', 'name', 'start_ns', 'status_code', 'attrs', 'genai'],
    parameters: ['first_row', 'span_ids', 'dict', 'block'],
    safeIntegers: true,
    directOnly: true,
    *rows(firstRow: unknown, spanIds: unknown, dict: unknown, block: unknown) {
      if (!Buffer.isBuffer(spanIds) || !Buffer.isBuffer(block)) return;
      const b = new DecodedBlock(Number(firstRow), spanIds, block, dictionaries.cached(Number(dict)));
      for (let i = 0; i < b.n; i++) yield [b.firstRow + i, b.name(i), b.startNs(i), b.statusCode(i), b.attrs(i), b.genai(i)];
    },
  });
}

/** Every span of a trace's blocks in the order a trace is read: by start, then by row (arrival). */
export function spansInOrder(blocks: readonly DecodedBlock[]): Array<{ b: DecodedBlock; i: number }> {
  const out: Array<{ b: DecodedBlock; i: number; start: bigint; row: number }> = [];
  for (const b of blocks) for (let i = 0; i < b.n; i++) out.push({ b, i, start: b.startNs(i), row: b.firstRow + i });
  out.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.row - y.row));
  return out;
}
