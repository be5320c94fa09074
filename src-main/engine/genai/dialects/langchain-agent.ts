/**
 * LangChain v1 agents (`createAgent` in LangChain.js, `create_agent` in Python) traced by
 * OpenInference's LangChain instrumentation: the agent is a LangGraph graph whose run arrives as a
 * CHAIN span named by the agent, and nothing states that it is an agent except LangChain's run
 * metadata (`lc_agent_name`, on the agent's run and on every run inside it), which the
 * instrumentation records as the `metadata` JSON attribute. The run named as its own
 * `lc_agent_name` is the agent's; its nodes (`model_request`, `tools`) share the metadata but not
 * the name.
 *
 * Cost: asked only for spans already read as `chain`; the JSON is parsed only when its text names
 * `lc_agent_name` and contains the span's name, i.e. in practice for the agent's own span.
 */
import type { SpanRecord } from '../../../../src-shared/contract';
import type { DialectReader } from '../reading';
import { isObject, parseJson } from '../values';

/** Whether this chain span is the run of a LangChain agent: its metadata's `lc_agent_name` is its name. */
export function isLangChainAgentRun(span: SpanRecord): boolean {
  const meta = span.attributes.metadata;
  if (typeof meta !== 'string' || span.name === '' || !meta.includes('"lc_agent_name"') || !meta.includes(span.name)) return false;
  const parsed = parseJson(meta);
  return isObject(parsed) && parsed.lc_agent_name === span.name;
}

export const LANGCHAIN_AGENT: DialectReader = {
  agentName: (c) => (c.kind === 'agent' && isLangChainAgentRun(c.span) ? c.span.name : undefined),
};
