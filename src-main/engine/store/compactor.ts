/**
 * L0 → L1: turns accepted batches, in log order, into the indexed tables (span blocks, span names,
 * resources, scopes, traces, full text, counters) and advances the watermark, all in one transaction, so a crash leaves
 * either the whole batch compacted or the log rows still above the watermark for replay.
 *
 * Spans are grouped by trace: each trace's new spans of the pass become one or more blocks
 * (span-block.ts, ADR 0011), numbered with consecutive span rows. A span already stored (an
 * exporter's retry) is found by its id among the trace's stored ids, which are read only for a
 * trace stored before, and kept in memory while the trace keeps arriving (KnownSpanIds).
 *
 * GenAI: every inserted span is normalized once (normalizeSpan; null, and cheap, for spans without
 * a GenAI marker; protobuf requests come already read by the span-decode worker, span-decoding.ts)
 * and its GenAiSpan stored as JSON (without message content: genai-facets.ts); the
 * trace's rollup columns and filter tokens are kept current as its spans arrive, batch after batch.
 * The dashboard's rollups (analytics-rollups.ts) are accumulated per batch and written behind.
 * Every session a trace of the slice names (or logged events inside) has its summary marked stale,
 * with its bounds widened, in the same transaction (session-summaries.ts). Each block written is
 * recorded in the audit chain (audit-chain.ts), in the same transaction too.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { GenAiSpan, GenAiTraceRollup, SpanRecord } from '../../../src-shared/contract';
import { SPAN_KINDS, STATUS_CODES } from '../otlp/span-batch';
import { normalizeSpan, type NormalizeOptions } from '../genai/normalize';
import type { RollupItem } from '../genai/rollup';
import { RollupStates, TraceRollupState } from '../genai/rollup-state';
import { SearchDocument, type AttributeKeys } from './attribute-codec';
import { serviceNameOf, type ResourceScopes } from './resource-scopes';
import { DROP_SPENT_LOG_SQL } from './forward-queue';
import { forEachFacet, readStoredGenAi, storedGenAi, type TraceRollupRow } from './genai-facets';
import { kindAt, readingAt, rollupColumnsAt, type ReadGenAi, type RequestTraces } from './span-decoding';
import { SPAN_ROW_FLOOR } from './retention';
import { BLOCK_MAX_SPANS, encodeBlock, type BlockSpan } from './span-block';
import { BlockDictionaryTrainer } from './block-dictionary';
import { spansInOrder, TraceBlocks } from './trace-blocks';
import { AuditChain } from './audit-chain';
import { ANALYTICS_ROW, AnalyticsRollups } from './analytics-rollups';
import type { SessionSummaries } from './session-summaries';

/** A span's place in the trace tree and its GenAI reading, for the trace's rollup state. */
interface GenAiItem extends RollupItem {
  start: bigint;
}

export interface AcceptedBatch {
  seq: number;
  receivedAt: number;
  spans: SpanRecord[];
  /** The spans' readings when the span-decode worker already took them (span-decoding.ts); else read here. */
  genai?: ReadGenAi | null;
}

export interface CompactionResult {
  insertedSpans: number;
  newTraces: number;
  traceIds: string[];
}

interface TraceDelta {
  traceId: Buffer;
  spans: number;
  errors: number;
  start: bigint;
  end: bigint;
  root: RootCandidate | null;
  receivedAt: number;
  search: SearchDocument;
  /** Every inserted span of this delta (GenAI or not: non-GenAI spans can link a GenAI child to its GenAI ancestor). */
  items: GenAiItem[];
  hasGenai: boolean;
  /** What the span-decode worker derived for this trace, taken instead of items and facets (new traces from one request). */
  summary: TraceSummary | null;
}

interface RootCandidate {
  spanId: Buffer;
  name: string;
  orphan: boolean;
  start: bigint;
  serviceName: string;
}

interface TraceRow extends TraceRollupRow {
  root_span_id: Buffer;
  root_name: string;
  root_is_orphan: bigint;
  root_start_ns: bigint;
  service_name: string;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
}

/** The rollup columns of a trace row, in upsert order. */
type RollupColumns = [hasGenai: number | bigint, ...rest: Array<bigint | number | string | null>];

function rollupColumns(r: GenAiTraceRollup): RollupColumns {
  return [1, r.inputTokens, r.outputTokens, r.totalTokens, r.costUsd, r.llmCalls, r.toolCalls, JSON.stringify(r.models), JSON.stringify(r.agents), r.sessionId];
}

function storedColumns(row: TraceRow): RollupColumns {
  return [row.has_genai, row.input_tokens, row.output_tokens, row.total_tokens, row.cost_usd, row.llm_calls, row.tool_calls, row.models, row.agents, row.session_id];
}

const NO_ROLLUP: RollupColumns = [0, null, null, null, null, null, null, null, null, null];

/** The values the list filters look up (see TraceListQuery: model, agent, tool, kind), as search tokens. */
function addFacets(search: SearchDocument, g: GenAiSpan): void {
  forEachFacet(g, (facet, value) => search.addKv(facet, value));
}

/** A parentless span beats an orphan (its parent never arrived); then the earlier start wins. */
function betterRoot(a: RootCandidate, b: RootCandidate | null): boolean {
  if (!b) return true;
  if (a.orphan !== b.orphan) return !a.orphan;
  return a.start < b.start;
}

/**
 * Spans whose rollup state stays in memory across batches (RollupStates): about 100 bytes each, so
 * ~150 MB at the bound; a trace beyond it is re-read from the store on each batch instead.
 */
const ROLLUP_STATE_MAX_SPANS = 1_500_000;
/** Span ids of traces that arrive in more than one pass, kept so each pass does not re-read them (~80 bytes each). */
const KNOWN_SPAN_IDS_MAX = 500_000;
/** Names interned in span_names, kept so a repeated name costs no statement. */
const NAME_IDS_MAX = 50_000;

/** A trace's spans of one pass, in arrival order, before the duplicate check. */
interface PendingTrace {
  spans: SpanRecord[];
  /** The span's reading when it was taken here; null when there is none or it is still packed (below). */
  genai: Array<GenAiSpan | null>;
  /** The span-decode worker's readings the span's is in, and its index there; null, -1: taken here. */
  reads: Array<ReadGenAi | null>;
  at: number[];
  stored: Array<string | null>;
  receivedAt: number[];
  ids: Set<string>;
  /** The request this trace's first span of the slice came in, and that span's index in it. */
  from: AcceptedBatch;
  fromIndex: number;
  /** All of the trace's spans of the slice came in `from`. */
  oneRequest: boolean;
}

/** A trace's place in its request's RequestTraces. */
interface TraceSummary {
  traces: RequestTraces;
  t: number;
}

/** The stored span ids of recently written traces (least recently used first out), bounded in ids. */
class KnownSpanIds {
  private readonly traces = new Map<string, Set<string>>();
  private size = 0;

  constructor(private readonly max: number) {}

  get(traceId: string): Set<string> | undefined {
    const ids = this.traces.get(traceId);
    if (ids) {
      this.traces.delete(traceId);
      this.traces.set(traceId, ids);
    }
    return ids;
  }

  /** Call after adding `added` ids to `ids` (new or not). */
  keep(traceId: string, ids: Set<string>, added: number): void {
    if (!this.traces.has(traceId)) {
      this.traces.set(traceId, ids);
      this.size += ids.size;
    } else this.size += added;
    for (const [id, s] of this.traces) {
      if (this.size <= this.max) break;
      this.traces.delete(id);
      this.size -= s.size;
    }
  }

  clear(): void {
    this.traces.clear();
    this.size = 0;
  }
}

export class Compactor {
  private readonly stmts;
  private readonly normalizeOptions: NormalizeOptions | null;
  private readonly rollups = new RollupStates(ROLLUP_STATE_MAX_SPANS);
  private readonly knownSpanIds = new KnownSpanIds(KNOWN_SPAN_IDS_MAX);
  private readonly nameIds = new Map<string, number>();
  private readonly blocks: TraceBlocks;
  private readonly audit: AuditChain;
  /** Also what block-compression.ts deflates with. */
  readonly dictionary: BlockDictionaryTrainer;
  /** genai_services as stored (only clearing all data deletes rows), so a known service costs no statement. */
  private readonly genAiServices: Set<string>;
  /** The row number of the next span stored: above every stored row and the floor a delete left (retention.ts SPAN_ROW_FLOOR). */
  private nextRow = 1;
  /** null: no analytics rollups (EngineOptions.analytics false). */
  private readonly analytics: AnalyticsRollups | null;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly keys: AttributeKeys,
    private readonly resourceScopes: ResourceScopes,
    private readonly sessions: SessionSummaries,
    /** span-decoding.ts ingestNormalizeOptions; null: store spans without their GenAI reading. */
    normalizeOptions: NormalizeOptions | null,
    analytics = true,
  ) {
    this.normalizeOptions = normalizeOptions;
    this.blocks = new TraceBlocks(db);
    this.analytics = analytics ? new AnalyticsRollups(db, this.blocks) : null;
    // Without rollups nothing is owed to them: when they are back they start from the spans then stored.
    if (!analytics) db.prepare(`DELETE FROM counters WHERE name = '${ANALYTICS_ROW}'`).run();
    this.genAiServices = new Set(db.prepare('SELECT service_name FROM genai_services').pluck().all() as string[]);
    this.audit = new AuditChain(db);
    this.dictionary = new BlockDictionaryTrainer(db);
    this.stmts = {
      insertBlock: db.prepare('INSERT INTO span_blocks_fresh (first_row, trace_id, span_count, span_ids, feed, block) VALUES (?, ?, ?, ?, ?, ?)'),
      nameId: db.prepare('INSERT INTO span_names (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id').pluck(),
      traceName: db.prepare('INSERT OR IGNORE INTO trace_span_names (name_id, trace_id) VALUES (?, ?)'),
      insertDoc: db.prepare('INSERT INTO search_docs (trace_id) VALUES (?)'),
      insertSearch: db.prepare('INSERT INTO trace_search (rowid, name, text, kv) VALUES (?, ?, ?, ?)'),
      getTrace: db.prepare('SELECT * FROM traces WHERE trace_id = ?').safeIntegers(true),
      upsertTrace: db.prepare(`
        INSERT INTO traces (trace_id, root_span_id, root_name, root_is_orphan, root_start_ns, service_name,
          start_ns, end_ns, span_count, error_count, last_received_at,
          has_genai, input_tokens, output_tokens, total_tokens, cost_usd, llm_calls, tool_calls, models, agents, session_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (trace_id) DO UPDATE SET
          root_span_id = excluded.root_span_id, root_name = excluded.root_name,
          root_is_orphan = excluded.root_is_orphan, root_start_ns = excluded.root_start_ns,
          service_name = excluded.service_name, start_ns = excluded.start_ns, end_ns = excluded.end_ns,
          span_count = excluded.span_count, error_count = excluded.error_count,
          last_received_at = excluded.last_received_at,
          has_genai = excluded.has_genai, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
          total_tokens = excluded.total_tokens, cost_usd = excluded.cost_usd, llm_calls = excluded.llm_calls,
          tool_calls = excluded.tool_calls, models = excluded.models, agents = excluded.agents,
          session_id = excluded.session_id`),
      addCounter: db.prepare('UPDATE counters SET value = value + ? WHERE name = ?'),
      // The trace list's noise rule (trace-list-sql.ts): services that sent a GenAI span.
      genAiService: db.prepare('INSERT OR IGNORE INTO genai_services (service_name) VALUES (?)'),
      setWatermark: db.prepare('UPDATE compaction_state SET watermark = ? WHERE id = 1'),
      // Rows an upstream endpoint has not been given yet stay: the log is its queue (forward-queue.ts).
      dropLog: db.prepare(DROP_SPENT_LOG_SQL),
      spanRowFloor: db.prepare(`SELECT value FROM counters WHERE name = '${SPAN_ROW_FLOOR}'`).pluck(),
    };
    this.readNextRow();
  }

  private readNextRow(): void {
    const floor = (this.stmts.spanRowFloor.get() as number | undefined) ?? 0;
    this.nextRow = Math.max(floor, this.blocks.maxRow()) + 1;
  }

  watermark(): number {
    return this.db.prepare('SELECT watermark FROM compaction_state WHERE id = 1').pluck().get() as number;
  }

  compact(batches: readonly AcceptedBatch[]): CompactionResult {
    if (batches.length === 0) return { insertedSpans: 0, newTraces: 0, traceIds: [] };
    const keysBefore = this.keys.maxId();
    try {
      return this.compactInTransaction(batches);
    } catch (err) {
      this.keys.forgetAbove(keysBefore);
      // The batch rolled back, but rollup states, known ids and names may already hold its spans, and its rows are free again.
      this.rollups.clear();
      this.knownSpanIds.clear();
      this.nameIds.clear();
      this.dictionary.reload();
      this.audit.reload();
      this.analytics?.reset();
      this.readNextRow();
      throw err;
    }
  }

  private compactInTransaction(batches: readonly AcceptedBatch[]): CompactionResult {
    return this.db.transaction(() => {
      const pending = new Map<string, PendingTrace>();
      for (const batch of batches) {
        const read = batch.genai;
        for (let i = 0; i < batch.spans.length; i++) {
          const span = batch.spans[i]!;
          let p = pending.get(span.traceId);
          if (!p) {
            p = { spans: [], genai: [], reads: [], at: [], stored: [], receivedAt: [], ids: new Set(), from: batch, fromIndex: i, oneRequest: true };
            pending.set(span.traceId, p);
          } else if (p.from !== batch) p.oneRequest = false;
          if (p.ids.has(span.spanId)) continue; // sent twice in this pass: stored once
          p.ids.add(span.spanId);
          let genai: GenAiSpan | null = null;
          let stored: string | null = null;
          if (read) {
            // Built only for a trace derived here (most take their request's summary and the packed fields).
            stored = read.stored[i] ?? null;
          } else if (this.normalizeOptions !== null) {
            genai = normalizeSpan(span, undefined, this.normalizeOptions);
            stored = genai === null ? null : storedGenAi(genai);
          }
          p.spans.push(span);
          p.genai.push(genai);
          p.reads.push(read ?? null);
          p.at.push(read ? i : -1);
          p.stored.push(stored);
          p.receivedAt.push(batch.receivedAt);
        }
      }
      const deltas = new Map<string, { delta: TraceDelta; row: TraceRow | undefined }>();
      let inserted = 0;
      for (const [traceHex, p] of pending) {
        const traceId = Buffer.from(traceHex, 'hex');
        const row = this.stmts.getTrace.get(traceId) as TraceRow | undefined;
        const keep = row ? this.newSpansOf(traceHex, traceId, p) : p.spans.map((_, i) => i);
        if (keep.length === 0) continue;
        const traces = p.from.genai?.traces;
        const summary: TraceSummary | null = !row && p.oneRequest && traces !== undefined ? { traces, t: traces.traceOf[p.fromIndex]! } : null;
        const blockSpans: BlockSpan[] = [];
        const spanIds: Buffer[] = [];
        const names = new Set<string>();
        let delta: TraceDelta | undefined;
        let feed = 0;
        const flush = () => {
          // Stored as encoded: deflating (~15 % of compaction) is left to block-compression.ts, in the store thread's spare time.
          const raw = encodeBlock(blockSpans);
          this.dictionary.sample(raw);
          const ids = Buffer.concat(spanIds);
          this.stmts.insertBlock.run(this.nextRow, traceId, blockSpans.length, ids, feed, raw);
          this.audit.add(this.nextRow, traceId, ids, raw);
          this.nextRow += blockSpans.length;
          blockSpans.length = 0;
          spanIds.length = 0;
          feed = 0;
        };
        for (const i of keep) {
          const span = p.spans[i]!;
          const stored = p.stored[i]!;
          const read = p.reads[i]!;
          if (summary !== null && read !== null) {
            delta = this.accumulate(delta, traceId, span, p.receivedAt[i]!, null, summary);
            this.analytics?.addPacked(span, read, p.at[i]!);
            blockSpans.push(this.blockSpanOf(span, stored, stored === null ? null : kindAt(read, p.at[i]!)));
          } else {
            const genai = p.genai[i] ?? (read === null ? null : readingAt(read, p.at[i]!));
            delta = this.accumulate(delta, traceId, span, p.receivedAt[i]!, genai, summary);
            this.analytics?.add(span, genai);
            blockSpans.push(this.blockSpanOf(span, stored, genai?.kind ?? null));
          }
          spanIds.push(Buffer.from(span.spanId, 'hex'));
          names.add(span.name);
          if (stored !== null || span.status.code === 'error') feed++;
          if (blockSpans.length === BLOCK_MAX_SPANS) flush();
        }
        if (blockSpans.length > 0) flush();
        if (summary !== null) {
          const { traces, t } = summary;
          delta!.search.addKvTokens(traces.facets, traces.facetStart[t]!, traces.facetStart[t + 1]!);
        }
        for (const name of names) this.stmts.traceName.run(this.nameIdOf(name), traceId);
        inserted += keep.length;
        deltas.set(traceHex, { delta: delta!, row });
      }
      let newTraces = 0;
      // One upsert per session the slice touched, not one per trace: a session's runs arrive together.
      const sessions = new Map<string, { first: bigint; last: bigint }>();
      const movedFrom = new Set<string>();
      for (const { delta, row } of deltas.values()) {
        const applied = this.applyTraceDelta(delta, row);
        if (applied.isNew) newTraces++;
        if (applied.sessionId !== null) {
          const b = sessions.get(applied.sessionId);
          if (!b) sessions.set(applied.sessionId, { first: applied.start, last: applied.end });
          else {
            if (applied.start < b.first) b.first = applied.start;
            if (applied.end > b.last) b.last = applied.end;
          }
        }
        // Sessions whose log events name this trace hold it too, whatever session its spans name.
        this.sessions.touchSessionsLoggedIn(delta.traceId);
        // A late root can name another session than the spans before it did.
        if (applied.previousSessionId !== null && applied.previousSessionId !== applied.sessionId) movedFrom.add(applied.previousSessionId);
        // Only a new GenAI service costs a statement: one per trace was ~8 % of ingest.
        if (applied.hasGenai && !this.genAiServices.has(applied.serviceName)) {
          this.stmts.genAiService.run(applied.serviceName);
          this.genAiServices.add(applied.serviceName);
        }
        const doc = delta.search.columns();
        const docId = this.stmts.insertDoc.run(delta.traceId).lastInsertRowid;
        this.stmts.insertSearch.run(docId, doc.name, doc.text, doc.kv);
      }
      for (const [id, b] of sessions) this.sessions.touch(id, b.first, b.last);
      this.sessions.reconcile(movedFrom);
      this.analytics?.flush(this.nextRow - 1);
      this.stmts.addCounter.run(inserted, 'spans');
      this.stmts.addCounter.run(newTraces, 'traces');
      const last = batches[batches.length - 1]!.seq;
      this.stmts.setWatermark.run(last);
      this.stmts.dropLog.run();
      return { insertedSpans: inserted, newTraces, traceIds: [...deltas.keys()] };
    })();
  }

  /**
   * The indexes (into `p`) of the spans of a trace stored before that are not stored yet; the trace's
   * stored ids are read once and kept while it keeps arriving.
   */
  private newSpansOf(traceHex: string, traceId: Buffer, p: PendingTrace): number[] {
    const ids = this.knownSpanIds.get(traceHex) ?? this.blocks.spanIdsOf(traceId);
    const keep: number[] = [];
    p.spans.forEach((span, i) => {
      if (!ids.has(span.spanId)) keep.push(i);
    });
    for (const i of keep) ids.add(p.spans[i]!.spanId);
    this.knownSpanIds.keep(traceHex, ids, keep.length);
    return keep;
  }

  /** stored: the span's GenAI reading as stored (genai-facets.ts storedGenAi), null when it has none. */
  private blockSpanOf(span: SpanRecord, stored: string | null, genaiKind: string | null): BlockSpan {
    return {
      parentSpanId: span.parentSpanId === null ? null : Buffer.from(span.parentSpanId, 'hex'),
      traceState: span.traceState,
      name: span.name,
      kind: Math.max(0, SPAN_KINDS.indexOf(span.kind)),
      startNs: BigInt(span.startTimeUnixNano),
      endNs: BigInt(span.endTimeUnixNano),
      statusCode: Math.max(0, STATUS_CODES.indexOf(span.status.code)),
      statusMessage: span.status.message,
      attrs: this.keys.encode(span.attributes),
      droppedAttributesCount: span.droppedAttributesCount,
      events: JSON.stringify(span.events),
      droppedEventsCount: span.droppedEventsCount,
      links: JSON.stringify(span.links),
      droppedLinksCount: span.droppedLinksCount,
      resourceId: this.resourceScopes.resourceId(span.resource),
      scopeId: this.resourceScopes.scopeId(span.scope),
      genai: stored,
      genaiKind: stored === null ? null : genaiKind,
    };
  }

  private nameIdOf(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.stmts.nameId.get(name) as number;
      if (this.nameIds.size >= NAME_IDS_MAX) this.nameIds.clear();
      this.nameIds.set(name, id);
    }
    return id;
  }

  private accumulate(d: TraceDelta | undefined, traceId: Buffer, span: SpanRecord, receivedAt: number, genai: GenAiSpan | null, summary: TraceSummary | null): TraceDelta {
    const start = BigInt(span.startTimeUnixNano);
    const end = BigInt(span.endTimeUnixNano);
    if (!d) {
      d = {
        traceId, spans: 0, errors: 0, start, end, root: null, receivedAt, search: new SearchDocument(),
        items: [], hasGenai: false, summary,
      };
    }
    d.spans++;
    // Read by rollupOf only without a summary: with one, the summary says.
    if (genai) d.hasGenai = true;
    if (summary === null) {
      d.items.push({ spanId: span.spanId, parentSpanId: span.parentSpanId, genai, start });
      if (genai) addFacets(d.search, genai);
    }
    d.search.add(span);
    if (span.status.code === 'error') d.errors++;
    if (start < d.start) d.start = start;
    if (end > d.end) d.end = end;
    d.receivedAt = receivedAt;
    const candidate: RootCandidate = {
      spanId: Buffer.from(span.spanId, 'hex'),
      name: span.name,
      orphan: span.parentSpanId !== null,
      start,
      serviceName: serviceNameOf(span.resource),
    };
    if (betterRoot(candidate, d.root)) d.root = candidate;
    return d;
  }

  /**
   * Merges a batch's delta into the trace row; says whether the trace is new, and what the compactor
   * records beside it (the GenAI services).
   */
  private applyTraceDelta(d: TraceDelta, row: TraceRow | undefined): {
    isNew: boolean;
    hasGenai: boolean;
    serviceName: string;
    sessionId: string | null;
    previousSessionId: string | null;
    start: bigint;
    end: bigint;
  } {
    let root = d.root!;
    let start = d.start;
    let end = d.end;
    let spans = d.spans;
    let errors = d.errors;
    if (row) {
      const existing: RootCandidate = {
        spanId: row.root_span_id,
        name: row.root_name,
        orphan: row.root_is_orphan === 1n,
        start: row.root_start_ns,
        serviceName: row.service_name,
      };
      if (!betterRoot(root, existing)) root = existing;
      if (row.start_ns < start) start = row.start_ns;
      if (row.end_ns > end) end = row.end_ns;
      spans += Number(row.span_count);
      errors += Number(row.error_count);
    }
    const rollup = this.rollupOf(d, row);
    this.stmts.upsertTrace.run(
      d.traceId, root.spanId, root.name, root.orphan ? 1 : 0, root.start, root.serviceName,
      start, end, spans, errors, d.receivedAt, ...rollup,
    );
    const sessionId = rollup[9];
    return {
      isNew: !row,
      hasGenai: Number(rollup[0]) === 1,
      serviceName: root.serviceName,
      sessionId: typeof sessionId === 'string' ? sessionId : null,
      previousSessionId: row?.session_id ?? null,
      start,
      end,
    };
  }

  /**
   * The trace's rollup after this delta, kept incrementally (genai/rollup-state.ts): "innermost span
   * carrying usage" depends on spans of earlier batches (an agent span repeating its children's
   * usage usually arrives after them), so summing deltas would count twice, and re-reading the
   * whole trace per batch made big GenAI traces ingest ever slower. A trace that comes in more than
   * one batch and whose state is not in memory (evicted, after a restart) is read from the store
   * once, this delta included, and kept from then on.
   * A trace without GenAI spans so far keeps no state and no rollup.
   */
  private rollupOf(d: TraceDelta, row: TraceRow | undefined): RollupColumns {
    if (d.summary !== null) return rollupColumnsAt(d.summary.traces, d.summary.t) ?? NO_ROLLUP;
    const key = d.traceId.toString('hex');
    let state = this.rollups.get(key);
    const before = state?.size ?? 0;
    if (state) {
      for (const item of d.items) state.add(item);
    } else {
      if (!d.hasGenai) return row ? storedColumns(row) : NO_ROLLUP;
      state = new TraceRollupState();
      if (!row) {
        // A new trace: most arrive whole in one batch, so its state is not kept (keeping every
        // trace's state measurably slowed ingest through GC); a second batch reads it back once.
        for (const item of d.items) state.add(item);
        return rollupColumns(state.rollup());
      } else {
        // The stored readings (small: no message content), this delta's spans included, in read order.
        for (const { b, i } of spansInOrder(this.blocks.ofTrace(d.traceId))) {
          const g = b.genai(i);
          state.add({ spanId: b.spanId(i), parentSpanId: b.parentSpanId(i), genai: g === null ? null : readStoredGenAi(g), start: b.startNs(i) });
        }
      }
    }
    this.rollups.keep(key, state, before);
    return rollupColumns(state.rollup());
  }

  /** Writes the rollups held behind compaction (analytics-rollups.ts): before a read of them, a delete, at close. */
  writeAnalytics(): void {
    this.analytics?.writeBehind(this.nextRow - 1);
  }

  /** After retention deleted traces: a kept state may include spans that are gone. */
  forgetRollups(): void {
    this.rollups.clear();
    this.knownSpanIds.clear();
  }

  /** After a delete asked for by the user (deletion.ts): as after retention, and the span row floor may have risen. */
  afterDelete(): void {
    this.rollups.clear();
    this.knownSpanIds.clear();
    this.analytics?.reset();
    this.readNextRow();
  }

  /** After every table was emptied (Deletion.clearAll): genai_services too. */
  afterClearAll(): void {
    this.genAiServices.clear();
    this.nameIds.clear();
    this.dictionary.reload();
    this.audit.reload();
    this.afterDelete();
  }
}
