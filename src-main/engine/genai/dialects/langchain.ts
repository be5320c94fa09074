/**
 * LangChain and LangGraph through OpenInference (`openinference-instrumentation-langchain`): shapes
 * the generic OpenInference reader cannot know. Each rule asks first for the instrumentation's own
 * marks (a `metadata` attribute naming LangGraph's checkpoint namespace, a serialized LangChain
 * message), so other spans pay an attribute lookup or a substring test, never a parse.
 *
 * - Agents. LangGraph sends no `agent.name`: a multi-agent app is a graph whose nodes are agents
 *   (compiled agent graphs run as nodes, e.g. by `langgraph-supervisor` or `langgraph-swarm`), and
 *   the instrumentation makes every run a CHAIN span, or AGENT when its run name contains "agent".
 *   Its `metadata` (JSON) tells where a run sits: `langgraph_node` (the node running),
 *   `langgraph_checkpoint_ns` (`outer_node:task|inner_node:task…`, the path of nodes down to this
 *   task) and, on a graph run as a node, `checkpoint_ns` (the namespace that graph runs in). Two
 *   kinds of span are agents (langGraphAgent):
 *   1. a compiled graph run as a node: a CHAIN span named as its node whose own namespace is its
 *      task's (`checkpoint_ns` = `langgraph_checkpoint_ns`), e.g. `flight_expert` run as node
 *      `flight_expert`; named after the node. Any other chain span (nodes like `tools`, runnables,
 *      prompts) stays a chain.
 *   2. a span the instrumentation calls AGENT: the agent it works for, i.e. the node whose graph
 *      it runs in (the next-to-last segment of `langgraph_checkpoint_ns`: create_react_agent's
 *      `agent` node inside `supervisor` → `supervisor`), else its own node (`call_agent`, run by
 *      the supervisor's node `flight_expert` → `flight_expert`).
 * - Tool call ids and results. A tool span carries no `tool_call.id`; its `output.value` is the
 *   LangChain ToolMessage it returned (`{"type": "tool", "data": {"content", "tool_call_id", …}}`),
 *   or a LangGraph Command whose `update.messages` end with that ToolMessage (handoff tools). The
 *   message's `tool_call_id` is the call id and its `content` the result.
 */
import type { AttributeValue, GenAiKind, SpanRecord } from '../../../../src-shared/contract';
import { memo, type DialectContext, type DialectReader } from '../reading';
import { isObject, parseJson, str, type JsonObject } from '../values';

/** `outer:task|inner:task` → the node names, outermost first. LangGraph reserves `|` and `:` in node names. */
function nodesOf(ns: string): string[] {
  return ns.split('|').map((segment) => {
    const end = segment.indexOf(':');
    return end === -1 ? segment : segment.slice(0, end);
  });
}

/**
 * The agent a LangGraph span is (see the header), or undefined: not a LangGraph span, or not an
 * agent. Called on every span at ingest, so chain spans whose name their metadata does not quote
 * (runnables, prompts, the model) are turned away before any parse.
 */
export function langGraphAgent(span: SpanRecord, kind: GenAiKind): string | undefined {
  if (kind !== 'chain' && kind !== 'agent') return undefined;
  const raw = span.attributes.metadata;
  if (typeof raw !== 'string' || !raw.includes('"langgraph_checkpoint_ns"')) return undefined;
  if (kind === 'chain' && !raw.includes(`"${span.name}"`)) return undefined;
  const meta = parseJson(raw);
  if (!isObject(meta)) return undefined;
  const node = str(meta.langgraph_node);
  const taskNs = str(meta.langgraph_checkpoint_ns);
  if (node === undefined || taskNs === undefined) return undefined;
  // Inside a LangChain v1 agent (createAgent: its metadata names it) the graph's own nodes
  // (`model_request`, `tools`) are its steps, not agents, and LangGraph.js stamps a plain node's
  // run with its task's namespace too; the agent itself is read by langchain-agent.ts.
  const inAgent = str(meta.lc_agent_name);
  if (kind === 'chain' && inAgent !== undefined && inAgent !== span.name) return undefined;
  if (kind === 'chain') return span.name === node && str(meta.checkpoint_ns) === taskNs ? node : undefined;
  const nodes = nodesOf(taskNs);
  return (nodes.length >= 2 ? str(nodes[nodes.length - 2]) : undefined) ?? node;
}

/** The ToolMessage a LangChain tool span returned (itself, or the last one a Command's update adds); null: none. */
function toolMessage(c: DialectContext): JsonObject | null {
  const raw = c.span.attributes['output.value'];
  // Serialized LangChain messages name their type; a plain result does not parse here.
  if (typeof raw !== 'string' || !raw.includes('"tool_call_id"')) return null;
  const out = parseJson(raw);
  if (!isObject(out)) return null;
  if (out.type === 'tool' && isObject(out.data)) return out.data;
  const messages = isObject(out.update) && Array.isArray(out.update.messages) ? out.update.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObject(m) && m.type === 'tool' && isObject(m.data)) return m.data;
  }
  return null;
}

const message = (c: DialectContext): JsonObject | null =>
  c.kind !== 'tool' || c.span.attributes['tool_call.id'] !== undefined ? null : memo(c, 'langchain.toolMessage', toolMessage);

function toolCallId(c: DialectContext): string | undefined {
  const m = message(c);
  return m === null ? undefined : str(m.tool_call_id);
}

function toolResult(c: DialectContext): AttributeValue | undefined {
  const m = message(c);
  return m === null || m.content === undefined ? undefined : m.content;
}

export const LANGCHAIN: DialectReader = { toolCallId, toolResult };
