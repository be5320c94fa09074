/**
 * 0011: the audit trail (issue 18; store/audit-chain.ts). One row per span block as compaction
 * wrote it, in arrival order: the block's digest and a hash chained over every earlier row. Rows
 * outlive their blocks (retention, deletes), so the chain still verifies after its oldest traces are
 * gone. Blocks written before this migration have no row: `flowtrace verify` counts them as not covered.
 */
import type { Migration } from '../migrate';

export const migration0011: Migration = {
  version: 11,
  name: 'audit-chain',
  sql: `
    CREATE TABLE audit_chain (
      first_row INTEGER PRIMARY KEY,
      trace_id BLOB NOT NULL,
      digest BLOB NOT NULL,
      chain BLOB NOT NULL
    );
  `,
};
