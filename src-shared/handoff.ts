// How a handoff span names the agent it hands over to, for views that show one: the OpenAI Agents
// SDK offers each handoff to the model as a tool named `transfer_to_<agent>`, and instrumentations
// name the handoff span `handoff to <agent>` or `handoff from <a> to <b>`. The same rules as the
// engine's graph (src-main/engine/genai/graph.ts, docs/genai-graph.md), which draws the edge; the
// UI reads them here because it may not import the engine. Pure.

/** `Billing Agent`, `billing-agent` and `transfer_to_billing_agent`'s suffix all read `billing_agent`. */
export function agentKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The handoff a span stands for: `to` always, `from` when the span name says it. */
export function handoffOfSpan(toolName: string | null | undefined, spanName: string): { from?: string; to: string } | undefined {
  const tool = /^transfer_to_(.+)$/i.exec(toolName ?? '');
  if (tool?.[1] !== undefined) return { to: tool[1] };
  const named = /^handoff\s+(?:from\s+(.+?)\s+)?to\s+(.+)$/i.exec(spanName.trim());
  if (named?.[2] === undefined) return undefined;
  return named[1] !== undefined ? { from: named[1], to: named[2] } : { to: named[2] };
}
