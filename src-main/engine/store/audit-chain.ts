/**
 * The audit trail (migration 0011): what compaction recorded, so `flowtrace verify` can tell when a
 * database file was edited behind Flowtrace's back. Each span block gets, in arrival order, a
 * digest (SHA-256 of its trace id, its span ids and the block as encoded, before any deflating) and
 * a chain hash over the previous row's chain, its row number and that digest. Editing a span (its
 * name, an attribute, a time) changes its block's digest; editing or removing a recorded digest
 * breaks the chain from there on. Rows stay when retention or a delete takes their blocks, so the
 * chain of what was accepted verifies for as long as the store lives; clearing all data starts a
 * new one.
 */
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';

const GENESIS: Buffer = Buffer.alloc(32);

export function blockDigest(traceId: Buffer, spanIds: Buffer, raw: Buffer): Buffer {
  return createHash('sha256').update(traceId).update(spanIds).update(raw).digest();
}

export function chainHash(previous: Buffer, firstRow: number, digest: Buffer): Buffer {
  const row = Buffer.alloc(8);
  row.writeBigUInt64LE(BigInt(firstRow));
  return createHash('sha256').update(previous).update(row).update(digest).digest();
}

/** The compactor's side: one row per block written, in the compaction's transaction. */
export class AuditChain {
  private readonly stmts;
  private head: Buffer;

  constructor(db: BetterSqlite3.Database) {
    this.stmts = {
      insert: db.prepare('INSERT INTO audit_chain (first_row, trace_id, digest, chain) VALUES (?, ?, ?, ?)'),
      head: db.prepare('SELECT chain FROM audit_chain ORDER BY first_row DESC LIMIT 1').pluck(),
    };
    this.head = this.readHead();
  }

  add(firstRow: number, traceId: Buffer, spanIds: Buffer, raw: Buffer): void {
    const digest = blockDigest(traceId, spanIds, raw);
    const chain = chainHash(this.head, firstRow, digest);
    this.stmts.insert.run(firstRow, traceId, digest, chain);
    this.head = chain;
  }

  /** After a rolled-back compaction or a clear: the head as stored. */
  reload(): void {
    this.head = this.readHead();
  }

  private readHead(): Buffer {
    return (this.stmts.head.get() as Buffer | undefined) ?? GENESIS;
  }
}

export { GENESIS as AUDIT_GENESIS };
