/**
 * The read side: trace list (keyset pagination, newest first), one trace, stats. All SQL for
 * reads lives here, always with bound parameters. Integer columns holding nanoseconds are read
 * as bigint (safeIntegers) and leave as decimal strings.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type {
  Attributes,
  SpanEvent,
  SpanLink,
  SpanRecord,
  TraceDetail,
  TraceListPage,
  TraceListQuery,
  TraceSummary,
} from '../../../src-shared/contract';
import { ArgumentError, DEFAULT_PAGE } from '../../../src-shared/validate';
import { kindName, statusName } from '../otlp/span-batch';

interface Cursor {
  start: bigint;
  traceId: Buffer;
}

export function encodeCursor(start: bigint, traceId: Buffer): string {
  return Buffer.from(`${start}:${traceId.toString('hex')}`).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const m = /^(\d{1,20}):([0-9a-f]{32})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ArgumentError('cursor is not one this server issued');
  return { start: BigInt(m[1]!), traceId: Buffer.from(m[2]!, 'hex') };
}

interface TraceListRow {
  trace_id: Buffer;
  root_name: string;
  service_name: string;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
}

interface SpanRow {
  trace_id: Buffer;
  span_id: Buffer;
  parent_span_id: Buffer | null;
  trace_state: string;
  name: string;
  kind: bigint;
  start_ns: bigint;
  end_ns: bigint;
  status_code: bigint;
  status_message: string;
  attributes: string;
  dropped_attributes_count: bigint;
  events: string;
  dropped_events_count: bigint;
  links: string;
  dropped_links_count: bigint;
  resource_attributes: string;
  resource_dropped: bigint;
  scope_name: string;
  scope_version: string;
  scope_attributes: string;
  scope_dropped: bigint;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export function summaryOf(row: TraceListRow): TraceSummary {
  return {
    traceId: row.trace_id.toString('hex'),
    rootName: row.root_name,
    serviceName: row.service_name,
    startTimeUnixNano: row.start_ns.toString(),
    durationMs: Number(row.end_ns - row.start_ns) / 1e6,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
  };
}

export class Queries {
  private readonly stmts;
  private readonly listCache = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: BetterSqlite3.Database) {
    this.stmts = {
      spansOfTrace: db
        .prepare(
          `SELECT s.trace_id, s.span_id, s.parent_span_id, s.trace_state, s.name, s.kind, s.start_ns, s.end_ns,
             s.status_code, s.status_message, s.attributes, s.dropped_attributes_count, s.events,
             s.dropped_events_count, s.links, s.dropped_links_count,
             r.attributes AS resource_attributes, r.dropped_attributes_count AS resource_dropped,
             c.name AS scope_name, c.version AS scope_version, c.attributes AS scope_attributes,
             c.dropped_attributes_count AS scope_dropped
           FROM spans s
           JOIN resources r ON r.id = s.resource_id
           JOIN scopes c ON c.id = s.scope_id
           WHERE s.trace_id = ?
           ORDER BY s.start_ns, s.id`,
        )
        .safeIntegers(true),
      counters: db.prepare('SELECT name, value FROM counters'),
    };
  }

  listTraces(query: TraceListQuery): TraceListPage {
    const limit = query.limit ?? DEFAULT_PAGE;
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.service !== undefined) {
      where.push('t.service_name = ?');
      params.push(query.service);
    }
    if (query.q !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM spans s WHERE s.trace_id = t.trace_id AND s.name LIKE ? ESCAPE '\\')`);
      params.push(`%${escapeLike(query.q)}%`);
    }
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor);
      where.push('(t.start_ns, t.trace_id) < (?, ?)');
      params.push(c.start, c.traceId);
    }
    const sql =
      'SELECT t.trace_id, t.root_name, t.service_name, t.start_ns, t.end_ns, t.span_count, t.error_count FROM traces t' +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      ' ORDER BY t.start_ns DESC, t.trace_id DESC LIMIT ?';
    let stmt = this.listCache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).safeIntegers(true);
      this.listCache.set(sql, stmt);
    }
    const rows = stmt.all(...params, limit + 1) as TraceListRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      traces: page.map(summaryOf),
      nextCursor: more && last ? encodeCursor(last.start_ns, last.trace_id) : null,
    };
  }

  getTrace(traceId: string): TraceDetail | null {
    const rows = this.stmts.spansOfTrace.all(Buffer.from(traceId, 'hex')) as SpanRow[];
    if (rows.length === 0) return null;
    return { traceId, spans: rows.map(spanOf) };
  }

  counters(): { spans: number; traces: number } {
    const out = { spans: 0, traces: 0 };
    for (const row of this.stmts.counters.all() as Array<{ name: string; value: number }>) {
      if (row.name === 'spans' || row.name === 'traces') out[row.name] = row.value;
    }
    return out;
  }
}

function spanOf(row: SpanRow): SpanRecord {
  return {
    traceId: row.trace_id.toString('hex'),
    spanId: row.span_id.toString('hex'),
    parentSpanId: row.parent_span_id ? row.parent_span_id.toString('hex') : null,
    traceState: row.trace_state,
    name: row.name,
    kind: kindName(Number(row.kind)),
    startTimeUnixNano: row.start_ns.toString(),
    endTimeUnixNano: row.end_ns.toString(),
    status: { code: statusName(Number(row.status_code)), message: row.status_message },
    attributes: JSON.parse(row.attributes) as Attributes,
    droppedAttributesCount: Number(row.dropped_attributes_count),
    events: JSON.parse(row.events) as SpanEvent[],
    droppedEventsCount: Number(row.dropped_events_count),
    links: JSON.parse(row.links) as SpanLink[],
    droppedLinksCount: Number(row.dropped_links_count),
    resource: { attributes: JSON.parse(row.resource_attributes) as Attributes, droppedAttributesCount: Number(row.resource_dropped) },
    scope: {
      name: row.scope_name,
      version: row.scope_version,
      attributes: JSON.parse(row.scope_attributes) as Attributes,
      droppedAttributesCount: Number(row.scope_dropped),
    },
  };
}
