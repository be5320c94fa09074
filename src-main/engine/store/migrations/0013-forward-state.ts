/**
 * 0013: where each upstream OTLP endpoint stands in the append log (issue 18, ADR 0012). The log is
 * the forwarding queue: a row stays until it is compacted and every endpoint has delivered it, so
 * what was sent while an upstream was down survives restarts and reaches it once it is back.
 */
import type { Migration } from '../migrate';

export const migration0013: Migration = {
  version: 13,
  name: 'forward-state',
  sql: `
    CREATE TABLE forward_state (
      endpoint         TEXT PRIMARY KEY,  -- the upstream's URL, as configured
      seq              INTEGER NOT NULL,  -- the last log seq delivered (or given up on)
      dropped_requests INTEGER NOT NULL DEFAULT 0  -- requests dropped past the disk bound, ever
    ) STRICT;
  `,
};
