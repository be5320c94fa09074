/** The chat of a GenAI span as the detail panel reads it: order, tool calls paired with results, tool spans. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenAiSpan } from '../../src-shared/contract';
import { chatEntries, hasConversation, indexToolCalls, toolInvocation } from '../../src-renderer/src/lib/detail/conversation';

const secondCall: GenAiSpan = {
  kind: 'llm',
  systemInstructions: [{ type: 'text', content: 'You are a concierge.' }],
  inputMessages: [
    { role: 'user', parts: [{ type: 'text', content: 'Find a hotel in Lisbon' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'search_hotels', arguments: { city: 'Lisbon' } }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: { city: 'Lisbon' } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { hotels: ['Avenida'] } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_9', response: 'orphan' }] },
  ],
  outputMessages: [{ role: 'assistant', name: 'concierge', parts: [{ type: 'text', content: 'Hotel Avenida.' }] }],
};

test('system instructions come first, then input, then output, each message once', () => {
  const entries = chatEntries(secondCall);
  assert.deepEqual(
    entries.map((e) => `${e.side}:${e.role}${e.name ? `(${e.name})` : ''}`),
    ['system:system', 'input:user', 'input:assistant', 'input:assistant', 'input:tool', 'input:tool', 'output:assistant(concierge)'],
  );
  assert.deepEqual(chatEntries({ kind: 'llm' }), []);
  assert.equal(hasConversation({ kind: 'llm', systemInstructions: [] }), false);
  assert.equal(hasConversation({ kind: 'agent', outputMessages: [{ role: 'assistant', parts: [] }] }), true);
});

test('a tool result names the call it answers; a call knows whether its result is in the chat', () => {
  const calls = indexToolCalls(chatEntries(secondCall));
  assert.equal(calls.names.get('call_1'), 'search_hotels');
  assert.equal(calls.answered.has('call_1'), true);
  assert.equal(calls.answered.has('call_2'), false, 'get_weather was never answered here');
  assert.equal(calls.names.get('call_9'), undefined, 'a result whose call is not in this span stays unnamed');
});

test('calls and results without ids are not paired with each other', () => {
  const calls = indexToolCalls(
    chatEntries({
      kind: 'llm',
      inputMessages: [
        { role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'a', arguments: null }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: null, response: 'x' }] },
      ],
    }),
  );
  assert.equal(calls.names.size, 0);
  assert.equal(calls.answered.size, 0);
});

test('a tool span shows its own call: arguments and result by its call id', () => {
  const tool: GenAiSpan = {
    kind: 'tool',
    toolName: 'search_hotels',
    toolCallId: 'call_2',
    inputMessages: [
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'search_hotels', arguments: { city: 'Porto' } }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_2', name: 'search_hotels', arguments: { city: 'Lisbon' } }] },
    ],
    outputMessages: [
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'porto' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_2', response: 'lisbon' }] },
    ],
  };
  assert.deepEqual(toolInvocation(tool), { name: 'search_hotels', callId: 'call_2', args: { city: 'Lisbon' }, result: 'lisbon' });
});

test('a failed tool span has arguments but no result; a span with nothing to show has no invocation', () => {
  const failed: GenAiSpan = {
    kind: 'tool',
    toolName: 'book',
    inputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c', name: 'book', arguments: '{"room":1' }] }],
  };
  assert.deepEqual(toolInvocation(failed), { name: 'book', callId: 'c', args: '{"room":1', result: undefined });
  assert.equal(toolInvocation({ kind: 'tool' }), null);
  assert.deepEqual(toolInvocation({ kind: 'tool', toolName: 'ping' }), { name: 'ping', callId: null, args: undefined, result: undefined });
});
