/**
 * 0001: the append log, the compaction watermark, and the indexed tables the trace list and trace
 * view read. No foreign keys between spans and traces: spans arrive out of order, partially,
 * duplicated, and may never get their parent.
 */
import type { Migration } from '../migrate';

export const migration0001: Migration = {
  version: 1,
  name: 'init',
  sql: `
    -- L0: every accepted export request, exactly as received (decompressed). The exporter is
    -- answered only after the transaction holding its row commits. Replayed above the watermark.
    CREATE TABLE log (
      -- AUTOINCREMENT: compacted rows are deleted, and a plain rowid would then restart below
      -- the watermark, making new records look compacted (lost on replay).
      seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- append order; compaction follows it
      received_at INTEGER NOT NULL,     -- unix ms when accepted; retention works on this
      encoding    INTEGER NOT NULL,     -- 1 = OTLP protobuf, 2 = OTLP JSON
      payload     BLOB    NOT NULL,
      checksum    INTEGER NOT NULL      -- crc32(payload), verified before replay
    ) STRICT;

    -- Highest log seq whose spans are in the indexed tables.
    CREATE TABLE compaction_state (
      id        INTEGER PRIMARY KEY CHECK (id = 1),
      watermark INTEGER NOT NULL
    ) STRICT;
    INSERT INTO compaction_state (id, watermark) VALUES (1, 0);

    -- Running totals, so stats never count(*) a million rows.
    CREATE TABLE counters (
      name  TEXT PRIMARY KEY,
      value INTEGER NOT NULL
    ) STRICT;
    INSERT INTO counters (name, value) VALUES ('spans', 0), ('traces', 0);

    -- Resources and scopes repeat on every span of a batch: stored once, by content.
    CREATE TABLE resources (
      id           INTEGER PRIMARY KEY,
      fingerprint  TEXT    NOT NULL UNIQUE,  -- the JSON below; equal content, one row
      service_name TEXT    NOT NULL,
      attributes   TEXT    NOT NULL,         -- JSON object
      dropped_attributes_count INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE scopes (
      id          INTEGER PRIMARY KEY,
      fingerprint TEXT    NOT NULL UNIQUE,
      name        TEXT    NOT NULL,
      version     TEXT    NOT NULL,
      attributes  TEXT    NOT NULL,
      dropped_attributes_count INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE spans (
      id             INTEGER PRIMARY KEY,
      trace_id       BLOB    NOT NULL,  -- 16 bytes
      span_id        BLOB    NOT NULL,  -- 8 bytes
      parent_span_id BLOB,              -- NULL for roots; may name a span that never arrives
      trace_state    TEXT    NOT NULL,
      name           TEXT    NOT NULL,
      kind           INTEGER NOT NULL,  -- OTLP SpanKind number
      start_ns       INTEGER NOT NULL,  -- as sent, never adjusted
      end_ns         INTEGER NOT NULL,
      status_code    INTEGER NOT NULL,  -- OTLP StatusCode number
      status_message TEXT    NOT NULL,
      attributes     TEXT    NOT NULL,  -- JSON object, as sent
      dropped_attributes_count INTEGER NOT NULL,
      events         TEXT    NOT NULL,  -- JSON array
      dropped_events_count INTEGER NOT NULL,
      links          TEXT    NOT NULL,  -- JSON array
      dropped_links_count INTEGER NOT NULL,
      resource_id    INTEGER NOT NULL,
      scope_id       INTEGER NOT NULL,
      received_at    INTEGER NOT NULL
    ) STRICT;
    -- Idempotent ingest: an exporter's retry of the same span is stored once. Also serves
    -- "all spans of a trace".
    CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, span_id);

    -- One row per trace, kept current as spans arrive in any order.
    CREATE TABLE traces (
      trace_id       BLOB    PRIMARY KEY,
      root_span_id   BLOB    NOT NULL,
      root_name      TEXT    NOT NULL,
      root_is_orphan INTEGER NOT NULL,  -- 1 while no parentless span has arrived
      root_start_ns  INTEGER NOT NULL,
      service_name   TEXT    NOT NULL,  -- of the root span's resource
      start_ns       INTEGER NOT NULL,
      end_ns         INTEGER NOT NULL,
      span_count     INTEGER NOT NULL,
      error_count    INTEGER NOT NULL,
      last_received_at INTEGER NOT NULL
    ) STRICT;
    -- The trace list: newest first, keyset-paginated on (start_ns, trace_id).
    CREATE INDEX traces_by_start ON traces (start_ns DESC, trace_id DESC);
    CREATE INDEX traces_by_service ON traces (service_name, start_ns DESC, trace_id DESC);
  `,
};
