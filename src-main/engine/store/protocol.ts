/** Messages between the store client (engine thread) and the store worker. */
import type { TraceOutline } from '../../../src-shared/trace-outline';
import { ArgumentError } from '../../../src-shared/validate';
import type {
  AgentGraph,
  Annotation,
  AnnotationInput,
  DeletedCounts,
  FunnelQuery,
  FunnelResult,
  AgentGraphOptions,
  LogListPage,
  LogListQuery,
  MetricNameInfo,
  MetricPointPage,
  MetricPointQuery,
  AnalyticsLatency,
  AnalyticsLatencyQuery,
  AnalyticsTimeseries,
  AnalyticsTimeseriesQuery,
  ApiMethod,
  SessionDetail,
  SessionListPage,
  SessionListQuery,
  SpanRecord,
  StoreNotice,
  TraceAudit,
  TraceDetail,
  TraceListPage,
  TraceListQuery,
} from '../../../src-shared/contract';
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import type { RetentionSettings } from './retention';
import type { ForwardBatch, ForwardDrop, ForwardPosition } from './forward-queue';
import type { ModelPrice } from '../genai/prices';
import type { SpanDecoderState } from './span-decoder';

export type Durability = 'normal' | 'full';

export interface StoreWorkerData {
  dbPath: string;
  nativeBinding: string | undefined;
  durability: Durability;
  retention: RetentionSettings;
  retentionIntervalMs: number;
  /** A hard ceiling on the database size (SQLite max_page_count); writes past it fail as on a full disk. */
  hardLimitBytes: number | undefined;
  /** Acknowledged-but-unindexed items (spans, log records, data points) beyond which new requests get 503. */
  compactionBacklogLimit: number;
  /** User prices (USD per million tokens) by model name; they win over the shipped table and reported costs. */
  genaiPriceOverrides: Record<string, ModelPrice> | undefined;
  /** false: compaction stores spans without their GenAI reading (EngineOptions.genaiAtIngest). */
  genaiAtIngest: boolean;
  /** Decode protobuf span requests in the span-decode worker (EngineOptions.spanDecodeWorker). */
  spanDecodeWorker: boolean;
  /** false: compaction keeps no analytics rollups (EngineOptions.analytics). */
  analytics: boolean;
  /** read-sequence.ts: where the store thread publishes what is acknowledged and compacted. */
  sequence: SharedArrayBuffer;
}

/**
 * The store's operations. One the contract has (src-shared/contract.ts API_METHODS) carries its
 * name; the others exist only between the engine and its store (checked below). The store thread
 * answers each through one table (handlers.ts), so a new op without a handler does not compile.
 */
export type StoreRequest =
  | { op: 'ingest'; signal: OtlpSignal; encoding: OtlpEncoding; body: Uint8Array }
  | { op: 'listTraces'; query: TraceListQuery }
  | { op: 'getTrace'; traceId: string }
  | { op: 'getTraceOutline'; traceId: string }
  | { op: 'getTraceAudit'; traceId: string }
  | { op: 'exportTraceOtlp'; traceId: string }
  | { op: 'getAgentGraph'; traceId: string; options: AgentGraphOptions }
  | { op: 'getSpan'; traceId: string; spanId: string }
  | { op: 'listSessions'; query: SessionListQuery }
  | { op: 'getSession'; sessionId: string }
  | { op: 'listLogs'; query: LogListQuery }
  | { op: 'listMetricPoints'; query: MetricPointQuery }
  | { op: 'listMetricNames' }
  | { op: 'getAnalyticsLatency'; query: AnalyticsLatencyQuery }
  | { op: 'getAnalyticsTimeseries'; query: AnalyticsTimeseriesQuery }
  | { op: 'counters' }
  /** Traces that started at or after fromNs, as the trace list counts them (internal ones aside). */
  | { op: 'countTracesSince'; fromNs: string }
  | { op: 'memoryFeed'; afterRowId: number; limit: number }
  | { op: 'tracesExist'; traceIds: string[] }
  | { op: 'metrics' }
  | { op: 'deleteTrace'; traceId: string }
  | { op: 'deleteSession'; sessionId: string }
  | { op: 'clearAllData' }
  | { op: 'annotate'; input: AnnotationInput }
  | { op: 'listAnnotations'; traceId: string }
  | { op: 'deleteAnnotation'; id: string }
  | { op: 'runFunnel'; query: FunnelQuery }
  /** New age and size limits (the settings page); retention runs at once with them. */
  | { op: 'setRetention'; retention: RetentionSettings }
  /** Compacts everything acknowledged before it, then answers: a pooled read waits on this (reader-pool.ts). */
  | { op: 'barrier' }
  /** The forwarding queue (forward-queue.ts): the endpoints, the next rows for one, its progress, the disk bound. */
  | { op: 'forwardConfigure'; endpoints: string[]; forgetOthers: boolean }
  | { op: 'forwardNext'; endpoint: string; maxRows: number; maxBytes: number }
  | { op: 'forwardAcknowledge'; endpoint: string; seq: number }
  | { op: 'forwardDropOldest'; endpoint: string; keepBytes: number }
  | { op: 'forwardPositions' }
  | { op: 'close' };

/** Ops that are not methods of the contract: ingest, the engine's own reads, settings, shutdown. */
type StoreOnlyOp =
  | 'ingest' | 'counters' | 'countTracesSince' | 'memoryFeed' | 'tracesExist' | 'metrics' | 'setRetention' | 'barrier' | 'close'
  | 'forwardConfigure' | 'forwardNext' | 'forwardAcknowledge' | 'forwardDropOldest' | 'forwardPositions';
type Assert<T extends true> = T;
export type _OpsNamedAsContract = Assert<Exclude<StoreRequest['op'], StoreOnlyOp> extends ApiMethod ? true : false>;

/** Traces, and of them the ones with a failed span. */
export interface TraceCounts {
  traces: number;
  failed: number;
}

export type IngestResult =
  | { status: 'accepted'; accepted: number; rejected: number; rejectReasons: string[]; warnings: string[] }
  | { status: 'invalid'; message: string }
  | { status: 'unavailable'; message: string };

export interface StoreResponses {
  ingest: IngestResult;
  listTraces: TraceListPage;
  getTrace: TraceDetail | null;
  getTraceOutline: TraceOutline | null;
  getTraceAudit: TraceAudit | null;
  /** OTLP/JSON text: encoded next to the spans, so only a string crosses to the receivers' thread. */
  exportTraceOtlp: string | null;
  getAgentGraph: AgentGraph | null;
  getSpan: SpanRecord | null;
  listSessions: SessionListPage;
  getSession: SessionDetail | null;
  listLogs: LogListPage;
  listMetricPoints: MetricPointPage;
  listMetricNames: MetricNameInfo[];
  getAnalyticsLatency: AnalyticsLatency;
  getAnalyticsTimeseries: AnalyticsTimeseries;
  counters: { spans: number; traces: number };
  countTracesSince: TraceCounts;
  memoryFeed: MemoryFeedBatch;
  /** The given trace ids that are stored. */
  tracesExist: string[];
  metrics: StoreMetrics;
  /** null: no such trace / session (deletion.ts). */
  deleteTrace: DeletedCounts | null;
  deleteSession: DeletedCounts | null;
  clearAllData: DeletedCounts;
  /** null: no such trace or span (annotations.ts). */
  annotate: Annotation | null;
  listAnnotations: Annotation[];
  /** The deleted annotation's trace id; null when there was no such annotation. */
  deleteAnnotation: string | null;
  runFunnel: FunnelResult;
  setRetention: null;
  barrier: null;
  forwardConfigure: ForwardPosition[];
  forwardNext: ForwardBatch;
  forwardAcknowledge: null;
  /** null: the backlog was within its bound. */
  forwardDropOldest: ForwardDrop | null;
  forwardPositions: ForwardPosition[];
  close: null;
}

/**
 * What the memory remembers next (docs/memory.md): GenAI and failed spans after `afterRowId`, in
 * insert (= log) order, each with its full GenAI reading.
 */
export interface MemoryFeedBatch {
  spans: Array<{ rowId: number; span: SpanRecord }>;
  /** Where the next batch starts: past every row this one looked at, remembered or not. */
  nextRowId: number;
  /** Rows stored after nextRowId (an upper bound on the spans still to remember). */
  rowsAfter: number;
}

/** Cumulative work done by the store thread since it started; benchmarks divide these. */
export interface StoreMetrics {
  /** Time checking requests before the append (protobuf: a scan; JSON: the parse). */
  scanMs: number;
  /** Decoded on the store thread (the span-decode worker had not answered, or is gone), and the time it took. */
  decodedSpans: number;
  decodeMs: number;
  /** Decoded, with their GenAI readings, by the span-decode worker (span-decoder.ts). */
  workerDecodedSpans: number;
  /** The span-decode worker's state; off: not used (StoreWorkerData.spanDecodeWorker). */
  spanDecodeWorker: SpanDecoderState | 'off';
  appendedRequests: number;
  /** Log and metric requests answered as a retry of one stored already, not stored again. */
  retriesAnswered: number;
  appendedSpans: number;
  /** Time inside the append transactions, COMMIT included. */
  appendMs: number;
  compactedSpans: number;
  /** Decoding and indexing, from memtable to indexed tables. */
  compactMs: number;
  /** Acknowledged spans waiting for compaction. */
  memtableSpans: number;
  /** Database file plus WAL, in bytes. */
  dbBytes: number;
}

export type ErrorKind = 'argument' | 'internal';

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; kind: ErrorKind; message: string };

/** A request waiting for its reply, on the store thread or a reader. */
export interface PendingReply {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** Settles the request a reply answers (a bad argument stays an ArgumentError across the thread). */
export function settleReply(pending: Map<number, PendingReply>, reply: WorkerReply): void {
  const p = pending.get(reply.id);
  if (!p) return;
  pending.delete(reply.id);
  if (reply.ok) p.resolve(reply.value);
  else p.reject(reply.kind === 'argument' ? new ArgumentError(reply.message) : new Error(reply.message));
}

export type WorkerEvent =
  | { event: 'ready'; recovered: number; spans: number; traces: number; notices: StoreNotice[] }
  | { event: 'notice'; notice: StoreNotice }
  /** Retention or a delete the user asked for took data: totals drop, the memory purges, views re-read. */
  | { event: 'retained'; deletedTraces: number; deletedSpans: number }
  | { event: 'compacted'; insertedSpans: number; newTraces: number; traceIds: string[]; insertedLogs: number; insertedMetricPoints: number }
  | { event: 'log'; line: string };
