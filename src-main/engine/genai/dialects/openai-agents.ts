/**
 * Handoff spans of the OpenAI Agents SDK's instrumentations, read into `handoffFrom` / `handoffTo`
 * so the agent graph draws the handoff edge (docs/genai-graph.md) and the span does not read as a
 * tool call:
 * - `gen_ai.handoff.from_agent` / `gen_ai.handoff.to_agent`: OTel contrib's openai-agents-v2 sends
 *   both; OpenLLMetry's sends `to_agent` only when the SDK knew it at span start, which it does not,
 *   so in practice `from_agent` alone. Not OTel semconv, which has no handoff attributes yet.
 * - OpenInference's handoff span: a TOOL span without a tool name, named `handoff to <agent>` (or
 *   `handoff` while the target is unknown), whose `input.value` is the source agent's name and
 *   `output.value` the target's.
 * Read at full scope only (the store's index reading never needs them): key lookups and, for TOOL
 * spans without a tool name only, one prefix test of the span name.
 */
import type { DialectContext, DialectReader } from '../reading';
import { str } from '../values';

function openInferenceHandoff({ span, kind }: DialectContext): boolean {
  const a = span.attributes;
  return kind === 'tool' && a['openinference.span.kind'] !== undefined && a['tool.name'] === undefined && /^handoff(?: to |$)/.test(span.name);
}

export const OPENAI_AGENTS: DialectReader = {
  handoffFrom: (c) => str(c.span.attributes['gen_ai.handoff.from_agent']) ?? (openInferenceHandoff(c) ? str(c.span.attributes['input.value']) : undefined),
  handoffTo: (c) => str(c.span.attributes['gen_ai.handoff.to_agent']) ?? (openInferenceHandoff(c) ? str(c.span.attributes['output.value']) : undefined),
};
