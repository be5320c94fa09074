// What the trace page derives from the agent graph to read at a glance: handoff spans as
// "from → to" (lib/graph/handoff.ts), the trace's totals with usage counted once on the innermost
// spans (lib/graph/totals.ts), and the words beside each GenAI timeline row
// (lib/timeline/genai-facts.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentGraph, AgentGraphEdge, AgentGraphNode, GenAiKind } from '../../src-shared/contract';
import { handoffOfSpan } from '../../src-shared/handoff';
import { handoffsOf } from '../../src-renderer/src/lib/graph/handoff';
import { nodeLabel } from '../../src-renderer/src/lib/graph/node-label';
import { traceTotals } from '../../src-renderer/src/lib/graph/totals';
import { rowFacts } from '../../src-renderer/src/lib/timeline/genai-facts';

function node(id: string, kind: GenAiKind, label: string, parentId: string | null, extra: Partial<AgentGraphNode> = {}): AgentGraphNode {
  return {
    id, spanId: id, kind, label, spanName: label, parentId,
    startTimeUnixNano: '0', endTimeUnixNano: '1000000', durationMs: 1, status: 'unset', errorMessage: null, errorCount: 0,
    model: null, inputTokens: null, outputTokens: null, totalTokens: null, costUsd: null, count: 1, collapsedSpanIds: [], ...extra,
  };
}
const edge = (type: AgentGraphEdge['type'], from: string, to: string): AgentGraphEdge => ({ id: `${type}:${from}->${to}`, type, from, to, count: 1 });
const llm = (id: string, parent: string, input: number, output: number, cost: number | null) =>
  node(id, 'llm', 'gpt-4o', parent, { model: 'gpt-4o', inputTokens: input, outputTokens: output, totalTokens: input + output, costUsd: cost });

/** Triage hands off to Billing Agent through a transfer tool; billing calls a model and a tool. */
const graph: AgentGraph = {
  traceId: 't',
  nodes: [
    node('a', 'agent', 'Triage', null, { inputTokens: 300, outputTokens: 30, totalTokens: 330, costUsd: 0.5 }),
    llm('l1', 'a', 100, 10, 0.001),
    node('h', 'tool', 'transfer_to_billing_agent', 'a'),
    node('b', 'agent', 'Billing Agent', 'a'),
    llm('l2', 'b', 200, 20, null),
    node('t', 'tool', 'refund', 'b'),
  ],
  edges: [edge('calls', 'a', 'l1'), edge('calls', 'a', 'h'), edge('calls', 'a', 'b'), edge('calls', 'b', 'l2'), edge('calls', 'b', 't'), edge('handoff', 'a', 'b')],
  externalLinks: [],
};

test('a handoff span reads from its agent to the agent its handoff edge reaches, by the names the graph shows', () => {
  const h = handoffsOf(graph);
  assert.deepEqual([...h.keys()], ['h']);
  assert.deepEqual(h.get('h'), { from: 'Triage', to: 'Billing Agent' });
  assert.equal(nodeLabel(graph.nodes[2]!, h.get('h')), 'HANDOFF · Triage\n→ Billing Agent\n1 ms');
  // Span names name the handoff too; without an edge the name given is used.
  assert.deepEqual(handoffOfSpan({}, 'handoff from Triage to Billing'), { from: 'Triage', to: 'Billing' });
  assert.deepEqual(handoffOfSpan({}, 'handoff to billing'), { to: 'billing' });
  assert.equal(handoffOfSpan({ toolName: 'search' }, 'execute_tool search'), undefined);
  // The engine's readings win: gen_ai.handoff.* attributes, and ADK's one handoff tool naming its agent.
  assert.deepEqual(handoffOfSpan({ handoffFrom: 'Triage Agent', handoffTo: 'Billing Agent' }, 'agent_handoff OpenAI Agent'), { from: 'Triage Agent', to: 'Billing Agent' });
  const adk = { toolName: 'transfer_to_agent', inputMessages: [{ role: 'assistant' as const, parts: [{ type: 'tool_call' as const, id: null, name: 'transfer_to_agent', arguments: { agent_name: 'weather_agent' } }] }] };
  assert.deepEqual(handoffOfSpan(adk, 'execute_tool transfer_to_agent'), { to: 'weather_agent' });
  const lone: AgentGraph = { traceId: 't', nodes: [node('x', 'other', 'handoff to Billing', null)], edges: [], externalLinks: [] };
  assert.deepEqual(handoffsOf(lone).get('x'), { from: null, to: 'Billing' });
});

test('totals count usage once, on the innermost spans that report it, and count LLM and tool calls (handoffs are not tool calls)', () => {
  const t = traceTotals(graph)!;
  // The agent repeats its children's usage (330 tokens, $0.5): not counted again. The
  // transfer_to_billing_agent span is a handoff, not a tool call: only `refund` counts.
  assert.deepEqual(t, { inputTokens: 300, outputTokens: 30, totalTokens: 330, costUsd: 0.001, tokensKnown: true, llmCalls: 2, toolCalls: 1 });
  assert.equal(traceTotals({ traceId: 't', nodes: [], edges: [], externalLinks: [] }), null);
});

test('timeline rows: an LLM call its model, tokens and cost; a tool and an agent their names; a handoff from → to', () => {
  const facts = rowFacts(graph, handoffsOf(graph));
  assert.deepEqual(facts.get('l1'), { kind: 'llm', text: 'gpt-4o · 110 tok · $0.001' });
  assert.deepEqual(facts.get('l2'), { kind: 'llm', text: 'gpt-4o · 220 tok · no price' });
  assert.deepEqual(facts.get('t'), { kind: 'tool', text: 'refund' });
  assert.deepEqual(facts.get('b'), { kind: 'agent', text: 'Billing Agent' });
  assert.deepEqual(facts.get('h'), { kind: 'handoff', text: 'handoff Triage → Billing Agent' });
  // A fold stands for many rows: its sums are not any one row's.
  const folded = rowFacts({ ...graph, nodes: [llm('f', 'a', 1, 1, 1)].map((n) => ({ ...n, count: 3, collapsedSpanIds: ['f', 'g', 'k'] })) }, new Map());
  assert.equal(folded.size, 0);
});
