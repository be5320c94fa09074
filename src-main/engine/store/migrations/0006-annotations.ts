/**
 * 0006: feedback on runs (issue 15). A person's annotations of a trace or of one of its spans:
 * thumbs, a rating, labels, a note, a corrected output, or a custom name. Few rows (people write
 * them), read per trace and folded into the trace list's summaries; no foreign key to traces (the
 * store has none between signals), so deletion.ts and retention.ts delete them with their trace.
 */
import type { Migration } from '../migrate';

export const migration0006: Migration = {
  version: 6,
  name: 'annotations',
  sql: `
    CREATE TABLE annotations (
      id         TEXT    PRIMARY KEY,   -- 16 random lowercase hex characters: stable across export/import, unguessable in URLs
      trace_id   BLOB    NOT NULL,      -- 16 bytes, as traces.trace_id
      span_id    BLOB,                  -- 8 bytes; NULL: about the whole trace
      name       TEXT    NOT NULL,      -- thumbs | rating | label | note | correction | a custom name
      value      TEXT    NOT NULL,      -- JSON, checked per name by src-shared/validate.ts
      comment    TEXT,
      created_at INTEGER NOT NULL       -- unix ms
    ) STRICT;
    -- A trace's annotations (its page, the list's per-row summary, the delete with the trace) and the
    -- list's feedback filters, which look up (trace, name): one index serves both.
    CREATE INDEX annotations_by_trace ON annotations (trace_id, name, created_at);
    -- feedback=any|up|down and label= start from the few annotated traces, not from every trace.
    CREATE INDEX annotations_by_name ON annotations (name, trace_id);
  `,
};
