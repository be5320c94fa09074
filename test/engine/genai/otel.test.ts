/**
 * OTel GenAI, both generations: old and new attribute names give the same fields, and the same
 * conversation read from attributes, from the operation-details event, from deprecated span
 * events, from deprecated log records and from indexed attributes gives the same messages.
 * Hand-written samples after the reference doc, not captured output.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue, Attributes, GenAiKind, GenAiMessage, GenAiSpan, LogRecordView, SpanEvent } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { event, logRecord, span } from './samples';

const norm = (attributes: Attributes, events: SpanEvent[] = [], logs: LogRecordView[] = [], name = 'chat x'): GenAiSpan | null =>
  normalizeSpan(span({ name, attributes, events }), logs);

describe('OTel GenAI: current and deprecated names agree', () => {
  const cases: Array<{ field: keyof GenAiSpan; current: Attributes; deprecated: Attributes; expected: unknown }> = [
    { field: 'provider', current: { 'gen_ai.provider.name': 'anthropic' }, deprecated: { 'gen_ai.system': 'anthropic' }, expected: 'anthropic' },
    { field: 'inputTokens', current: { 'gen_ai.usage.input_tokens': 11 }, deprecated: { 'gen_ai.usage.prompt_tokens': 11 }, expected: 11 },
    { field: 'outputTokens', current: { 'gen_ai.usage.output_tokens': 7 }, deprecated: { 'gen_ai.usage.completion_tokens': 7 }, expected: 7 },
    { field: 'totalTokens', current: { 'gen_ai.usage.input_tokens': 11, 'gen_ai.usage.output_tokens': 7 }, deprecated: { 'gen_ai.usage.prompt_tokens': 11, 'gen_ai.usage.completion_tokens': 7 }, expected: 18 },
  ];
  for (const c of cases) {
    test(`${c.field}: ${Object.keys(c.current).join(', ')} ≡ ${Object.keys(c.deprecated).join(', ')}`, () => {
      const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'claude-3-5-haiku-20241022' };
      assert.deepEqual(norm({ ...base, ...c.current })?.[c.field], c.expected);
      assert.deepEqual(norm({ ...base, ...c.deprecated })?.[c.field], c.expected);
    });
  }

  test('when both generations are present, the current name wins', () => {
    const g = norm({ 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'az.ai.openai', 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.prompt_tokens': 9 });
    assert.equal(g?.provider, 'openai');
    assert.equal(g?.inputTokens, 5);
  });

  test('deprecated provider values are mapped to the current ones', () => {
    assert.equal(norm({ 'gen_ai.system': 'MistralAI' })?.provider, 'mistral_ai');
    assert.equal(norm({ 'gen_ai.system': 'az.ai.inference' })?.provider, 'azure.ai.inference');
  });

  test('every other field of the current names', () => {
    const g = norm({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'o4-mini',
      'gen_ai.response.model': 'o4-mini-2025-04-16',
      'gen_ai.usage.input_tokens': '1000',
      'gen_ai.usage.output_tokens': 500,
      'gen_ai.usage.cache_read.input_tokens': 400,
      'gen_ai.usage.reasoning.output_tokens': 300,
      'gen_ai.response.finish_reasons': ['length', 'content_filter'],
      'gen_ai.conversation.id': 'c-1',
      'enduser.id': 'u-1',
      'gen_ai.system_instructions': '[{"type":"text","content":"Be brief."}]',
      'gen_ai.tool.definitions': [{ type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object' } }],
    });
    assert.deepEqual(g, {
      kind: 'llm',
      operation: 'chat',
      requestModel: 'o4-mini',
      responseModel: 'o4-mini-2025-04-16',
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 400,
      reasoningTokens: 300,
      totalTokens: 1500,
      // 600 × 1.10 + 400 × 0.275 + 500 × 4.40, per million
      costUsd: 0.00297,
      sessionId: 'c-1',
      userId: 'u-1',
      finishReasons: ['length', 'content_filter'],
      systemInstructions: [{ type: 'text', content: 'Be brief.' }],
      toolDefinitions: [{ type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object' } }],
    });
  });
});

describe('OTel GenAI: operation names map to kinds', () => {
  const table: Array<[string, GenAiKind]> = [
    ['chat', 'llm'],
    ['generate_content', 'llm'],
    ['text_completion', 'llm'],
    ['embeddings', 'embedding'],
    ['retrieval', 'retriever'],
    ['create_agent', 'agent'],
    ['invoke_agent', 'agent'],
    ['execute_tool', 'tool'],
    ['invoke_workflow', 'workflow'],
    ['plan', 'chain'],
    ['create_memory_store', 'memory'],
    ['search_memory', 'memory'],
    ['upsert_memory', 'memory'],
    ['something_new', 'other'],
  ];
  for (const [operation, kind] of table) {
    test(`${operation} → ${kind}`, () => {
      const g = norm({ 'gen_ai.operation.name': operation });
      assert.equal(g?.kind, kind);
      assert.equal(g?.operation, operation);
    });
  }

  test('agent and tool names fall back to the span-name convention', () => {
    assert.equal(norm({ 'gen_ai.operation.name': 'invoke_agent' }, [], [], 'invoke_agent booking')?.agentName, 'booking');
    assert.equal(norm({ 'gen_ai.operation.name': 'execute_tool' }, [], [], 'execute_tool get_weather')?.toolName, 'get_weather');
    assert.equal(norm({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'real' }, [], [], 'invoke_agent other')?.agentName, 'real');
  });
});

describe('OTel GenAI: one conversation, every place messages can travel', () => {
  const input: GenAiMessage[] = [
    { role: 'system', parts: [{ type: 'text', content: 'You help.' }] },
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: { city: 'Paris' } }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'rainy' }] },
  ];
  const output: GenAiMessage[] = [{ role: 'assistant', parts: [{ type: 'text', content: 'It is rainy.' }] }];
  const base = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' };
  const otelInput = [
    { role: 'system', parts: [{ type: 'text', content: 'You help.' }] },
    { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'rainy' }] },
  ];
  const otelOutput = [{ role: 'assistant', parts: [{ type: 'text', content: 'It is rainy.' }], finish_reason: 'stop' }];
  const assistantCall = { content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] };

  const sources: Array<{ name: string; attributes?: Attributes; events?: SpanEvent[]; logs?: LogRecordView[] }> = [
    { name: 'gen_ai.input.messages / output.messages as JSON strings', attributes: { 'gen_ai.input.messages': JSON.stringify(otelInput), 'gen_ai.output.messages': JSON.stringify(otelOutput) } },
    { name: 'gen_ai.input.messages / output.messages as structured AnyValue', attributes: { 'gen_ai.input.messages': otelInput, 'gen_ai.output.messages': otelOutput } },
    {
      name: 'the gen_ai.client.inference.operation.details event',
      events: [event('gen_ai.client.inference.operation.details', { 'gen_ai.input.messages': otelInput, 'gen_ai.output.messages': JSON.stringify(otelOutput) })],
    },
    {
      name: 'deprecated span events, body spread over attributes',
      events: [
        event('gen_ai.system.message', { 'gen_ai.system': 'openai', content: 'You help.' }),
        event('gen_ai.user.message', { 'gen_ai.system': 'openai', content: 'Weather in Paris?' }),
        event('gen_ai.assistant.message', { 'gen_ai.system': 'openai', tool_calls: assistantCall.tool_calls }),
        event('gen_ai.tool.message', { 'gen_ai.system': 'openai', content: 'rainy', id: 'c1' }),
        event('gen_ai.choice', { 'gen_ai.system': 'openai', index: 0, finish_reason: 'stop', message: { content: 'It is rainy.' } }),
      ],
    },
    {
      name: 'deprecated span events, body JSON in gen_ai.event.content',
      events: [
        event('gen_ai.system.message', { 'gen_ai.event.content': '{"role":"system","content":"You help."}' }),
        event('gen_ai.user.message', { 'gen_ai.event.content': '{"role":"user","content":"Weather in Paris?"}' }),
        event('gen_ai.assistant.message', { 'gen_ai.event.content': JSON.stringify({ role: 'assistant', ...assistantCall }) }),
        event('gen_ai.tool.message', { 'gen_ai.event.content': '{"role":"tool","content":"rainy","id":"c1"}' }),
        event('gen_ai.choice', { 'gen_ai.event.content': '{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"It is rainy."}}' }),
      ],
    },
    {
      name: 'deprecated log records (out of order; sorted by time)',
      logs: [
        logRecord('gen_ai.choice', { index: 0, finish_reason: 'stop', message: { content: 'It is rainy.' } }, { at: 5 }),
        logRecord('gen_ai.user.message', { content: 'Weather in Paris?' }, { at: 2 }),
        logRecord('gen_ai.system.message', { content: 'You help.' }, { at: 1 }),
        logRecord('gen_ai.assistant.message', assistantCall, { at: 3 }),
        logRecord('gen_ai.tool.message', { content: 'rainy', id: 'c1' }, { at: 4 }),
        logRecord('gen_ai.user.message', { content: 'another span' }, { at: 0, spanId: 'ffffffffffffffff' }),
      ],
    },
    {
      name: 'deprecated log records named by the event.name attribute, body as JSON text',
      logs: [
        logRecord('', '{"content":"You help."}', { at: 1, attributes: { 'event.name': 'gen_ai.system.message' } }),
        logRecord('', 'Weather in Paris?', { at: 2, attributes: { 'event.name': 'gen_ai.user.message' } }),
        logRecord('', JSON.stringify(assistantCall), { at: 3, attributes: { 'event.name': 'gen_ai.assistant.message' } }),
        logRecord('', '{"content":"rainy","id":"c1"}', { at: 4, attributes: { 'event.name': 'gen_ai.tool.message' } }),
        logRecord('', '{"finish_reason":"stop","message":{"content":"It is rainy."}}', { at: 5, attributes: { 'event.name': 'gen_ai.choice' } }),
      ],
    },
    {
      name: 'indexed gen_ai.prompt.{i}.* / gen_ai.completion.{i}.*',
      attributes: {
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'You help.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Weather in Paris?',
        'gen_ai.prompt.2.role': 'assistant',
        'gen_ai.prompt.2.tool_calls.0.id': 'c1',
        'gen_ai.prompt.2.tool_calls.0.name': 'weather',
        'gen_ai.prompt.2.tool_calls.0.arguments': '{"city":"Paris"}',
        'gen_ai.prompt.3.role': 'tool',
        'gen_ai.prompt.3.tool_call_id': 'c1',
        'gen_ai.prompt.3.content': 'rainy',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'It is rainy.',
        'gen_ai.completion.0.finish_reason': 'stop',
      },
    },
    {
      name: 'v1.26 gen_ai.content.prompt / completion events (OpenAI-format JSON)',
      events: [
        event('gen_ai.content.prompt', {
          'gen_ai.prompt': JSON.stringify([
            { role: 'system', content: 'You help.' },
            { role: 'user', content: 'Weather in Paris?' },
            { role: 'assistant', ...assistantCall },
            { role: 'tool', content: 'rainy', tool_call_id: 'c1' },
          ]),
        }),
        event('gen_ai.content.completion', { 'gen_ai.completion': '[{"role":"assistant","content":"It is rainy.","finish_reason":"stop"}]' }),
      ],
    },
  ];

  for (const s of sources) {
    test(`messages from ${s.name}`, () => {
      const g = norm({ ...base, ...(s.attributes ?? {}) }, s.events ?? [], s.logs ?? []);
      assert.deepEqual(g?.inputMessages, input);
      assert.deepEqual(g?.outputMessages, output);
      assert.deepEqual(g?.finishReasons, ['stop']);
    });
  }

  test('attributes win over events, and span events over log records', () => {
    const g = norm(
      { ...base, 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'from attribute' }] }]) },
      [event('gen_ai.user.message', { content: 'from span event' }), event('gen_ai.choice', { message: { content: 'choice from span event' } })],
      [logRecord('gen_ai.user.message', { content: 'from log' }), logRecord('gen_ai.choice', { message: { content: 'choice from log' } })],
    );
    assert.deepEqual(g?.inputMessages, [{ role: 'user', parts: [{ type: 'text', content: 'from attribute' }] }]);
    assert.deepEqual(g?.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', content: 'choice from span event' }] }]);
  });

  test('a span with only deprecated log records is a GenAI span', () => {
    const g = normalizeSpan(span({ name: 'POST', attributes: {} }), [logRecord('gen_ai.user.message', { content: 'hi' })]);
    assert.deepEqual(g?.inputMessages, [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
  });

  test('every part type of the schema, and unknown ones kept as other', () => {
    const parts: AttributeValue[] = [
      { type: 'text', content: 't' },
      { type: 'reasoning', content: 'r' },
      { type: 'blob', mime_type: 'image/png', modality: 'image', content: 'iVBORw0=' },
      { type: 'uri', modality: 'image', uri: 'https://x/y.png' },
      { type: 'file', mime_type: 'application/pdf', modality: 'document', file_id: 'file-1' },
      { type: 'tool_call_response', id: 'c9', result: { ok: true } },
      { type: 'server_tool_call', id: 's1', name: 'web_search', server_tool_call: { type: 'web_search', query: 'q' } },
    ];
    const g = norm({ ...base, 'gen_ai.output.messages': [{ role: 'assistant', parts }] });
    assert.deepEqual(g?.outputMessages?.[0]?.parts, [
      { type: 'text', content: 't' },
      { type: 'reasoning', content: 'r' },
      { type: 'blob', mimeType: 'image/png', modality: 'image', content: 'iVBORw0=' },
      { type: 'uri', mimeType: null, modality: 'image', uri: 'https://x/y.png' },
      { type: 'file', mimeType: 'application/pdf', modality: 'document', fileId: 'file-1' },
      { type: 'tool_call_response', id: 'c9', response: { ok: true } },
      { type: 'other', originalType: 'server_tool_call', data: { id: 's1', name: 'web_search', server_tool_call: { type: 'web_search', query: 'q' } } },
    ]);
  });
});
