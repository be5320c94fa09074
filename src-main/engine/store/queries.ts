/**
 * The read side: trace list, one trace, one span, counters. All read SQL lives here or in
 * trace-list-sql.ts, always with bound parameters. Nanosecond columns are read as bigint
 * (safeIntegers) and leave as decimal strings.
 */
import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type {
  Attributes,
  LogRecordView,
  ResourceInfo,
  ScopeInfo,
  SpanEvent,
  SpanLink,
  SpanRecord,
  TraceAudit,
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
import { BLOCK_MAX_SPANS, type DecodedBlock } from './span-block';
import { spansInOrder, TraceBlocks } from './trace-blocks';
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

/**
 * Above this many spans, the agent graph is built from the stored readings alone (agentGraphSpans):
 * reading and normalizing every GenAI span of a million-span trace whole would hold the store thread
 * for tens of seconds.
 */
const WHOLE_GRAPH_MAX_SPANS = 50_000;

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
  private readonly blocks: TraceBlocks;
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
    this.blocks = new TraceBlocks(db);
    this.stmts = {
      recordedDigest: db.prepare('SELECT digest FROM audit_chain WHERE first_row = ?').pluck(),
      traceSpanCount: db.prepare('SELECT span_count FROM traces WHERE trace_id = ?').pluck(),
      // The memory feed walks a window of rows at a time, so a store of spans it does not remember
      // costs each poll one window, not a scan to the end; a block starting up to BLOCK_MAX_SPANS - 1
      // rows before the window can hold its first rows.
      memoryFeed: db.prepare('SELECT first_row, lower(hex(trace_id)) AS trace_id, span_ids, dict, block FROM all_span_blocks WHERE first_row > ? AND first_row <= ? AND feed > 0 ORDER BY first_row'),
      resource: db.prepare('SELECT attributes, dropped_attributes_count FROM resources WHERE id = ?'),
      scope: db.prepare('SELECT name, version, attributes, dropped_attributes_count FROM scopes WHERE id = ?'),
      counters: db.prepare('SELECT name, value FROM counters'),
      tracesSince: db.prepare(
        `SELECT count(*) AS traces, count(*) FILTER (WHERE t.error_count > 0) AS failed FROM traces t WHERE t.start_ns >= ? AND ${NOT_INTERNAL_TRACE}`,
      ),
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
    const blocks = this.blocks.ofTrace(Buffer.from(traceId, 'hex'));
    if (blocks.length === 0) return null;
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
    const spans: OutlineSpan[] = [];
    for (const b of blocks) {
      for (let i = 0; i < b.n; i++) {
        spans.push({
          spanId: b.spanId(i),
          parentSpanId: b.parentSpanId(i),
          name: b.name(i),
          startTimeUnixNano: b.startNs(i).toString(),
          endTimeUnixNano: b.endNs(i).toString(),
          status: statusName(b.statusCode(i)),
          statusMessage: b.statusMessage(i),
          service: serviceOf(b.resourceId(i)),
          genaiKind: b.genaiKind(i),
        });
      }
    }
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
    const spans = spansInOrder(this.blocks.ofTrace(id));
    // A huge trace: every span from its stored reading alone (no attributes, events or messages to
    // decode and normalize again). Costs tool_result edges their call ids (an index reading has
    // none), so they match by tool name and order; see docs/genai-graph.md.
    if (Number(spanCount) > WHOLE_GRAPH_MAX_SPANS) {
      return spans.map(({ b, i }) => {
        const g = b.genai(i);
        return { ...this.placeOf(traceId, b, i), genai: g === null ? null : readStoredGenAi(g) };
      });
    }
    const genAi = spans.filter(({ b, i }) => b.genai(i) !== null).map(({ b, i }) => this.spanOf(traceId, b, i));
    if (genAi.length === 0) return [];
    this.completeGenAi(genAi, this.genAiLogs?.genAiLogsOfTrace(id) ?? []);
    const plain = spans.filter(({ b, i }) => b.genai(i) === null).map(({ b, i }) => this.placeOf(traceId, b, i));
    return [...genAi, ...plain];
  }

  /** A span as a place in the tree (no attributes, events or GenAI reading), with its links. */
  private placeOf(traceId: string, b: DecodedBlock, i: number): GraphSpan {
    return {
      traceId,
      spanId: b.spanId(i),
      parentSpanId: b.parentSpanId(i),
      traceState: '',
      name: b.name(i),
      kind: kindName(b.kind(i)),
      startTimeUnixNano: b.startNs(i).toString(),
      endTimeUnixNano: b.endNs(i).toString(),
      status: { code: statusName(b.statusCode(i)), message: b.statusMessage(i) },
      attributes: {},
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: JSON.parse(b.links(i)) as SpanLink[],
      droppedLinksCount: 0,
      resource: this.resourceOf(b.resourceId(i)),
      scope: this.scopeOf(b.scopeId(i)),
      genai: null,
    };
  }

  getTrace(traceId: string): TraceDetail | null {
    const id = Buffer.from(traceId, 'hex');
    const blocks = this.blocks.ofTrace(id);
    if (blocks.length === 0) return null;
    const spans = spansInOrder(blocks).map(({ b, i }) => this.spanOf(traceId, b, i));
    this.completeGenAi(spans, this.genAiLogs?.genAiLogsOfTrace(id) ?? []);
    return { traceId, spans, audit: this.auditOf(id, blocks) };
  }

  getTraceAudit(traceId: string): TraceAudit | null {
    const id = Buffer.from(traceId, 'hex');
    const blocks = this.blocks.ofTrace(id);
    return blocks.length === 0 ? null : this.auditOf(id, blocks);
  }

  /** Each block hashed again and compared with the digest recorded when it was written (audit-chain.ts). */
  private auditOf(traceId: Buffer, blocks: readonly DecodedBlock[]): TraceAudit {
    const trace = createHash('sha256');
    let recorded = 0;
    let altered = 0;
    for (const b of blocks) {
      const digest = this.stmts.recordedDigest.get(b.firstRow) as Buffer | undefined;
      if (!digest) continue;
      recorded++;
      trace.update(digest);
      if (!b.contentDigest(traceId).equals(digest)) altered++;
    }
    if (recorded === 0) return { state: 'not-recorded', digest: null };
    const state = altered > 0 ? 'altered' : recorded < blocks.length ? 'partly-recorded' : 'verified';
    return { state, digest: trace.digest('hex') };
  }

  getSpan(traceId: string, spanId: string): SpanRecord | null {
    const tid = Buffer.from(traceId, 'hex');
    const sid = Buffer.from(spanId, 'hex');
    const found = this.blocks.find(tid, sid);
    if (!found) return null;
    const span = this.spanOf(traceId, found.block, found.index);
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
    const maxRowId = this.blocks.maxRow();
    // A store replaced under the memory (restored backup, cleared data): start over.
    const after = afterRowId > maxRowId ? 0 : afterRowId;
    const upTo = after + MEMORY_FEED_WINDOW;
    const spans: MemoryFeedBatch['spans'] = [];
    // Only blocks holding a span to remember are read, and only the spans kept are built: under
    // GenAI traffic nearly every row of the window matches, and building the whole window to keep
    // 64 made each poll cost the store thread ~50 ms.
    collect: for (const r of this.stmts.memoryFeed.all(after - BLOCK_MAX_SPANS + 1, upTo) as Array<{ first_row: number; trace_id: string; span_ids: Buffer; dict: number; block: Buffer }>) {
      const b = this.blocks.decode(r);
      for (let i = 0; i < b.n; i++) {
        const row = b.firstRow + i;
        if (row <= after || row > upTo) continue;
        if (b.genai(i) === null && b.statusCode(i) !== 2) continue;
        spans.push({ rowId: row, span: this.spanOf(r.trace_id, b, i) });
        if (spans.length === limit) break collect;
      }
    }
    const nextRowId = spans.length === limit ? spans[spans.length - 1]!.rowId : Math.min(upTo, maxRowId);
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

  private spanOf(traceId: string, b: DecodedBlock, i: number): SpanRecord {
    const genai = b.genai(i);
    return {
      traceId,
      spanId: b.spanId(i),
      parentSpanId: b.parentSpanId(i),
      traceState: b.traceState(i),
      name: b.name(i),
      kind: kindName(b.kind(i)),
      startTimeUnixNano: b.startNs(i).toString(),
      endTimeUnixNano: b.endNs(i).toString(),
      status: { code: statusName(b.statusCode(i)), message: b.statusMessage(i) },
      attributes: this.keys.decode(b.attrs(i)),
      droppedAttributesCount: b.droppedAttributesCount(i),
      events: JSON.parse(b.events(i)) as SpanEvent[],
      droppedEventsCount: b.droppedEventsCount(i),
      links: JSON.parse(b.links(i)) as SpanLink[],
      droppedLinksCount: b.droppedLinksCount(i),
      resource: this.resourceOf(b.resourceId(i)),
      scope: this.scopeOf(b.scopeId(i)),
      // Absent, not undefined, for non-GenAI spans: the record stays deep-equal to what was sent.
      ...(genai === null ? {} : { genai: readStoredGenAi(genai) }),
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
