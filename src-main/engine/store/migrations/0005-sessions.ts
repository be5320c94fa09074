/**
 * 0005: sessions from any signal (issue 19). A session exists as soon as a trace, a log record or a
 * metric point names it (`session.id`, `conversation.id`, `gen_ai.conversation.id`, on the record or
 * on its resource; genai/session-id.ts). Log records and metric points get the id they name as a
 * column (indexed), so a session's log events and cost points are one range read; `sessions` holds
 * one row per id they name, with its activity bounds, kept at compaction. A trace's session is in
 * the traces table already (0004) and gets no row here: a random-key write per new conversation
 * cost ingest 5-8 %. The turns and totals are built at read time (genai/session-turns.ts) from the session's
 * traces and log events: they merge two sources, which SQL sums would count twice.
 *
 * Data carried over: ids are extracted here in SQL from what is stored (record attributes are
 * `[keyId, value, …]` JSON, resource attributes plain JSON), so a store from before this version
 * shows its coding-agent sessions at once.
 */
import type { Migration } from '../migrate';

/** The id a record's interned attributes name, first key of SESSION_KEYS order, else its resource's. */
const sessionOf = (table: string): string => `coalesce(
      (SELECT v.value FROM json_each(${table}.attrs) AS k JOIN json_each(${table}.attrs) AS v ON v.key = k.key + 1
        JOIN attribute_keys a ON a.id = k.value
        WHERE k.key % 2 = 0 AND a.key IN ('session.id', 'conversation.id', 'gen_ai.conversation.id')
          AND v.type = 'text' AND v.value <> ''
        ORDER BY CASE a.key WHEN 'session.id' THEN 0 WHEN 'conversation.id' THEN 1 ELSE 2 END LIMIT 1),
      (SELECT coalesce(nullif(r.attributes ->> '$."session.id"', ''), nullif(r.attributes ->> '$."conversation.id"', ''),
          nullif(r.attributes ->> '$."gen_ai.conversation.id"', ''))
        FROM resources r WHERE r.id = ${table}.resource_id))`;

export const migration0005: Migration = {
  version: 5,
  name: 'sessions',
  sql: `
    -- The session the record names (record level wins over resource level); NULL when none.
    ALTER TABLE logs ADD COLUMN session_id TEXT;
    ALTER TABLE metric_points ADD COLUMN session_id TEXT;
    UPDATE logs SET session_id = ${sessionOf('logs')};
    UPDATE metric_points SET session_id = ${sessionOf('metric_points')};
    -- A session's log events in time order (its turns when there are no spans).
    CREATE INDEX logs_by_session ON logs (session_id, at_ns, id) WHERE session_id IS NOT NULL;
    -- A session's reported cost metric (claude_code.cost.usage).
    CREATE INDEX metric_points_by_session ON metric_points (session_id, name) WHERE session_id IS NOT NULL;

    -- One row per session id a log record or metric point named (traces name theirs in traces).
    CREATE TABLE sessions (
      session_id       TEXT    PRIMARY KEY,
      first_ns         INTEGER NOT NULL,  -- earliest start / record time seen
      last_ns          INTEGER NOT NULL,  -- latest end / record time seen: the list's order
      last_received_at INTEGER NOT NULL   -- unix ms; retention drops the row once its data is gone
    ) STRICT, WITHOUT ROWID;

    -- Services that sent a GenAI span: their traces without one are internal (the trace list's
    -- noise rule, trace-list-sql.ts). A handful of rows; kept at compaction.
    CREATE TABLE genai_services (service_name TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
    INSERT INTO genai_services SELECT DISTINCT service_name FROM traces WHERE has_genai = 1;

    INSERT INTO sessions (session_id, first_ns, last_ns, last_received_at)
      SELECT session_id, min(first_ns), max(last_ns), max(received) FROM (
        SELECT session_id, at_ns AS first_ns, at_ns AS last_ns, received_at AS received FROM logs WHERE session_id IS NOT NULL
        UNION ALL SELECT session_id, time_ns, time_ns, received_at FROM metric_points WHERE session_id IS NOT NULL)
      GROUP BY session_id;
  `,
};
