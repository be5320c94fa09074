// The agent graph of a trace without GenAI spans, built from its outline so one renderer draws
// both: a node per span (kind from the outline, else 'other'; label = span name) and a `calls`
// edge per parent → child. Ordered like the engine's graphs (nodes by start time then span id,
// edges by the order of their ends), so folding and layout treat both alike.
import { isGenAiKind, type AgentGraph, type AgentGraphEdge, type AgentGraphNode } from '../../../../src-shared/contract';
import { edgeId, nanos } from '../../../../src-shared/agent-graph-collapse';
import { STATUS_ERROR, STATUS_OK, type TraceOutline } from '../../../../src-shared/trace-outline';


export function graphFromOutline(outline: TraceOutline): AgentGraph {
  const n = outline.spanIds.length;
  if (n === 0) return { traceId: null, nodes: [], edges: [], externalLinks: [] };
  // Offsets are exact integers of nanoseconds (see trace-outline.ts) before the division to ms.
  const base = nanos(outline.startTimeUnixNano) ?? 0n;
  const nano = (ms: number): string => (base + BigInt(Math.round(ms * 1e6))).toString();
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (outline.startMs[a] ?? 0) - (outline.startMs[b] ?? 0) || cmp(outline.spanIds[a] ?? '', outline.spanIds[b] ?? ''),
  );
  const position = new Int32Array(n);
  order.forEach((i, p) => (position[i] = p));

  const nodes: AgentGraphNode[] = order.map((i) => {
    const kind = outline.kinds[outline.kindIndex[i] ?? 0] ?? '';
    const name = outline.names[outline.nameIndex[i] ?? 0] ?? '';
    const p = outline.parentIndex[i] ?? -1;
    const start = outline.startMs[i] ?? 0;
    const duration = outline.durationsMs[i] ?? 0;
    const status = outline.status[i];
    const failed = status === STATUS_ERROR;
    const message = outline.statusMessage[i] ?? '';
    const spanId = outline.spanIds[i] ?? '';
    return {
      id: spanId,
      spanId,
      kind: isGenAiKind(kind) ? kind : 'other',
      label: name,
      spanName: name,
      parentId: p === -1 ? null : (outline.spanIds[p] ?? null),
      startTimeUnixNano: nano(start),
      endTimeUnixNano: nano(start + duration),
      durationMs: duration,
      status: failed ? 'error' : status === STATUS_OK ? 'ok' : 'unset',
      errorMessage: failed && message !== '' ? message : null,
      errorCount: failed ? 1 : 0,
      model: null,
      inputTokens: null,
      outputTokens: null,
      totalTokens: null,
      costUsd: null,
      count: 1,
      collapsedSpanIds: [],
    };
  });

  const edges: Array<{ edge: AgentGraphEdge; from: number; to: number }> = [];
  for (let i = 0; i < n; i++) {
    const p = outline.parentIndex[i] ?? -1;
    if (p === -1) continue;
    const from = outline.spanIds[p] ?? '';
    const to = outline.spanIds[i] ?? '';
    edges.push({ edge: { id: edgeId('calls', from, to), type: 'calls', from, to, count: 1 }, from: position[p] ?? 0, to: position[i] ?? 0 });
  }
  edges.sort((x, y) => x.from - y.from || x.to - y.to);
  return { traceId: outline.traceId, nodes, edges: edges.map((e) => e.edge), externalLinks: [] };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
