// Handoff spans as people read them, "triage → booking", instead of a tool call named
// `transfer_to_booking` with null arguments. The agents come from the graph: `from` is the handoff
// span's nearest agent node, `to` the agent its handoff edge reaches (else the name the span gives).
import type { AgentGraph, AgentGraphNode } from '../../../../src-shared/contract';
import { agentKey, handoffOfSpan } from '../../../../src-shared/handoff';

export interface HandoffView {
  /** The agent handing over; null when the span has no agent above it and does not name one. */
  from: string | null;
  to: string;
}

/** Every handoff node of the graph, by span id (a folded node's members included). */
export function handoffsOf(graph: AgentGraph | null | undefined): Map<string, HandoffView> {
  const out = new Map<string, HandoffView>();
  if (!graph) return out;
  const byId = new Map<string, AgentGraphNode>();
  for (const n of graph.nodes) byId.set(n.id, n);
  const targets = new Map<string, AgentGraphNode[]>();
  for (const e of graph.edges) {
    const to = byId.get(e.to);
    if (e.type !== 'handoff' || !to) continue;
    const list = targets.get(e.from);
    if (list) list.push(to);
    else targets.set(e.from, [to]);
  }
  for (const n of graph.nodes) {
    if (n.kind === 'agent') continue;
    const h = handoffOfSpan({ toolName: n.kind === 'tool' ? n.label : undefined }, n.spanName);
    if (!h) continue;
    const source = nearestAgent(n, byId);
    const key = agentKey(h.to);
    const target = source ? targets.get(source.id)?.find((t) => agentKey(t.label) === key) : undefined;
    const view: HandoffView = { from: source?.label ?? h.from ?? null, to: target?.label ?? h.to };
    for (const id of n.collapsedSpanIds.length > 0 ? n.collapsedSpanIds : [n.spanId]) out.set(id, view);
  }
  return out;
}

function nearestAgent(node: AgentGraphNode, byId: ReadonlyMap<string, AgentGraphNode>): AgentGraphNode | null {
  let id = node.parentId;
  for (let steps = 0; id !== null && steps <= byId.size; steps++) {
    const p = byId.get(id);
    if (!p) return null;
    if (p.kind === 'agent') return p;
    id = p.parentId;
  }
  return null;
}

export function handoffText(h: HandoffView): string {
  return h.from !== null ? `${h.from} → ${h.to}` : `→ ${h.to}`;
}
