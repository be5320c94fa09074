/**
 * Deletes asked for by the user ("Clear data"): one trace, one session, or everything, each in one
 * transaction. Traces go through Retention.deleteTraces (span blocks, span names, full text, counters,
 * the span row floor), so a delete leaves the tables as retention does; beyond that a deleted trace
 * takes the log records logged inside it, a deleted session its own log records and metric points,
 * and every `sessions` row those touched is recomputed from what is left (or dropped with its last
 * record), as is the session summary of every session a deleted trace or record belonged to
 * (session-summaries.ts). The worker then tells the compactor, and the engine the memory and the views.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DeletedCounts } from '../../../src-shared/contract';
import type { Retention } from './retention';
import type { SessionSummaries } from './session-summaries';

/** Traces per Retention.deleteTraces call inside a session's transaction (its statements loop per trace). */
const TRACE_CHUNK = 200;

/**
 * Tables emptied by clearAll, in an order that never leaves a reader a row pointing at a deleted
 * one. `log` (acknowledged requests not yet indexed) and `compaction_state` stay: they are what
 * arrived after the clear and replay needs them. The interned dictionaries (resources, scopes,
 * attribute keys) go too: resource attributes carry host names and command lines.
 */
const CLEARED_TABLES = [
  'annotations', 'search_docs', 'trace_span_names', 'span_names', 'span_blocks', 'span_blocks_fresh', 'block_dictionaries', 'traces', 'logs', 'metric_points', 'sessions',
  'session_summaries', 'genai_services', 'analytics_minutes', 'analytics_hours', 'analytics_days', 'analytics_stale', 'resources', 'scopes', 'attribute_keys',
  // The audit chain restarts: what it vouched for is gone by the user's own hand.
  'audit_chain',
] as const;

const NOTHING: DeletedCounts = { traces: 0, spans: 0, logs: 0, metricPoints: 0 };

export class Deletion {
  private readonly stmts;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly retention: Retention,
    private readonly summaries: SessionSummaries,
  ) {
    this.stmts = {
      traceExists: db.prepare('SELECT 1 FROM traces WHERE trace_id = ?').pluck(),
      // The session, as getSession finds it: a trace whose rollup names it, or a sessions row.
      sessionExists: db.prepare(`SELECT EXISTS (SELECT 1 FROM traces WHERE session_id = @id)
        OR EXISTS (SELECT 1 FROM sessions WHERE session_id = @id)`).pluck(),
      // The session's traces as its page lists them (session-queries.ts): those naming it, and
      // those its log events were logged in, unless such a trace names another session.
      tracesOfSession: db.prepare(`SELECT trace_id FROM traces WHERE session_id = @id
        UNION SELECT t.trace_id FROM logs l JOIN traces t ON t.trace_id = l.trace_id
          WHERE l.session_id = @id AND (t.session_id IS NULL OR t.session_id = @id)`).pluck(),
      sessionsOfTraceLogs: db.prepare('SELECT DISTINCT session_id FROM logs WHERE trace_id = ? AND session_id IS NOT NULL').pluck(),
      sessionOfTrace: db.prepare('SELECT session_id FROM traces WHERE trace_id = ? AND session_id IS NOT NULL').pluck(),
      deleteTraceLogs: db.prepare('DELETE FROM logs WHERE trace_id = ?'),
      deleteSessionLogs: db.prepare('DELETE FROM logs WHERE session_id = ?'),
      deleteSessionPoints: db.prepare('DELETE FROM metric_points WHERE session_id = ?'),
      // A sessions row's bounds from the log records and metric points still naming it, as the
      // telemetry compactor widens them (logs by at_ns, points by time_ns); no-op when none is left.
      refreshSession: db.prepare(`WITH b AS (SELECT min(f) AS f, max(l) AS l, max(r) AS r FROM (
          SELECT min(at_ns) AS f, max(at_ns) AS l, max(received_at) AS r FROM logs WHERE session_id = @id
          UNION ALL SELECT min(time_ns), max(time_ns), max(received_at) FROM metric_points WHERE session_id = @id))
        UPDATE sessions SET first_ns = b.f, last_ns = b.l, last_received_at = b.r FROM b
        WHERE session_id = @id AND b.f IS NOT NULL`),
      dropSessionIfEmpty: db.prepare(`DELETE FROM sessions WHERE session_id = @id
        AND NOT EXISTS (SELECT 1 FROM logs WHERE session_id = @id)
        AND NOT EXISTS (SELECT 1 FROM metric_points WHERE session_id = @id)`),
      clearSearch: db.prepare("INSERT INTO trace_search (trace_search) VALUES ('delete-all')"),
      clear: CLEARED_TABLES.map((table) => ({ table, stmt: db.prepare(`DELETE FROM ${table}`) })),
      resetCounters: db.prepare("UPDATE counters SET value = 0 WHERE name IN ('spans', 'traces')"),
      storedSpans: db.prepare('SELECT coalesce(sum(span_count), 0) FROM all_span_blocks').pluck(),
    };
  }

  /** null when the trace is not stored. */
  deleteTrace(traceId: string): DeletedCounts | null {
    const id = Buffer.from(traceId, 'hex');
    return this.db.transaction(() => {
      if (this.stmts.traceExists.get(id) === undefined) return null;
      const counts = { ...NOTHING };
      const touched = new Set<string>();
      this.deleteTracesWithLogs([id], counts, touched);
      this.refreshSessions(touched);
      return counts;
    })();
  }

  /** null when nothing names the session. */
  deleteSession(sessionId: string): DeletedCounts | null {
    return this.db.transaction(() => {
      if (this.stmts.sessionExists.get({ id: sessionId }) !== 1) return null;
      const counts = { ...NOTHING };
      const touched = new Set<string>([sessionId]);
      const ids = this.stmts.tracesOfSession.all({ id: sessionId }) as Buffer[];
      for (let i = 0; i < ids.length; i += TRACE_CHUNK) this.deleteTracesWithLogs(ids.slice(i, i + TRACE_CHUNK), counts, touched);
      counts.logs += this.stmts.deleteSessionLogs.run(sessionId).changes;
      counts.metricPoints += this.stmts.deleteSessionPoints.run(sessionId).changes;
      this.refreshSessions(touched);
      return counts;
    })();
  }

  /** Empties every table of data; the counters start again from zero. */
  clearAll(): DeletedCounts {
    return this.db.transaction(() => {
      const deleted: Record<string, number> = {};
      this.retention.keepSpanRowFloor();
      const spans = this.stmts.storedSpans.get() as number;
      this.stmts.clearSearch.run();
      for (const { table, stmt } of this.stmts.clear) deleted[table] = stmt.run().changes;
      this.stmts.resetCounters.run();
      return { traces: deleted.traces!, spans, logs: deleted.logs!, metricPoints: deleted.metric_points! };
    })();
  }

  private deleteTracesWithLogs(ids: Buffer[], counts: DeletedCounts, touchedSessions: Set<string>): void {
    for (const id of ids) {
      for (const s of this.stmts.sessionsOfTraceLogs.all(id) as string[]) touchedSessions.add(s);
      const own = this.stmts.sessionOfTrace.get(id) as string | undefined;
      if (own !== undefined) touchedSessions.add(own);
      counts.logs += this.stmts.deleteTraceLogs.run(id).changes;
    }
    const r = this.retention.deleteTraces(ids);
    counts.traces += r.deletedTraces;
    counts.spans += r.deletedSpans;
  }

  private refreshSessions(ids: ReadonlySet<string>): void {
    for (const id of ids) {
      if (this.stmts.dropSessionIfEmpty.run({ id }).changes === 0) this.stmts.refreshSession.run({ id });
    }
    this.summaries.reconcile(ids);
  }
}
