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
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { ArgumentError } from '../../../src-shared/validate';
import { isCorruption, markClean, markDamaged, openDatabase } from './database';
import { Compactor } from './compactor';
import { Queries } from './queries';
import { AttributeKeys } from './attribute-codec';
import { ResourceScopes } from './resource-scopes';
import { TelemetryCompactor } from './telemetry-compactor';
import { TelemetryQueries } from './telemetry-queries';
import { AnalyticsQueries } from './analytics-queries';
import { SessionQueries } from './session-queries';
import { pricingKey, SessionSummaries } from './session-summaries';
import { SessionRefresh } from './session-refresh';
import { FunnelQueries } from './funnel-queries';
import { Retention, type RetentionSettings } from './retention';
import { Deletion } from './deletion';
import { Annotations } from './annotations';
import type { AgentGraph, AgentGraphOptions, DeletedCounts, StoreNotice } from '../../../src-shared/contract';
import { encodeTraceRequestJson } from '../otlp/encode-json';
import { buildAgentGraph, collapseRepeats } from '../genai/graph';
import { SpanDecoder } from './span-decoder';
import { ingestNormalizeOptions, type DecodeOutcome } from './span-decoding';
import { Memtable } from './memtable';
import { CompactionScheduler } from './compaction-scheduler';
import { ReadGate } from './read-gate';
import { AppendLog } from './append-log';
import { currentMetrics, newWorkCounters } from './store-metrics';
import type { StoreRequest, StoreWorkerData, WorkerEvent, WorkerReply } from './protocol';

class StoreWorker {
  private readonly db: BetterSqlite3.Database;
  private readonly keys: AttributeKeys;
  private readonly compactor: Compactor;
  private readonly compaction: CompactionScheduler;
  private readonly queries: Queries;
  private readonly telemetryQueries: TelemetryQueries;
  private readonly analyticsQueries: AnalyticsQueries;
  private readonly sessionQueries: SessionQueries;
  private readonly sessionRefresh: SessionRefresh;
  private readonly funnelQueries: FunnelQueries;
  private readonly appendLog: AppendLog;
  /** Acknowledged but not yet compacted. Drained before any read. */
  private readonly memtable: Memtable;
  /** null: decoding stays on this thread (StoreWorkerData.spanDecodeWorker). */
  private readonly spanDecoder: SpanDecoder | null;
  /** Reads waiting for the span-decode worker, in arrival order; afterSeq: the last request acknowledged before each came. */
  private readonly gate: ReadGate;
  private readonly metrics = newWorkCounters();

  private readonly dbPath: string;
  private damageReported = false;
  private readonly retention: Retention;
  private readonly deletion: Deletion;
  private readonly annotations: Annotations;
  private readonly resourceScopes: ResourceScopes;
  private retentionSettings: RetentionSettings;
  private readonly retentionTimer: NodeJS.Timeout;

  constructor(private readonly port: NonNullable<typeof parentPort>, data: StoreWorkerData) {
    this.dbPath = data.dbPath;
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
    this.compaction = new CompactionScheduler(this.db, keys, this.compactor, new TelemetryCompactor(this.db, keys, resourceScopes, summaries), this.memtable, this.metrics, {
      compacted: (result) => {
        this.emit({ event: 'compacted', ...result });
        this.sessionRefresh.schedule();
        // Appends held for the backlog (holdForDecoder) may go on now.
        this.appendLog.resume();
      },
      notice: (level, message) => this.notice(level, message),
      log: (line) => this.emit({ event: 'log', line }),
    });
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
    this.appendLog = new AppendLog(
      this.db,
      this.memtable,
      this.retention,
      this.metrics,
      { backlogLimit: data.compactionBacklogLimit, hardLimitBytes: data.hardLimitBytes, dataDir: dirname(data.dbPath) },
      {
        answer: (id, result) => this.reply(id, result),
        notice: (level, message) => this.notice(level, message),
        log: (line) => this.emit({ event: 'log', line }),
        storageFull: () => this.runRetention(),
        appended: () => this.compaction.schedule(),
      },
    );
    this.gate = new ReadGate(this.memtable, this.compaction);
    const recovered = this.appendLog.replay(this.compactor.watermark(), (entries) => this.compaction.compactEntries(entries));
    // Summaries left stale by a crash, a migration (0008 carries sessions over stale) or new prices.
    this.sessionRefresh.schedule(0);
    const counts = this.queries.counters();
    this.emit({ event: 'ready', recovered, notices: opened.notices, ...counts });
  }

  handle(id: number, req: StoreRequest): void {
    if (req.op === 'ingest') {
      this.appendLog.enqueue(id, req);
      return;
    }
    // Metrics only observe, and must not wait or change what they measure. The memory follows
    // compaction (it reads indexed rows by row id), so its reads need not force one either: under
    // heavy ingest that would break compaction's slices for nothing.
    if (req.op === 'metrics' || req.op === 'memoryFeed' || req.op === 'tracesExist') return this.serve(id, req);
    // Queries see every acknowledged span: a read waits (briefly) for the span-decode worker to
    // answer for every request acknowledged before it, rather than decoding them a second time here.
    this.gate.enter(() => this.serve(id, req), req.op === 'close');
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
        this.compaction.stop();
        this.appendLog.close();
        this.compaction.drain();
        this.compactor.writeAnalytics();
        this.spanDecoder?.close();
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        this.db.close();
        markClean(this.dbPath);
        return null;
    }
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
    this.gate.serveWaiting();
    this.compaction.schedule();
    this.appendLog.resume();
  }

  private runRetention(): void {
    try {
      this.compaction.compact(Infinity, true);
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
