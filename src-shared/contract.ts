/**
 * The one contract between the engine and every UI (Electron IPC or HTTP + WebSocket).
 * Ids travel as lowercase hex strings. Nanosecond timestamps travel as decimal strings, because
 * they overflow a JS number (2^53 ns is about 104 days). Verbs return Promises; events are
 * `onXxx(listener)` and return an unsubscribe function. Pure TypeScript: no Node, no DOM.
 */

export type HexId = string;
export type NanoString = string;

/** OTLP AnyValue as JSON. 64-bit ints outside ±2^53 become decimal strings; bytes become base64. */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type StatusCodeName = 'unset' | 'ok' | 'error';

export interface SpanEvent {
  timeUnixNano: NanoString;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: HexId;
  spanId: HexId;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface ResourceInfo {
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface ScopeInfo {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanRecord {
  traceId: HexId;
  spanId: HexId;
  /** null for a root span. A parent that never arrived still shows here; the UI treats it as a root. */
  parentSpanId: HexId | null;
  traceState: string;
  name: string;
  kind: SpanKindName;
  startTimeUnixNano: NanoString;
  endTimeUnixNano: NanoString;
  status: { code: StatusCodeName; message: string };
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  resource: ResourceInfo;
  scope: ScopeInfo;
}

export interface TraceSummary {
  traceId: HexId;
  /** Name of the earliest span without a parent; if every span has a (missing) parent, the earliest span. */
  rootName: string;
  serviceName: string;
  startTimeUnixNano: NanoString;
  durationMs: number;
  spanCount: number;
  errorCount: number;
}

export type TraceSort = 'newest' | 'oldest' | 'longest' | 'shortest';

/** Every field is optional; all given filters must hold (AND). */
export interface TraceListQuery {
  /** 1..500, default 50. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor` (valid only with the same filters and sort). */
  cursor?: string;
  /** Default `newest` (by trace start time). */
  sort?: TraceSort;
  /** Exact `service.name` of the trace's root. */
  service?: string;
  /** Full text: every word (a prefix, any case) occurs in the trace's span names, string attribute values, status messages or event text. */
  q?: string;
  /** Exact name of the trace's root span. */
  rootName?: string;
  /** Some span of the trace has this exact name. */
  spanName?: string;
  /** `error`: some span failed; `ok`: none did. */
  status?: 'error' | 'ok';
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Trace start time range, inclusive, unix nanoseconds. */
  startFrom?: NanoString;
  startTo?: NanoString;
  /** Some span of the trace has attribute `key` equal to `value` (each pair, possibly on different spans). */
  attributes?: Record<string, string>;
}

export interface TraceListPage {
  /** Newest first (by trace start time). */
  traces: TraceSummary[];
  nextCursor: string | null;
}

export interface TraceDetail {
  traceId: HexId;
  /** In start-time order. */
  spans: SpanRecord[];
}

export interface StoreNotice {
  level: 'warning' | 'error';
  message: string;
  /** Unix ms. */
  at: number;
}

export interface Stats {
  spans: number;
  traces: number;
  /** Export requests acknowledged since the engine started. */
  requestsAccepted: number;
  ingestPaused: boolean;
  /** Database file plus its WAL. */
  dbBytes: number;
  /** Things the user must know about the store (a quarantined file, a full disk); newest last. */
  notices: StoreNotice[];
}

export interface EngineInfo {
  version: string;
  /** e.g. http://127.0.0.1:4318 — what OTEL_EXPORTER_OTLP_ENDPOINT should be set to. */
  otlpHttpEndpoint: string;
  /** null while no gRPC receiver runs. */
  otlpGrpcEndpoint: string | null;
  dataDir: string;
}

/** Pushed after commits, coalesced (at most a few per second), so views know when to pull. */
export interface IngestTick {
  spans: number;
  traces: number;
  /** Spans acknowledged since the previous tick. */
  newSpans: number;
  /** Traces touched since the previous tick (at most 100; `truncated` says when there were more). */
  traceIds: HexId[];
  truncated: boolean;
}

export type Unsubscribe = () => void;

export interface FlowtraceApi {
  listTraces(query: TraceListQuery): Promise<TraceListPage>;
  getTrace(traceId: HexId): Promise<TraceDetail | null>;
  getSpan(traceId: HexId, spanId: HexId): Promise<SpanRecord | null>;
  getStats(): Promise<Stats>;
  getInfo(): Promise<EngineInfo>;
  onIngest(listener: (tick: IngestTick) => void): Unsubscribe;
}

/** The request/response methods, in one list that the preload walks and both shells check against. */
export const API_METHODS = ['listTraces', 'getTrace', 'getSpan', 'getStats', 'getInfo'] as const;
export const API_EVENTS = ['onIngest'] as const;

export type ApiMethod = (typeof API_METHODS)[number];
export type ApiEvent = (typeof API_EVENTS)[number];

/** A handler map for the verbs; shells declare theirs with `satisfies ApiHandlers` so none can be missing. */
export type ApiHandlers = {
  [K in ApiMethod]: (...args: Parameters<FlowtraceApi[K]>) => ReturnType<FlowtraceApi[K]>;
};

export const CHANNEL_PREFIX = 'flowtrace:';
export function channelOf(name: ApiMethod | ApiEvent): string {
  return CHANNEL_PREFIX + name;
}

// Compile-time proof that the name lists and the interface agree.
type Assert<T extends true> = T;
export type _MethodsCovered = Assert<
  Exclude<keyof FlowtraceApi, ApiMethod | ApiEvent> extends never ? true : false
>;
