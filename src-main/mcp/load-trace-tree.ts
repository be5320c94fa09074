/**
 * Reads what the trace tree is built from: the outline (every span's place, name, timing, status)
 * and the agent graph (GenAI labels, models, tokens, cost, typed edges), never the full spans, so a
 * big trace costs two compact answers. Shared by `get_trace` and `flowtrace inspect`.
 */
import type { FlowtraceApi, HexId } from '../../src-shared/contract';
import { STATUS_ERROR } from '../../src-shared/trace-outline';
import { buildTraceTree, exceptionMessage, type TraceTree, type TraceTreeOptions } from './trace-tree';

export type TraceTreeApi = Pick<FlowtraceApi, 'getTraceOutline' | 'getAgentGraph' | 'getSpan'>;

/** Failed spans whose status says nothing are read whole for their exception event, at most this many. */
const MAX_SILENT_FAILURES_READ = 10;

/** null when the trace is unknown; throws TraceTreeError for an `expand` id not in it. */
export async function loadTraceTree(api: TraceTreeApi, traceId: HexId, options: TraceTreeOptions = {}): Promise<TraceTree | null> {
  const [outline, graph] = await Promise.all([api.getTraceOutline(traceId), api.getAgentGraph(traceId)]);
  if (!outline) return null;
  const silent: HexId[] = [];
  for (let i = 0; i < outline.spanIds.length && silent.length < MAX_SILENT_FAILURES_READ; i++) {
    if (outline.status[i] === STATUS_ERROR && outline.statusMessage[i] === '') silent.push(outline.spanIds[i]!);
  }
  const errorMessages = new Map<HexId, string>();
  const spans = await Promise.all(silent.map((spanId) => api.getSpan(outline.traceId, spanId)));
  for (const span of spans) {
    const message = span ? exceptionMessage(span) : null;
    if (span && message !== null) errorMessages.set(span.spanId, message);
  }
  return buildTraceTree({ outline, graph, errorMessages }, options);
}
