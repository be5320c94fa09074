/**
 * 0003: OTLP log records and metric data points get indexed tables of their own, fed by the same
 * append log (encoding 3/4 = logs protobuf/JSON, 5/6 = metrics protobuf/JSON) and compactor
 * discipline as spans. They share `resources`, `scopes` and `attribute_keys` with spans. No foreign
 * keys to spans: a log's span may arrive later or never.
 */
import type { Migration } from '../migrate';

export const migration0003: Migration = {
  version: 3,
  name: 'logs-metrics',
  sql: `
    CREATE TABLE logs (
      id              INTEGER PRIMARY KEY,  -- compaction order; the tie-breaker of the time order
      trace_id        BLOB,                 -- 16 bytes; NULL when logged outside a span
      span_id         BLOB,                 -- 8 bytes; NULL when logged outside a span
      time_ns         INTEGER NOT NULL,     -- as sent; 0 when the producer set none
      observed_ns     INTEGER NOT NULL,
      -- time_ns, or observed_ns when time_ns is 0 (the spec's rule): what lists sort and filter on.
      at_ns           INTEGER NOT NULL,
      severity_number INTEGER NOT NULL,
      severity_text   TEXT    NOT NULL,
      body            TEXT    NOT NULL,     -- AnyValue as JSON ('null' when absent)
      attrs           TEXT    NOT NULL,     -- interned keys, as spans.attrs
      dropped_attributes_count INTEGER NOT NULL,
      flags           INTEGER NOT NULL,
      event_name      TEXT    NOT NULL,
      resource_id     INTEGER NOT NULL,
      scope_id        INTEGER NOT NULL,
      received_at     INTEGER NOT NULL      -- unix ms; retention works on this
    ) STRICT;
    -- "The logs of this trace / span", newest first; logs outside spans take no room in it.
    CREATE INDEX logs_by_trace ON logs (trace_id, span_id, at_ns DESC, id DESC) WHERE trace_id IS NOT NULL;
    -- The log list: newest first, keyset-paginated on (at_ns, id).
    CREATE INDEX logs_by_time ON logs (at_ns DESC, id DESC);
    CREATE INDEX logs_by_received ON logs (received_at);

    -- One row per data point, flattened with its metric's description (a metric has few points
    -- per export, so repeating name and unit costs less than a join on every chart read).
    CREATE TABLE metric_points (
      id           INTEGER PRIMARY KEY,
      name         TEXT    NOT NULL,
      description  TEXT    NOT NULL,
      unit         TEXT    NOT NULL,
      type         INTEGER NOT NULL,  -- OTLP Metric field of the data: 5 gauge, 7 sum, 9 histogram, 10 exponential histogram, 11 summary
      temporality  INTEGER NOT NULL,  -- OTLP AggregationTemporality: 0 unspecified (gauge, summary), 1 delta, 2 cumulative
      is_monotonic INTEGER NOT NULL,
      metadata     TEXT,              -- JSON object; NULL when empty (nearly always)
      start_ns     INTEGER NOT NULL,
      time_ns      INTEGER NOT NULL,
      attrs        TEXT    NOT NULL,  -- interned keys, as spans.attrs
      flags        INTEGER NOT NULL,
      -- Gauge and sum: the value, INTEGER for as_int and REAL for as_double, so aggregates run in SQL.
      -- NULL for the other types (and for NaN, which SQLite cannot hold).
      value        ANY,
      data         TEXT,              -- histogram / exponential histogram / summary shape as JSON
      exemplars    TEXT,              -- JSON array; NULL when none
      -- The first exemplar that names a span: room for "metrics of this trace".
      exemplar_trace_id BLOB,
      exemplar_span_id  BLOB,
      resource_id  INTEGER NOT NULL,
      scope_id     INTEGER NOT NULL,
      received_at  INTEGER NOT NULL
    ) STRICT;
    -- A chart reads one metric over a time range; the metric-name list is an index-only scan.
    CREATE INDEX metric_points_by_name ON metric_points (name, time_ns, id);
    CREATE INDEX metric_points_by_exemplar_trace ON metric_points (exemplar_trace_id) WHERE exemplar_trace_id IS NOT NULL;
    CREATE INDEX metric_points_by_received ON metric_points (received_at);
  `,
};
