/**
 * AutoGen AgentChat through OpenInference (`openinference-instrumentation-autogen-agentchat`): its
 * agent span names its agent only in the span name, `<agent name>.on_messages_stream`, and in
 * `graph.node.id`; there is no `agent.name`. Read before OpenInference, only on agent spans whose
 * `graph.node.id` is that prefix (one lookup on other agent spans, none on the rest).
 *
 * AutoGen's own spans (autogen-core: `invoke_agent <name>`, `execute_tool <name>`) are plain OTel
 * GenAI and need nothing here.
 */
import type { DialectContext, DialectReader } from '../reading';
import { str } from '../values';

const SUFFIX = '.on_messages_stream';

function agentName(c: DialectContext): string | undefined {
  if (c.kind !== 'agent') return undefined;
  const a = c.span.attributes;
  const node = str(a['graph.node.id']);
  if (node === undefined || a['agent.name'] !== undefined) return undefined;
  return c.span.name === `${node}${SUFFIX}` ? node : undefined;
}

export const AUTOGEN: DialectReader = { agentName };
