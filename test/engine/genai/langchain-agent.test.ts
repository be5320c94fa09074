/**
 * LangChain v1 agents traced by OpenInference (dialects/langchain-agent.ts): the CHAIN span named as its
 * own `lc_agent_name` metadata is the agent's run; the agent's nodes, which share the metadata,
 * stay chains. After the captured run test/fixtures/frameworks/js-langchain*.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { span } from './samples';

const chain = (name: string, metadata: unknown) =>
  normalizeSpan(span({ name, attributes: { 'openinference.span.kind': 'CHAIN', metadata: typeof metadata === 'string' ? metadata : JSON.stringify(metadata) } }));

test('the chain named as its lc_agent_name is the agent, with that name', () => {
  const g = chain('travel_agent', { ls_integration: 'langchain_create_agent', lc_agent_name: 'travel_agent', session_id: 's' });
  assert.deepEqual([g?.kind, g?.agentName, g?.operation], ['agent', 'travel_agent', 'invoke_agent']);
  // Python's json.dumps spacing reads the same.
  assert.equal(chain('travel_agent', '{"lc_agent_name": "travel_agent"}')?.kind, 'agent');
});

test('the agent\'s nodes, other names and broken metadata stay chains', () => {
  assert.equal(chain('model_request', { lc_agent_name: 'travel_agent', langgraph_node: 'model_request' })?.kind, 'chain');
  assert.equal(chain('travel_agent', { agent: 'travel_agent' })?.kind, 'chain');
  assert.equal(chain('travel_agent', '{"lc_agent_name": "travel_agent"')?.kind, 'chain');
  assert.equal(chain('', { lc_agent_name: '' })?.kind, 'chain');
  const tool = normalizeSpan(span({ name: 'travel_agent', attributes: { 'openinference.span.kind': 'TOOL', metadata: '{"lc_agent_name":"travel_agent"}' } }));
  assert.equal(tool?.kind, 'tool');
});
