// How a handoff span names the agents it hands over between: one set of rules for the engine's
// agent graph (src-main/engine/genai/graph.ts, which draws the `handoff` edge; docs/genai-graph.md)
// and the views that label a handoff span (the renderer may not import the engine). Pure.
import type { GenAiSpan } from './contract';

/** `Billing Agent`, `billing-agent` and `transfer_to_billing_agent`'s suffix all read `billing_agent`. */
export function agentKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** What handoffTarget reads of a span's GenAI reading. */
export type HandoffFacts = Pick<GenAiSpan, 'handoffTo' | 'toolName' | 'inputMessages'>;

const HANDOFF_SPAN_NAME = /^handoff\s+(?:from\s+(.+?)\s+)?to\s+(.+)$/i;

/**
 * `transfer_to_billing_agent` → `billing_agent`: the tool the OpenAI Agents SDK (and
 * langgraph-supervisor) offers the model for each handoff; undefined for any other tool.
 */
export function transferTarget(toolName: string | undefined): string | undefined {
  return /^transfer_to_(.+)$/i.exec(toolName ?? '')?.[1];
}

/**
 * A tool span that hands control to another agent rather than calling a tool, by what the store's
 * index reading keeps (no arguments, no span name): the handoff fields, a `transfer_to_<agent>`
 * tool, or Strands' `handoff_to_agent` (ADK's `transfer_to_agent` matches the first rule).
 */
export function isHandoff(g: Pick<GenAiSpan, 'handoffFrom' | 'handoffTo' | 'toolName'>): boolean {
  return g.handoffFrom !== undefined || g.handoffTo !== undefined || transferTarget(g.toolName) !== undefined || g.toolName === 'handoff_to_agent';
}

/**
 * The agent a handoff span hands over to: named by its attributes (`handoffTo`, from
 * `gen_ai.handoff.to_agent`); or, the OpenAI Agents SDK offering each handoff to the model as a
 * tool named `transfer_to_<agent>`, the tool's name; Google ADK (`transfer_to_agent`) and Strands'
 * Swarm (`handoff_to_agent`) offer one tool whose `agent_name` argument names it; or the span's
 * name, `handoff to <agent>` (OpenInference) or `handoff from <a> to <b>` (Sentry-style).
 */
export function handoffTarget(g: HandoffFacts, spanName: string): string | undefined {
  if (g.handoffTo !== undefined) return g.handoffTo;
  if (g.toolName === 'transfer_to_agent' || g.toolName === 'handoff_to_agent') {
    const named = namedAgentArgument(g);
    if (named !== undefined || g.toolName === 'handoff_to_agent') return named;
  }
  return transferTarget(g.toolName) ?? HANDOFF_SPAN_NAME.exec(spanName.trim())?.[2];
}

/** The handoff a span stands for, as a view names it: `to` always, `from` when the span says it. */
export function handoffOfSpan(g: HandoffFacts & Pick<GenAiSpan, 'handoffFrom'>, spanName: string): { from?: string; to: string } | undefined {
  const to = handoffTarget(g, spanName);
  if (to === undefined) return undefined;
  const from = g.handoffFrom ?? HANDOFF_SPAN_NAME.exec(spanName.trim())?.[1];
  return from !== undefined ? { from, to } : { to };
}

/** The `agent_name` argument of a tool span's call (object or JSON text), when it has one. */
function namedAgentArgument(g: HandoffFacts): string | undefined {
  for (const m of g.inputMessages ?? []) {
    for (const p of m.parts) {
      if (p.type !== 'tool_call') continue;
      let args = p.arguments;
      if (typeof args === 'string') {
        try {
          args = JSON.parse(args) as typeof args;
        } catch {
          return undefined;
        }
      }
      const name = typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>).agent_name : undefined;
      return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
    }
  }
  return undefined;
}
