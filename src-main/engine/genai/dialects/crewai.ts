/**
 * CrewAI through OpenInference (`openinference-instrumentation-crewai`): shapes the generic
 * OpenInference reader cannot know. Only spans of the instrumentation's scopes are asked, so other
 * spans pay one string comparison.
 *
 * - An agent's span (AGENT, named `<role>.<task description>.execute`) has no `agent.name`; the
 *   agent's role is its `graph.node.id` (OpenInference's agent-graph attribute): that is the name.
 * - An LLM call that answered with tool calls (event-listener mode) has no `llm.output_messages`;
 *   its `output.value` is the OpenAI `tool_calls` list (`[{"id", "type": "function", "function":
 *   {"name", "arguments"}}]`): one assistant message with those tool calls.
 */
import type { GenAiMessage } from '../../../../src-shared/contract';
import { messageFromOpenAi } from '../messages';
import type { DialectContext, DialectReader } from '../reading';
import { isObject, str, structured } from '../values';

/** `openinference.instrumentation.crewai`, and `….crewai._event_listener` in its event-listener mode. */
const SCOPE = 'openinference.instrumentation.crewai';
const fromCrewAi = (c: DialectContext): boolean => c.span.scope.name.startsWith(SCOPE);

function agentName(c: DialectContext): string | undefined {
  const a = c.span.attributes;
  if (c.kind !== 'agent' || a['agent.name'] !== undefined || !fromCrewAi(c)) return undefined;
  return str(a['graph.node.name']) ?? str(a['graph.node.id']);
}

function outputMessages(c: DialectContext): GenAiMessage[] | undefined {
  if (c.kind !== 'llm' || c.index.families['llm.output_messages'] !== undefined || !fromCrewAi(c)) return undefined;
  const out = structured(c.span.attributes['output.value']);
  if (!Array.isArray(out) || out.length === 0 || !out.every((t) => isObject(t) && isObject(t.function))) return undefined;
  return [messageFromOpenAi({ role: 'assistant', tool_calls: out }, 'assistant')];
}

export const CREWAI: DialectReader = { agentName, outputMessages };
