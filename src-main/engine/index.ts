/**
 * The engine: OTLP receiver → store (worker thread) → query API. Implements the contract once;
 * the Electron shell and the headless shell only carry it. Never imports electron.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { EngineInfo, IngestTick, SpanRecord, Stats, StoreNotice, TraceDetail, TraceListPage, TraceListQuery } from '../../src-shared/contract';
import {
  parseLogListQuery,
  parseMetricPointQuery,
  parseAnalyticsLatencyQuery,
  parseAnalyticsTimeseriesQuery,
  parseAgentGraphOptions,
  parseSessionId,
  parseSessionListQuery,
  parseSpanId,
  parseTraceId,
  parseTraceListQuery,
  parseSearchQuery,
  parseCollectionName,
  parseMemoryItemInput,
  parseRecallQuery,
  parseMemoryItemId,
  parseMemoryPage,
  parseClearAllConfirmation,
  parseAnnotationInput,
  parseAnnotationId,
  parseReceiverKind,
  parseReceiverRetry,
} from '../../src-shared/validate';
import { parseFunnelQuery } from '../../src-shared/funnel';
import type { MemoryStatus } from '../../src-shared/contract';
import { MemoryService } from './memory/memory-service';
import { defaultModelDir } from './memory/model-dir';
import { parsePrices } from './genai/prices';
import { compareTraces } from './genai/compare';
import type { Engine, EngineOptions } from './engine-types';
import { StoreClient } from './store/client';
import type { WorkerEvent } from './store/protocol';
import { startOtlpHttpReceiver } from './receiver/otlp-http';
import { isLoopbackAddress, type AccessPolicy } from './receiver/access';
import { startOtlpGrpcReceiver } from './receiver/otlp-grpc';
import { OtlpReceivers } from './receiver/receivers';
import { RedactionService } from './redaction/redaction-service';
import { Forwarding } from './forward/forwarding';
import { DEFAULT_RETENTION } from './store/retention';
import { PricesService } from './settings/prices-service';
import { SettingsService } from './settings/settings-service';
import type { EmbedderSetting } from '../../src-shared/settings';
import type { OtlpEncoding, OtlpSignal } from './otlp/responses';
import { VERSION } from './version';
import { lockDataDir } from './data-dir-lock';
import { ensureDataDir } from './data-dir';
import { PRICE_OVERRIDES_FILE, readDataDirPriceOverrides } from './genai/price-overrides-file';

export type { Engine, EngineOptions } from './engine-types';

export const DB_FILE = 'flowtrace.sqlite';
/** The memory's own SQLite file and vector index live here (docs/memory.md). */
export const MEMORY_DIR = 'memory';
const MEMORY_OFF: MemoryStatus = { enabled: false, embedder: null, items: 0, backlogSpans: 0, skippedSpans: 0, lastError: null };
/** Ingest ticks are coalesced to at most one per this many ms, so a burst does not flood the UI. */
const TICK_INTERVAL_MS = 100;
const TICK_MAX_TRACE_IDS = 100;
const MAX_NOTICES = 20;
/** What both OTLP receivers accept; the rest answer 404 (HTTP) or UNIMPLEMENTED (gRPC). */
const SIGNALS: readonly OtlpSignal[] = ['traces', 'logs', 'metrics'];

export async function startEngine(options: EngineOptions): Promise<Engine> {
  ensureDataDir(options.dataDir);
  const unlock = lockDataDir(options.dataDir);
  try {
    return await startLocked(options, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function startLocked(options: EngineOptions, unlock: () => void): Promise<Engine> {
  // Checked before anything is opened: a refused configuration leaves nothing behind.
  const host = options.host ?? '127.0.0.1';
  const access = accessPolicy(host, options);
  const priceOverrides = options.genaiPriceOverrides ?? readDataDirPriceOverrides(join(options.dataDir, PRICE_OVERRIDES_FILE));
  // Options are caller-made: malformed entries are dropped here rather than mispricing in the worker.
  const runningPrices = parsePrices(priceOverrides ?? {});
  const log = options.log ?? ((line: string) => process.stderr.write(`flowtrace: ${line}\n`));
  // A rules file with a bad line refuses the start: running without the user's rules would store what they hide.
  const redaction = new RedactionService(options.dataDir, options.redaction === false);
  const ticks = new TickCoalescer();
  const notices: StoreNotice[] = [];
  const addNotice = (n: StoreNotice) => {
    log(n.message);
    notices.push(n);
    if (notices.length > MAX_NOTICES) notices.shift();
  };
  let memory: MemoryService | null = null;
  const memoryOn = (): MemoryService => {
    if (!memory) throw new Error('memory is off (started with --no-memory)');
    return memory;
  };
  const { store, ready } = await StoreClient.open({
    dbPath: join(options.dataDir, DB_FILE),
    nativeBinding: options.nativeBinding,
    durability: options.durability ?? 'normal',
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.retentionIntervalMs !== undefined ? { retentionIntervalMs: options.retentionIntervalMs } : {}),
    ...(options.hardLimitBytes !== undefined ? { hardLimitBytes: options.hardLimitBytes } : {}),
    ...(options.compactionBacklogLimit !== undefined ? { compactionBacklogLimit: options.compactionBacklogLimit } : {}),
    ...(priceOverrides !== undefined ? { genaiPriceOverrides: runningPrices } : {}),
    ...(options.genaiAtIngest === false ? { genaiAtIngest: false } : {}),
    ...(options.analytics === false ? { analytics: false } : {}),
    ...(options.spanDecodeWorker !== undefined ? { spanDecodeWorker: options.spanDecodeWorker } : {}),
    ...(options.storeReaders !== undefined ? { readers: options.storeReaders } : {}),
    onEvent: (e) => {
      if (e.event === 'log') log(e.line);
      else if (e.event === 'compacted') {
        ticks.add(e);
        if (e.insertedSpans > 0) memory?.nudge();
      } else if (e.event === 'retained') {
        ticks.remove(e.deletedSpans, e.deletedTraces);
        memory?.retained();
      }
      else if (e.event === 'notice') addNotice(e.notice);
    },
  });
  ready.notices.forEach(addNotice);
  const memoryOptions = options.memory === false ? null : (options.memory ?? {});
  memory =
    memoryOptions === null
      ? null
      : new MemoryService(
          {
            dir: join(options.dataDir, MEMORY_DIR),
            nativeBinding: options.nativeBinding,
            embedder: memoryOptions.embedder ?? { kind: 'local', modelDir: defaultModelDir() },
            backlogMaxRows: memoryOptions.backlogMaxRows ?? 200_000,
            lowPriority: memoryOptions.lowPriority ?? true,
          },
          store,
          log,
          memoryOptions.launch,
        );
  memory?.start();
  ticks.setTotals(ready.spans, ready.traces);
  if (ready.recovered > 0) log(`replayed ${ready.recovered} acknowledged request(s) that were not yet indexed`);

  let paused = false;
  let requestsAccepted = 0;
  // Started once the settings (which hold the token it needs) are; requests before that wait in the log.
  let forwarding: Forwarding | null = null;
  const ingest = async (signal: OtlpSignal, encoding: OtlpEncoding, received: Uint8Array) => {
    // Before the store sees it: the append log is the first place a request is written.
    const r = redaction.ingest?.apply(signal, encoding, received);
    const body = r?.body ?? received;
    const result = await store.request({ op: 'ingest', signal, encoding: r?.encoding ?? encoding, body }, [body.buffer as ArrayBuffer]);
    if (result.status === 'accepted') {
      requestsAccepted++;
      forwarding?.nudge();
      if (r && r.rejected > 0) {
        result.rejected += r.rejected;
        for (const reason of r.rejectReasons) if (result.rejectReasons.length < 5 && !result.rejectReasons.includes(reason)) result.rejectReasons.push(reason);
      }
    }
    return result;
  };
  // One object, kept current as receivers rebind, so every holder of `engine.info` (a shell that
  // wrapped the engine included) reads where the receivers listen now.
  const info: EngineInfo = { version: VERSION, otlpHttpEndpoint: '', otlpGrpcEndpoint: null, receivers: [], dataDir: options.dataDir };
  const receivers = new OtlpReceivers(
    host,
    {
      'otlp-http': {
        port: options.otlpHttpPort ?? 4318,
        bind: async (port) => {
          const server = await startOtlpHttpReceiver({
            host,
            port,
            isPaused: () => paused,
            signals: SIGNALS,
            ingest,
            access,
            ...(options.otlpHttpTimeouts ? { timeouts: options.otlpHttpTimeouts } : {}),
          });
          return { port: (server.address() as AddressInfo).port, close: () => closeHttpServer(server) };
        },
      },
      'otlp-grpc': {
        port: options.otlpGrpcPort ?? 4317,
        bind: (port) =>
          startOtlpGrpcReceiver({
            host,
            port,
            isPaused: () => paused,
            signals: SIGNALS,
            ingest,
            token: access.token,
            ...(options.otlpGrpcMaxMessageBytes !== undefined ? { maxMessageBytes: options.otlpGrpcMaxMessageBytes } : {}),
            ...(options.otlpGrpcTimeouts ? { timeouts: options.otlpGrpcTimeouts } : {}),
          }),
      },
    },
    log,
    () => {
      info.otlpHttpEndpoint = receivers.endpoint('otlp-http');
      info.otlpGrpcEndpoint = receivers.endpoint('otlp-grpc');
      info.receivers = receivers.statuses();
    },
  );
  // A busy port never stops Flowtrace: the receiver reports it (health, info, the UI's banner) and
  // binds when retried.
  await receivers.start();
  const settings = new SettingsService(
    options.dataDir,
    { otlpHost: host, durability: options.durability ?? 'normal', embedder: embedderSettingOf(options.memory), token: access.token ?? null },
    options.settingsOverridden ?? [],
    {
      moveReceiver: async (kind, port) => {
        const now = await receivers.retry(kind, port);
        if (now.state !== 'listening') throw new Error(now.error ?? `the receiver is ${now.state}`);
      },
      setRetention: async (retention) => {
        await store.request({ op: 'setRetention', retention });
      },
    },
    log,
  );

  forwarding = await Forwarding.start(
    {
      dataDir: options.dataDir,
      ...(options.forward ? { override: options.forward } : {}),
      retentionMaxBytes: options.retention?.maxBytes ?? DEFAULT_RETENTION.maxBytes,
      ...(options.forwardMaxBacklogBytes !== undefined ? { maxBacklogBytes: options.forwardMaxBacklogBytes } : {}),
      ...(options.forwardBackoff ? { backoff: options.forwardBackoff } : {}),
    },
    store,
    { isSet: () => settings.tokenIsSet(), matches: (t) => settings.tokenMatches(t) },
    log,
    (level, message) => addNotice({ level, message, at: Date.now() }),
  );
  const forwardingOn = forwarding;

  const prices = new PricesService(join(options.dataDir, PRICE_OVERRIDES_FILE), runningPrices, options.genaiPriceOverrides !== undefined, log);

  let closing: Promise<void> | null = null;
  return {
    info,
    setIngestPaused: (p) => {
      paused = p;
    },
    isIngestPaused: () => paused,
    countTracesSince: async (fromNs) => store.request({ op: 'countTracesSince', fromNs }),
    listTraces: async (query: TraceListQuery): Promise<TraceListPage> => store.request({ op: 'listTraces', query: parseTraceListQuery(query) }),
    getTrace: async (traceId: string): Promise<TraceDetail | null> => store.request({ op: 'getTrace', traceId: parseTraceId(traceId) }),
    getTraceOutline: async (traceId) => store.request({ op: 'getTraceOutline', traceId: parseTraceId(traceId) }),
    getTraceAudit: async (traceId) => store.request({ op: 'getTraceAudit', traceId: parseTraceId(traceId) }),
    getSpan: async (traceId: string, spanId: string): Promise<SpanRecord | null> =>
      store.request({ op: 'getSpan', traceId: parseTraceId(traceId), spanId: parseSpanId(spanId) }),
    listSessions: async (query) => store.request({ op: 'listSessions', query: parseSessionListQuery(query) }),
    getSession: async (sessionId) => store.request({ op: 'getSession', sessionId: parseSessionId(sessionId) }),
    getAgentGraph: async (traceId, options) =>
      store.request({ op: 'getAgentGraph', traceId: parseTraceId(traceId), options: parseAgentGraphOptions(options) }),
    getStats: async (): Promise<Stats> => {
      const [counts, metrics] = await Promise.all([store.request({ op: 'counters' }), store.request({ op: 'metrics' })]);
      return { ...counts, requestsAccepted, ingestPaused: paused, dbBytes: metrics.dbBytes, notices: [...notices], forwarding: forwardingOn.status() };
    },
    getInfo: async () => ({ ...info }),
    listLogs: async (query) => store.request({ op: 'listLogs', query: parseLogListQuery(query) }),
    listMetricPoints: async (query) => store.request({ op: 'listMetricPoints', query: parseMetricPointQuery(query) }),
    listMetricNames: async () => store.request({ op: 'listMetricNames' }),
    getAnalyticsLatency: async (query) => store.request({ op: 'getAnalyticsLatency', query: parseAnalyticsLatencyQuery(query) }),
    getAnalyticsTimeseries: async (query) => store.request({ op: 'getAnalyticsTimeseries', query: parseAnalyticsTimeseriesQuery(query) }),
    exportTraceOtlp: async (traceId) => store.request({ op: 'exportTraceOtlp', traceId: parseTraceId(traceId) }),
    search: async (query) => memoryOn().call('search', parseSearchQuery(query)),
    listMemoryCollections: async () => memoryOn().call('listCollections'),
    remember: async (collection, item) => memoryOn().call('remember', parseCollectionName(collection), parseMemoryItemInput(item)),
    recall: async (collection, query) => memoryOn().call('recall', parseCollectionName(collection), parseRecallQuery(query)),
    listMemoryItems: async (collection, page) => {
      const { limit, cursor } = parseMemoryPage(page);
      return memoryOn().call('listItems', parseCollectionName(collection), { limit, cursor: cursor ?? null });
    },
    forget: async (collection, id) => memoryOn().call('forget', parseCollectionName(collection), parseMemoryItemId(id)),
    getMemoryStatus: async (): Promise<MemoryStatus> => memory?.status() ?? MEMORY_OFF,
    // Clear data: the store reports a delete as it reports retention (the onEvent 'retained' above),
    // so totals drop, views re-read and the memory purges the deleted traces' remembered texts.
    deleteTrace: async (traceId) => store.request({ op: 'deleteTrace', traceId: parseTraceId(traceId) }),
    deleteSession: async (sessionId) => store.request({ op: 'deleteSession', sessionId: parseSessionId(sessionId) }),
    clearAllData: async (confirm) => {
      parseClearAllConfirmation(confirm);
      return store.request({ op: 'clearAllData' });
    },
    // Two full reads (messages included) and a pure alignment here rather than a store op: the
    // worker already answers getTrace, and the alignment needs nothing it alone has.
    compareTraces: async (a, b) => {
      const [ta, tb] = await Promise.all([
        store.request({ op: 'getTrace', traceId: parseTraceId(a) }),
        store.request({ op: 'getTrace', traceId: parseTraceId(b) }),
      ]);
      return ta && tb ? compareTraces(ta, tb) : null;
    },
    // Feedback: a write ticks with its trace, so other windows and the list re-read it.
    annotate: async (input) => {
      const annotation = await store.request({ op: 'annotate', input: parseAnnotationInput(input) });
      if (annotation) ticks.touch(annotation.traceId);
      return annotation;
    },
    listAnnotations: async (traceId) => store.request({ op: 'listAnnotations', traceId: parseTraceId(traceId) }),
    deleteAnnotation: async (id) => {
      const traceId = await store.request({ op: 'deleteAnnotation', id: parseAnnotationId(id) });
      if (traceId !== null) ticks.touch(traceId);
      return traceId !== null;
    },
    runFunnel: async (query) => store.request({ op: 'runFunnel', query: parseFunnelQuery(query) }),
    getSettings: async () => settings.view(),
    onSettingsChanged: (listener) => settings.onChange(listener),
    updateSettings: (patch) => settings.update(patch),
    getPrices: async () => prices.view(),
    updatePrices: async (list) => prices.update(list),
    resetPrices: async () => prices.reset(),
    getRedaction: async () => redaction.view(),
    updateRedaction: async (rules) => redaction.update(rules),
    getForwarding: async () => forwardingOn.view(),
    updateForwarding: (update) => forwardingOn.update(update),
    retryReceiver: async (kind, retry) => receivers.retry(parseReceiverKind(kind), parseReceiverRetry(retry).port),
    onIngest: (listener: (tick: IngestTick) => void) => ticks.subscribe(listener),
    close: () => {
      closing ??= (async () => {
        await receivers.close();
        // Before the store: a sender mid-request leaves its position where it was (sent again next run).
        await forwardingOn.close();
        ticks.stop();
        await memory?.close();
        await store.close();
        unlock();
      })();
      return closing;
    },
  };
}

/**
 * Loopback needs no token (only this machine can connect, and Host/Origin checks keep web pages
 * out); any other address does, because then the network can reach the receivers.
 */
function accessPolicy(host: string, options: EngineOptions): AccessPolicy {
  const loopbackOnly = isLoopbackAddress(host);
  const token = options.otlpToken === '' ? undefined : options.otlpToken;
  if (!loopbackOnly && token === undefined) {
    throw new Error(`OTLP receivers on ${host} would be reachable from the network: set a bearer token (--otlp-token or FLOWTRACE_OTLP_TOKEN)`);
  }
  return { token, allowedOrigins: options.otlpAllowedOrigins ?? [], loopbackOnly };
}

/** Stops accepting, lets requests in flight finish (they wait on the store), drops idle keep-alives. */
function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Turns per-commit compaction events into at most one tick per TICK_INTERVAL_MS. */
class TickCoalescer {
  private readonly listeners = new Set<(tick: IngestTick) => void>();
  private spans = 0;
  private traces = 0;
  private newSpans = 0;
  private newLogRecords = 0;
  private newMetricPoints = 0;
  private traceIds = new Set<string>();
  private truncated = false;
  private timer: NodeJS.Timeout | null = null;

  setTotals(spans: number, traces: number): void {
    this.spans = spans;
    this.traces = traces;
  }

  add(e: Extract<WorkerEvent, { event: 'compacted' }>): void {
    if (e.insertedSpans === 0 && e.insertedLogs === 0 && e.insertedMetricPoints === 0) return;
    this.newLogRecords += e.insertedLogs;
    this.newMetricPoints += e.insertedMetricPoints;
    this.spans += e.insertedSpans;
    this.traces += e.newTraces;
    this.newSpans += e.insertedSpans;
    for (const id of e.traceIds) {
      if (this.traceIds.size >= TICK_MAX_TRACE_IDS) {
        this.truncated = true;
        break;
      }
      this.traceIds.add(id);
    }
    this.timer ??= setTimeout(() => this.flush(), TICK_INTERVAL_MS);
  }

  /** Retention deleted data: totals drop, and views must re-read whatever they show. */
  remove(spans: number, traces: number): void {
    this.spans -= spans;
    this.traces -= traces;
    this.truncated = true;
    this.timer ??= setTimeout(() => this.flush(), TICK_INTERVAL_MS);
  }

  /** Something other than spans changed in a trace (its feedback): views showing it re-read. */
  touch(traceId: string): void {
    if (this.traceIds.size >= TICK_MAX_TRACE_IDS) this.truncated = true;
    else this.traceIds.add(traceId);
    this.timer ??= setTimeout(() => this.flush(), TICK_INTERVAL_MS);
  }

  subscribe(listener: (tick: IngestTick) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    this.timer = null;
    const tick: IngestTick = {
      spans: this.spans,
      traces: this.traces,
      newSpans: this.newSpans,
      newLogRecords: this.newLogRecords,
      newMetricPoints: this.newMetricPoints,
      traceIds: [...this.traceIds],
      truncated: this.truncated,
    };
    this.newSpans = 0;
    this.newLogRecords = 0;
    this.newMetricPoints = 0;
    this.traceIds = new Set();
    this.truncated = false;
    for (const l of this.listeners) {
      try {
        l(tick);
      } catch {
        // A broken subscriber must not stop the others or the engine.
      }
    }
  }
}

/** The embedder this run uses, as the settings name it (the test-only hashing one reads as local). */
function embedderSettingOf(memory: EngineOptions['memory']): EmbedderSetting {
  if (memory === false) return { kind: 'off' };
  const embedder = memory?.embedder;
  return embedder?.kind === 'openai' ? { kind: 'openai', url: embedder.baseUrl, model: embedder.model } : { kind: 'local' };
}
