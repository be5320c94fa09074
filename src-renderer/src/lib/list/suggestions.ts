// Values offered as suggestions in the model, agent and tool filters: what the user has seen so
// far. Trace summaries name models and agents; tool names are not in a summary, so they come from
// the agent graphs of the traces the user opened. Bounded, so a long session does not grow them without end.
import type { AgentGraph, TraceSummary } from '../../../../src-shared/contract';

export interface Suggestions {
  models: readonly string[];
  agents: readonly string[];
  tools: readonly string[];
}

export const MAX_SUGGESTIONS = 500;

export const noSuggestions: Suggestions = { models: [], agents: [], tools: [] };

/** `known` plus `seen`, sorted; the same array when nothing is new, so subscribers do not re-render. */
function merge(known: readonly string[], seen: Iterable<string>): readonly string[] {
  let next: Set<string> | null = null;
  for (const v of seen) {
    if (!v || known.includes(v) || next?.has(v)) continue;
    next ??= new Set(known);
    if (next.size >= MAX_SUGGESTIONS) break;
    next.add(v);
  }
  return next ? [...next].sort((a, b) => a.localeCompare(b)) : known;
}

function same(a: Suggestions, b: Suggestions): boolean {
  return a.models === b.models && a.agents === b.agents && a.tools === b.tools;
}

export function absorbSummaries(s: Suggestions, traces: readonly TraceSummary[]): Suggestions {
  const next = {
    models: merge(s.models, traces.flatMap((t) => t.genai?.models ?? [])),
    agents: merge(s.agents, traces.flatMap((t) => t.genai?.agents ?? [])),
    tools: s.tools,
  };
  return same(s, next) ? s : next;
}

/** A graph node's label is the tool name for tools and the agent name for agents (contract: AgentGraphNode). */
export function absorbGraph(s: Suggestions, graph: AgentGraph): Suggestions {
  const models: string[] = [];
  const agents: string[] = [];
  const tools: string[] = [];
  for (const node of graph.nodes) {
    if (node.kind === 'tool' && node.label) tools.push(node.label);
    if (node.kind === 'agent' && node.label) agents.push(node.label);
    if (node.model) models.push(node.model);
  }
  const next = { models: merge(s.models, models), agents: merge(s.agents, agents), tools: merge(s.tools, tools) };
  return same(s, next) ? s : next;
}
