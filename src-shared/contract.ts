/**
 * The one contract between the engine and every UI (Electron IPC or HTTP + WebSocket).
 * Ids travel as lowercase hex strings. Nanosecond timestamps travel as decimal strings, because
 * they overflow a JS number (2^53 ns is about 104 days). Verbs return Promises; events are
 * `onXxx(listener)` and return an unsubscribe function. Pure TypeScript: no Node, no DOM.
 */

import type { TraceOutline } from './trace-outline';
import type { PriceList, PricesView } from './prices';
import type { RedactionView } from './redaction';
import type { ForwardEndpointStatus, ForwardingUpdate, ForwardingView } from './forwarding';
import type { SettingsPatch, SettingsView } from './settings';

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
  /**
   * What the span means as GenAI (docs/genai-normalization.md), read at ingest; absent when the span
   * carries no GenAI marker. Messages sent as correlated log records are merged in when the span is read.
   */
  genai?: GenAiSpan;
}

/**
 * GenAI semantics of a span, read once from whichever dialect it was sent in (OTel GenAI current or
 * deprecated names, OpenInference, OpenLLMetry); see docs/genai-normalization.md for where each field
 * comes from and which source wins. An absent field means "not known"; the raw attributes are kept as
 * sent on the span, so nothing is lost by normalizing.
 */
export const GENAI_KINDS = ['agent', 'llm', 'tool', 'retriever', 'embedding', 'reranker', 'chain', 'workflow', 'guardrail', 'evaluator', 'memory', 'other'] as const;
export type GenAiKind = (typeof GENAI_KINDS)[number];

/** Kinds arrive as strings from the wire, the store and the outline; anything else reads as `other`. */
export function isGenAiKind(value: string): value is GenAiKind {
  return (GENAI_KINDS as readonly string[]).includes(value);
}

/**
 * One part of a message, after the OTel GenAI message JSON schema (gen-ai-input-messages.json /
 * gen-ai-output-messages.json). Field names are camelCase like the rest of the contract
 * (`mime_type` → `mimeType`, `file_id` → `fileId`). Parts of a type the schema adds later
 * (server tool calls, compaction, …) are kept as `other` with their original type and fields.
 */
export type GenAiPart =
  | { type: 'text'; content: string }
  | { type: 'reasoning'; content: string }
  /** `arguments`: parsed when it was a JSON string, so dialects that send a string or an object agree. */
  | { type: 'tool_call'; id: string | null; name: string; arguments: AttributeValue }
  /** The schema calls the payload `response`; `result` (as some producers write it) is read as the same. */
  | { type: 'tool_call_response'; id: string | null; response: AttributeValue }
  | { type: 'blob'; mimeType: string | null; modality: string; content: string }
  | { type: 'uri'; mimeType: string | null; modality: string; uri: string }
  | { type: 'file'; mimeType: string | null; modality: string; fileId: string }
  | { type: 'other'; originalType: string; data: Attributes };

export interface GenAiMessage {
  /** `system`, `user`, `assistant`, `tool`, or what the producer sent. */
  role: string;
  parts: GenAiPart[];
  /** Participant name, when sent. Finish reasons are not kept per message but on the span (`finishReasons`), where every dialect can put them. */
  name?: string;
}

/** A tool offered to the model (`gen_ai.tool.definitions` and the dialects' equivalents). */
export interface GenAiToolDefinition {
  name: string;
  type?: string;
  description?: string;
  parameters?: AttributeValue;
}

export interface GenAiSpan {
  kind: GenAiKind;
  /** The OTel `gen_ai.operation.name` (e.g. `chat`, `invoke_agent`, `execute_tool`): as sent, or derived from the kind. */
  operation?: string;
  /** OTel provider name (`openai`, `anthropic`, `mistral_ai`, …), lowercased. */
  provider?: string;
  requestModel?: string;
  responseModel?: string;
  /** Includes cached input tokens (OTel and OpenAI count them in; see the docs for Anthropic). */
  inputTokens?: number;
  /** Includes reasoning tokens. */
  outputTokens?: number;
  cacheReadTokens?: number;
  /** Input tokens written to the provider's cache (Anthropic bills them at a premium); part of inputTokens. */
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** As reported, else input + output. */
  totalTokens?: number;
  /** USD. null: tokens are known but the model has no price ("no price"); absent: no tokens to price. */
  costUsd?: number | null;
  agentName?: string;
  toolName?: string;
  toolCallId?: string;
  /**
   * A handoff span's agents, as its attributes name them (`gen_ai.handoff.from_agent` / `to_agent`,
   * sent by OpenAI Agents SDK instrumentations): the agent graph draws the handoff edge from them.
   */
  handoffFrom?: string;
  handoffTo?: string;
  sessionId?: string;
  userId?: string;
  /** Normalized to the OTel values where one fits (`stop`, `length`, `content_filter`, `tool_call`, `error`). */
  finishReasons?: string[];
  inputMessages?: GenAiMessage[];
  outputMessages?: GenAiMessage[];
  systemInstructions?: GenAiPart[];
  /** Not in the field list: kept because `gen_ai.tool.definitions` would otherwise be read for nothing. */
  toolDefinitions?: GenAiToolDefinition[];
}

/** GenAI totals of one trace (see rollupTrace for how double counting is avoided). */
export interface GenAiTraceRollup {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Sum over the spans that have a price; null when none has. */
  costUsd: number | null;
  /** Distinct, sorted. */
  models: string[];
  /** Distinct, sorted. */
  agents: string[];
  llmCalls: number;
  toolCalls: number;
  /** Of the earliest span that names one; null when none does. */
  sessionId: string | null;
}

/**
 * The agent graph of one trace (docs/genai-graph.md has the rules): one node per GenAI span, typed
 * edges between them. Built on demand from the trace's spans by buildAgentGraph; pure data, so the
 * UI can lay it out without knowing any dialect.
 */
export type AgentEdgeType = 'calls' | 'handoff' | 'tool_result' | 'retry_of' | 'fallback_of' | 'link';

export interface AgentGraphNode {
  /** The span id (of the first span, for a collapsed node). */
  id: HexId;
  spanId: HexId;
  kind: GenAiKind;
  /** Agent name for agents, tool name for tools, model for model calls; else the span name. */
  label: string;
  spanName: string;
  /** The nearest GenAI ancestor's node; null for a root (no GenAI ancestor, a missing parent, a cut parent cycle). */
  parentId: HexId | null;
  startTimeUnixNano: NanoString;
  endTimeUnixNano: NanoString;
  /** End − start (a collapsed node: from its first start to its last end). */
  durationMs: number;
  /** A collapsed node is `error` when any of its spans is. */
  status: StatusCodeName;
  /** Of the (first) failed span; null when none failed or it said nothing. */
  errorMessage: string | null;
  /** Failed spans behind this node (0 or 1, unless collapsed). */
  errorCount: number;
  /** Response model, else request model; null when the span names none. */
  model: string | null;
  /** null: not reported. Summed over the spans of a collapsed node. */
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  /** USD; null when unknown or unpriced (tokens known and cost null means "no price"). */
  costUsd: number | null;
  /** Spans behind this node: 1, or more for a node collapseRepeats made of repeats. */
  count: number;
  /** Every span id behind a collapsed node, in time order; empty for a plain node. */
  collapsedSpanIds: HexId[];
}

export interface AgentGraphEdge {
  /** `type:from->to`; unique in a graph. */
  id: string;
  type: AgentEdgeType;
  /** Node ids. Direction per type: calls parent→child, handoff from→to agent, tool_result tool→consuming LLM call, retry_of / fallback_of the new attempt→the failed one, link the linking span's node→the linked one. */
  from: HexId;
  to: HexId;
  /** tool_result only: matched by the tool call id, or by tool name and order (a producer without call ids). */
  match?: 'call_id' | 'tool_name';
  /** Underlying edges merged into this one by collapsing; 1 otherwise. */
  count: number;
}

/** An OTel span link from a node to a span that is not in this trace's graph (another trace, or a span that never arrived). */
export interface AgentGraphExternalLink {
  from: HexId;
  traceId: HexId;
  spanId: HexId;
  attributes: Attributes;
}

export interface AgentGraphOptions {
  /** Fold at least this many same-shape siblings into one node (2..10000); absent or 0: every node. */
  collapse?: number;
}

export interface AgentGraph {
  /** null for an empty graph. */
  traceId: HexId | null;
  /** By start time, then span id. */
  nodes: AgentGraphNode[];
  /** By type (in AgentEdgeType order), then by the order of `from`, then of `to`. */
  edges: AgentGraphEdge[];
  externalLinks: AgentGraphExternalLink[];
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
  /** Absent when no span of the trace is GenAI. */
  genai?: GenAiTraceRollup;
  /** Absent when nobody annotated the trace (or a span of it). */
  feedback?: FeedbackSummary;
}

/** cost and tokens: the trace's GenAI usage, most first; traces without it last. */
export type TraceSort = 'newest' | 'oldest' | 'longest' | 'shortest' | 'cost' | 'tokens';

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
  /** Some LLM, embedding or reranker span has this exact request or response model. */
  model?: string;
  /** Some agent span has this exact agent name. */
  agent?: string;
  /** Some tool span has this exact tool name. */
  tool?: string;
  /** Some span is GenAI of this kind. */
  kind?: GenAiKind;
  /** true ≡ status `error`, false ≡ status `ok` (the two may be given together only when they agree). */
  hasError?: boolean;
  /** The trace's GenAI total tokens are at least this (traces without GenAI never match). */
  minTokens?: number;
  /** The trace's GenAI cost is at least this many USD (traces with no priced call never match). */
  minCostUsd?: number;
  /**
   * Internal traces (no GenAI span, from a service that sends GenAI spans: a coding agent's auth,
   * config and file-system traces) are left out of the list unless this is true, or the query
   * searches (`q`, `spanName`, `rootName`, `attributes`): they stay stored and searchable.
   */
  internal?: boolean;
  /** Annotations (README "Feedback"): `up`/`down` some thumbs up/down, `any` some annotation, `none` none. */
  feedback?: FeedbackFilter;
  /** Some `label` annotation of the trace carries this label. */
  label?: string;
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
  /** How the stored spans compare with what the audit trail recorded as they arrived (docs: README "Audit trail"). */
  audit?: TraceAudit;
}

/**
 * `verified`: every block of the trace is as recorded when it was stored; `altered`: some block no
 * longer matches its recorded digest (edited behind Flowtrace's back; `flowtrace verify` names it);
 * `partly-recorded`: blocks stored before the audit trail began beside recorded ones, which match;
 * `not-recorded`: all stored before the audit trail began.
 */
export interface TraceAudit {
  state: 'verified' | 'altered' | 'partly-recorded' | 'not-recorded';
  /** SHA-256 (hex) over the trace's recorded block digests, in arrival order; null when none is recorded. */
  digest: string | null;
}

/**
 * Where a session's cost comes from: `reported` = the cost the tool itself reported (Claude Code's
 * `cost_usd`, `claude_code.cost.usage`); `prices` = tokens priced with the price table; `mixed` =
 * some calls each way; `none` = no call could be priced (costUsd null).
 */
export type CostSource = 'reported' | 'prices' | 'mixed' | 'none';

/**
 * One conversation: every trace, log record and metric point that names this session id
 * (`session.id`, `conversation.id`, `gen_ai.conversation.id`, on the record or its resource).
 */
export interface SessionSummary {
  sessionId: string;
  /** Turns (a prompt and what answered it), from spans where there are spans, else from log events. */
  turns: number;
  /** All input, cache reads and writes included. */
  inputTokens: number;
  /** Reasoning included. */
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Model calls (all of them: a CLI's side calls, like Gemini CLI's router, count). */
  llmCalls: number;
  /** Tool calls the model asked for (calls nested inside another tool call are not counted). */
  toolCalls: number;
  /** Distinct models, sorted. */
  models: string[];
  /**
   * Distinct end users, sorted: the user id its GenAI spans name (`user.id`, `enduser.id`, and each
   * dialect's own: genai-normalization.md) and its log records' `user.id` / `enduser.id`.
   */
  users: string[];
  /**
   * Error spans in its traces, plus failed tool calls (`success: false`) that no error span already
   * counts (a coding agent's tool results arrive as log events).
   */
  errors: number;
  /** Turns with at least one error. */
  failedTurns: number;
  /** USD; null when nothing could be priced. */
  costUsd: number | null;
  costSource: CostSource;
  /** The CLI or service that sent it (`claude-code`, `codex_exec`, `gemini-cli`, …), when known. */
  serviceName: string | null;
  /** Earliest activity seen. */
  firstActivityUnixNano: NanoString;
  /** Latest activity seen. */
  lastActivityUnixNano: NanoString;
}

export interface SessionModelCall {
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWriteTokens: number | null;
  reasoningTokens: number | null;
  costUsd: number | null;
  /** `reported` by the tool, or from the price table (`prices`); `none` when unpriced. */
  costSource: 'reported' | 'prices' | 'none';
  durationMs: number | null;
  /** The span that recorded it, when one did. */
  traceId: HexId | null;
  spanId: HexId | null;
  /** Read from a span, a log event, or both (merged). */
  source: 'span' | 'event' | 'span+event';
}

export interface SessionToolCall {
  name: string;
  callId: string | null;
  input: AttributeValue | null;
  result: AttributeValue | null;
  success: boolean | null;
  durationMs: number | null;
  /** Ran inside another tool call of the turn (Codex's code mode): shown, not counted. */
  nested: boolean;
  traceId: HexId | null;
  spanId: HexId | null;
  source: 'span' | 'event' | 'span+event';
}

export interface SessionTurn {
  /** Position in the session, from 1. */
  index: number;
  startTimeUnixNano: NanoString;
  endTimeUnixNano: NanoString;
  prompt: string | null;
  answer: string | null;
  /** The turn's traces, the main one (most GenAI spans) first; empty when it came from log events alone. */
  traceIds: HexId[];
  /** `spans` when its calls were read from spans, `events` when from log events alone. */
  source: 'spans' | 'events';
  llmCalls: SessionModelCall[];
  toolCalls: SessionToolCall[];
  costUsd: number | null;
  /** Error spans in its traces plus failed tool calls no error span counts (SessionSummary.errors). */
  errors: number;
}

export interface SessionListQuery {
  /** 1..500, default 50. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor`. */
  cursor?: string;
}

export interface SessionListPage {
  /** Most recent activity first. */
  sessions: SessionSummary[];
  nextCursor: string | null;
}

export interface SessionDetail {
  sessionId: string;
  summary: SessionSummary;
  /** In time order. */
  turns: SessionTurn[];
  /** In start-time order (the first MAX_SESSION_TRACES; `truncated` says when there are more). */
  traces: TraceSummary[];
  truncated: boolean;
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
  /** Each upstream endpoint forwarded to (docs/forwarding.md); empty when none. */
  forwarding: ForwardEndpointStatus[];
}

export type ReceiverKind = 'otlp-http' | 'otlp-grpc';
export const RECEIVER_KINDS: readonly ReceiverKind[] = ['otlp-http', 'otlp-grpc'];
/** How a receiver is named to people (logs, banners, the tray). */
export const RECEIVER_LABELS: Readonly<Record<ReceiverKind, string>> = { 'otlp-http': 'OTLP/HTTP', 'otlp-grpc': 'OTLP/gRPC' };

/** One OTLP receiver: listening, or why not. A busy port never stops Flowtrace. */
export interface ReceiverStatus {
  kind: ReceiverKind;
  state: 'listening' | 'busy' | 'failed';
  host: string;
  /** The bound port while listening; else the port it tried. */
  port: number;
  /** What an exporter should be pointed at; null while not listening. */
  endpoint: string | null;
  /** Why it does not listen. */
  error?: string;
  /** Who holds a busy port ("otelcol (pid 812)"), when the system says. */
  holder?: string | null;
}

/** Bind a receiver again: on its port (once freed), on a given one, or the first free one above. */
export interface ReceiverRetry {
  port?: number | 'next';
}

export interface EngineInfo {
  version: string;
  /**
   * e.g. http://127.0.0.1:4318 — what OTEL_EXPORTER_OTLP_ENDPOINT should be set to. While the port
   * is busy (see `receivers`) it names the port Flowtrace waits to bind, which answers nothing yet.
   */
  otlpHttpEndpoint: string;
  /** null while no gRPC receiver runs. */
  otlpGrpcEndpoint: string | null;
  /** Both receivers' states: a busy port never stops Flowtrace, it shows here. */
  receivers: ReceiverStatus[];
  dataDir: string;
  /**
   * Where this Flowtrace serves its REST API, WebSocket and UI (`http://127.0.0.1:9600` unless that
   * port was taken); absent where the shell serves none.
   */
  apiUrl?: string;
}

/** Pushed after commits, coalesced (at most a few per second), so views know when to pull. */
export interface IngestTick {
  spans: number;
  traces: number;
  /** Spans acknowledged since the previous tick. */
  newSpans: number;
  /** Log records and metric points stored since the previous tick (the Logs and Metrics pages re-read on them). */
  newLogRecords: number;
  newMetricPoints: number;
  /** Traces touched since the previous tick (at most 100; `truncated` says when there were more). */
  traceIds: HexId[];
  truncated: boolean;
}

/** A severity of a log record: OTLP SeverityNumber 1–24 (TRACE 1–4 … FATAL 21–24), 0 when unset. */
export type SeverityNumber = number;

/** An OTLP log record as stored. Times are as sent; a record without a time is ordered by its observed time. */
export interface LogRecordView {
  /** null when the record was not emitted inside a span. */
  traceId: HexId | null;
  spanId: HexId | null;
  /** "0" when the producer did not set it. */
  timeUnixNano: NanoString;
  observedTimeUnixNano: NanoString;
  severityNumber: SeverityNumber;
  severityText: string;
  /** OTLP AnyValue as JSON (a string for most logs); null when absent. */
  body: AttributeValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  /** W3C trace flags in the low byte. */
  flags: number;
  /** The event's name for log-based events ("" for plain logs). */
  eventName: string;
  resource: ResourceInfo;
  scope: ScopeInfo;
}

/** All given filters must hold (AND). */
export interface LogListQuery {
  traceId?: HexId;
  /** Needs traceId. */
  spanId?: HexId;
  /** Case-insensitive (ASCII) substring of the body, the severity text or the event name. */
  q?: string;
  /** Exact `service.name` of the record's resource. */
  service?: string;
  /** Severity number at least this (1–24; e.g. 13 = WARN and above); unset records (0) fall below any. */
  minSeverity?: SeverityNumber;
  /** Time range, inclusive, unix nanoseconds (the record's time, or its observed time when it has none). */
  from?: NanoString;
  to?: NanoString;
  /** 1..1000, default 100. */
  limit?: number;
  /** Opaque, from a previous page's `nextCursor` (valid only with the same filters). */
  cursor?: string;
}

export interface LogListPage {
  /** Newest first. */
  logs: LogRecordView[];
  nextCursor: string | null;
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
export type AggregationTemporalityName = 'unspecified' | 'delta' | 'cumulative';

/**
 * A double or an int64 as JSON: a number when a number holds it exactly, otherwise decimal text
 * (int64 beyond ±2^53) or "NaN", "Infinity", "-Infinity".
 */
export type MetricNumber = number | string;

export interface HistogramValue {
  count: number;
  sum: MetricNumber | null;
  min: MetricNumber | null;
  max: MetricNumber | null;
  bucketCounts: number[];
  explicitBounds: MetricNumber[];
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramValue {
  count: number;
  sum: MetricNumber | null;
  min: MetricNumber | null;
  max: MetricNumber | null;
  scale: number;
  zeroCount: number;
  zeroThreshold: MetricNumber;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
}

export interface SummaryValue {
  count: number;
  sum: MetricNumber;
  quantileValues: Array<{ quantile: MetricNumber; value: MetricNumber }>;
}

export interface MetricExemplar {
  timeUnixNano: NanoString;
  value: MetricNumber | null;
  traceId: HexId | null;
  spanId: HexId | null;
  filteredAttributes: Attributes;
}

/** One data point of an OTLP metric, with its metric's description. Exactly one value field is set, per `type`. */
export interface MetricPointView {
  name: string;
  description: string;
  unit: string;
  type: MetricType;
  /** Metric.metadata, usually empty. */
  metadata: Attributes;
  /** For sum, histogram and exponential histogram; `unspecified` for the others. */
  aggregationTemporality: AggregationTemporalityName;
  /** Sums only; false for the others. */
  isMonotonic: boolean;
  startTimeUnixNano: NanoString;
  timeUnixNano: NanoString;
  attributes: Attributes;
  flags: number;
  /** Gauge and sum: the value (NaN is stored as null). */
  value: MetricNumber | null;
  histogram: HistogramValue | null;
  exponentialHistogram: ExponentialHistogramValue | null;
  summary: SummaryValue | null;
  exemplars: MetricExemplar[];
  resource: ResourceInfo;
  scope: ScopeInfo;
}

export interface MetricPointQuery {
  /** Exact metric name. */
  name: string;
  /** Point time range, inclusive, unix nanoseconds. */
  from?: NanoString;
  to?: NanoString;
  /** 1..1000, default 100. */
  limit?: number;
  cursor?: string;
}

export interface MetricPointPage {
  /** Oldest first (by point time), as a chart draws them. */
  points: MetricPointView[];
  nextCursor: string | null;
}

export interface MetricNameInfo {
  name: string;
  /** Of the newest point (a metric may change shape; the newest wins). */
  type: MetricType;
  unit: string;
  description: string;
  pointCount: number;
  lastTimeUnixNano: NanoString;
}

// ---- Memory: search by meaning, and collections agents write and recall (docs/memory.md) ----

export type SearchMode = 'hybrid' | 'semantic' | 'text';

/** Which embedder made the vectors a search used: one index per (provider, model, dim). */
export interface EmbedderInfo {
  /** `local` (the shipped MiniLM on onnxruntime), `openai` (an OpenAI-compatible /v1/embeddings), `hashing` (tests only). */
  provider: string;
  model: string;
  dim: number;
}

/**
 * A search over what the runs said and did (conversation turns, tool calls with results, errors),
 * with the trace list's filters. `similarTo` searches with a span's (or trace's) own remembered
 * text instead of `q` ("similar runs"); the runs it came from are left out of the results.
 */
export interface SearchQuery {
  q?: string;
  /** Default `hybrid`: full text (BM25) and vectors fused by reciprocal rank. */
  mode?: SearchMode;
  /** 1..100, default 20. */
  limit?: number;
  service?: string;
  model?: string;
  agent?: string;
  session?: string;
  /** Time range of the remembered span's start, inclusive, unix nanoseconds. */
  startFrom?: NanoString;
  startTo?: NanoString;
  similarTo?: { traceId: HexId; spanId?: HexId };
}

export interface SearchResult {
  traceId: HexId;
  spanId: HexId;
  /** Higher is better; comparable only within one answer. */
  score: number;
  /** The matching text, shortened around the match. */
  snippet: string;
  sessionId?: string;
  /** What the remembered text was: `message` (a conversation turn), `tool` (a call and its result), `error`. */
  source: MemorySource;
  /** The span's name, agent, model, service and start, for the result row. */
  spanName: string;
  agent?: string;
  model?: string;
  service?: string;
  startTimeUnixNano: NanoString;
}

export type MemorySource = 'message' | 'tool' | 'error';

export interface SearchAnswer {
  results: SearchResult[];
  embedder: EmbedderInfo;
  /** The mode actually used: `text` when vectors were asked for but are not ready. */
  mode: SearchMode;
}

/** A collection's name: 1..64 of letters, digits, `-`, `_`, `.`. */
export type CollectionName = string;

export interface MemoryCollectionInfo {
  name: CollectionName;
  count: number;
  /** ms since epoch of the newest item, null when empty. */
  updatedAt: number | null;
}

export interface MemoryItemInput {
  /** 1..32,768 characters. */
  text: string;
  /** JSON object, kept as given (≤ 16 KB as JSON); recall filters match its top-level values. */
  metadata?: Record<string, unknown>;
}

export interface RecallQuery {
  query: string;
  /** 1..100, default 5. */
  k?: number;
  /** Items whose metadata has each of these top-level values (exact, as JSON scalars). */
  filter?: Record<string, string | number | boolean | null>;
}

export interface MemoryItem {
  id: string;
  collection: CollectionName;
  text: string;
  metadata: Record<string, unknown>;
  /** ms since epoch. */
  createdAt: number;
}

export interface RecalledItem extends MemoryItem {
  /** Cosine similarity, -1..1. */
  score: number;
}

/** What the memory is doing: the feed's lag behind ingest, the index, the embedder. */
export interface MemoryStatus {
  enabled: boolean;
  embedder: EmbedderInfo | null;
  /** Remembered texts with a vector, from runs and from collections. */
  items: number;
  /** GenAI or failed spans stored but not yet remembered. */
  backlogSpans: number;
  /** Spans passed over because the backlog was over its bound. */
  skippedSpans: number;
  /** null until the first text is embedded. */
  lastError: string | null;
}

// ---- Analytics: the dashboard's rollups (per minute, kept at compaction; ARCHITECTURE.md "Analytics rollups") ----

/** The dimensions rollups are kept by: GenAI spans by model, agent and tool; every span by service and span name. */
export const ANALYTICS_GROUPS = ['model', 'agent', 'tool', 'service', 'spanName'] as const;
export type AnalyticsGroupBy = (typeof ANALYTICS_GROUPS)[number];
export const ANALYTICS_METRICS = ['spans', 'errors', 'tokens', 'cost', 'p95Ms'] as const;
export type AnalyticsMetric = (typeof ANALYTICS_METRICS)[number];
/** The group that holds a minute's spans past its bound on distinct keys per dimension. */
export const ANALYTICS_OTHER = '(other)';

export interface AnalyticsLatencyQuery {
  groupBy: AnalyticsGroupBy;
  /** Span start range, inclusive, unix nanoseconds; read at minute resolution. Absent: all stored. */
  from?: NanoString;
  to?: NanoString;
}

export interface AnalyticsLatencyGroup {
  key: string;
  count: number;
  errorCount: number;
  /** Span duration percentiles from merged DDSketches: within 1 % of the exact value at that rank. */
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Usage of the group's LLM calls (llm, embedding, reranker spans); 0 for agent and tool groups. */
  totalTokens: number;
  costUsd: number;
}

export interface AnalyticsLatency {
  /** Most spans first. */
  groups: AnalyticsLatencyGroup[];
}

export interface AnalyticsTimeseriesQuery {
  metric: AnalyticsMetric;
  /** Absent: one series, key "all". */
  groupBy?: AnalyticsGroupBy;
  /** Bucket width in seconds, a multiple of 60; absent: chosen for about 60 buckets. */
  bucket?: number;
  from?: NanoString;
  to?: NanoString;
}

export interface AnalyticsTimeseries {
  bucketSeconds: number;
  /** Every bucket of the range, oldest first; `t` its start (unix ns). At most 10 keys, the rest in "(other)". */
  buckets: Array<{ t: NanoString; values: Record<string, number> }>;
}

// ---- Clear data: one trace, one session, or everything (README "Your data") ----

/**
 * What a delete removed. Remembered texts of the deleted traces (the memory's run items) go too,
 * shortly after, as after retention; memory collections written with `remember` are not telemetry
 * and stay.
 */
export interface DeletedCounts {
  traces: number;
  spans: number;
  /** Log records: those logged inside a deleted trace, and a deleted session's own. */
  logs: number;
  /** A deleted session's metric points (trace deletes keep metrics: they are aggregates). */
  metricPoints: number;
}

/** What `clearAllData` must be given, so no stray call (or a URL typed from memory) empties the store. */
export const CLEAR_ALL_CONFIRMATION = 'delete-everything';

/** One side of a compared step: the span it is in its own trace. */
export interface CompareStepSide {
  spanId: HexId;
  /** The span's name. */
  spanName: string;
  /** ms from the trace's earliest start. */
  startMs: number;
  durationMs: number;
  status: StatusCodeName;
  /** Tokens the span reports itself (null when none); an agent's are its own span's, often its children's sum. */
  tokens: number | null;
  costUsd: number | null;
  model: string | null;
}

/** A field that differs between the two sides of a matched step, as comparable text (null: absent on that side). */
export interface CompareFieldDiff {
  field: 'model' | 'input' | 'output' | 'arguments' | 'result' | 'status';
  a: string | null;
  b: string | null;
}

/**
 * One aligned step of two runs (genai/compare.ts): `same` and `changed` have both sides, `removed`
 * only `a` (the step is in the first run only), `added` only `b`.
 */
export interface CompareStep {
  status: 'same' | 'changed' | 'added' | 'removed';
  kind: 'agent' | 'llm' | 'tool';
  /** The agent's or tool's name; for an LLM call its model (the `b` side's when both exist). */
  name: string;
  /** The agent the step runs in (null at the top level). */
  agent: string | null;
  /** Nesting under agents, 0 at the top. */
  depth: number;
  a?: CompareStepSide;
  b?: CompareStepSide;
  /** Present on `changed` steps. */
  diffs?: CompareFieldDiff[];
  /** b − a; a missing side counts as 0. */
  delta: { tokens: number; costUsd: number; durationMs: number };
}

/** One run's totals in a comparison: tokens and cost over the innermost spans reporting usage, as the trace rollup counts them. */
export interface CompareRunTotals {
  traceId: HexId;
  rootName: string;
  serviceName: string;
  startTimeUnixNano: NanoString;
  sessionId: string | null;
  tokens: number;
  /** null when no call has a price. */
  costUsd: number | null;
  durationMs: number;
  spanCount: number;
  llmCalls: number;
  toolCalls: number;
  errors: number;
}

export interface CompareResult {
  steps: CompareStep[];
  totals: { a: CompareRunTotals; b: CompareRunTotals };
}

// ---- Feedback on runs: annotations of a trace or one of its spans (README "Feedback") ----

/** The built-in kinds; any other name (1–64 characters) is a custom annotation with any JSON value. */
export const ANNOTATION_NAMES = ['thumbs', 'rating', 'label', 'note', 'correction'] as const;
export type BuiltinAnnotationName = (typeof ANNOTATION_NAMES)[number];

/**
 * The value by name: `thumbs` 'up' | 'down'; `rating` an integer 1–5; `label` a list of 1–20 labels
 * (each 1–64 characters); `note` text; `correction` the corrected output as text. Custom names: any
 * JSON value (at most 16 KB serialized).
 */
export type AnnotationValue = string | number | boolean | null | AnnotationValue[] | { [key: string]: AnnotationValue };

export interface AnnotationInput {
  traceId: HexId;
  /** Absent: the annotation is about the whole trace. */
  spanId?: HexId;
  name: string;
  value: AnnotationValue;
  comment?: string;
}

export interface Annotation {
  /** 16 lowercase hex characters, random. */
  id: HexId;
  traceId: HexId;
  spanId: HexId | null;
  name: string;
  value: AnnotationValue;
  comment: string | null;
  /** Unix milliseconds. */
  createdAt: number;
}

/** Every annotation of a trace (its spans' too) folded for the list. */
export interface FeedbackSummary {
  /** Annotations of any name. */
  count: number;
  up: number;
  down: number;
  /** Mean of the `rating` annotations; null when there is none. */
  rating: number | null;
  ratingCount: number;
  /** Distinct labels of the `label` annotations, sorted. */
  labels: string[];
  /** Some `note` or `correction` annotation exists. */
  hasNote: boolean;
  hasCorrection: boolean;
}

export const FEEDBACK_FILTERS = ['up', 'down', 'any', 'none'] as const;
export type FeedbackFilter = (typeof FEEDBACK_FILTERS)[number];
// ---- Funnels: where runs drop off (README "Funnels") ----

/** What a funnel step matches a span by: an agent span's agent name, a tool span's tool name, the span name, or one attribute. */
export type FunnelStepType = 'agent' | 'tool' | 'spanName' | 'attribute';

export interface FunnelStep {
  type: FunnelStepType;
  /** The agent name, tool name, span name or attribute value, exactly (an attribute's number or boolean as its text: `3`, `true`). */
  value: string;
  /** The attribute key; only (and always) with type `attribute`. */
  key?: string;
  /** The matching span must also be GenAI of this kind. */
  kind?: GenAiKind;
}

/** A run is one trace, or one session (its traces in the range, in time order, read as one run). */
export type FunnelMode = 'traces' | 'sessions';

export interface FunnelQuery {
  /** 1..8 steps, in the order a run must reach them: each step's span starts after the previous step's. */
  steps: FunnelStep[];
  /** Default `traces`. */
  mode?: FunnelMode;
  /** Trace start range, inclusive, unix nanoseconds. */
  from?: NanoString;
  to?: NanoString;
  /** Exact `service.name` of the trace's root. */
  service?: string;
  /** Runs listed behind each number, 1..500, default 50 (the counts are always exact). */
  runLimit?: number;
}

/**
 * `completed`: reached every step, and no step's span failed; `failed`: a reached step's span failed,
 * or a run that stopped early has a failed span starting at or after its last reached step;
 * `abandoned`: stopped early without such an error.
 */
export type FunnelOutcome = 'completed' | 'abandoned' | 'failed';

export interface FunnelRun {
  /** The trace id (mode `traces`) or the session id (mode `sessions`). */
  id: string;
  /** The trace to open: the run's own, or (a session) the trace where it got furthest. */
  traceId: HexId;
  /** Root span name of that trace. */
  rootName: string;
  /** Start of the run (its first trace). */
  startTimeUnixNano: NanoString;
  /** Steps reached, 0..steps.length. */
  reached: number;
  /** null for a run that did not reach the first step. */
  outcome: FunnelOutcome | null;
}

/** A number of runs and the newest `runLimit` of them, newest first. */
export interface FunnelRunSet {
  count: number;
  runs: FunnelRun[];
}

export interface FunnelStepResult {
  step: FunnelStep;
  /** Runs that reached this step (and every step before it, in order). */
  reached: FunnelRunSet;
  /** Runs that reached the previous step (for the first: every run in range) but not this one. */
  dropped: FunnelRunSet;
  /** reached / reached of the previous step (the first: / runs in range), 0..1; 0 when nothing to convert. */
  conversionFromPrevious: number;
  /** reached / reached of the first step, 0..1; 0 when nothing reached the first. */
  conversionFromFirst: number;
}

export interface FunnelResult {
  mode: FunnelMode;
  /** Runs in the range (and service): traces, or sessions with a trace in it. */
  runs: number;
  steps: FunnelStepResult[];
  /** Of the runs that reached the first step (they sum to its `reached.count`). */
  outcomes: Record<FunnelOutcome, FunnelRunSet>;
}

export type Unsubscribe = () => void;

export interface FlowtraceApi {
  listTraces(query: TraceListQuery): Promise<TraceListPage>;
  getTrace(traceId: HexId): Promise<TraceDetail | null>;
  /**
   * The trace's shape for drawing (trace-outline.ts): every span's place, name, timing, status and
   * GenAI kind in columns, without attributes, events or links; null when the trace is unknown.
   * What the trace view loads, so a 1M-span trace opens without shipping every attribute map.
   */
  getTraceOutline(traceId: HexId): Promise<TraceOutline | null>;
  /** The trace's stored blocks hashed again and compared with the audit trail; null when the trace is unknown. */
  getTraceAudit(traceId: HexId): Promise<TraceAudit | null>;
  getSpan(traceId: HexId, spanId: HexId): Promise<SpanRecord | null>;
  /** GenAI sessions (conversations), most recent activity first. */
  listSessions(query: SessionListQuery): Promise<SessionListPage>;
  /** null when no stored trace names this session. */
  getSession(sessionId: string): Promise<SessionDetail | null>;
  /** The agent graph of a trace (docs/genai-graph.md); null when the trace is unknown. */
  getAgentGraph(traceId: HexId, options?: AgentGraphOptions): Promise<AgentGraph | null>;
  getStats(): Promise<Stats>;
  getInfo(): Promise<EngineInfo>;
  /** OTLP log records, newest first; by trace or span, text and time. */
  listLogs(query: LogListQuery): Promise<LogListPage>;
  /** The points of one metric in a time range, oldest first. */
  listMetricPoints(query: MetricPointQuery): Promise<MetricPointPage>;
  /** Every metric name stored, alphabetically. */
  listMetricNames(): Promise<MetricNameInfo[]>;
  /**
   * The trace as OTLP/JSON `ExportTraceServiceRequest` text, which any OTLP receiver accepts and
   * Flowtrace re-imports to the same spans; null when the trace is unknown.
   */
  exportTraceOtlp(traceId: HexId): Promise<string | null>;
  /** Search the runs by meaning and by words (docs/memory.md). */
  search(query: SearchQuery): Promise<SearchAnswer>;
  listMemoryCollections(): Promise<MemoryCollectionInfo[]>;
  /** Embeds and stores the text; resolves once it can be recalled. */
  remember(collection: CollectionName, item: MemoryItemInput): Promise<{ id: string }>;
  recall(collection: CollectionName, query: RecallQuery): Promise<{ items: RecalledItem[] }>;
  /** Newest first, for browsing; `cursor` from the previous page. */
  listMemoryItems(collection: CollectionName, options?: { limit?: number; cursor?: string }): Promise<{ items: MemoryItem[]; nextCursor: string | null }>;
  /** false when there was no such item. */
  forget(collection: CollectionName, id: string): Promise<boolean>;
  getMemoryStatus(): Promise<MemoryStatus>;
  /** Deletes the trace (spans, events, links, full text, its log records); null when it is unknown. */
  deleteTrace(traceId: HexId): Promise<DeletedCounts | null>;
  /**
   * Deletes the session: the traces that name it (and those its log events were logged in, unless
   * they name another session), its log records and metric points; null when nothing names it.
   */
  deleteSession(sessionId: string): Promise<DeletedCounts | null>;
  /** Deletes every trace, log record, metric point and session; `confirm` must be CLEAR_ALL_CONFIRMATION. */
  clearAllData(confirm: typeof CLEAR_ALL_CONFIRMATION): Promise<DeletedCounts>;
  /** Two runs' agents, LLM calls and tool calls aligned (genai/compare.ts); null when either trace is unknown. */
  compareTraces(a: HexId, b: HexId): Promise<CompareResult | null>;
  /** Stores an annotation of the trace (or of one of its spans); null when the trace or span is not stored. */
  annotate(input: AnnotationInput): Promise<Annotation | null>;
  /** The trace's annotations, oldest first (empty for an unknown trace). */
  listAnnotations(traceId: HexId): Promise<Annotation[]>;
  /** false when there was no such annotation. */
  deleteAnnotation(id: HexId): Promise<boolean>;
  /** A funnel over the stored runs: reached, dropped and conversion per step, outcomes, and the runs behind each number. */
  runFunnel(query: FunnelQuery): Promise<FunnelResult>;
  /** Span counts, errors and latency percentiles per group over a time range, from the rollups. */
  getAnalyticsLatency(query: AnalyticsLatencyQuery): Promise<AnalyticsLatency>;
  /** One metric per time bucket and group, from the rollups (sketches merged for p95Ms). */
  getAnalyticsTimeseries(query: AnalyticsTimeseriesQuery): Promise<AnalyticsTimeseries>;
  /**
   * Binds an OTLP receiver again (its port was busy, or the user moves it); the new state. Rejects,
   * leaving it where it was, when a listening receiver cannot move.
   */
  retryReceiver(kind: ReceiverKind, retry?: ReceiverRetry): Promise<ReceiverStatus>;
  /** The saved settings (settings.ts), which wait for a restart, and which a flag overrides. */
  getSettings(): Promise<SettingsView>;
  /**
   * Checks the edit field by field (SettingsError names each wrong one), applies what applies at
   * once (ports rebind, retention runs), saves, and answers as getSettings.
   */
  updateSettings(patch: SettingsPatch): Promise<SettingsView>;
  /** Your model prices beside the shipped table, and whether a saved change waits for a restart. */
  getPrices(): Promise<PricesView>;
  /**
   * Replaces your model prices with this list (SettingsError names each wrong model and nothing is
   * saved); they price spans stored after the next start.
   */
  updatePrices(prices: PriceList): Promise<PricesView>;
  /** Drops your model prices: the shipped table alone prices from the next start. */
  resetPrices(): Promise<PricesView>;
  /** The redaction rules file (docs/redaction.md) and what it sets for each detector. */
  getRedaction(): Promise<RedactionView>;
  /**
   * Replaces the redaction rules with this text (SettingsError `rules` names the first bad line, and
   * nothing is saved); they apply to the next request received.
   */
  updateRedaction(rules: string): Promise<RedactionView>;
  /** The upstream OTLP endpoints forwarded to (header names, not values) and how each is doing. */
  getForwarding(): Promise<ForwardingView>;
  /**
   * Replaces the endpoints (saved, in effect at once). Sends data off this machine, so it needs the
   * OTLP token (ForwardingTokenError); ForwardingError (a SettingsError) names each wrong field.
   */
  updateForwarding(update: ForwardingUpdate): Promise<ForwardingView>;
  onIngest(listener: (tick: IngestTick) => void): Unsubscribe;
}

/** The request/response methods, in one list that the preload walks and both shells check against. */
export const API_METHODS = ['listTraces', 'getTrace', 'getTraceOutline', 'getTraceAudit', 'getSpan', 'listSessions', 'getSession', 'getAgentGraph', 'getStats', 'getInfo', 'listLogs', 'listMetricPoints', 'listMetricNames', 'exportTraceOtlp', 'search', 'listMemoryCollections', 'remember', 'recall', 'listMemoryItems', 'forget', 'getMemoryStatus', 'deleteTrace', 'deleteSession', 'clearAllData', 'compareTraces', 'annotate', 'listAnnotations', 'deleteAnnotation', 'runFunnel', 'getAnalyticsLatency', 'getAnalyticsTimeseries', 'retryReceiver', 'getSettings', 'updateSettings', 'getPrices', 'updatePrices', 'resetPrices', 'getRedaction', 'updateRedaction', 'getForwarding', 'updateForwarding'] as const;
export const API_EVENTS = ['onIngest'] as const;

export type ApiMethod = (typeof API_METHODS)[number];
export type ApiEvent = (typeof API_EVENTS)[number];

/** A handler map for the verbs; shells declare theirs with `satisfies ApiHandlers` so none can be missing. */
export type ApiHandlers = {
  [K in ApiMethod]: (...args: Parameters<FlowtraceApi[K]>) => ReturnType<FlowtraceApi[K]>;
};

/**
 * The verbs as Electron IPC carries them: the contract's answers, except the trace outline, which
 * crosses as its binary form (trace-outline-binary.ts), one byte array instead of a million-entry
 * object graph to clone, and is decoded in the renderer's outline worker. What `window.flowtrace` is.
 */
export type IpcApi = Omit<FlowtraceApi, 'getTraceOutline'> & {
  getTraceOutline(traceId: HexId): Promise<Uint8Array | null>;
};

/** The Electron shell's handler map: ApiHandlers with the IPC answers. */
export type IpcHandlers = {
  [K in ApiMethod]: (...args: Parameters<FlowtraceApi[K]>) => ReturnType<IpcApi[K]>;
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
