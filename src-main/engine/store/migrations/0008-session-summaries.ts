/**
 * 0008: the sessions list reads rows, not spans (issue 15: p50 ≤ 10 ms at 1M spans). Until now every
 * list read grouped all traces naming a session and built each listed session's turns from its
 * spans and log records: ~N ms per session, so a page of 50 took hundreds of ms at 1M spans
 * (bench/sessions.ts). `session_summaries` keeps one row per session id any signal names: its
 * activity bounds (the list's order), kept exact at compaction and after every delete, and its
 * SessionSummary as built by session-queries.ts, NULL while stale (something of it arrived or went
 * since). Compaction marks a row stale in its own transaction, so a crash never leaves a fresh
 * summary over changed data; the worker rebuilds stale rows between compactions, and a read meets
 * the few left stale by building them as before, so the list is never behind the data.
 *
 * Data carried over: one row per session the traces and the 0005 `sessions` table name, stale, so
 * the first start after this migration rebuilds them in the background, not inside it.
 */
import type { Migration } from '../migrate';

export const migration0008: Migration = {
  version: 8,
  name: 'session-summaries',
  sql: `
    CREATE TABLE session_summaries (
      session_id TEXT    PRIMARY KEY,
      first_ns   INTEGER NOT NULL,  -- earliest activity: traces' starts, log record and metric point times
      last_ns    INTEGER NOT NULL,  -- latest activity: the list's order
      summary    TEXT,              -- SessionSummary JSON; NULL while stale
      priced_with INTEGER           -- the price tables it was priced with (SessionSummaries.pricingKey)
    ) STRICT, WITHOUT ROWID;
    -- The list: newest activity first, keyset-paginated on (last_ns, session_id).
    CREATE INDEX session_summaries_by_last ON session_summaries (last_ns DESC, session_id DESC);
    -- What the worker has left to rebuild.
    CREATE INDEX session_summaries_stale ON session_summaries (session_id) WHERE summary IS NULL;

    INSERT INTO session_summaries (session_id, first_ns, last_ns)
      SELECT session_id, min(first_ns), max(last_ns) FROM (
        SELECT session_id, start_ns AS first_ns, end_ns AS last_ns FROM traces WHERE session_id IS NOT NULL
        UNION ALL SELECT session_id, first_ns, last_ns FROM sessions)
      GROUP BY session_id;
  `,
};
