/**
 * The read side: trace list, one trace, one span, counters. All read SQL lives here or in
 * trace-list-sql.ts, always with bound parameters. Nanosecond columns are read as bigint
 * (safeIntegers) and leave as decimal strings.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type {
  Attributes,
  LogRecordView,
  ResourceInfo,
  ScopeInfo,
  SpanEvent,
  SpanLink,
  SpanRecord,
  TraceDetail,
  TraceListPage,
  TraceListQuery,
  TraceSummary,
} from '../../../src-shared/contract';
import { DEFAULT_PAGE } from '../../../src-shared/validate';
import { kindName, statusName } from '../otlp/span-batch';
import { normalizeSpan, type NormalizeOptions } from '../genai/normalize';
import type { GraphSpan } from '../genai/graph';
import type { AttributeKeys } from './attribute-codec';
import { encodeCursor, NOT_INTERNAL_TRACE, planTraceList } from './trace-list-sql';
import { feedbackOf } from './annotations';
import { completeGenAi, readStoredGenAi, type TraceRollupRow } from './genai-facets';
import type { MemoryFeedBatch, TraceCounts } from './protocol';
import { buildTraceOutline, type OutlineSpan, type TraceOutline } from '../../../src-shared/trace-outline';

/** The columns of TRACE_SUMMARY_COLUMNS (plus the list's sort key). */
export interface TraceListRow extends TraceRollupRow {
  trace_id: Buffer;
  root_name: string;
  service_name: string;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  /** FEEDBACK_COLUMN (annotations.ts). */
  feedback: string | null;
  /** bigint for times and tokens, number for cost (a REAL). */
  sort_value: bigint | number;
}

/**
 * Where the read side gets the GenAI log records of a trace (the deprecated `gen_ai.*` events sent
 * as logs), to merge messages that arrived after their span into its `genai`.
 */
export interface GenAiLogSource {
  genAiLogsOfTrace(traceId: Buffer, spanId?: Buffer): LogRecordView[];
}

/** Ids come out as lowercase hex and nanoseconds as decimal text: SQL does it cheaper than Buffers and bigints in JS. */
interface SpanRow {
  id: number;
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  trace_state: string;
  name: string;
  kind: number;
  start_ns: string;
  end_ns: string;
  status_code: number;
  status_message: string;
  attrs: string;
  dropped_attributes_count: number;
  dropped_events_count: number;
  dropped_links_count: number;
  resource_id: number;
  scope_id: number;
  genai: string | null;
}

interface EventRow {
  span_row: number;
  time_ns: string;
  name: string;
  attributes: string;
  dropped_attributes_count: number;
}

interface LinkRow {
  span_row: number;
  trace_id: string;
  span_id: string;
  trace_state: string;
  attributes: string;
  dropped_attributes_count: number;
}

/**
 * Above this many spans, the agent graph is built from the stored readings alone (agentGraphSpans):
 * reading and normalizing every GenAI span of a million-span trace whole would hold the store thread
 * for tens of seconds.
 */
const WHOLE_GRAPH_MAX_SPANS = 50_000;

interface PlainSpanRow {
  id: number;
  span_id: string;
  parent_span_id: string;
  name: string;
  kind: number;
  start_ns: string;
  end_ns: string;
  status_code: number;
  status_message: string;
  resource_id: number;
  scope_id: number;
}

/** A row of outlineOfTrace, in column order. */
type OutlineRow = [spanId: string, parentSpanId: string, name: string, startNs: string, endNs: string, statusCode: number, statusMessage: string, resourceId: number, genaiKind: string | null];

const SPAN_COLUMNS = `SELECT s.id, lower(hex(s.trace_id)) AS trace_id, lower(hex(s.span_id)) AS span_id,
  lower(hex(s.parent_span_id)) AS parent_span_id, s.trace_state, s.name, s.kind,
  CAST(s.start_ns AS TEXT) AS start_ns, CAST(s.end_ns AS TEXT) AS end_ns, s.status_code, s.status_message, s.attrs,
  s.dropped_attributes_count, s.dropped_events_count, s.dropped_links_count, s.resource_id, s.scope_id, s.genai
  FROM spans s`;
const EVENT_COLUMNS = `SELECT e.span_row, CAST(e.time_ns AS TEXT) AS time_ns, e.name, e.attributes, e.dropped_attributes_count`;
const LINK_COLUMNS = `SELECT l.span_row, lower(hex(l.trace_id)) AS trace_id, lower(hex(l.span_id)) AS span_id, l.trace_state,
  l.attributes, l.dropped_attributes_count`;

const num = (v: bigint | null): number => (v === null ? 0 : Number(v));

export function summaryOf(row: TraceListRow): TraceSummary {
  const summary: TraceSummary = {
    traceId: row.trace_id.toString('hex'),
    rootName: row.root_name,
    serviceName: row.service_name,
    startTimeUnixNano: row.start_ns.toString(),
    durationMs: Number(row.end_ns - row.start_ns) / 1e6,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
  };
  if (row.has_genai === 1n) {
    summary.genai = {
      inputTokens: num(row.input_tokens),
      outputTokens: num(row.output_tokens),
      totalTokens: num(row.total_tokens),
      costUsd: row.cost_usd,
      models: row.models === null ? [] : (JSON.parse(row.models) as string[]),
      agents: row.agents === null ? [] : (JSON.parse(row.agents) as string[]),
      llmCalls: num(row.llm_calls),
      toolCalls: num(row.tool_calls),
      sessionId: row.session_id,
    };
  }
  const feedback = feedbackOf(row.feedback);
  if (feedback) summary.feedback = feedback;
  return summary;
}

/** Rows the memory feed looks at per poll (Queries.memoryFeed). */
const MEMORY_FEED_WINDOW = 5000;

export class Queries {
  private readonly stmts;
  private readonly listCache = new Map<string, BetterSqlite3.Statement>();

  /** Resources and scopes never change once stored; shared by every span that names them. */
  private readonly resources = new Map<number, ResourceInfo>();
  private readonly scopes = new Map<number, ScopeInfo>();

  /** Set by the worker once the log queries exist (they need this class's resource cache first). */
  genAiLogs: GenAiLogSource | null = null;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly keys: AttributeKeys,
    private readonly normalizeOptions: NormalizeOptions = {},
  ) {
    this.stmts = {
      spansOfTrace: db.prepare(`${SPAN_COLUMNS} WHERE s.trace_id = ? ORDER BY s.start_ns, s.id`),
      eventsOfTrace: db.prepare(`${EVENT_COLUMNS} FROM spans s JOIN span_events e ON e.span_row = s.id WHERE s.trace_id = ? ORDER BY e.span_row, e.seq`),
      linksOfTrace: db.prepare(`${LINK_COLUMNS} FROM spans s JOIN span_links l ON l.span_row = s.id WHERE s.trace_id = ? ORDER BY l.span_row, l.seq`),
      oneSpan: db.prepare(`${SPAN_COLUMNS} WHERE s.trace_id = ? AND s.span_id = ?`),
      // The outline's narrow read: no attributes, events or links; the GenAI kind straight from the
      // stored reading (short key `k`, or `kind` in rows from before the compact encoding), so no
      // JSON is parsed in JS. Raw rows (arrays), since a big trace has a million of them.
      genAiSpansOfTrace: db.prepare(`${SPAN_COLUMNS} WHERE s.trace_id = ? AND s.genai IS NOT NULL`),
      genAiEventsOfTrace: db.prepare(`${EVENT_COLUMNS} FROM spans s JOIN span_events e ON e.span_row = s.id
        WHERE s.trace_id = ? AND s.genai IS NOT NULL ORDER BY e.span_row, e.seq`),
      plainSpansOfTrace: db.prepare(`SELECT id, lower(hex(span_id)) AS span_id, lower(hex(parent_span_id)) AS parent_span_id, name, kind,
          CAST(start_ns AS TEXT) AS start_ns, CAST(end_ns AS TEXT) AS end_ns, status_code, status_message, resource_id, scope_id
        FROM spans WHERE trace_id = ? AND genai IS NULL`),
      traceSpanCount: db.prepare('SELECT span_count FROM traces WHERE trace_id = ?').pluck(),
      // Every span of a huge trace as a place in the tree with its stored GenAI reading.
      graphRowsOfTrace: db.prepare(`SELECT id, lower(hex(span_id)) AS span_id, lower(hex(parent_span_id)) AS parent_span_id, name, kind,
          CAST(start_ns AS TEXT) AS start_ns, CAST(end_ns AS TEXT) AS end_ns, status_code, status_message, resource_id, scope_id, genai
        FROM spans WHERE trace_id = ?`),
      outlineOfTrace: db
        .prepare(`SELECT lower(hex(span_id)), lower(hex(parent_span_id)), name, CAST(start_ns AS TEXT), CAST(end_ns AS TEXT),
            status_code, status_message, resource_id, coalesce(genai ->> '$.k', genai ->> '$.kind')
          FROM spans WHERE trace_id = ?`)
        .raw(true),
      eventsOfSpan: db.prepare(`${EVENT_COLUMNS} FROM span_events e WHERE e.span_row = ? ORDER BY e.seq`),
      linksOfSpan: db.prepare(`${LINK_COLUMNS} FROM span_links l WHERE l.span_row = ? ORDER BY l.seq`),
      resource: db.prepare('SELECT attributes, dropped_attributes_count FROM resources WHERE id = ?'),
      scope: db.prepare('SELECT name, version, attributes, dropped_attributes_count FROM scopes WHERE id = ?'),
      counters: db.prepare('SELECT name, value FROM counters'),
      tracesSince: db.prepare(
        `SELECT count(*) AS traces, count(*) FILTER (WHERE t.error_count > 0) AS failed FROM traces t WHERE t.start_ns >= ? AND ${NOT_INTERNAL_TRACE}`,
      ),
      // The memory feed walks a window of rows at a time, so a store of spans it does not remember
      // costs each poll one window, not a scan to the end.
      memoryFeed: db.prepare(`${SPAN_COLUMNS} WHERE s.id > ? AND s.id <= ? AND (s.genai IS NOT NULL OR s.status_code = 2) ORDER BY s.id LIMIT ?`),
      maxRowId: db.prepare('SELECT coalesce(max(id), 0) FROM spans').pluck(),
      traceExists: db.prepare('SELECT 1 FROM traces WHERE trace_id = ?').pluck(),
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

  /**
   * The trace's shape for drawing (src-shared/trace-outline.ts), without attributes, events, links
   * or messages: what the timeline and graph need for every span of a trace too big to send whole.
   */
  getTraceOutline(traceId: string): TraceOutline | null {
    const rows = this.stmts.outlineOfTrace.all(Buffer.from(traceId, 'hex')) as OutlineRow[];
    if (rows.length === 0) return null;
    const services = new Map<number, string>();
    const serviceOf = (resourceId: number): string => {
      let name = services.get(resourceId);
      if (name === undefined) {
        const v = this.resourceOf(resourceId).attributes['service.name'];
        name = typeof v === 'string' ? v : '';
        services.set(resourceId, name);
      }
      return name;
    };
    const spans: OutlineSpan[] = rows.map((r) => ({
      spanId: r[0],
      parentSpanId: r[1] === '' ? null : r[1],
      name: r[2],
      startTimeUnixNano: r[3],
      endTimeUnixNano: r[4],
      status: statusName(r[5]),
      statusMessage: r[6],
      service: serviceOf(r[7]),
      genaiKind: r[8],
    }));
    return buildTraceOutline(traceId, spans);
  }

  /**
   * What buildAgentGraph needs: GenAI spans whole (completed as getTrace does, messages included,
   * for tool_result matching), every other span only as a place in the tree with its links (no
   * attributes or events; `genai: null` so the graph does not read them again); past
   * WHOLE_GRAPH_MAX_SPANS, every span from its stored reading. Keeps the store thread from decoding
   * a million attribute maps to draw a graph of a few hundred nodes.
   */
  agentGraphSpans(traceId: string): GraphSpan[] | null {
    const id = Buffer.from(traceId, 'hex');
    const spanCount = this.stmts.traceSpanCount.get(id) as bigint | number | undefined;
    if (spanCount === undefined) return null;
    const links = groupBySpan(this.stmts.linksOfTrace.all(id) as LinkRow[]);
    // A huge trace: every span from its stored reading alone (no attributes, events or messages to
    // decode and normalize again). Costs tool_result edges their call ids (an index reading has
    // none), so they match by tool name and order; see docs/genai-graph.md.
    if (Number(spanCount) > WHOLE_GRAPH_MAX_SPANS) {
      return (this.stmts.graphRowsOfTrace.all(id) as Array<PlainSpanRow & { genai: string | null }>).map((r) => ({
        ...this.placeOf(traceId, r, links),
        genai: r.genai === null ? null : readStoredGenAi(r.genai),
      }));
    }
    const rows = this.stmts.genAiSpansOfTrace.all(id) as SpanRow[];
    if (rows.length === 0) return [];
    const events = groupBySpan(this.stmts.genAiEventsOfTrace.all(id) as EventRow[]);
    const spans: SpanRecord[] = rows.map((r) => this.spanOf(r, events.get(r.id) ?? [], links.get(r.id) ?? []));
    this.completeGenAi(spans, this.genAiLogs?.genAiLogsOfTrace(id) ?? []);
    const plain = (this.stmts.plainSpansOfTrace.all(id) as PlainSpanRow[]).map((r) => this.placeOf(traceId, r, links));
    return [...spans, ...plain];
  }

  /** A span as a place in the tree (no attributes, events or GenAI reading), with its links. */
  private placeOf(traceId: string, r: PlainSpanRow, links: Map<number, LinkRow[]>): GraphSpan {
    return {
      traceId,
      spanId: r.span_id,
      parentSpanId: r.parent_span_id === '' ? null : r.parent_span_id,
      traceState: '',
      name: r.name,
      kind: kindName(r.kind),
      startTimeUnixNano: r.start_ns,
      endTimeUnixNano: r.end_ns,
      status: { code: statusName(r.status_code), message: r.status_message },
      attributes: {},
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: (links.get(r.id) ?? []).map(linkOf),
      droppedLinksCount: 0,
      resource: this.resourceOf(r.resource_id),
      scope: this.scopeOf(r.scope_id),
      genai: null,
    };
  }

  getTrace(traceId: string): TraceDetail | null {
    const id = Buffer.from(traceId, 'hex');
    const rows = this.stmts.spansOfTrace.all(id) as SpanRow[];
    if (rows.length === 0) return null;
    const events = groupBySpan(this.stmts.eventsOfTrace.all(id) as EventRow[]);
    const links = groupBySpan(this.stmts.linksOfTrace.all(id) as LinkRow[]);
    const spans = rows.map((r) => this.spanOf(r, events.get(r.id) ?? [], links.get(r.id) ?? []));
    this.completeGenAi(spans, this.genAiLogs?.genAiLogsOfTrace(id) ?? []);
    return { traceId, spans };
  }

  getSpan(traceId: string, spanId: string): SpanRecord | null {
    const tid = Buffer.from(traceId, 'hex');
    const sid = Buffer.from(spanId, 'hex');
    const row = this.stmts.oneSpan.get(tid, sid) as SpanRow | undefined;
    if (!row) return null;
    const span = this.spanOf(row, this.stmts.eventsOfSpan.all(row.id) as EventRow[], this.stmts.linksOfSpan.all(row.id) as LinkRow[]);
    this.completeGenAi([span], this.genAiLogs?.genAiLogsOfTrace(tid, sid) ?? []);
    return span;
  }

  /**
   * Completes the stored readings (see genai-facets.ts: messages are not stored twice) by
   * normalizing the GenAI spans again, with the trace's GenAI log records: messages sent as
   * `gen_ai.*` log events may arrive after their span was compacted, and are merged here. The log
   * read is one indexed query, usually empty; the stored rollup does not see log records (they
   * carry messages and finish reasons, not usage).
   */
  private completeGenAi(spans: SpanRecord[], logs: LogRecordView[]): void {
    const named = new Set(logs.map((l) => l.spanId));
    for (const span of spans) {
      if (!span.genai && !named.has(span.spanId)) continue;
      const genai = completeGenAi(span.genai, normalizeSpan(span, named.has(span.spanId) ? logs : undefined, this.normalizeOptions));
      if (genai) span.genai = genai;
    }
  }

  /**
   * GenAI and failed spans after `afterRowId` in insert order (= log order), with their full
   * readings (messages included), looking at most `MEMORY_FEED_WINDOW` rows and keeping at most
   * `limit` spans; the memory remembers them (docs/memory.md).
   */
  memoryFeed(afterRowId: number, limit: number): MemoryFeedBatch {
    const maxRowId = this.stmts.maxRowId.get() as number;
    // A store replaced under the memory (restored backup, cleared data): start over.
    const after = afterRowId > maxRowId ? 0 : afterRowId;
    // Only the rows kept are read: under GenAI traffic nearly every row of the window matches, and
    // reading the whole window to keep 64 rows made each poll cost the store thread ~50 ms.
    const kept = this.stmts.memoryFeed.all(after, after + MEMORY_FEED_WINDOW, limit) as SpanRow[];
    const nextRowId = kept.length === limit ? kept[kept.length - 1]!.id : Math.min(after + MEMORY_FEED_WINDOW, maxRowId);
    const spans = kept.map((r) => ({
      rowId: r.id,
      span: this.spanOf(r, this.stmts.eventsOfSpan.all(r.id) as EventRow[], this.stmts.linksOfSpan.all(r.id) as LinkRow[]),
    }));
    for (const { span } of spans) this.completeGenAi([span], this.genAiLogs?.genAiLogsOfTrace(Buffer.from(span.traceId, 'hex'), Buffer.from(span.spanId, 'hex')) ?? []);
    return { spans, nextRowId, rowsAfter: Math.max(0, maxRowId - nextRowId) };
  }

  tracesExist(traceIds: readonly string[]): string[] {
    return traceIds.filter((id) => /^[0-9a-f]{32}$/.test(id) && this.stmts.traceExists.get(Buffer.from(id, 'hex')) !== undefined);
  }

  /** Traces that started at or after fromNs (an index range on start), as the default list shows them. */
  countTracesSince(fromNs: string): TraceCounts {
    return this.stmts.tracesSince.get(BigInt(fromNs)) as TraceCounts;
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
      traceId: row.trace_id,
      spanId: row.span_id,
      parentSpanId: row.parent_span_id === '' ? null : row.parent_span_id,
      traceState: row.trace_state,
      name: row.name,
      kind: kindName(row.kind),
      startTimeUnixNano: row.start_ns,
      endTimeUnixNano: row.end_ns,
      status: { code: statusName(row.status_code), message: row.status_message },
      attributes: this.keys.decode(row.attrs),
      droppedAttributesCount: row.dropped_attributes_count,
      events: events.map(eventOf),
      droppedEventsCount: row.dropped_events_count,
      links: links.map(linkOf),
      droppedLinksCount: row.dropped_links_count,
      resource: this.resourceOf(row.resource_id),
      scope: this.scopeOf(row.scope_id),
      // Absent, not undefined, for non-GenAI spans: the record stays deep-equal to what was sent.
      ...(row.genai === null ? {} : { genai: readStoredGenAi(row.genai) }),
    };
  }

  /** After the resources and scopes tables were emptied (Deletion.clearAll): new rows reuse the ids. */
  forgetResources(): void {
    this.resources.clear();
    this.scopes.clear();
  }

  /** Also used by the log and metric queries: one cache for every signal. */
  resourceOf(id: number): ResourceInfo {
    let r = this.resources.get(id);
    if (!r) {
      const row = this.stmts.resource.get(id) as { attributes: string; dropped_attributes_count: number };
      r = { attributes: JSON.parse(row.attributes) as Attributes, droppedAttributesCount: row.dropped_attributes_count };
      this.resources.set(id, r);
    }
    return r;
  }

  scopeOf(id: number): ScopeInfo {
    let c = this.scopes.get(id);
    if (!c) {
      const row = this.stmts.scope.get(id) as { name: string; version: string; attributes: string; dropped_attributes_count: number };
      c = { name: row.name, version: row.version, attributes: JSON.parse(row.attributes) as Attributes, droppedAttributesCount: row.dropped_attributes_count };
      this.scopes.set(id, c);
    }
    return c;
  }
}

function groupBySpan<T extends { span_row: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.span_row);
    if (list) list.push(r);
    else out.set(r.span_row, [r]);
  }
  return out;
}

function eventOf(e: EventRow): SpanEvent {
  return {
    timeUnixNano: e.time_ns,
    name: e.name,
    attributes: JSON.parse(e.attributes) as Attributes,
    droppedAttributesCount: e.dropped_attributes_count,
  };
}

function linkOf(l: LinkRow): SpanLink {
  return {
    traceId: l.trace_id,
    spanId: l.span_id,
    traceState: l.trace_state,
    attributes: JSON.parse(l.attributes) as Attributes,
    droppedAttributesCount: l.dropped_attributes_count,
  };
}
