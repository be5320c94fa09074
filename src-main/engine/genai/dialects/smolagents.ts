/**
 * smolagents through OpenInference (`openinference-instrumentation-smolagents`): two shapes its
 * spans have that the generic OpenInference reader cannot know. Read before OpenInference, and
 * only on spans that carry the instrumentation's own marks, so other spans pay one attribute lookup.
 *
 * - The agent span names its agent only in the span name, `<agent name>.run` (the class name when
 *   the agent has none), beside `smolagents.max_steps`; there is no `agent.name`.
 * - A tool span's `input.value` is the bound call of `Tool.__call__(*args, sanitize_inputs_outputs,
 *   **kwargs)`: `{"args": [], "sanitize_inputs_outputs": true, "kwargs": {"city": "Paris"}}`. The
 *   tool's arguments are the kwargs (or the single positional argument).
 */
import type { AttributeValue } from '../../../../src-shared/contract';
import type { DialectContext, DialectReader } from '../reading';
import { isObject, str, structured } from '../values';

const RUN_SUFFIX = '.run';

function agentName(c: DialectContext): string | undefined {
  const a = c.span.attributes;
  if (c.kind !== 'agent' || a['smolagents.max_steps'] === undefined || a['agent.name'] !== undefined) return undefined;
  const name = c.span.name;
  return name.endsWith(RUN_SUFFIX) ? str(name.slice(0, -RUN_SUFFIX.length)) : undefined;
}

/** The keys of smolagents' bound tool call; any other key means it is not that shape. */
const CALL_KEYS = new Set(['args', 'kwargs', 'sanitize_inputs_outputs']);

function toolArguments(c: DialectContext): AttributeValue | undefined {
  if (c.kind !== 'tool') return undefined;
  const a = c.span.attributes;
  const raw = a['input.value'];
  // The cheap test first: only this instrumentation's tool spans mention the flag.
  if (typeof raw !== 'string' || a['tool_call.function.arguments'] !== undefined || !raw.includes('"sanitize_inputs_outputs"')) return undefined;
  const call = structured(raw);
  if (!isObject(call) || !Object.keys(call).every((k) => CALL_KEYS.has(k))) return undefined;
  const args = Array.isArray(call.args) ? call.args : [];
  const kwargs = isObject(call.kwargs) ? call.kwargs : {};
  const named = Object.keys(kwargs).length;
  if (args.length === 0) return kwargs;
  if (args.length === 1 && named === 0) return args[0];
  return undefined;
}

export const SMOLAGENTS: DialectReader = { agentName, toolArguments };
