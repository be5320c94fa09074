/**
 * Framework-specific readings inside a dialect (src-main/engine/genai/dialects/<framework>.ts), one
 * describe per framework, with attribute sets cut from its captured fixture under
 * test/fixtures/frameworks/ (the fixture test checks the whole run; these pin each rule and its limits).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, GenAiSpan } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { span } from './samples';

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
