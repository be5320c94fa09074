/**
 * 0012: log and metric requests seen lately (issue 18), so an exporter's retry of one is stored
 * once. Spans need nothing of the kind: each is stored once by its ids (compactor.ts). A log record
 * or a data point has no id, so the request is known by its digest, kept for the window in which
 * exporters retry (append-log.ts RETRY_WINDOW_MS), in the transaction that appends it.
 */
import type { Migration } from '../migrate';

export const migration0012: Migration = {
  version: 12,
  name: 'telemetry-retries',
  sql: `
    CREATE TABLE telemetry_requests_seen (
      digest BLOB PRIMARY KEY,
      received_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX telemetry_requests_seen_by_time ON telemetry_requests_seen (received_at);
  `,
};
