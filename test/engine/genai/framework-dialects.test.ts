/**
 * Framework-specific readings inside a dialect (src-main/engine/genai/dialects/<framework>.ts), one
 * describe per framework, with attribute sets cut from its captured fixture under
 * test/fixtures/frameworks/ (the fixture test checks the whole run; these pin each rule and its limits).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, GenAiSpan, SpanEvent } from '../../../src-shared/contract';
import { buildAgentGraph, type GraphSpan } from '../../../src-main/engine/genai/graph';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { event, span } from './samples';

const norm = (name: string, attributes: Attributes): GenAiSpan | null => normalizeSpan(span({ name, attributes }));
const toolArgs = (g: GenAiSpan | null): unknown => {
  const p = g?.inputMessages?.[0]?.parts[0];
  return p?.type === 'tool_call' ? p.arguments : undefined;
};

describe('smolagents (OpenInference)', () => {
  const agent = { 'openinference.span.kind': 'AGENT', 'smolagents.max_steps': 4, 'input.value': '{"task": "x"}' };
  test('the agent is named by its span name `<name>.run`', () => {
    assert.equal(norm('travel_agent.run', agent)?.agentName, 'travel_agent');
    assert.equal(norm('ToolCallingAgent.run', agent)?.agentName, 'ToolCallingAgent');
  });
  test('only on spans with its mark, and an agent.name still wins', () => {
    const { 'smolagents.max_steps': _, ...plain } = agent;
    assert.equal(norm('travel_agent.run', plain)?.agentName, undefined);
    assert.equal(norm('travel_agent.run', { ...agent, 'agent.name': 'named' })?.agentName, 'named');
    assert.equal(norm('travel_agent', agent)?.agentName, undefined);
  });

  const tool = { 'openinference.span.kind': 'TOOL', 'tool.name': 'get_weather', 'output.value': 'Sunny' };
  test("a tool's arguments are the kwargs of its bound call", () => {
    const g = norm('SimpleTool', { ...tool, 'input.value': '{"args": [], "sanitize_inputs_outputs": true, "kwargs": {"city": "Paris"}}' });
    assert.deepEqual(toolArgs(g), { city: 'Paris' });
  });
  test('a single positional argument is the arguments', () => {
    const g = norm('SimpleTool', { ...tool, 'input.value': '{"args": ["Paris"], "sanitize_inputs_outputs": false, "kwargs": {}}' });
    assert.equal(toolArgs(g), 'Paris');
  });
  test('another shape stays as sent', () => {
    const other = '{"args": [], "sanitize_inputs_outputs": true, "kwargs": {"city": "Paris"}, "extra": 1}';
    assert.deepEqual(toolArgs(norm('SimpleTool', { ...tool, 'input.value': other })), JSON.parse(other));
    assert.deepEqual(toolArgs(norm('SimpleTool', { ...tool, 'input.value': '{"city": "Paris"}' })), { city: 'Paris' });
  });
});

describe('Strands Agents (OTel, default mode)', () => {
  const strands = (op: string, extra: Attributes = {}): Attributes => ({ 'gen_ai.operation.name': op, 'gen_ai.system': 'strands-agents', ...extra });
  const withEvents = (name: string, attributes: Attributes, events: SpanEvent[]): GenAiSpan | null => normalizeSpan(span({ name, attributes, events }));

  test("chat events' Converse content blocks become parts", () => {
    const g = withEvents('chat', strands('chat', { 'gen_ai.request.model': 'gpt-4o-mini' }), [
      event('gen_ai.system.message', { content: '[{"text": "Be brief."}]' }),
      event('gen_ai.user.message', { content: '[{"text": "Weather in Paris?"}]' }),
      event('gen_ai.assistant.message', { content: '[{"toolUse": {"toolUseId": "c1", "name": "get_weather", "input": {"city": "Paris"}}}]' }),
      event('gen_ai.tool.message', { content: '[{"toolResult": {"toolUseId": "c1", "status": "success", "content": [{"text": "Sunny"}]}}]' }),
      event('gen_ai.choice', { finish_reason: 'end_turn', message: '[{"text": "Sunny."}]' }),
    ]);
    assert.deepEqual(g?.inputMessages, [
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: [{ text: 'Sunny' }] }] },
    ]);
    assert.deepEqual(g?.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }] }]);
    assert.deepEqual(g?.finishReasons, ['stop']);
  });

  test("a tool span's tool message is its arguments, its choice the result", () => {
    const g = withEvents('execute_tool get_weather', strands('execute_tool', { 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'c1' }), [
      event('gen_ai.tool.message', { role: 'tool', content: '{"city": "Paris"}', id: 'c1' }),
      event('gen_ai.choice', { message: '[{"text": "Sunny"}]', id: 'c1' }),
    ]);
    assert.deepEqual(g?.inputMessages, [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] }]);
    assert.deepEqual(g?.outputMessages, [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: [{ text: 'Sunny' }] }] }]);
  });

  test('an agent span\'s plain-text choice is one text part; other producers\' events are untouched', () => {
    const g = withEvents('invoke_agent a', strands('invoke_agent', { 'gen_ai.agent.name': 'a' }), [event('gen_ai.choice', { message: 'Sunny.\n', finish_reason: 'end_turn' })]);
    assert.deepEqual(g?.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }] }]);
    const other = withEvents('chat', { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai' }, [event('gen_ai.user.message', { content: '[{"text": "hi"}]' })]);
    assert.deepEqual(other?.inputMessages, [{ role: 'user', parts: [{ type: 'text', content: '[{"text": "hi"}]' }] }]);
  });

  test('a Swarm handoff_to_agent tool is a handoff to the agent its arguments name', () => {
    const at = (s: GraphSpan, ms: number): GraphSpan => ({ ...s, startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(ms) * 1_000_000n), endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(ms + 5) * 1_000_000n) });
    const spans: GraphSpan[] = [
      at(span({ name: 'invoke_swarm', spanId: 's', attributes: strands('invoke_swarm') }), 0),
      at(span({ name: 'invoke_agent triage', spanId: 'a', parentSpanId: 's', attributes: strands('invoke_agent', { 'gen_ai.agent.name': 'triage' }) }), 1),
      at(span({ name: 'execute_tool handoff_to_agent', spanId: 'h', parentSpanId: 'a', attributes: strands('execute_tool', { 'gen_ai.tool.name': 'handoff_to_agent', 'gen_ai.tool.call.arguments': '{"agent_name": "weather agent", "message": "go"}' }) }), 2),
      at(span({ name: 'invoke_agent weather', spanId: 'b', parentSpanId: 's', attributes: strands('invoke_agent', { 'gen_ai.agent.name': 'weather_agent' }) }), 8),
    ];
    const graph = buildAgentGraph(spans);
    assert.deepEqual(graph.edges.filter((e) => e.type === 'handoff').map((e) => [e.from, e.to]), [['a', 'b']]);
    const noTarget = spans.map((s) => (s.spanId === 'h' ? { ...s, attributes: { ...s.attributes, 'gen_ai.tool.call.arguments': '{"message": "go"}' } } : s));
    assert.deepEqual(buildAgentGraph(noTarget).edges.filter((e) => e.type === 'handoff'), []);
  });
});

describe('Google ADK (OTel)', () => {
  test('transfer_to_agent hands over to the agent its agent_name argument names, not to one named "agent"', () => {
    const at = (s: GraphSpan, ms: number): GraphSpan => ({ ...s, startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(ms) * 1_000_000n), endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(ms + 5) * 1_000_000n) });
    const agent = (name: string): Attributes => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name });
    const transfer = (args?: string): Attributes => ({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'transfer_to_agent', ...(args ? { 'gen_ai.tool.call.arguments': args } : {}) });
    const run = (args?: string): string[][] =>
      buildAgentGraph([
        at(span({ name: 'invoke_workflow', spanId: 'w', attributes: { 'gen_ai.operation.name': 'invoke_workflow' } }), 0),
        at(span({ name: 'invoke_agent triage_agent', spanId: 'a', parentSpanId: 'w', attributes: agent('triage_agent') }), 1),
        at(span({ name: 'execute_tool transfer_to_agent', spanId: 't', parentSpanId: 'a', attributes: transfer(args) }), 2),
        at(span({ name: 'invoke_agent agent', spanId: 'x', parentSpanId: 'w', attributes: agent('agent') }), 7),
        at(span({ name: 'invoke_agent weather_agent', spanId: 'b', parentSpanId: 'w', attributes: agent('weather_agent') }), 8),
      ])
        .edges.filter((e) => e.type === 'handoff')
        .map((e) => [e.from, e.to]);
    assert.deepEqual(run('{"agent_name": "weather_agent"}'), [['a', 'b']]);
    // Without its arguments (ADK's content capture off) the tool name is all there is.
    assert.deepEqual(run(), [['a', 'x']]);
  });
});

describe('AutoGen AgentChat (OpenInference)', () => {
  const agent = (name: string, node?: string, extra: Attributes = {}): GenAiSpan | null =>
    norm(name, { 'openinference.span.kind': 'AGENT', ...(node ? { 'graph.node.id': node } : {}), ...extra });
  test('the agent is named by `<name>.on_messages_stream` with the same graph.node.id', () => {
    assert.equal(agent('triage_agent.on_messages_stream', 'triage_agent')?.agentName, 'triage_agent');
  });
  test('not without the node id; when they differ the node id (any OpenInference agent span), and agent.name wins', () => {
    assert.equal(agent('triage_agent.on_messages_stream')?.agentName, undefined);
    assert.equal(agent('triage_agent.on_messages_stream', 'other')?.agentName, 'other');
    assert.equal(agent('triage_agent.on_messages_stream', 'triage_agent', { 'agent.name': 'named' })?.agentName, 'named');
  });
  test("a `function` message's FunctionExecutionResult items are tool results", () => {
    const g = norm('OpenAIChatCompletionClient.create', {
      'openinference.span.kind': 'LLM',
      'llm.input_messages.0.message.role': 'function',
      'llm.input_messages.0.function.0': '{"name": "get_weather", "content": "Sunny", "call_id": "call_2", "is_error": false}',
    });
    assert.deepEqual(g?.inputMessages, [{ role: 'function', parts: [{ type: 'tool_call_response', id: 'call_2', response: 'Sunny' }] }]);
  });
});
