/**
 * The read side: trace list, one trace, one span, counters. All read SQL lives here or in
 * trace-list-sql.ts, always with bound parameters. Nanosecond columns are read as bigint
 * (safeIntegers) and leave as decimal strings.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Attributes, SpanEvent, SpanLink, SpanRecord, TraceDetail, TraceListPage, TraceListQuery, TraceSummary } from '../../../src-shared/contract';
import { DEFAULT_PAGE } from '../../../src-shared/validate';
import { kindName, statusName } from '../otlp/span-batch';
import type { AttributeKeys } from './attribute-codec';
import { encodeCursor, planTraceList } from './trace-list-sql';

interface TraceListRow {
  trace_id: Buffer;
  root_name: string;
  service_name: string;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  sort_value: bigint;
}

interface SpanRow {
  id: bigint;
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
  attrs: string;
  dropped_attributes_count: bigint;
  dropped_events_count: bigint;
  dropped_links_count: bigint;
  resource_attributes: string;
  resource_dropped: bigint;
  scope_name: string;
  scope_version: string;
  scope_attributes: string;
  scope_dropped: bigint;
}

interface EventRow {
  span_row: bigint;
  time_ns: bigint;
  name: string;
  attributes: string;
  dropped_attributes_count: bigint;
}

interface LinkRow {
  span_row: bigint;
  trace_id: Buffer;
  span_id: Buffer;
  trace_state: string;
  attributes: string;
  dropped_attributes_count: bigint;
}

const SPAN_COLUMNS = `s.id, s.trace_id, s.span_id, s.parent_span_id, s.trace_state, s.name, s.kind, s.start_ns, s.end_ns,
  s.status_code, s.status_message, s.attrs, s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count,
  r.attributes AS resource_attributes, r.dropped_attributes_count AS resource_dropped,
  c.name AS scope_name, c.version AS scope_version, c.attributes AS scope_attributes, c.dropped_attributes_count AS scope_dropped
  FROM spans s JOIN resources r ON r.id = s.resource_id JOIN scopes c ON c.id = s.scope_id`;

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

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly keys: AttributeKeys,
  ) {
    this.stmts = {
      spansOfTrace: db.prepare(`SELECT ${SPAN_COLUMNS} WHERE s.trace_id = ? ORDER BY s.start_ns, s.id`).safeIntegers(true),
      eventsOfTrace: db
        .prepare(
          `SELECT e.span_row, e.time_ns, e.name, e.attributes, e.dropped_attributes_count FROM span_events e
           WHERE e.span_row IN (SELECT id FROM spans WHERE trace_id = ?) ORDER BY e.span_row, e.seq`,
        )
        .safeIntegers(true),
      linksOfTrace: db
        .prepare(
          `SELECT l.span_row, l.trace_id, l.span_id, l.trace_state, l.attributes, l.dropped_attributes_count FROM span_links l
           WHERE l.span_row IN (SELECT id FROM spans WHERE trace_id = ?) ORDER BY l.span_row, l.seq`,
        )
        .safeIntegers(true),
      oneSpan: db.prepare(`SELECT ${SPAN_COLUMNS} WHERE s.trace_id = ? AND s.span_id = ?`).safeIntegers(true),
      eventsOfSpan: db
        .prepare('SELECT span_row, time_ns, name, attributes, dropped_attributes_count FROM span_events WHERE span_row = ? ORDER BY seq')
        .safeIntegers(true),
      linksOfSpan: db
        .prepare('SELECT span_row, trace_id, span_id, trace_state, attributes, dropped_attributes_count FROM span_links WHERE span_row = ? ORDER BY seq')
        .safeIntegers(true),
      counters: db.prepare('SELECT name, value FROM counters'),
    };
  }

  listTraces(query: TraceListQuery): TraceListPage {
    const limit = query.limit ?? DEFAULT_PAGE;
    const plan = planTraceList(query, limit);
    let stmt = this.listCache.get(plan.sql);
    if (!stmt) {
      stmt = this.db.prepare(plan.sql).safeIntegers(true);
      if (this.listCache.size > 200) this.listCache.clear();
      this.listCache.set(plan.sql, stmt);
    }
    const rows = stmt.all(...plan.params) as TraceListRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      traces: page.map(summaryOf),
      nextCursor: more && last ? encodeCursor({ sort: plan.sort, value: last.sort_value, traceId: last.trace_id }) : null,
    };
  }

  getTrace(traceId: string): TraceDetail | null {
    const id = Buffer.from(traceId, 'hex');
    const rows = this.stmts.spansOfTrace.all(id) as SpanRow[];
    if (rows.length === 0) return null;
    const events = groupBySpan(this.stmts.eventsOfTrace.all(id) as EventRow[]);
    const links = groupBySpan(this.stmts.linksOfTrace.all(id) as LinkRow[]);
    return { traceId, spans: rows.map((r) => this.spanOf(r, events.get(r.id) ?? [], links.get(r.id) ?? [])) };
  }

  getSpan(traceId: string, spanId: string): SpanRecord | null {
    const row = this.stmts.oneSpan.get(Buffer.from(traceId, 'hex'), Buffer.from(spanId, 'hex')) as SpanRow | undefined;
    if (!row) return null;
    return this.spanOf(row, this.stmts.eventsOfSpan.all(row.id) as EventRow[], this.stmts.linksOfSpan.all(row.id) as LinkRow[]);
  }

  counters(): { spans: number; traces: number } {
    const out = { spans: 0, traces: 0 };
    for (const row of this.stmts.counters.all() as Array<{ name: string; value: number }>) {
      if (row.name === 'spans' || row.name === 'traces') out[row.name] = row.value;
    }
    return out;
  }

  private spanOf(row: SpanRow, events: EventRow[], links: LinkRow[]): SpanRecord {
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
      attributes: this.keys.decode(row.attrs),
      droppedAttributesCount: Number(row.dropped_attributes_count),
      events: events.map(eventOf),
      droppedEventsCount: Number(row.dropped_events_count),
      links: links.map(linkOf),
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
}

function groupBySpan<T extends { span_row: bigint }>(rows: T[]): Map<bigint, T[]> {
  const out = new Map<bigint, T[]>();
  for (const r of rows) {
    const list = out.get(r.span_row);
    if (list) list.push(r);
    else out.set(r.span_row, [r]);
  }
  return out;
}

function eventOf(e: EventRow): SpanEvent {
  return {
    timeUnixNano: e.time_ns.toString(),
    name: e.name,
    attributes: JSON.parse(e.attributes) as Attributes,
    droppedAttributesCount: Number(e.dropped_attributes_count),
  };
}

function linkOf(l: LinkRow): SpanLink {
  return {
    traceId: l.trace_id.toString('hex'),
    spanId: l.span_id.toString('hex'),
    traceState: l.trace_state,
    attributes: JSON.parse(l.attributes) as Attributes,
    droppedAttributesCount: Number(l.dropped_attributes_count),
  };
}
