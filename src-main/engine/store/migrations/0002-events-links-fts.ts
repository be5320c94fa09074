/**
 * 0002: events and links get tables of their own; span attributes are stored with interned keys
 * (the same dozen keys repeat on every span); a full-text index per trace covers span names,
 * attribute values and event text, plus one hashed token per attribute key=value for exact filters;
 * traces gain the columns retention and the GenAI rollups (a later issue) need.
 */
import type { Migration } from '../migrate';

export const migration0002: Migration = {
  version: 2,
  name: 'events-links-fts',
  sql: `
    -- Attribute keys, interned: span attributes are stored as [keyId, value, keyId, value, …].
    CREATE TABLE attribute_keys (
      id  INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE
    ) STRICT;

    CREATE TABLE span_events (
      span_row  INTEGER NOT NULL,  -- spans.id
      seq       INTEGER NOT NULL,  -- order within the span, as sent
      time_ns   INTEGER NOT NULL,
      name      TEXT    NOT NULL,
      attributes TEXT   NOT NULL,  -- JSON object
      dropped_attributes_count INTEGER NOT NULL,
      PRIMARY KEY (span_row, seq)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE span_links (
      span_row  INTEGER NOT NULL,
      seq       INTEGER NOT NULL,
      trace_id  BLOB    NOT NULL,  -- the linked span; it may live in another trace or never arrive
      span_id   BLOB    NOT NULL,
      trace_state TEXT  NOT NULL,
      attributes TEXT   NOT NULL,
      dropped_attributes_count INTEGER NOT NULL,
      PRIMARY KEY (span_row, seq)
    ) STRICT, WITHOUT ROWID;

    -- Full text, one document per trace and compaction batch (a trace's spans repeat the same
    -- models, tools and values, so indexing them together costs a fraction of per-span documents).
    --   name: span names; text: string attribute values, status messages, event names and text;
    --   kv: one token per scalar attribute, 'k' + hash of key and value, for exact filters.
    CREATE TABLE search_docs (
      doc_id   INTEGER PRIMARY KEY,  -- rowid of trace_search
      trace_id BLOB    NOT NULL
    ) STRICT;
    CREATE INDEX search_docs_by_trace ON search_docs (trace_id);
    CREATE VIRTUAL TABLE trace_search USING fts5(
      name, text, kv, content='', contentless_delete=1, detail=column, tokenize='unicode61 remove_diacritics 2'
    );

    ALTER TABLE spans ADD COLUMN attrs TEXT;  -- interned-key encoding; NULL only during this migration

    -- Move 0001's JSON columns into the new layout.
    INSERT INTO span_events (span_row, seq, time_ns, name, attributes, dropped_attributes_count)
      SELECT s.id, e.key, CAST(json_extract(e.value, '$.timeUnixNano') AS INTEGER), json_extract(e.value, '$.name'),
             json(json_extract(e.value, '$.attributes')), json_extract(e.value, '$.droppedAttributesCount')
      FROM spans s, json_each(s.events) e;
    INSERT INTO span_links (span_row, seq, trace_id, span_id, trace_state, attributes, dropped_attributes_count)
      SELECT s.id, l.key, unhex(json_extract(l.value, '$.traceId')), unhex(json_extract(l.value, '$.spanId')),
             json_extract(l.value, '$.traceState'), json(json_extract(l.value, '$.attributes')),
             json_extract(l.value, '$.droppedAttributesCount')
      FROM spans s, json_each(s.links) l;
    INSERT OR IGNORE INTO attribute_keys (key) SELECT DISTINCT a.key FROM spans s, json_each(s.attributes) a;
    UPDATE spans SET attrs = (
      SELECT '[' || coalesce(group_concat(k.id || ',' || CASE a.type
          WHEN 'text' THEN json_quote(a.value) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
          WHEN 'null' THEN 'null' ELSE a.value END, ',' ORDER BY a.id), '') || ']'
      FROM json_each(spans.attributes) a JOIN attribute_keys k ON k.key = a.key
    );
    -- Traces stored by 0001 get names and text indexed; their attribute filters (kv) start empty.
    INSERT INTO search_docs (trace_id) SELECT DISTINCT trace_id FROM spans;
    INSERT INTO trace_search (rowid, name, text, kv)
      SELECT d.doc_id,
             (SELECT group_concat(s.name, char(10)) FROM spans s WHERE s.trace_id = d.trace_id),
             coalesce((SELECT group_concat(a.value, char(10)) FROM spans s, json_each(s.attributes) a
                       WHERE s.trace_id = d.trace_id AND a.type = 'text'), ''),
             ''
      FROM search_docs d;

    ALTER TABLE spans DROP COLUMN attributes;
    ALTER TABLE spans DROP COLUMN events;
    ALTER TABLE spans DROP COLUMN links;

    -- Retention deletes the traces received longest ago first.
    CREATE INDEX traces_by_received ON traces (last_received_at);
    -- Filters on the trace list that have to be fast at a million spans.
    CREATE INDEX traces_by_root_name ON traces (root_name, start_ns DESC, trace_id DESC);
    CREATE INDEX traces_with_errors ON traces (start_ns DESC, trace_id DESC) WHERE error_count > 0;
    CREATE INDEX traces_by_duration ON traces ((end_ns - start_ns) DESC, trace_id DESC);

    -- Room for the GenAI rollups (issue 5): filled by a later compactor, NULL until then.
    ALTER TABLE traces ADD COLUMN input_tokens INTEGER;
    ALTER TABLE traces ADD COLUMN output_tokens INTEGER;
    ALTER TABLE traces ADD COLUMN cost_usd REAL;
    ALTER TABLE traces ADD COLUMN session_id TEXT;
  `,
};
