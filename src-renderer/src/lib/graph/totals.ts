// A trace's GenAI totals for its header, from its agent graph: tokens and cost summed over the
// innermost nodes that report usage (an agent span that repeats its children's usage is not
// counted twice, the rule of the engine's rollup, src-main/engine/genai/rollup.ts), and the number
// of LLM and tool calls (a handoff span is not one). Pure; works on a folded graph too (a fold carries its members' sums).
import type { AgentGraph, AgentGraphNode } from '../../../../src-shared/contract';
import { handoffOfSpan } from '../../../../src-shared/handoff';

export interface TraceTotals {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Null when no counted node has a price. */
  costUsd: number | null;
  /** Whether any node reports tokens (so a null cost reads "no price", not nothing). */
  tokensKnown: boolean;
  llmCalls: number;
  toolCalls: number;
}

function carriesUsage(n: AgentGraphNode): boolean {
  return n.inputTokens !== null || n.outputTokens !== null || n.totalTokens !== null || n.costUsd !== null;
}

export function traceTotals(graph: AgentGraph | null | undefined): TraceTotals | null {
  if (!graph || graph.nodes.length === 0) return null;
  const byId = new Map<string, AgentGraphNode>();
  for (const n of graph.nodes) byId.set(n.id, n);
  // Every proper ancestor of a node with usage has usage below it; the walk stops at a marked one.
  const usageBelow = new Set<string>();
  for (const n of graph.nodes) {
    if (!carriesUsage(n)) continue;
    let id = n.parentId;
    for (let steps = 0; id !== null && !usageBelow.has(id) && steps <= byId.size; steps++) {
      usageBelow.add(id);
      id = byId.get(id)?.parentId ?? null;
    }
  }
  const t: TraceTotals = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: null, tokensKnown: false, llmCalls: 0, toolCalls: 0 };
  for (const n of graph.nodes) {
    if (n.kind === 'llm') t.llmCalls += n.count;
    // A handoff span is a handoff, not a tool call (the rollup's rule too).
    if (n.kind === 'tool' && handoffOfSpan({ toolName: n.label }, n.spanName) === undefined) t.toolCalls += n.count;
    if (!carriesUsage(n) || usageBelow.has(n.id)) continue;
    const input = n.inputTokens ?? 0;
    const output = n.outputTokens ?? 0;
    t.inputTokens += input;
    t.outputTokens += output;
    t.totalTokens += n.totalTokens ?? input + output;
    if (n.inputTokens !== null || n.outputTokens !== null || n.totalTokens !== null) t.tokensKnown = true;
    if (n.costUsd !== null) t.costUsd = (t.costUsd ?? 0) + n.costUsd;
  }
  // Rounded like the engine's rollup, so nine calls at $0.1 read $0.90, not $0.9000000000000001.
  if (t.costUsd !== null) t.costUsd = Math.round(t.costUsd * 1e10) / 1e10;
  return t;
}
