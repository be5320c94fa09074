/**
 * `flowtrace verify`'s check of a store against its audit trail (audit-chain.ts): the chain
 * recomputed row by row from the first, and every block still stored hashed again and compared with
 * the digest recorded when it was written. Read-only: it runs beside a running Flowtrace.
 */
import { inflateRawSync } from 'node:zlib';
import type BetterSqlite3 from 'better-sqlite3';
import { AUDIT_GENESIS, blockDigest, chainHash } from './audit-chain';
import { BlockDictionaries } from './block-dictionary';
import { RAW_BLOCK } from './span-block';

export interface MismatchedTrace {
  traceId: string;
  /** As the trace list shows it (itself possibly edited); null when the trace row is gone. */
  rootName: string | null;
  /** The rows of its blocks that no longer match. */
  rows: number[];
}

export interface AuditReport {
  /** Blocks the chain records, stored or not. */
  recorded: number;
  /** Recorded blocks still stored, each hashed again. */
  checked: number;
  /** Recorded blocks retention or a delete took (their digests stay in the chain). */
  gone: number;
  /** Stored blocks the chain does not record: written before the audit trail began. */
  uncovered: number;
  /** The row of the first chain entry that does not follow from the one before; null: the chain holds. */
  chainBrokenAt: number | null;
  mismatched: MismatchedTrace[];
  /** The last chain hash (hex): written down elsewhere, it shows later that nothing before it changed. */
  head: string;
}

interface Row {
  first_row: number;
  trace_id: Buffer;
  digest: Buffer;
  chain: Buffer;
  block_trace: Buffer | null;
  span_ids: Buffer | null;
  dict: number | null;
  block: Buffer | null;
}

export function verifyAudit(db: BetterSqlite3.Database): AuditReport {
  const dictionaries = new BlockDictionaries(db);
  const rootName = db.prepare('SELECT root_name FROM traces WHERE trace_id = ?').pluck();
  const report: AuditReport = { recorded: 0, checked: 0, gone: 0, uncovered: 0, chainBrokenAt: null, mismatched: [], head: AUDIT_GENESIS.toString('hex') };
  const bad = new Map<string, number[]>();
  let previous: Buffer = AUDIT_GENESIS;
  const rows = db
    .prepare(`SELECT a.first_row, a.trace_id, a.digest, a.chain, b.trace_id AS block_trace, b.span_ids, b.dict, b.block
      FROM audit_chain a LEFT JOIN all_span_blocks b ON b.first_row = a.first_row ORDER BY a.first_row`)
    .iterate() as IterableIterator<Row>;
  for (const r of rows) {
    report.recorded++;
    if (report.chainBrokenAt === null && !chainHash(previous, r.first_row, r.digest).equals(r.chain)) report.chainBrokenAt = r.first_row;
    previous = r.chain;
    if (r.block === null || r.span_ids === null || r.block_trace === null || r.dict === null) {
      report.gone++;
      continue;
    }
    report.checked++;
    if (!matches(r, dictionaries)) {
      const id = r.trace_id.toString('hex');
      bad.set(id, [...(bad.get(id) ?? []), r.first_row]);
    }
  }
  report.head = previous.toString('hex');
  report.uncovered = db
    .prepare('SELECT count(*) FROM all_span_blocks b WHERE NOT EXISTS (SELECT 1 FROM audit_chain a WHERE a.first_row = b.first_row)')
    .pluck()
    .get() as number;
  for (const [traceId, blockRows] of bad) {
    report.mismatched.push({ traceId, rootName: (rootName.get(Buffer.from(traceId, 'hex')) as string | undefined) ?? null, rows: blockRows });
  }
  return report;
}

function matches(r: Row, dictionaries: BlockDictionaries): boolean {
  try {
    const dict = dictionaries.get(r.dict!);
    const raw = dict === RAW_BLOCK ? r.block! : inflateRawSync(r.block!, dict ? { dictionary: dict } : {});
    return blockDigest(r.block_trace!, r.span_ids!, raw).equals(r.digest) && r.block_trace!.equals(r.trace_id);
  } catch {
    // A block that no longer inflates was edited too.
    return false;
  }
}
