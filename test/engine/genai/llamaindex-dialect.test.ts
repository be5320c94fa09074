/**
 * LlamaIndex through OpenInference's llama-index instrumentation (dialects/llamaindex.ts): the LLM
 * methods that call no model, the workflow agent step read as its agent, and the tool's bound-call
 * arguments and ToolOutput result. Attribute sets as the instrumentation sends them
 * (test/fixtures/frameworks/py-llama-index@* is the captured run).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, SpanRecord } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { span } from './samples';

const SCOPE = { name: 'openinference.instrumentation.llama_index', version: '4.6.1', attributes: {}, droppedAttributesCount: 0 };
const li = (name: string, attributes: Attributes, scope = SCOPE): SpanRecord => ({ ...span({ name, attributes }), scope });
const LLM: Attributes = { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'llm.provider': 'openai' };

describe('LlamaIndex (OpenInference llama-index)', () => {
  test("an LLM span of a private method builds the request: a chain step, not a model call", () => {
    assert.equal(normalizeSpan(li('OpenAI._prepare_chat_with_tools', LLM))?.kind, 'chain');
    assert.equal(normalizeSpan(li('OpenAI.astream_chat', LLM))?.kind, 'llm');
    // Another instrumentation's span of that name is left alone.
    assert.equal(normalizeSpan(li('OpenAI._prepare_chat_with_tools', LLM, { ...SCOPE, name: 'other' }))?.kind, 'llm');
  });

  test("a workflow agent's run_agent_step is that agent, named from its input event", () => {
    const input = JSON.stringify({ ctx: '<Context object>', ev: "AgentSetup(input=[ChatMessage(role=<MessageRole.USER: 'user'>)], current_agent_name='weather_agent')" });
    const g = normalizeSpan(li('BaseWorkflowAgent.run_agent_step', { 'openinference.span.kind': 'CHAIN', 'input.value': input }));
    assert.equal(g?.kind, 'agent');
    assert.equal(g?.agentName, 'weather_agent');
    assert.deepEqual(normalizeSpan(li('BaseWorkflowAgent.run_agent_step', { 'openinference.span.kind': 'CHAIN', 'input.value': input }), undefined, { scope: 'index' }), { kind: 'agent', agentName: 'weather_agent' });
    // Other steps, or the step without the name, stay chains.
    assert.equal(normalizeSpan(li('BaseWorkflowAgent.setup_agent', { 'openinference.span.kind': 'CHAIN', 'input.value': input }))?.kind, 'chain');
    assert.equal(normalizeSpan(li('BaseWorkflowAgent.run_agent_step', { 'openinference.span.kind': 'CHAIN', 'input.value': '{}' }))?.kind, 'chain');
  });

  test("a tool's bound call gives its arguments, its ToolOutput the result", () => {
    const tool = (input: string) =>
      normalizeSpan(li('FunctionTool.acall', {
        'openinference.span.kind': 'TOOL',
        'tool.name': 'get_weather',
        'input.value': input,
        'output.value': JSON.stringify({ blocks: [{ text: 'Sunny' }], tool_name: 'get_weather', raw_input: { args: [], kwargs: { city: 'Paris' } }, raw_output: 'Sunny', is_error: false }),
      }));
    const g = tool('{"kwargs": {"city": "Paris"}}');
    assert.deepEqual(g?.inputMessages?.[0]?.parts[0], { type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } });
    assert.deepEqual(g?.outputMessages?.[0]?.parts[0], { type: 'tool_call_response', id: null, response: 'Sunny' });
    assert.deepEqual(tool('{"args": ["Paris"]}')?.inputMessages?.[0]?.parts[0], { type: 'tool_call', id: null, name: 'get_weather', arguments: 'Paris' });
    // Any other key: kept as sent.
    assert.deepEqual(tool('{"city": "Paris"}')?.inputMessages?.[0]?.parts[0], { type: 'tool_call', id: null, name: 'get_weather', arguments: { city: 'Paris' } });
    assert.deepEqual(tool('{"kwargs": {"city": "Paris"}, "x": 1}')?.inputMessages?.[0]?.parts[0], { type: 'tool_call', id: null, name: 'get_weather', arguments: { kwargs: { city: 'Paris' }, x: 1 } });
  });
});
