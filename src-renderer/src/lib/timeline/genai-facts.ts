// The words a timeline row adds to its span name so GenAI rows tell apart without a click: an LLM
// call's model, tokens and cost ("gpt-4o · 2,052 tok · $0.0069"), a tool's name, an agent's name, a
// handoff's "from → to". From the agent graph (the outline carries no GenAI fields); numbers through
// lib/format.ts, as everywhere.
import type { AgentGraph } from '../../../../src-shared/contract';
import { formatTokens, formatUsd } from '../format';
import { handoffText, type HandoffView } from '../graph/handoff';
import { tokensOf } from '../graph/node-label';

export interface RowFacts {
  /** What the chip says. */
  text: string;
  /** `llm`, `tool`, `agent`, `handoff`, or another GenAI kind. */
  kind: string;
}

export function rowFacts(graph: AgentGraph | null | undefined, handoffs: ReadonlyMap<string, HandoffView>): Map<string, RowFacts> {
  const out = new Map<string, RowFacts>();
  if (!graph) return out;
  for (const n of graph.nodes) {
    // A folded node (a huge trace's graph comes folded) stands for many rows: its sums are not theirs.
    if (n.count > 1) continue;
    const handoff = handoffs.get(n.spanId);
    if (handoff) {
      out.set(n.spanId, { kind: 'handoff', text: `handoff ${handoffText(handoff)}` });
      continue;
    }
    if (n.kind === 'tool' || n.kind === 'agent') {
      out.set(n.spanId, { kind: n.kind, text: n.label });
      continue;
    }
    if (n.model === null && n.kind !== 'llm') continue;
    const parts = n.model !== null ? [n.model] : [];
    const tokens = tokensOf(n);
    if (tokens !== null) parts.push(`${formatTokens(tokens)} tok`);
    if (n.costUsd !== null) parts.push(formatUsd(n.costUsd));
    else if (tokens !== null) parts.push('no price');
    if (parts.length > 0) out.set(n.spanId, { kind: n.kind, text: parts.join(' · ') });
  }
  return out;
}
