/**
 * Handoff spans of the OpenAI Agents SDK's instrumentations, read into `handoffFrom` / `handoffTo`
 * so the agent graph draws the handoff edge (docs/genai-graph.md) and the span does not read as a
 * tool call:
 * - `gen_ai.handoff.from_agent` / `gen_ai.handoff.to_agent`: OTel contrib's openai-agents-v2 sends
 *   both; OpenLLMetry's sends `to_agent` only when the SDK knew it at span start, which it does not,
 *   so in practice `from_agent` alone. Not OTel semconv, which has no handoff attributes yet.
 * - OpenInference's handoff span: a TOOL span named `handoff to <agent>` (or `handoff` while the
 *   target is unknown) with no tool name (Python) or `handoff_to_<agent>` (JS); `input.value` is the
 *   source agent's name (Python) or `{"from_agent": …}` (JS), `output.value` the target's (`to_agent`).
 * Read at index scope too (the trace rollup does not count a handoff as a tool call): key lookups
 * and, for OpenInference TOOL spans only, a prefix test of the span name; JSON is parsed only on a
 * span that passed it.
 */
import type { AttributeValue } from '../../../../src-shared/contract';
import type { DialectContext, DialectReader } from '../reading';
import { isObject, parseJson, str } from '../values';

function openInferenceHandoff({ span, kind }: DialectContext): boolean {
  const a = span.attributes;
  if (kind !== 'tool' || a['openinference.span.kind'] === undefined || !/^handoff(?: to |$)/.test(span.name)) return false;
  const tool = str(a['tool.name']);
  return tool === undefined || tool.startsWith('handoff_to_');
}

/** `Triage Agent`, or `{"from_agent": "Triage Agent"}` with key `from_agent`. */
function agentIn(v: AttributeValue | undefined, key: string): string | undefined {
  const s = str(v);
  if (s === undefined || !s.startsWith('{')) return s;
  const o = parseJson(s);
  return isObject(o) ? str(o[key]) : undefined;
}

export const OPENAI_AGENTS: DialectReader = {
  handoffFrom: (c) => str(c.span.attributes['gen_ai.handoff.from_agent']) ?? (openInferenceHandoff(c) ? agentIn(c.span.attributes['input.value'], 'from_agent') : undefined),
  handoffTo: (c) => str(c.span.attributes['gen_ai.handoff.to_agent']) ?? (openInferenceHandoff(c) ? agentIn(c.span.attributes['output.value'], 'to_agent') : undefined),
};
