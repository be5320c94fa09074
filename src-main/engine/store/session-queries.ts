/**
 * Sessions: one session's turns and totals built (genai/session-turns.ts) from its traces' stored
 * GenAI readings and its log records read as coding-agent events (genai/agent-events.ts); the list
 * from `session_summaries` (migration 0008), newest activity first, where each row holds that same
 * build's summary. A turn merges spans and events that arrive in any order, in different requests,
 * so a summary is rebuilt whole, never added to: compaction marks it stale (session-summaries.ts),
 * refreshStale rebuilds it between compactions, and a read meeting a stale row builds it itself.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SessionDetail, SessionListPage, SessionListQuery } from '../../../src-shared/contract';
import { ArgumentError, DEFAULT_PAGE, MAX_SESSION_TRACES } from '../../../src-shared/validate';
import type { SessionSummary } from '../../../src-shared/contract';
import { readAgentEvent, type AgentEvent } from '../genai/agent-events';
import { userIdOf } from '../genai/user-id';
import { buildSession, type SessionInputs, type SessionTrace } from '../genai/session-turns';
import type { NormalizeOptions } from '../genai/normalize';
import { costAt, findPrice } from '../genai/prices';
import { readStoredGenAi } from './genai-facets';
import { summaryOf, type TraceListRow } from './queries';
import { spansInOrder, TraceBlocks } from './trace-blocks';
import type { TelemetryQueries } from './telemetry-queries';
import { TRACE_SUMMARY_COLUMNS } from './trace-list-sql';

/** Log records of one session read to build its turns; a longer session shows its first ones. */
const MAX_SESSION_LOGS = 20_000;

/** Stale rows read per refreshStale call (it stops earlier when its time is up). */
const REFRESH_PICK = 64;

/** Metrics whose points are the session's cost as the tool reported it (USD). */
const REPORTED_COST_METRICS = ['claude_code.cost.usage'];

interface SessionRow {
  session_id: string;
  first_ns: bigint;
  last_ns: bigint;
}

interface SummaryRow extends SessionRow {
  /** SessionSummary JSON; null while stale. */
  summary: string | null;
}

function encodeCursor(lastNs: bigint, sessionId: string): string {
  return Buffer.from(JSON.stringify([lastNs.toString(), sessionId])).toString('base64url');
}

function decodeCursor(cursor: string): { lastNs: bigint; sessionId: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && /^\d{1,20}$/.test(v[0]) && typeof v[1] === 'string') {
      return { lastNs: BigInt(v[0]), sessionId: v[1] };
    }
  } catch {
    // falls through to the error below
  }
  throw new ArgumentError('cursor is not one this server issued for the session list');
}

export class SessionQueries {
  private readonly stmts;
  private readonly blocks: TraceBlocks;

  constructor(
    db: BetterSqlite3.Database,
    private readonly telemetry: TelemetryQueries,
    private readonly normalizeOptions: NormalizeOptions,
    /** session-summaries.ts pricingKey of normalizeOptions' prices, stored beside each summary. */
    private readonly pricedWith: number,
  ) {
    this.blocks = new TraceBlocks(db);
    this.stmts = {
      // An index range on session_summaries_by_last either way (two statements: an `? IS NULL OR`
      // in one would make SQLite scan).
      firstPage: db.prepare(`SELECT session_id, first_ns, last_ns, summary FROM session_summaries
        ORDER BY last_ns DESC, session_id DESC LIMIT ?`).safeIntegers(true),
      pageAfter: db.prepare(`SELECT session_id, first_ns, last_ns, summary FROM session_summaries
        WHERE last_ns < @lastNs OR (last_ns = @lastNs AND session_id < @sessionId)
        ORDER BY last_ns DESC, session_id DESC LIMIT @limit`).safeIntegers(true),
      stale: db.prepare('SELECT session_id, first_ns, last_ns, NULL AS summary FROM session_summaries WHERE summary IS NULL LIMIT ?').safeIntegers(true),
      store: db.prepare('UPDATE session_summaries SET summary = ?, priced_with = ? WHERE session_id = ?'),
      one: db.prepare(`SELECT session_id, min(first_ns) AS first_ns, max(last_ns) AS last_ns FROM (
          SELECT session_id, start_ns AS first_ns, end_ns AS last_ns FROM traces WHERE session_id = ?
          UNION ALL SELECT session_id, first_ns, last_ns FROM sessions WHERE session_id = ?)
        GROUP BY session_id`).safeIntegers(true),
      tracesOfSession: db.prepare('SELECT trace_id FROM traces WHERE session_id = ? ORDER BY start_ns, trace_id LIMIT ?').pluck(),
      trace: db.prepare(`SELECT ${TRACE_SUMMARY_COLUMNS}, 0 AS sort_value FROM traces t WHERE t.trace_id = ?`).safeIntegers(true),
      costPoints: db.prepare(`SELECT value, temporality, attrs FROM metric_points
        WHERE session_id = ? AND name IN (${REPORTED_COST_METRICS.map(() => '?').join(', ')}) ORDER BY time_ns, id`),
    };
  }

  listSessions(query: SessionListQuery): SessionListPage {
    const limit = query.limit ?? DEFAULT_PAGE;
    const c = query.cursor === undefined ? null : decodeCursor(query.cursor);
    const rows = (
      c === null ? this.stmts.firstPage.all(limit + 1) : this.stmts.pageAfter.all({ lastNs: c.lastNs, sessionId: c.sessionId, limit: limit + 1 })
    ) as SummaryRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      sessions: page.map((r) => (r.summary === null ? this.build(r).summary : (JSON.parse(r.summary) as SessionSummary))),
      nextCursor: more && last ? encodeCursor(last.last_ns, last.session_id) : null,
    };
  }

  /**
   * Rebuilds stale summaries until `budgetMs` is spent; says whether any stale one is left. Call
   * inside a write transaction, so each summary and its flag change together. Not inside
   * compaction's: a summary is rebuilt whole, once however many slices touched its session meanwhile.
   */
  refreshStale(budgetMs: number): boolean {
    const until = performance.now() + budgetMs;
    const rows = this.stmts.stale.all(REFRESH_PICK) as SummaryRow[];
    let done = 0;
    for (const r of rows) {
      this.stmts.store.run(JSON.stringify(this.build(r).summary), this.pricedWith, r.session_id);
      done++;
      if (performance.now() >= until) break;
    }
    return done < rows.length || rows.length === REFRESH_PICK;
  }

  getSession(sessionId: string): SessionDetail | null {
    const row = this.stmts.one.get(sessionId, sessionId) as SessionRow | undefined;
    if (!row) return null;
    const built = this.build(row);
    return { sessionId, summary: built.summary, turns: built.turns, traces: built.traces, truncated: built.truncated };
  }

  private build(row: SessionRow): ReturnType<typeof buildSession> & { traces: ReturnType<typeof summaryOf>[]; truncated: boolean } {
    const sessionId = row.session_id;
    const logs = this.telemetry.logsOfSession(sessionId, MAX_SESSION_LOGS);
    const events: AgentEvent[] = [];
    const users = new Set<string>();
    let serviceName: string | null = null;
    for (const log of logs) {
      const user = userIdOf(log.attributes, log.resource.attributes);
      if (user !== null) users.add(user);
      const e = readAgentEvent(log);
      if (e === null) continue;
      events.push(e);
      const service = log.resource.attributes['service.name'];
      if (serviceName === null && typeof service === 'string') serviceName = service;
    }
    // The session's traces: those whose rollup names it, and those its events were logged in.
    const ids = new Map<string, Buffer>();
    for (const id of this.stmts.tracesOfSession.all(sessionId, MAX_SESSION_TRACES + 1) as Buffer[]) ids.set(id.toString('hex'), id);
    for (const e of events) if (e.traceId !== null && !ids.has(e.traceId)) ids.set(e.traceId, Buffer.from(e.traceId, 'hex'));
    const truncated = ids.size > MAX_SESSION_TRACES;
    const rows: TraceListRow[] = [];
    const traces: SessionTrace[] = [];
    for (const [hex, id] of [...ids].slice(0, MAX_SESSION_TRACES)) {
      const t = this.stmts.trace.get(id) as TraceListRow | undefined;
      if (!t) continue;
      rows.push(t);
      serviceName ??= t.service_name;
      const spans = spansInOrder(this.blocks.ofTrace(id))
        .filter(({ b, i }) => b.genai(i) !== null)
        .map(({ b, i }) => ({ spanId: b.spanId(i), startNs: b.startNs(i), endNs: b.endNs(i), genai: readStoredGenAi(b.genai(i)!), error: b.statusCode(i) === 2 }));
      traces.push({ traceId: hex, startNs: t.start_ns, endNs: t.end_ns, spans, errorSpans: Number(t.error_count) });
    }
    rows.sort((a, b) => (a.start_ns < b.start_ns ? -1 : a.start_ns > b.start_ns ? 1 : 0));
    const inputs: SessionInputs = {
      sessionId,
      firstNs: row.first_ns,
      lastNs: row.last_ns,
      serviceName,
      traces,
      events,
      users,
      reportedCostUsd: this.reportedCost(sessionId),
      price: (model, usage) => {
        const match = findPrice([model], this.normalizeOptions);
        return match ? costAt(usage, match.price) : null;
      },
    };
    return { ...buildSession(inputs), traces: rows.map(summaryOf), truncated };
  }

  /**
   * The session's cost as its tool's metric says: delta points summed; cumulative ones counted by
   * their last value per attribute set (one series per model). null when there is no such point.
   */
  private reportedCost(sessionId: string): number | null {
    const points = this.stmts.costPoints.all(sessionId, ...REPORTED_COST_METRICS) as Array<{ value: number | bigint | null; temporality: number; attrs: string }>;
    if (points.length === 0) return null;
    let delta = 0;
    const cumulative = new Map<string, number>();
    for (const p of points) {
      const v = p.value === null ? 0 : Number(p.value);
      if (p.temporality === 2) cumulative.set(p.attrs, v);
      else delta += v;
    }
    for (const v of cumulative.values()) delta += v;
    return delta;
  }
}

