/**
 * One table from store operation to handler, its keys the protocol's request union: an operation
 * added to protocol.ts without a handler here does not compile, and a handler's answer is checked
 * against StoreResponses. Each entry also says how the operation meets the rest of the store thread:
 *   - append: ingest, answered by the append log after COMMIT (append-log.ts);
 *   - observe: served at once, without waiting for compaction (metrics; the memory's reads, which
 *     follow compaction by row id, so forcing one would only break its slices under heavy ingest);
 *   - read: served by a reader thread of the pool on its own connection (reader-pool.ts), once the
 *     store thread has compacted every request acknowledged before it (the read gate's promise,
 *     kept through read-sequence.ts and the `barrier` op); on the store thread when the pool is off;
 *   - store-read: a read of what the store thread writes behind compaction (the analytics hour and
 *     day tiers), so it stays there, behind the read gate (read-gate.ts);
 *   - write: behind the read gate, on the store thread;
 *   - queue: the forwarding queue's reads and writes of `log` (forward-queue.ts), at once: what
 *     they touch is committed already, and the sender must not wait for compaction;
 *   - shutdown: behind the gate too, without waiting for the span-decode worker.
 * Pooled reads get a PoolReadHandle (query objects a reader builds too), the others a ReadHandle,
 * writes a WriteHandle: a read cannot reach a statement that writes, nor a pooled read the store
 * thread's memory, distinctions the compiler keeps. See docs/adr/0010-reader-pool.md.
 */
import type { AgentGraph, AgentGraphOptions, DeletedCounts } from '../../../src-shared/contract';
import { buildAgentGraph, collapseRepeats } from '../genai/graph';
import { encodeTraceRequestJson } from '../otlp/encode-json';
import type { AnalyticsQueries } from './analytics-queries';
import type { Annotations } from './annotations';
import type { ForwardQueue } from './forward-queue';
import type { FunnelQueries } from './funnel-queries';
import type { StoreMetrics, StoreRequest, StoreResponses } from './protocol';
import type { Queries } from './queries';
import type { RetentionSettings } from './retention';
import type { SessionQueries } from './session-queries';
import type { TelemetryQueries } from './telemetry-queries';

/** What a reader thread builds on its own read-only connection (reader.ts), and the store thread too. */
export interface PoolReadHandle {
  readonly traces: Pick<Queries, 'listTraces' | 'getTrace' | 'getTraceOutline' | 'getTraceAudit' | 'getSpan' | 'agentGraphSpans' | 'counters' | 'countTracesSince' | 'memoryFeed' | 'tracesExist'>;
  readonly sessions: Pick<SessionQueries, 'listSessions' | 'getSession'>;
  readonly telemetry: Pick<TelemetryQueries, 'listLogs' | 'listMetricPoints' | 'listMetricNames'>;
  readonly funnels: Pick<FunnelQueries, 'runFunnel'>;
  readonly annotations: Pick<Annotations, 'list'>;
}

/** The store thread's reads: the pooled ones plus those that need its memory. */
export interface ReadHandle extends PoolReadHandle {
  /** The hour and day rollups they read are written behind compaction; the handle brings them up to date first. */
  readonly analytics: Pick<AnalyticsQueries, 'latency' | 'timeseries'>;
  metrics(): StoreMetrics;
}

/** Every write but ingest: the user's deletes and feedback, and the retention settings. */
export interface WriteHandle {
  deleteTrace(traceId: string): DeletedCounts | null;
  deleteSession(sessionId: string): DeletedCounts | null;
  clearAll(): DeletedCounts;
  readonly annotations: Pick<Annotations, 'annotate' | 'delete'>;
  /** New age and size limits; retention runs at once with them. */
  setRetention(settings: RetentionSettings): void;
}

export interface ShutdownHandle {
  /** Everything acknowledged compacted, the file checkpointed, closed and marked clean. */
  close(): void;
}

export type StoreOp = StoreRequest['op'];
export type RequestOf<Op extends StoreOp> = Extract<StoreRequest, { op: Op }>;

/** Method syntax on purpose: the dispatcher calls every entry through the widest request type. */
export type Handler<Op extends StoreOp> =
  | { kind: 'append' }
  | { kind: 'read'; run(h: PoolReadHandle, req: RequestOf<Op>): StoreResponses[Op] }
  | { kind: 'observe' | 'store-read'; run(h: ReadHandle, req: RequestOf<Op>): StoreResponses[Op] }
  | { kind: 'write'; run(h: WriteHandle, req: RequestOf<Op>): StoreResponses[Op] }
  | { kind: 'queue'; run(h: ForwardQueue, req: RequestOf<Op>): StoreResponses[Op] }
  | { kind: 'shutdown'; run(h: ShutdownHandle, req: RequestOf<Op>): StoreResponses[Op] };

export type Handlers = { [Op in StoreOp]: Handler<Op> };

export const handlers = {
  ingest: { kind: 'append' },
  listTraces: { kind: 'read', run: (h, req) => h.traces.listTraces(req.query) },
  getTrace: { kind: 'read', run: (h, req) => h.traces.getTrace(req.traceId) },
  getTraceOutline: { kind: 'read', run: (h, req) => h.traces.getTraceOutline(req.traceId) },
  getTraceAudit: { kind: 'read', run: (h, req) => h.traces.getTraceAudit(req.traceId) },
  exportTraceOtlp: { kind: 'read', run: (h, req) => exportTraceOtlp(h, req.traceId) },
  getAgentGraph: { kind: 'read', run: (h, req) => agentGraph(h, req.traceId, req.options) },
  getSpan: { kind: 'read', run: (h, req) => h.traces.getSpan(req.traceId, req.spanId) },
  listSessions: { kind: 'read', run: (h, req) => h.sessions.listSessions(req.query) },
  getSession: { kind: 'read', run: (h, req) => h.sessions.getSession(req.sessionId) },
  listLogs: { kind: 'read', run: (h, req) => h.telemetry.listLogs(req.query) },
  listMetricPoints: { kind: 'read', run: (h, req) => h.telemetry.listMetricPoints(req.query) },
  listMetricNames: { kind: 'read', run: (h) => h.telemetry.listMetricNames() },
  getAnalyticsLatency: { kind: 'store-read', run: (h, req) => h.analytics.latency(req.query) },
  getAnalyticsTimeseries: { kind: 'store-read', run: (h, req) => h.analytics.timeseries(req.query) },
  counters: { kind: 'read', run: (h) => h.traces.counters() },
  countTracesSince: { kind: 'read', run: (h, req) => h.traces.countTracesSince(req.fromNs) },
  memoryFeed: { kind: 'observe', run: (h, req) => h.traces.memoryFeed(req.afterRowId, req.limit) },
  tracesExist: { kind: 'observe', run: (h, req) => h.traces.tracesExist(req.traceIds) },
  metrics: { kind: 'observe', run: (h) => h.metrics() },
  deleteTrace: { kind: 'write', run: (h, req) => h.deleteTrace(req.traceId) },
  deleteSession: { kind: 'write', run: (h, req) => h.deleteSession(req.sessionId) },
  clearAllData: { kind: 'write', run: (h) => h.clearAll() },
  annotate: { kind: 'write', run: (h, req) => h.annotations.annotate(req.input) },
  listAnnotations: { kind: 'read', run: (h, req) => h.annotations.list(req.traceId) },
  deleteAnnotation: { kind: 'write', run: (h, req) => h.annotations.delete(req.id) },
  runFunnel: { kind: 'read', run: (h, req) => h.funnels.runFunnel(req.query) },
  setRetention: { kind: 'write', run: (h, req) => (h.setRetention(req.retention), null) },
  // Behind the read gate and does nothing: everything acknowledged before it is then compacted, so
  // a pooled read may go to a reader (reader-pool.ts).
  barrier: { kind: 'store-read', run: () => null },
  forwardConfigure: { kind: 'queue', run: (h, req) => h.configure(req.endpoints, req.forgetOthers) },
  forwardNext: { kind: 'queue', run: (h, req) => h.next(req.endpoint, req.maxRows, req.maxBytes) },
  forwardAcknowledge: { kind: 'queue', run: (h, req) => (h.acknowledge(req.endpoint, req.seq), null) },
  forwardDropOldest: { kind: 'queue', run: (h, req) => h.dropOldest(req.endpoint, req.keepBytes) },
  forwardPositions: { kind: 'queue', run: (h) => h.positions() },
  close: { kind: 'shutdown', run: (h) => (h.close(), null) },
} satisfies Handlers;

/**
 * Feedback travels beside resourceSpans as `annotations` (README "Feedback"), and the trace's audit
 * digest and state as `audit` (README "Audit trail"): OTLP/JSON receivers ignore unknown fields, so
 * the file still imports anywhere. Rejected: span events or attributes, which would change the spans
 * themselves and come back as telemetry on re-import.
 */
function exportTraceOtlp(h: PoolReadHandle, traceId: string): string | null {
  const trace = h.traces.getTrace(traceId);
  if (!trace) return null;
  const annotations = h.annotations.list(traceId);
  const request = encodeTraceRequestJson(trace.spans);
  const audit = trace.audit?.digest ? { audit: trace.audit } : {};
  return JSON.stringify(annotations.length > 0 ? { ...request, annotations, ...audit } : { ...request, ...audit });
}

/** Built here, next to the spans, so only the graph (not the whole trace) crosses to the engine thread. */
function agentGraph(h: PoolReadHandle, traceId: string, options: AgentGraphOptions): AgentGraph | null {
  const spans = h.traces.agentGraphSpans(traceId);
  if (!spans) return null;
  if (spans.length === 0) return { traceId, nodes: [], edges: [], externalLinks: [] };
  const graph = buildAgentGraph(spans);
  return options.collapse ? collapseRepeats(graph, options.collapse) : graph;
}

/** The ops a reader thread serves when the pool is on. */
export function isPooledRead(op: StoreOp): boolean {
  return handlers[op].kind === 'read';
}
