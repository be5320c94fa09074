/**
 * Field by field, per dialect: which attribute each GenAiSpan field is read from (OpenInference and
 * OpenLLMetry; OTel in otel.test.ts), the kind mappings, and which dialect wins when a span carries
 * several. Hand-written attribute sets after the reference doc.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, GenAiKind, GenAiSpan } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { span } from './samples';

const norm = (attributes: Attributes, name = 'span'): GenAiSpan | null => normalizeSpan(span({ name, attributes }));

interface FieldCase {
  field: keyof GenAiSpan;
  attributes: Attributes;
  expected: unknown;
}

function fieldTable(title: string, base: Attributes, cases: FieldCase[]): void {
  describe(title, () => {
    for (const c of cases) {
      test(`${c.field} ← ${Object.keys(c.attributes).join(', ')}`, () => {
        assert.deepEqual(norm({ ...base, ...c.attributes })?.[c.field], c.expected);
      });
    }
  });
}

fieldTable('OpenInference fields', { 'openinference.span.kind': 'LLM' }, [
  { field: 'provider', attributes: { 'llm.provider': 'OpenAI' }, expected: 'openai' },
  { field: 'provider', attributes: { 'llm.system': 'mistralai' }, expected: 'mistral_ai' },
  { field: 'requestModel', attributes: { 'llm.model_name': 'gpt-4o' }, expected: 'gpt-4o' },
  { field: 'requestModel', attributes: { 'llm.model_name': 'gpt-4o-2024-08-06', 'llm.invocation_parameters': '{"model":"gpt-4o"}' }, expected: 'gpt-4o' },
  { field: 'requestModel', attributes: { 'llm.request.model_name': 'a', 'llm.invocation_parameters': '{"model":"b"}' }, expected: 'a' },
  { field: 'responseModel', attributes: { 'llm.model_name': 'gpt-4o-2024-08-06' }, expected: 'gpt-4o-2024-08-06' },
  { field: 'responseModel', attributes: { 'llm.response.model_name': 'r', 'llm.model_name': 'm' }, expected: 'r' },
  { field: 'inputTokens', attributes: { 'llm.token_count.prompt': 10 }, expected: 10 },
  { field: 'outputTokens', attributes: { 'llm.token_count.completion': 4 }, expected: 4 },
  { field: 'totalTokens', attributes: { 'llm.token_count.total': 99, 'llm.token_count.prompt': 10 }, expected: 99 },
  { field: 'cacheReadTokens', attributes: { 'llm.token_count.prompt_details.cache_read': 3 }, expected: 3 },
  { field: 'reasoningTokens', attributes: { 'llm.token_count.completion_details.reasoning': 2 }, expected: 2 },
  { field: 'costUsd', attributes: { 'llm.token_count.prompt': 10, 'llm.model_name': 'nope', 'llm.cost.total': 0.5 }, expected: 0.5 },
  { field: 'costUsd', attributes: { 'llm.cost.prompt': 0.25, 'llm.cost.completion': 0.5 }, expected: 0.75 },
  { field: 'sessionId', attributes: { 'session.id': 's' }, expected: 's' },
  { field: 'userId', attributes: { 'user.id': 'u' }, expected: 'u' },
  { field: 'finishReasons', attributes: { 'llm.finish_reason': 'end_turn' }, expected: ['stop'] },
  { field: 'agentName', attributes: { 'openinference.span.kind': 'AGENT', 'agent.name': 'a' }, expected: 'a' },
  { field: 'toolName', attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 't' }, expected: 't' },
  { field: 'toolCallId', attributes: { 'openinference.span.kind': 'TOOL', 'tool_call.id': 'c' }, expected: 'c' },
  {
    field: 'inputMessages',
    attributes: { 'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.contents.0.message_content.type': 'text', 'llm.input_messages.0.message.contents.0.message_content.text': 'look', 'llm.input_messages.0.message.contents.1.message_content.type': 'image', 'llm.input_messages.0.message.contents.1.message_content.image.image.url': 'https://x/cat.png' },
    expected: [{ role: 'user', parts: [{ type: 'text', content: 'look' }, { type: 'uri', mimeType: null, modality: 'image', uri: 'https://x/cat.png' }] }],
  },
  {
    field: 'inputMessages',
    attributes: { 'input.value': '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}', 'input.mime_type': 'application/json' },
    expected: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
  },
  { field: 'outputMessages', attributes: { 'output.value': 'plain answer' }, expected: [{ role: 'assistant', parts: [{ type: 'text', content: 'plain answer' }] }] },
  {
    field: 'outputMessages',
    attributes: { 'output.value': '{"choices":[{"message":{"role":"assistant","content":"from body"},"finish_reason":"stop"}]}' },
    expected: [{ role: 'assistant', parts: [{ type: 'text', content: 'from body' }] }],
  },
  {
    field: 'toolDefinitions',
    attributes: { 'llm.tools.0.tool.json_schema': '{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}}' },
    expected: [{ name: 'f', type: 'function', description: 'd', parameters: { type: 'object' } }],
  },
]);

fieldTable('OpenLLMetry / Traceloop fields', { 'llm.request.type': 'chat' }, [
  { field: 'operation', attributes: { 'llm.request.type': 'completion' }, expected: 'text_completion' },
  { field: 'totalTokens', attributes: { 'gen_ai.usage.total_tokens': 42 }, expected: 42 },
  { field: 'totalTokens', attributes: { 'llm.usage.total_tokens': 43 }, expected: 43 },
  { field: 'inputTokens', attributes: { 'llm.usage.prompt_tokens': 5 }, expected: 5 },
  { field: 'cacheReadTokens', attributes: { 'gen_ai.usage.cache_read_input_tokens': 6 }, expected: 6 },
  { field: 'reasoningTokens', attributes: { 'gen_ai.usage.reasoning_tokens': 7 }, expected: 7 },
  { field: 'reasoningTokens', attributes: { 'llm.usage.reasoning_tokens': 8 }, expected: 8 },
  { field: 'sessionId', attributes: { 'traceloop.association.properties.session_id': 's1' }, expected: 's1' },
  { field: 'sessionId', attributes: { 'traceloop.association.properties.conversation_id': 's2' }, expected: 's2' },
  { field: 'sessionId', attributes: { 'traceloop.association.properties.thread_id': 's3' }, expected: 's3' },
  { field: 'userId', attributes: { 'traceloop.association.properties.userId': 'u' }, expected: 'u' },
  { field: 'agentName', attributes: { 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' }, expected: 'planner' },
  { field: 'agentName', attributes: { 'traceloop.span.kind': 'task', 'traceloop.entity.name': 'step' }, expected: undefined },
  { field: 'toolName', attributes: { 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search' }, expected: 'search' },
  {
    field: 'inputMessages',
    attributes: { 'traceloop.span.kind': 'workflow', 'traceloop.entity.input': '{"args":[],"kwargs":{"messages":[{"role":"user","content":"q"}]}}' },
    expected: [{ role: 'user', parts: [{ type: 'text', content: 'q' }] }],
  },
  {
    field: 'toolDefinitions',
    attributes: { 'llm.request.functions.0.name': 'f', 'llm.request.functions.0.description': 'd', 'llm.request.functions.0.parameters': '{"type":"object"}' },
    expected: [{ name: 'f', description: 'd', parameters: { type: 'object' } }],
  },
]);

describe('kinds from every dialect marker', () => {
  const table: Array<[Attributes, GenAiKind]> = [
    [{ 'openinference.span.kind': 'LLM' }, 'llm'],
    [{ 'openinference.span.kind': 'EMBEDDING' }, 'embedding'],
    [{ 'openinference.span.kind': 'CHAIN' }, 'chain'],
    [{ 'openinference.span.kind': 'RETRIEVER' }, 'retriever'],
    [{ 'openinference.span.kind': 'RERANKER' }, 'reranker'],
    [{ 'openinference.span.kind': 'TOOL' }, 'tool'],
    [{ 'openinference.span.kind': 'AGENT' }, 'agent'],
    [{ 'openinference.span.kind': 'GUARDRAIL' }, 'guardrail'],
    [{ 'openinference.span.kind': 'EVALUATOR' }, 'evaluator'],
    [{ 'openinference.span.kind': 'PROMPT' }, 'other'],
    [{ 'openinference.span.kind': 'UNKNOWN' }, 'other'],
    [{ 'openinference.span.kind': 'llm' }, 'llm'],
    [{ 'traceloop.span.kind': 'workflow' }, 'workflow'],
    [{ 'traceloop.span.kind': 'task' }, 'chain'],
    [{ 'traceloop.span.kind': 'agent' }, 'agent'],
    [{ 'traceloop.span.kind': 'tool' }, 'tool'],
    [{ 'traceloop.span.kind': 'unknown' }, 'other'],
    [{ 'llm.request.type': 'chat' }, 'llm'],
    [{ 'llm.request.type': 'embedding' }, 'embedding'],
    [{ 'llm.request.type': 'rerank' }, 'reranker'],
    // No marker: inferred from what the span carries.
    [{ 'gen_ai.request.model': 'm' }, 'llm'],
    [{ 'llm.token_count.prompt': 1 }, 'llm'],
    [{ 'gen_ai.tool.name': 't' }, 'tool'],
    [{ 'gen_ai.agent.name': 'a' }, 'agent'],
    [{ 'gen_ai.data_source.id': 'd' }, 'other'],
    // Several markers: OTel first; an unknown value gives way to a known one.
    [{ 'gen_ai.operation.name': 'chat', 'openinference.span.kind': 'CHAIN' }, 'llm'],
    [{ 'gen_ai.operation.name': 'brand_new', 'openinference.span.kind': 'GUARDRAIL' }, 'guardrail'],
    [{ 'openinference.span.kind': 'AGENT', 'traceloop.span.kind': 'tool' }, 'agent'],
  ];
  for (const [attributes, kind] of table) {
    test(`${JSON.stringify(attributes)} → ${kind}`, () => assert.equal(norm(attributes)?.kind, kind));
  }
});

describe('which dialect wins', () => {
  test('OTel over OpenInference over OpenLLMetry, field by field; a missing field falls through', () => {
    const g = norm({
      'gen_ai.operation.name': 'chat',
      'gen_ai.usage.input_tokens': 1,
      'llm.token_count.prompt': 2,
      'llm.usage.prompt_tokens': 3,
      'llm.token_count.completion': 20,
      'llm.usage.completion_tokens': 30,
      'llm.usage.total_tokens': 300,
      'gen_ai.conversation.id': 'otel',
      'session.id': 'oi',
      'traceloop.association.properties.session_id': 'tl',
      'user.id': 'u-oi',
      'traceloop.association.properties.user_id': 'u-tl',
    });
    assert.equal(g?.inputTokens, 1);
    assert.equal(g?.outputTokens, 20);
    assert.equal(g?.totalTokens, 300);
    assert.equal(g?.sessionId, 'otel');
    assert.equal(g?.userId, 'u-oi');
  });

  test('spans without any GenAI marker are not GenAI', () => {
    assert.equal(norm({ 'http.method': 'GET', 'session.id': 's', 'user.id': 'u', 'input.value': 'x', 'tool.name': 't' }), null);
    assert.equal(norm({}), null);
  });
});

describe('OpenInference embedding spans (seen in captured fixtures)', () => {
  // openinference-instrumentation-openai (Python) records the request body as input.value and the
  // response body, vectors included, as output.value; the texts are in embedding.embeddings.*.
  const base = {
    'openinference.span.kind': 'EMBEDDING',
    'embedding.model_name': 'text-embedding-3-small',
    'input.value': '{"model": "text-embedding-3-small", "input": ["hotels in Paris", "museums"], "encoding_format": "base64"}',
    'output.value': '{"data":[{"embedding":[0.125,-0.25],"index":0,"object":"embedding"}],"model":"text-embedding-3-small"}',
  };
  const texts = (...t: string[]) => t.map((content) => ({ role: 'user', parts: [{ type: 'text', content }] }));

  test('the embedded texts are the input; the response body is no output message', () => {
    const g = norm({ ...base, 'embedding.embeddings.0.embedding.text': 'hotels in Paris', 'embedding.embeddings.1.embedding.text': 'museums' });
    assert.deepEqual(g?.inputMessages, texts('hotels in Paris', 'museums'));
    assert.equal(g?.outputMessages, undefined);
  });

  test('without the texts, the request body’s input is read, never the body as text', () => {
    assert.deepEqual(norm(base)?.inputMessages, texts('hotels in Paris', 'museums'));
    assert.deepEqual(norm({ ...base, 'input.value': 'hotels in Paris' })?.inputMessages, texts('hotels in Paris'));
  });
});
