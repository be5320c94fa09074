/**
 * The store's thread: owns the only SQLite connection, so no SQL ever runs on the engine's event
 * loop. Ingest requests are group-committed: every request that arrived while the previous commit
 * ran is checked, appended to the log in one transaction, and only then acknowledged. Protobuf span
 * requests are then decoded, and their GenAI semantics read, by the span-decode worker beside this
 * thread (span-decoder.ts); compaction into the indexed tables follows in log order, and a read is
 * served once everything acknowledged before it is compacted, so every query sees every
 * acknowledged span, log record and metric point. See docs/adr/0005-span-decode-worker.md.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { decodeTraceRequest } from '../otlp/decode-protobuf';
import { decodeTraceRequestJson } from '../otlp/decode-json';
import { scanTraceRequest } from '../otlp/scan-protobuf';
import { DecodeError } from '../otlp/wire';
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import type { SpanBatch } from '../otlp/span-batch';
import { ArgumentError } from '../../../src-shared/validate';
import { isCorruption, markClean, markDamaged, openDatabase } from './database';
import { Compactor, type AcceptedBatch, type CompactionResult } from './compactor';
import { Queries } from './queries';
import { AttributeKeys } from './attribute-codec';
import { ResourceScopes } from './resource-scopes';
import { decodeTelemetry, LOG_ENCODING_CODES, logEncodingOf, type DecodedTelemetry } from './log-codes';
import { TelemetryCompactor, type AcceptedTelemetry, type TelemetryInserted } from './telemetry-compactor';
import { TelemetryQueries } from './telemetry-queries';
import { AnalyticsQueries } from './analytics-queries';
import { SessionQueries } from './session-queries';
import { pricingKey, SessionSummaries } from './session-summaries';
import { SessionRefresh } from './session-refresh';
import { FunnelQueries } from './funnel-queries';
import { Retention, type RetentionSettings } from './retention';
import { Deletion } from './deletion';
import { Annotations } from './annotations';
import type { AgentGraph, AgentGraphOptions, DeletedCounts, SpanRecord, StoreNotice } from '../../../src-shared/contract';
import { encodeTraceRequestJson } from '../otlp/encode-json';
import { buildAgentGraph, collapseRepeats } from '../genai/graph';
import { SpanDecoder } from './span-decoder';
import { ingestNormalizeOptions, type DecodeOutcome } from './span-decoding';
import { Memtable, type MemtableEntry } from './memtable';
import { currentMetrics, newWorkCounters } from './store-metrics';
import type { IngestResult, StoreRequest, StoreWorkerData, WorkerEvent, WorkerReply } from './protocol';

/** Indexed rows plus the log row take a few times a request's bytes; 8× is a safe bound. */
const ROOM_PER_PAYLOAD_BYTE = 8;
const HARD_LIMIT_RESERVE = 64 * 1024;
/** Free space always left on the filesystem, so SQLite itself never meets ENOSPC mid-transaction. */
const DISK_RESERVE = 64 * 1024 * 1024;
const RECOVERY_CHUNK = 64;
/** Requests compacted per slice between appends (~4k spans at the usual 512 per request). */
const COMPACTION_SLICE = 8;
/**
 * How long a read waits for the span-decode worker before the store thread decodes the rest itself.
 * A read normally waits for up to the whole backlog (compactionBacklogLimit, ~1 s of decoding):
 * decoding it here instead would not be faster, and the worker would decode it all again. This
 * only bounds a read when the worker is starved or stuck.
 */
const READ_WAIT_LIMIT_MS = 5000;
/** Appends wait for the span-decode worker once the backlog is this share of its bound… */
const HOLD_AT_BACKLOG = 0.5;
/** …for at most this long at a time. */
const HOLD_LIMIT_MS = 1000;


function decode(encoding: OtlpEncoding, body: Uint8Array): SpanBatch {
  return encoding === 'protobuf' ? decodeTraceRequest(body) : decodeTraceRequestJson(body);
}

interface PendingIngest {
  id: number;
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  body: Uint8Array;
}

class StoreWorker {
  private readonly db: BetterSqlite3.Database;
  private readonly keys: AttributeKeys;
  private readonly compactor: Compactor;
  private readonly telemetryCompactor: TelemetryCompactor;
  private readonly queries: Queries;
  private readonly telemetryQueries: TelemetryQueries;
  private readonly analyticsQueries: AnalyticsQueries;
  private readonly sessionQueries: SessionQueries;
  private readonly sessionRefresh: SessionRefresh;
  private readonly funnelQueries: FunnelQueries;
  private readonly appendLog: BetterSqlite3.Statement;
  private pendingIngest: PendingIngest[] = [];
  private flushScheduled = false;
  /** Acknowledged but not yet compacted. Drained before any read. */
  private readonly memtable: Memtable;
  private compactionScheduled = false;
  /** null: decoding stays on this thread (StoreWorkerData.spanDecodeWorker). */
  private readonly spanDecoder: SpanDecoder | null;
  /** The newest received_at stored (receivedNow). */
  private lastReceivedAt: number;
  /** Reads waiting for the span-decode worker, in arrival order; afterSeq: the last request acknowledged before each came. */
  private waitingReads: Array<{ id: number; req: Exclude<StoreRequest, { op: 'ingest' | 'metrics' }>; afterSeq: number }> = [];
  private readWaitTimer: NodeJS.Timeout | null = null;
  /** Appends held for the span-decode worker (holdForDecoder): since when, and the timer that ends it. */
  private holdingSince = 0;
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly metrics = newWorkCounters();

  private readonly dbPath: string;
  private damageReported = false;
  private readonly backlogLimit: number;
  private readonly dataDir: string;
  private readonly hardLimitBytes: number | undefined;
  private readonly retention: Retention;
  private readonly deletion: Deletion;
  private readonly annotations: Annotations;
  private readonly resourceScopes: ResourceScopes;
  private retentionSettings: RetentionSettings;
  private readonly retentionTimer: NodeJS.Timeout;
  /** While set, appends are failing for lack of space; cleared by the next successful append. */
  private diskFull = false;
  private compactionRetry: NodeJS.Timeout | null = null;

  constructor(private readonly port: NonNullable<typeof parentPort>, data: StoreWorkerData) {
    this.dbPath = data.dbPath;
    this.backlogLimit = data.compactionBacklogLimit;
    this.dataDir = dirname(data.dbPath);
    this.hardLimitBytes = data.hardLimitBytes;
    const opened = openDatabase(data.dbPath, data.nativeBinding, data.durability);
    this.db = opened.db;
    const keys = (this.keys = new AttributeKeys(this.db));
    const resourceScopes = (this.resourceScopes = new ResourceScopes(this.db));
    // The shipped price table is bundled with the code (a static JSON import in prices.ts); only
    // the user's overrides travel here.
    const normalizeOptions = data.genaiPriceOverrides ? { overrides: data.genaiPriceOverrides } : {};
    const summaries = new SessionSummaries(this.db);
    this.compactor = new Compactor(this.db, keys, resourceScopes, summaries, ingestNormalizeOptions(data.genaiPriceOverrides, data.genaiAtIngest), data.analytics);
    this.spanDecoder = data.spanDecodeWorker
      ? new SpanDecoder(
          { priceOverrides: data.genaiPriceOverrides, genaiAtIngest: data.genaiAtIngest },
          (outcome) => this.decoded(outcome),
          (reason) => this.decoderLost(reason),
        )
      : null;
    this.memtable = new Memtable(this.spanDecoder, this.metrics);
    this.telemetryCompactor = new TelemetryCompactor(this.db, keys, resourceScopes, summaries);
    this.queries = new Queries(this.db, keys, normalizeOptions);
    this.telemetryQueries = new TelemetryQueries(this.db, keys, this.queries);
    this.queries.genAiLogs = this.telemetryQueries;
    const pricedWith = pricingKey(data.genaiPriceOverrides);
    summaries.markMispriced(pricedWith);
    this.sessionQueries = new SessionQueries(this.db, this.telemetryQueries, normalizeOptions, pricedWith);
    this.sessionRefresh = new SessionRefresh(this.db, this.sessionQueries, () => this.memtable.length > 0, (line) => this.emit({ event: 'log', line }));
    this.funnelQueries = new FunnelQueries(this.db);
    this.analyticsQueries = new AnalyticsQueries(this.db);
    this.retention = new Retention(this.db, summaries);
    this.deletion = new Deletion(this.db, this.retention, summaries);
    this.annotations = new Annotations(this.db);
    this.retentionSettings = data.retention;
    if (data.hardLimitBytes !== undefined) {
      const pageSize = this.db.pragma('page_size', { simple: true }) as number;
      this.db.pragma(`max_page_count = ${Math.max(1, Math.floor(data.hardLimitBytes / pageSize))}`);
    }
    this.retentionTimer = setInterval(() => this.runRetention(), data.retentionIntervalMs);
    this.appendLog = this.db.prepare('INSERT INTO log (received_at, encoding, payload, checksum) VALUES (?, ?, ?, ?)');
    this.lastReceivedAt = this.retention.newestReceivedAt();
    const recovered = this.recover();
    // Summaries left stale by a crash, a migration (0008 carries sessions over stale) or new prices.
    this.sessionRefresh.schedule(0);
    const counts = this.queries.counters();
    this.emit({ event: 'ready', recovered, notices: opened.notices, ...counts });
  }

  handle(id: number, req: StoreRequest): void {
    if (req.op === 'ingest') {
      this.pendingIngest.push({ id, signal: req.signal, encoding: req.encoding, body: req.body });
      this.scheduleFlush();
      return;
    }
    // Metrics only observe, and must not wait or change what they measure. The memory follows
    // compaction (it reads indexed rows by row id), so its reads need not force one either: under
    // heavy ingest that would break compaction's slices for nothing.
    if (req.op === 'metrics' || req.op === 'memoryFeed' || req.op === 'tracesExist') return this.serve(id, req);
    // Queries see every acknowledged span: a read waits (briefly) for the span-decode worker to
    // answer for every request acknowledged before it, rather than decoding them a second time here.
    this.waitingReads.push({ id, req, afterSeq: this.memtable.lastAppendedSeq });
    this.serveWaitingReads();
  }

  /** Serves, in arrival order, every waiting read whose acknowledged requests are all decoded. */
  private serveWaitingReads(force = false): void {
    while (this.waitingReads.length > 0) {
      const next = this.waitingReads[0]!;
      const firstDecoding = this.memtable.firstDecodingSeq();
      const ready = force || next.req.op === 'close' || firstDecoding === undefined || firstDecoding > next.afterSeq;
      if (!ready) {
        this.readWaitTimer ??= setTimeout(() => {
          this.readWaitTimer = null;
          this.serveWaitingReads(true);
        }, READ_WAIT_LIMIT_MS);
        return;
      }
      this.waitingReads.shift();
      // A read that had to wait too long (or shutdown) decodes what the worker still has, here.
      this.compact(Infinity, !(force || next.req.op === 'close'));
      this.serve(next.id, next.req);
    }
    if (this.readWaitTimer) {
      clearTimeout(this.readWaitTimer);
      this.readWaitTimer = null;
    }
  }

  private serve(id: number, req: Exclude<StoreRequest, { op: 'ingest' }>): void {
    try {
      this.reply(id, this.read(req));
    } catch (err) {
      this.fail(id, err);
    }
  }

  /** Runs a query; the memtable up to the read's acknowledged requests is already compacted. */
  private read(req: Exclude<StoreRequest, { op: 'ingest' }>): unknown {
    switch (req.op) {
      case 'listTraces':
        return this.queries.listTraces(req.query);
      case 'getTrace':
        return this.queries.getTrace(req.traceId);
      case 'getTraceOutline':
        return this.queries.getTraceOutline(req.traceId);
      case 'exportTraceOtlp': {
        const trace = this.queries.getTrace(req.traceId);
        if (!trace) return null;
        // Feedback travels beside resourceSpans as `annotations` (README "Feedback"): OTLP/JSON
        // receivers ignore unknown fields, so the file still imports anywhere. Rejected: span
        // events, which would change the spans themselves and come back as telemetry on re-import.
        const annotations = this.annotations.list(req.traceId);
        const request = encodeTraceRequestJson(trace.spans);
        return JSON.stringify(annotations.length > 0 ? { ...request, annotations } : request);
      }
      case 'getAgentGraph':
        return this.agentGraph(req.traceId, req.options);
      case 'getSpan':
        return this.queries.getSpan(req.traceId, req.spanId);
      case 'listSessions':
        return this.sessionQueries.listSessions(req.query);
      case 'getSession':
        return this.sessionQueries.getSession(req.sessionId);
      case 'listLogs':
        return this.telemetryQueries.listLogs(req.query);
      case 'listMetricPoints':
        return this.telemetryQueries.listMetricPoints(req.query);
      case 'listMetricNames':
        return this.telemetryQueries.listMetricNames();
      // The hour and day rollups are written behind compaction: out with them before reading.
      case 'analyticsLatency':
        this.compactor.writeAnalytics();
        return this.analyticsQueries.latency(req.query);
      case 'analyticsTimeseries':
        this.compactor.writeAnalytics();
        return this.analyticsQueries.timeseries(req.query);
      case 'counters':
        return this.queries.counters();
      case 'memoryFeed':
        return this.queries.memoryFeed(req.afterRowId, req.limit);
      case 'tracesExist':
        return this.queries.tracesExist(req.traceIds);
      case 'metrics':
        return currentMetrics(this.db, this.dbPath, this.metrics, { memtableSpans: this.memtable.itemCount, spanDecodeWorker: this.spanDecoder?.status ?? 'off' });
      case 'deleteTrace':
        return this.deleted(`trace ${req.traceId}`, this.deletion.deleteTrace(req.traceId));
      case 'deleteSession':
        return this.deleted(`session ${JSON.stringify(req.sessionId)}`, this.deletion.deleteSession(req.sessionId));
      case 'clearAll':
        return this.clearAll();
      case 'annotate':
        return this.annotations.annotate(req.input);
      case 'listAnnotations':
        return this.annotations.list(req.traceId);
      case 'deleteAnnotation':
        return this.annotations.delete(req.id);
      case 'runFunnel':
        return this.funnelQueries.runFunnel(req.query);
      case 'setRetention':
        this.retentionSettings = req.retention;
        this.runRetention();
        return null;
      case 'close':
        clearInterval(this.retentionTimer);
        this.sessionRefresh.close();
        if (this.compactionRetry) clearTimeout(this.compactionRetry);
        if (this.holdTimer) clearTimeout(this.holdTimer);
        this.flushIngest(true);
        this.drainMemtable();
        this.compactor.writeAnalytics();
        this.spanDecoder?.close();
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        this.db.close();
        markClean(this.dbPath);
        return null;
    }
  }

  /**
   * Protobuf requests are only scanned here (framing, ids, nesting: everything that could make the
   * later decode fail) and decoded during compaction; JSON has to be parsed to be checked at all,
   * so its decoded spans ride along in the memtable. Logs and metrics are low-volume: decoded whole
   * here (no scanner to keep in step with a second decoder), and ride along too.
   */
  private check(job: PendingIngest): {
    spans: SpanRecord[] | null;
    telemetry: DecodedTelemetry | null;
    count: number;
    rejected: number;
    rejectReasons: string[];
    warnings: string[];
  } {
    if (job.signal !== 'traces') {
      const t = decodeTelemetry(job.signal, job.encoding, job.body);
      return { spans: null, telemetry: t, count: t.count, rejected: t.rejected, rejectReasons: t.rejectReasons, warnings: t.warnings };
    }
    if (job.encoding === 'protobuf') {
      const scan = scanTraceRequest(job.body);
      return { spans: null, telemetry: null, count: scan.spans, rejected: scan.rejected, rejectReasons: scan.rejectReasons, warnings: scan.warnings };
    }
    const batch = decodeTraceRequestJson(job.body);
    return { spans: batch.spans, telemetry: null, count: batch.spans.length, rejected: batch.rejected, rejectReasons: batch.rejectReasons, warnings: batch.warnings };
  }

  /**
   * Wall-clock time for a new log record, never before the previous one's. Retention deletes the
   * data received longest ago first and the list sorts by it; a VM's clock stepped back (seen in
   * CI: a trace kept while the 200 sent after it were deleted) would otherwise reorder arrival.
   */
  private receivedNow(): number {
    this.lastReceivedAt = Math.max(Date.now(), this.lastReceivedAt);
    return this.lastReceivedAt;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flushIngest());
  }

  /**
   * Flow control while the span-decode worker is behind: appending at log speed would fill the
   * backlog, and each exporter turned away waits RETRY_AFTER (5 s) idle. Answering later instead
   * makes each exporter's next request wait for this one, so the inflow slows to what is indexed.
   * Held at most HOLD_LIMIT_MS at a time; then the backlog bound decides, as without the worker.
   */
  private holdForDecoder(): boolean {
    if (!this.memtable.awaitingDecoder || this.memtable.itemCount < this.backlogLimit * HOLD_AT_BACKLOG) {
      this.holdingSince = 0;
      return false;
    }
    const now = performance.now();
    if (this.holdingSince === 0) this.holdingSince = now;
    const left = HOLD_LIMIT_MS - (now - this.holdingSince);
    if (left <= 0) {
      this.holdingSince = 0;
      return false;
    }
    this.holdTimer ??= setTimeout(() => {
      this.holdTimer = null;
      this.scheduleFlush();
    }, left);
    return true;
  }

  /** One transaction for every request that is waiting; each is answered after COMMIT returns. */
  private flushIngest(force = false): void {
    this.flushScheduled = false;
    const jobs = this.pendingIngest;
    if (jobs.length === 0) return;
    if (!force && this.holdForDecoder()) return;
    this.pendingIngest = [];

    let checked: Array<{ job: PendingIngest; result: ReturnType<StoreWorker['check']> }> = [];
    const scanStart = performance.now();
    for (const job of jobs) {
      try {
        checked.push({ job, result: this.check(job) });
      } catch (err) {
        const message = err instanceof DecodeError ? err.message : `could not decode request: ${(err as Error).message}`;
        this.reply(job.id, { status: 'invalid', message } satisfies IngestResult);
      }
    }
    this.metrics.scanMs += performance.now() - scanStart;
    if (checked.length === 0) return;

    // Compaction is behind: taking more would only queue it in memory and delay every read.
    // Counted per request, so one large group cannot overshoot the bound.
    let backlog = this.memtable.itemCount;
    const admitted = checked.filter(({ job, result }) => {
      if (backlog > 0 && backlog + result.count > this.backlogLimit) {
        const message = `compaction is ${backlog} spans behind; retry later`;
        this.reply(job.id, { status: 'unavailable', message } satisfies IngestResult);
        return false;
      }
      backlog += result.count;
      return true;
    });
    if (admitted.length === 0) return;
    checked = admitted;

    const appendStart = performance.now();
    const receivedAt = this.receivedNow();
    let accepted: MemtableEntry[];
    try {
      const payloadBytes = checked.reduce((n, d) => n + d.job.body.length, 0);
      if (!this.hasRoomFor(payloadBytes)) throw Object.assign(new Error('no room left for compaction'), { code: 'SQLITE_FULL' });
      accepted = this.db.transaction(() =>
        checked.map(({ job, result }) => {
          const info = this.appendLog.run(receivedAt, LOG_ENCODING_CODES[job.signal][job.encoding], job.body, crc32(job.body));
          const entry: MemtableEntry = {
            seq: Number(info.lastInsertRowid), receivedAt, signal: job.signal, encoding: job.encoding, body: job.body,
            spans: result.spans, genai: null, decoding: false, telemetry: result.telemetry, itemCount: result.count,
          };
          return entry;
        }),
      )();
    } catch (err) {
      // Nothing was committed (disk full, I/O error): the exporter must retry, not lose data.
      const full = (err as { code?: string }).code === 'SQLITE_FULL';
      const message = full
        ? 'the disk (or the storage limit) is full; retry later'
        : `store unavailable: ${(err as Error).message}`;
      if (full && !this.diskFull) {
        this.diskFull = true;
        this.notice('error', 'Storage is full: exporters are being told to retry (503). Ingest resumes by itself when space is freed; nothing stored was touched.');
        this.runRetention();
      } else if (!full) this.emit({ event: 'log', line: message });
      for (const { job } of checked) this.reply(job.id, { status: 'unavailable', message } satisfies IngestResult);
      return;
    }
    if (this.diskFull) {
      this.diskFull = false;
      this.notice('warning', 'Storage has room again: ingest resumed.');
    }
    this.metrics.appendMs += performance.now() - appendStart;
    this.metrics.appendedRequests += accepted.length;
    for (const { job, result } of checked) if (job.signal === 'traces') this.metrics.appendedSpans += result.count;
    for (const { job, result } of checked) {
      this.reply(job.id, {
        status: 'accepted',
        accepted: result.count,
        rejected: result.rejected,
        rejectReasons: result.rejectReasons,
        warnings: result.warnings,
      } satisfies IngestResult);
    }
    this.memtable.add(accepted);
    this.scheduleCompaction();
  }

  /** The span-decode worker's answer; ignored when a read already had the entry decoded here. */
  private decoded(outcome: DecodeOutcome): void {
    if (this.memtable.decoded(outcome)) this.afterDecoderProgress();
  }

  private decoderLost(reason: string): void {
    this.emit({ event: 'log', line: `${reason}; spans are decoded on the store thread from now on` });
    this.memtable.decoderLost();
    this.afterDecoderProgress();
  }

  /** Entries became ready: reads waiting for them, compaction and held appends can go on. */
  private afterDecoderProgress(): void {
    this.serveWaitingReads();
    this.scheduleCompaction();
    if (this.pendingIngest.length > 0) this.scheduleFlush();
  }

  /**
   * Compaction runs in slices between appends, so acknowledgements keep log speed during a burst
   * instead of waiting for everything before them to be indexed.
   */
  private scheduleCompaction(): void {
    if (this.compactionScheduled) return;
    this.compactionScheduled = true;
    setImmediate(() => {
      this.compactionScheduled = false;
      // What the span-decode worker is done with; its next answer schedules the next slice.
      this.compact(COMPACTION_SLICE, true);
      if (this.memtable.readyPrefix(1) > 0 && !this.compactionRetry) this.scheduleCompaction();
    });
  }

  /**
   * Decodes what was only scanned (or replayed); a request that fails here (it never should) is
   * reported, not retried forever. Every entry yields a span batch, empty for logs and metrics, so
   * the span compactor's watermark moves past all of them.
   */
  private toBatches(entries: readonly MemtableEntry[]): { spans: AcceptedBatch[]; telemetry: AcceptedTelemetry[] } {
    const start = performance.now();
    const batches: AcceptedBatch[] = [];
    const telemetry: AcceptedTelemetry[] = [];
    for (const e of entries) {
      if (e.signal !== 'traces') {
        let t = e.telemetry;
        if (t === null) {
          try {
            t = decodeTelemetry(e.signal, e.encoding, e.body);
          } catch (err) {
            this.notice('error', `Log record ${e.seq} could not be decoded and was skipped: ${(err as Error).message}`);
          }
        }
        if (t) telemetry.push({ receivedAt: e.receivedAt, logs: t.logs, points: t.points });
        batches.push({ seq: e.seq, receivedAt: e.receivedAt, spans: [] });
        continue;
      }
      let spans = e.spans;
      if (spans === null) {
        try {
          spans = decode(e.encoding, e.body).spans;
          this.metrics.decodedSpans += spans.length;
        } catch (err) {
          this.notice('error', `Log record ${e.seq} could not be decoded and was skipped: ${(err as Error).message}`);
          spans = [];
        }
      }
      batches.push({ seq: e.seq, receivedAt: e.receivedAt, spans, genai: e.genai });
    }
    this.metrics.decodeMs += performance.now() - start;
    return { spans: batches, telemetry };
  }

  /**
   * One transaction for a slice of the log: logs and metric points first, then the span compactor,
   * whose own transaction nests (a savepoint) and advances the watermark past the whole slice.
   */
  private compactEntries(entries: readonly MemtableEntry[]): CompactionResult & TelemetryInserted {
    const batches = this.toBatches(entries);
    if (batches.telemetry.length === 0) return { ...this.compactor.compact(batches.spans), insertedLogs: 0, insertedMetricPoints: 0 };
    const keysBefore = this.keys.maxId();
    try {
      return this.db.transaction(() => {
        const telemetry = this.telemetryCompactor.insert(batches.telemetry);
        return { ...this.compactor.compact(batches.spans), ...telemetry };
      })();
    } catch (err) {
      this.keys.forgetAbove(keysBefore);
      throw err;
    }
  }

  /** Everything acknowledged becomes visible, decoded here if need be: shutdown and retries call this. */
  private drainMemtable(): void {
    this.compact(Infinity, false);
  }

  /**
   * Compacts up to maxEntries from the head of the memtable, in log order. With waitForDecoder it
   * stops at the first entry the span-decode worker still has; without (reads), such entries are
   * decoded here and the worker's later answer is ignored.
   */
  private compact(maxEntries: number, waitForDecoder: boolean): void {
    const n = waitForDecoder ? this.memtable.readyPrefix(maxEntries) : Math.min(maxEntries, this.memtable.length);
    if (n === 0) return;
    const entries = this.memtable.take(n);
    try {
      const start = performance.now();
      const result = this.compactEntries(entries);
      this.metrics.compactMs += performance.now() - start;
      for (const e of entries) if (e.signal === 'traces') this.metrics.compactedSpans += e.itemCount;
      this.emit({ event: 'compacted', ...result });
      this.sessionRefresh.schedule();
      // Appends held for the backlog (holdForDecoder) may go on now.
      if (this.pendingIngest.length > 0) this.scheduleFlush();
    } catch (err) {
      // The entries stay in the memtable and their log rows above the watermark: retried soon,
      // and replayed at the next start if it never succeeds.
      this.memtable.putBack(entries);
      this.emit({ event: 'log', line: `compaction failed, retrying in 1 s: ${(err as Error).message}` });
      this.compactionRetry ??= setTimeout(() => {
        this.compactionRetry = null;
        this.drainMemtable();
      }, 1000);
    }
  }

  /**
   * Accept only what can also be compacted: an appended request whose compaction then fails for
   * lack of space would be acknowledged yet invisible. Indexed rows take a few times the request's
   * bytes; a fixed reserve keeps the filesystem itself from ever reaching ENOSPC.
   */
  private hasRoomFor(payloadBytes: number): boolean {
    const need = ROOM_PER_PAYLOAD_BYTE * payloadBytes;
    if (this.hardLimitBytes !== undefined && this.retention.usedBytes() + need + HARD_LIMIT_RESERVE > this.hardLimitBytes) return false;
    try {
      const fs = statfsSync(this.dataDir);
      if (fs.bavail * fs.bsize < need + DISK_RESERVE) return false;
    } catch {
      // statfs unsupported here: rely on SQLITE_FULL alone
    }
    return true;
  }

  private runRetention(): void {
    try {
      this.compact(Infinity, true);
      this.compactor.writeAnalytics();
      const result = this.retention.enforce(this.retentionSettings);
      // afterDelete, not only forgetRollups: retention may take the newest spans when over the size limit.
      if (result.deletedTraces > 0 || result.rebuiltRollups) this.compactor.afterDelete();
      this.sessionRefresh.schedule();
      if (result.deletedTraces > 0) {
        this.emit({ event: 'log', line: `retention deleted ${result.deletedTraces} trace(s), ${result.deletedSpans} span(s)` });
        this.emit({ event: 'retained', deletedTraces: result.deletedTraces, deletedSpans: result.deletedSpans });
      }
      if (result.deletedLogs > 0 || result.deletedMetricPoints > 0) {
        this.emit({ event: 'log', line: `retention deleted ${result.deletedLogs} log record(s), ${result.deletedMetricPoints} metric point(s)` });
      }
    } catch (err) {
      this.emit({ event: 'log', line: `retention failed: ${(err as Error).message}` });
    }
  }

  /**
   * After a delete the user asked for: the compactor forgets what it kept of the deleted traces,
   * and the engine hears it as it hears retention (totals, the memory's purge, a tick for views).
   */
  private deleted(what: string, counts: DeletedCounts | null): DeletedCounts | null {
    if (counts === null) return null;
    this.compactor.afterDelete();
    this.sessionRefresh.schedule();
    this.emit({
      event: 'log',
      line: `deleted ${what}: ${counts.traces} trace(s), ${counts.spans} span(s), ${counts.logs} log record(s), ${counts.metricPoints} metric point(s)`,
    });
    this.emit({ event: 'retained', deletedTraces: counts.traces, deletedSpans: counts.spans });
    return counts;
  }

  /**
   * Everything goes; the interned dictionaries' caches with their tables. VACUUM then gives the
   * space back and rewrites the file without the deleted pages (they would otherwise keep the old
   * content until reused); on an emptied store it copies next to nothing. It cannot run inside the
   * transaction, and a failure (another connection, a backup, holding the file) leaves the data
   * deleted all the same.
   */
  private clearAll(): DeletedCounts {
    const counts = this.deletion.clearAll();
    this.keys.forgetAll();
    this.resourceScopes.forgetAll();
    this.queries.forgetResources();
    this.compactor.afterClearAll();
    try {
      this.db.exec('VACUUM');
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.emit({ event: 'log', line: `after clearing all data, VACUUM failed (the space is reused by new data): ${(err as Error).message}` });
    }
    return this.deleted('all data', counts)!;
  }

  private notice(level: StoreNotice['level'], message: string): void {
    this.emit({ event: 'notice', notice: { level, message, at: Date.now() } });
  }

  /**
   * Replays every log record above the watermark (acknowledged before a crash, not yet compacted),
   * a page at a time: a crash under heavy ingest can leave a long backlog.
   */
  private recover(): number {
    const page = this.db.prepare('SELECT seq, received_at, encoding, payload, checksum FROM log WHERE seq > ? ORDER BY seq LIMIT ?');
    let after = this.compactor.watermark();
    let replayed = 0;
    for (;;) {
      const rows = page.all(after, RECOVERY_CHUNK) as Array<{ seq: number; received_at: number; encoding: number; payload: Buffer; checksum: number }>;
      if (rows.length === 0) return replayed;
      const entries: MemtableEntry[] = [];
      for (const row of rows) {
        if (crc32(row.payload) !== row.checksum) {
          this.notice('error', `Log record ${row.seq} fails its checksum and was skipped.`);
          continue;
        }
        const kind = logEncodingOf(row.encoding);
        if (!kind) {
          this.notice('error', `Log record ${row.seq} has an unknown encoding (${row.encoding}) and was skipped.`);
          continue;
        }
        entries.push({
          seq: row.seq, receivedAt: row.received_at, ...kind, body: row.payload, spans: null, genai: null, decoding: false, telemetry: null, itemCount: 0,
        });
      }
      if (entries.length) this.compactEntries(entries);
      replayed += entries.length;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** Built here, next to the spans, so only the graph (not the whole trace) crosses to the engine thread. */
  private agentGraph(traceId: string, options: AgentGraphOptions): AgentGraph | null {
    const spans = this.queries.agentGraphSpans(traceId);
    if (!spans) return null;
    if (spans.length === 0) return { traceId, nodes: [], edges: [], externalLinks: [] };
    const graph = buildAgentGraph(spans);
    return options.collapse ? collapseRepeats(graph, options.collapse) : graph;
  }

  private reply(id: number, value: unknown): void {
    this.port.postMessage({ id, ok: true, value } satisfies WorkerReply);
  }

  private fail(id: number, err: unknown): void {
    if (isCorruption(err) && !this.damageReported) {
      this.damageReported = true;
      markDamaged(this.dbPath, (err as Error).message);
      this.notice('error', `The database is damaged (${(err as Error).message}). Restart Flowtrace: it will move the file aside, unchanged, and start a fresh one.`);
    }
    const kind = err instanceof ArgumentError ? 'argument' : 'internal';
    this.port.postMessage({ id, ok: false, kind, message: (err as Error).message } satisfies WorkerReply);
  }

  private emit(event: WorkerEvent): void {
    this.port.postMessage(event);
  }
}

const port = parentPort;
if (!port) throw new Error('store worker must run in a worker thread');
const worker = new StoreWorker(port, workerData as StoreWorkerData);
port.on('message', (msg: { id: number; req: StoreRequest }) => worker.handle(msg.id, msg.req));
