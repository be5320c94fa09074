/**
 * 0001: the memory's texts (from runs and from collections), their vectors per embedder, a full-text
 * index over the texts, and the feed's place in the store's span order.
 */
import type { MemoryMigration } from '../memory-migrate';

export const memoryMigration0001: MemoryMigration = {
  version: 1,
  name: 'init',
  sql: `
    -- One remembered text. AUTOINCREMENT so an id is never reused after a delete: the id is also
    -- the item's label in the HNSW index file, which may be older than SQLite, and a reused id
    -- would let a stale label there point at a different text.
    CREATE TABLE items (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      collection   TEXT,              -- NULL: remembered from a run; else the collection it was written to
      source       TEXT    NOT NULL CHECK (source IN ('message', 'tool', 'error', 'note')),
      text         TEXT    NOT NULL,
      metadata     TEXT,              -- JSON object, collection items only (recall filters on its top-level values)
      trace_id     BLOB,              -- run items: where the text was said; the search filters use the columns below
      span_id      BLOB,
      session_id   TEXT,
      agent        TEXT,
      model        TEXT,
      service      TEXT,
      span_name    TEXT,
      start_ns     INTEGER,
      content_hash TEXT,              -- run items: hash of source and text (chunker.ts)
      created_at   INTEGER NOT NULL   -- ms since epoch
    ) STRICT;

    -- A chat history is resent by every later call of a run: one item per trace and text. Also
    -- the only index on trace_id, which retention's purge walks (its queries say collection IS NULL
    -- so this partial index serves them).
    CREATE UNIQUE INDEX items_once_per_trace ON items (trace_id, content_hash) WHERE collection IS NULL;
    -- A collection's items newest first (id order is insert order).
    CREATE INDEX items_by_collection ON items (collection, id) WHERE collection IS NOT NULL;
    -- The search filters (SearchQuery's session, agent, model, service, start; similarTo's trace)
    -- read only this index, never the rows with their texts: a filter over 100k items scans a few
    -- MB instead of the whole table. Session first: the one filter that is usually selective;
    -- collection (always NULL here) last, or the planner does not see the index as covering.
    CREATE INDEX items_run_facets ON items (session_id, agent, model, service, start_ns, trace_id, collection) WHERE collection IS NULL;

    -- Vectors per embedder (index_key = provider/model/dim), float32 little-endian: SQLite is the
    -- truth the HNSW file is rebuilt from, and an embedder switch re-embeds beside the old vectors.
    -- A rowid table, not WITHOUT ROWID: rows of 1.5 KB are past the size where that layout pays.
    CREATE TABLE vectors (
      index_key TEXT    NOT NULL,
      item_id   INTEGER NOT NULL,
      vector    BLOB    NOT NULL,
      PRIMARY KEY (index_key, item_id)
    ) STRICT;
    -- Deleting an item deletes its vectors of every embedder (trigger below).
    CREATE INDEX vectors_by_item ON vectors (item_id);

    -- Words, for BM25 and snippet(): external content, so the text is stored once (in items) and
    -- snippet() can still read it. Porter stemming: the text side of a hybrid search is about what
    -- agents said in prose, where "failed" should find "failing".
    CREATE VIRTUAL TABLE items_fts USING fts5(
      text, content='items', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
      INSERT INTO items_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER items_delete AFTER DELETE ON items BEGIN
      INSERT INTO items_fts (items_fts, rowid, text) VALUES ('delete', old.id, old.text);
      DELETE FROM vectors WHERE item_id = old.id;
    END;
    CREATE TRIGGER items_fts_update AFTER UPDATE OF text ON items BEGIN
      INSERT INTO items_fts (items_fts, rowid, text) VALUES ('delete', old.id, old.text);
      INSERT INTO items_fts (rowid, text) VALUES (new.id, new.text);
    END;

    -- The feed's place in the store's spans (insert order) and the spans it passed over when its
    -- backlog was over its bound (MemoryStatus.skippedSpans). One row.
    CREATE TABLE feed_state (
      id        INTEGER PRIMARY KEY CHECK (id = 1),
      watermark INTEGER NOT NULL,
      skipped   INTEGER NOT NULL
    ) STRICT;
    INSERT INTO feed_state (id, watermark, skipped) VALUES (1, 0, 0);
  `,
};
