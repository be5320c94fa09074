/**
 * LangChain / LangGraph through OpenInference's langchain instrumentation (dialects/langchain.ts):
 * which spans are LangGraph agents and what they are named, and the tool call id and result read
 * from the ToolMessage a tool span returned. Attribute sets as the instrumentation sends them
 * (test/fixtures/frameworks/py-langgraph@* is the captured run).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { buildAgentGraph } from '../../../src-main/engine/genai/graph';
import { span } from './samples';

/** The `metadata` attribute LangGraph gives a run (JSON text, as the instrumentation writes it). */
const meta = (m: Record<string, unknown>): string => JSON.stringify({ thread_id: 't-1', ls_integration: 'langgraph', ...m });
const chain = (metadata: string): Attributes => ({ 'openinference.span.kind': 'CHAIN', metadata });
const read = (name: string, attributes: Attributes) => normalizeSpan(span({ name, attributes }));

describe('LangGraph agents (OpenInference langchain)', () => {
  test('a compiled graph run as a node of the same name is an agent named after the node', () => {
    const g = read('flight_expert', chain(meta({ langgraph_node: 'flight_expert', langgraph_checkpoint_ns: 'flight_expert:ab12', checkpoint_ns: 'flight_expert:ab12' })));
    assert.equal(g?.kind, 'agent');
    assert.equal(g?.agentName, 'flight_expert');
    assert.equal(g?.operation, 'invoke_agent');
  });

  test('the node span around it, other nodes, and runnables stay chains', () => {
    // The outer graph's node span: no namespace of its own.
    assert.equal(read('flight_expert', chain(meta({ langgraph_node: 'flight_expert', langgraph_checkpoint_ns: 'flight_expert:ab12' })))?.kind, 'chain');
    // A node inside the agent's graph (`tools`): it runs in its parent's namespace, not its own.
    const tools = read('tools', chain(meta({ langgraph_node: 'tools', langgraph_checkpoint_ns: 'supervisor:1|tools:2', checkpoint_ns: 'supervisor:1' })));
    assert.equal(tools?.kind, 'chain');
    assert.equal(tools?.agentName, undefined);
    assert.equal(read('RunnableSequence', chain(meta({ langgraph_node: 'agent', langgraph_checkpoint_ns: 'supervisor:1|agent:2', checkpoint_ns: 'supervisor:1' })))?.kind, 'chain');
    // Named as its node but without LangGraph's namespace: not LangGraph.
    assert.equal(read('writer', chain(JSON.stringify({ langgraph_node: 'writer' })))?.kind, 'chain');
  });

  test('a span the instrumentation calls AGENT is named after the graph it runs in, else its node', () => {
    const inner = read('agent', { 'openinference.span.kind': 'AGENT', metadata: meta({ langgraph_node: 'agent', langgraph_checkpoint_ns: 'supervisor:1|agent:2', checkpoint_ns: 'supervisor:1' }) });
    assert.equal(inner?.agentName, 'supervisor');
    const wrapper = read('call_agent', { 'openinference.span.kind': 'AGENT', metadata: meta({ langgraph_node: 'flight_expert', langgraph_checkpoint_ns: 'flight_expert:ab12' }) });
    assert.equal(wrapper?.agentName, 'flight_expert');
    // An explicit agent.name wins.
    const named = read('agent', { 'openinference.span.kind': 'AGENT', 'agent.name': 'planner', metadata: meta({ langgraph_node: 'agent', langgraph_checkpoint_ns: 'supervisor:1|agent:2' }) });
    assert.equal(named?.agentName, 'planner');
  });

  test('the index reading agrees (agents are found at ingest)', () => {
    const attrs = chain(meta({ langgraph_node: 'flight_expert', langgraph_checkpoint_ns: 'flight_expert:ab12', checkpoint_ns: 'flight_expert:ab12' }));
    const g = normalizeSpan(span({ name: 'flight_expert', attributes: attrs }), undefined, { scope: 'index' });
    assert.deepEqual(g, { kind: 'agent', agentName: 'flight_expert' });
  });

  test('a transfer_to_<agent> tool under one agent graph hands off to the agent node run next', () => {
    const at = (id: string, parent: string | null, name: string, attributes: Attributes, start: number) => ({
      ...span({ name, attributes, spanId: id, parentSpanId: parent }),
      startTimeUnixNano: String(start * 1e6),
      endTimeUnixNano: String(start * 1e6 + 5e5),
    });
    const graph = buildAgentGraph([
      at('0000000000000001', null, 'LangGraph', chain(meta({})), 1),
      at('0000000000000002', '0000000000000001', 'supervisor', chain(meta({ langgraph_node: 'supervisor', langgraph_checkpoint_ns: 'supervisor:1', checkpoint_ns: 'supervisor:1' })), 2),
      at('0000000000000003', '0000000000000002', 'transfer_to_flight_expert', { 'openinference.span.kind': 'TOOL', 'tool.name': 'transfer_to_flight_expert' }, 3),
      at('0000000000000004', '0000000000000001', 'flight_expert', chain(meta({ langgraph_node: 'flight_expert', langgraph_checkpoint_ns: 'flight_expert:2', checkpoint_ns: 'flight_expert:2' })), 4),
    ]);
    assert.deepEqual(graph.edges.filter((e) => e.type === 'handoff').map((e) => [e.from, e.to]), [['0000000000000002', '0000000000000004']]);
  });
});

describe('LangChain tool spans (OpenInference langchain)', () => {
  const tool = (output: string, extra: Attributes = {}) => read('search_flights', { 'openinference.span.kind': 'TOOL', 'tool.name': 'search_flights', 'input.value': '{"origin": "Paris"}', 'output.value': output, ...extra });

  test('the ToolMessage returned gives the call id and the result', () => {
    const g = tool(JSON.stringify({ type: 'tool', data: { content: '2 flights', type: 'tool', name: 'search_flights', tool_call_id: 'call_1', status: 'success' } }));
    assert.equal(g?.toolCallId, 'call_1');
    assert.deepEqual(g?.outputMessages, [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '2 flights' }] }]);
    assert.deepEqual(g?.inputMessages?.[0]?.parts[0], { type: 'tool_call', id: 'call_1', name: 'search_flights', arguments: { origin: 'Paris' } });
  });

  test("a LangGraph Command (a handoff tool's return): its update's last ToolMessage", () => {
    const command = { graph: '__parent__', goto: 'flight_expert', update: { messages: [{ type: 'ai', data: { content: '', tool_calls: [{ id: 'call_0' }] } }, { type: 'tool', data: { content: 'Successfully transferred', tool_call_id: 'call_0' } }] } };
    const g = tool(JSON.stringify(command));
    assert.equal(g?.toolCallId, 'call_0');
    assert.deepEqual(g?.outputMessages?.[0]?.parts[0], { type: 'tool_call_response', id: 'call_0', response: 'Successfully transferred' });
  });

  test('a plain result, or a tool_call.id sent by the instrumentation, is read as before', () => {
    const plain = tool('2 flights');
    assert.equal(plain?.toolCallId, undefined);
    assert.deepEqual(plain?.outputMessages?.[0]?.parts[0], { type: 'tool_call_response', id: null, response: '2 flights' });
    const stated = tool(JSON.stringify({ type: 'tool', data: { content: 'x', tool_call_id: 'call_9' } }), { 'tool_call.id': 'call_1' });
    assert.equal(stated?.toolCallId, 'call_1');
  });
});
