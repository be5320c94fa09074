/**
 * CrewAI through OpenInference's crewai instrumentation (dialects/crewai.ts): the agent's role from
 * `graph.node.id`, and an LLM call's tool calls from its `output.value` list. Attribute sets as the
 * instrumentation sends them (test/fixtures/frameworks/py-crewai@* is the captured run).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, SpanRecord } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { span } from './samples';

const scope = (name: string) => ({ name, version: '1.1.21', attributes: {}, droppedAttributesCount: 0 });
const crew = (name: string, attributes: Attributes, scopeName = 'openinference.instrumentation.crewai._event_listener'): SpanRecord => ({ ...span({ name, attributes }), scope: scope(scopeName) });

describe('CrewAI (OpenInference crewai)', () => {
  test("an agent span is named by its role, graph.node.id (both scopes)", () => {
    const attrs = { 'openinference.span.kind': 'AGENT', 'graph.node.id': 'Flight Researcher', 'agent.goal': 'Find flights' };
    assert.equal(normalizeSpan(crew('Flight Researcher.Find flights..execute', attrs))?.agentName, 'Flight Researcher');
    assert.equal(normalizeSpan(crew('Flight Researcher.Find flights..execute', attrs, 'openinference.instrumentation.crewai'))?.agentName, 'Flight Researcher');
    assert.deepEqual(normalizeSpan(crew('x.execute', attrs), undefined, { scope: 'index' }), { kind: 'agent', agentName: 'Flight Researcher' });
    // agent.name wins. (Any OpenInference AGENT span's graph.node.id names its agent when agent.name
    // is missing: dialects/openinference.ts, for the JS openai-agents instrumentation.)
    assert.equal(normalizeSpan(crew('x', { ...attrs, 'agent.name': 'researcher' }))?.agentName, 'researcher');
  });

  test("an LLM call's output.value tool_calls list is the assistant's tool calls", () => {
    const calls = [{ id: 'call_1', type: 'function', function: { name: 'search_flights', arguments: '{"origin":"Paris"}' } }];
    const g = normalizeSpan(crew('gpt-4o-mini.llm_call', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o-mini', 'output.value': JSON.stringify(calls), 'output.mime_type': 'application/json' }));
    assert.deepEqual(g?.outputMessages, [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'search_flights', arguments: { origin: 'Paris' } }] }]);
    // Text output stays text.
    const t = normalizeSpan(crew('gpt-4o-mini.llm_call', { 'openinference.span.kind': 'LLM', 'output.value': 'Two flights.' }));
    assert.deepEqual(t?.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', content: 'Two flights.' }] }]);
  });
});
