/**
 * LlamaIndex through OpenInference (`openinference-instrumentation-llama-index`): shapes the generic
 * OpenInference reader cannot know. The instrumentation makes a span of every method LlamaIndex's
 * dispatcher traces, named `<Class>.<method>`, with the kind of the instance (an LLM's methods are
 * all LLM spans, a tool's TOOL, anything else CHAIN). Every rule asks first for the
 * instrumentation's scope, so other spans pay one string comparison.
 *
 * - Not every method of an LLM calls the model: `OpenAI._prepare_chat_with_tools` only builds the
 *   request (no messages sent, no usage). An LLM span of a private method (`_…`) is a `chain` step,
 *   so it is neither counted as a model call nor priced.
 * - Workflow agents (FunctionAgent, ReActAgent, CodeActAgent, AgentWorkflow) are workflows, not the
 *   `BaseAgent` the instrumentation marks AGENT: every step is a CHAIN span, and the agent's name is
 *   sent only inside the Python repr of the step's input event, `current_agent_name='…'`. The step
 *   that runs the agent's model call, `<Class>.run_agent_step`, is read as that agent.
 * - A tool span's `input.value` is the bound call of `FunctionTool.acall(*args, **kwargs)`,
 *   `{"kwargs": {"city": "Paris"}}`: the kwargs (or a single positional argument) are the arguments.
 *   Its `output.value` is the `ToolOutput` (`{"blocks", "tool_name", "raw_input", "raw_output",
 *   "is_error"}`): `raw_output` is the result.
 */
import type { AttributeValue, GenAiKind, SpanRecord } from '../../../../src-shared/contract';
import type { DialectContext, DialectReader } from '../reading';
import { isObject, str, structured } from '../values';

const SCOPE = 'openinference.instrumentation.llama_index';

const fromLlamaIndex = (span: SpanRecord): boolean => span.scope.name === SCOPE;

/** An LLM span of a private method (`OpenAI._prepare_chat_with_tools`) is a step, not a model call. */
export function llamaIndexKind(span: SpanRecord, kind: GenAiKind): GenAiKind {
  if (kind !== 'llm' || !fromLlamaIndex(span)) return kind;
  const dot = span.name.lastIndexOf('.');
  return dot !== -1 && span.name.charCodeAt(dot + 1) === 95 /* _ */ ? 'chain' : kind;
}

const STEP = '.run_agent_step';
const NAME_MARK = "current_agent_name='";

/** The workflow agent a `…run_agent_step` span runs, from its input event's repr; else undefined. */
export function llamaIndexAgent(span: SpanRecord, kind: GenAiKind): string | undefined {
  if (kind !== 'chain' || !span.name.endsWith(STEP) || !fromLlamaIndex(span)) return undefined;
  const input = span.attributes['input.value'];
  if (typeof input !== 'string') return undefined;
  const at = input.lastIndexOf(NAME_MARK);
  if (at === -1) return undefined;
  const start = at + NAME_MARK.length;
  const end = input.indexOf("'", start);
  return end === -1 ? undefined : str(input.slice(start, end));
}

const CALL_KEYS = new Set(['args', 'kwargs']);

function toolArguments(c: DialectContext): AttributeValue | undefined {
  const a = c.span.attributes;
  if (c.kind !== 'tool' || a['tool_call.function.arguments'] !== undefined || !fromLlamaIndex(c.span)) return undefined;
  const call = structured(a['input.value']);
  if (!isObject(call) || !Object.keys(call).every((k) => CALL_KEYS.has(k))) return undefined;
  const args = Array.isArray(call.args) ? call.args : [];
  const kwargs = isObject(call.kwargs) ? call.kwargs : {};
  if (args.length === 0) return kwargs;
  if (args.length === 1 && Object.keys(kwargs).length === 0) return args[0];
  return undefined;
}

function toolResult(c: DialectContext): AttributeValue | undefined {
  if (c.kind !== 'tool' || !fromLlamaIndex(c.span)) return undefined;
  const out = structured(c.span.attributes['output.value']);
  return isObject(out) && out.tool_name !== undefined && out.raw_output !== undefined ? out.raw_output : undefined;
}

export const LLAMAINDEX: DialectReader = { toolArguments, toolResult };
