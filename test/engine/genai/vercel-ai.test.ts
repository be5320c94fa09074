/**
 * The Vercel AI SDK's own telemetry (dialects/vercel-ai.ts): which spans are its (an `ai.operationId`
 * naming an `ai.*` operation), the kinds its operations read as, the fields read from its `ai.*`
 * names (v5+ and v4 usage names), its message shapes, and that the outer call span, which repeats
 * its steps' usage, is neither an LLM call nor counted twice. Hand-written after the SDK's source
 * (ai 6.0.333, dist/index.mjs); the captured runs are test/fixtures/frameworks/js-vercel-ai*.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes, GenAiSpan } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { rollupTrace } from '../../../src-main/engine/genai/rollup';
import { span } from './samples';

const norm = (attributes: Attributes, name = 'span'): GenAiSpan | null => normalizeSpan(span({ name, attributes }));
const op = (id: string, more: Attributes = {}): Attributes => ({ 'ai.operationId': id, 'operation.name': `${id} fn`, ...more });

describe('Vercel AI SDK telemetry', () => {
  test('a span is the SDK\'s when its ai.operationId names an ai.* operation; ai.* keys alone do not mark a span', () => {
    assert.equal(norm({ 'ai.operationId': 'ai.toolCall' })?.kind, 'tool');
    assert.equal(norm({ 'ai.operationId': 'checkout' }), null);
    assert.equal(norm({ 'ai.model.id': 'gpt-4o', 'ai.usage.inputTokens': 3 }), null);
  });

  test('kinds: the outer call is the agent loop, its do* step the model call, ai.toolCall a tool', () => {
    const kinds = Object.fromEntries(
      ['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.generateText.doGenerate', 'ai.streamText.doStream', 'ai.streamObject.doStream', 'ai.embedMany', 'ai.embedMany.doEmbed', 'ai.rerank.doRerank', 'ai.toolCall', 'ai.somethingNew'].map((id) => [id, norm(op(id))?.kind]),
    );
    assert.deepEqual(kinds, {
      'ai.generateText': 'agent',
      'ai.streamText': 'agent',
      'ai.generateObject': 'agent',
      'ai.generateText.doGenerate': 'llm',
      'ai.streamText.doStream': 'llm',
      'ai.streamObject.doStream': 'llm',
      'ai.embedMany': 'chain',
      'ai.embedMany.doEmbed': 'embedding',
      'ai.rerank.doRerank': 'reranker',
      'ai.toolCall': 'tool',
      'ai.somethingNew': 'other',
    });
  });

  test('a model call: provider, models, usage (v5+ names), finish reason, session and user from metadata', () => {
    const g = norm(
      op('ai.generateText.doGenerate', {
        'ai.model.provider': 'openai.chat',
        'gen_ai.system': 'openai.chat',
        'ai.model.id': 'gpt-4o-mini',
        'ai.response.model': 'gpt-4o-mini-2024-07-18',
        'ai.usage.inputTokens': 120,
        'ai.usage.outputTokens': 22,
        'ai.usage.totalTokens': 142,
        'ai.usage.inputTokenDetails.cacheReadTokens': 10,
        'ai.usage.outputTokenDetails.reasoningTokens': 4,
        'ai.response.finishReason': 'tool-calls',
        'ai.telemetry.metadata.sessionId': 's-1',
        'ai.telemetry.metadata.userId': 'u-1',
      }),
    );
    assert.deepEqual(
      { provider: g?.provider, req: g?.requestModel, res: g?.responseModel, i: g?.inputTokens, o: g?.outputTokens, t: g?.totalTokens, c: g?.cacheReadTokens, r: g?.reasoningTokens, f: g?.finishReasons, s: g?.sessionId, u: g?.userId },
      { provider: 'openai', req: 'gpt-4o-mini', res: 'gpt-4o-mini-2024-07-18', i: 120, o: 22, t: 142, c: 10, r: 4, f: ['tool_call'], s: 's-1', u: 'u-1' },
    );
  });

  test('v4 usage names, and providers in OTel names', () => {
    const g = norm(op('ai.generateText.doGenerate', { 'ai.usage.promptTokens': 7, 'ai.usage.completionTokens': 3, 'ai.model.provider': 'google.vertex.chat' }));
    assert.deepEqual([g?.inputTokens, g?.outputTokens, g?.totalTokens, g?.provider], [7, 3, 10, 'gcp.vertex_ai']);
    assert.equal(norm(op('ai.generateText.doGenerate', { 'ai.model.provider': 'anthropic.messages' }))?.provider, 'anthropic');
    assert.equal(norm(op('ai.generateText.doGenerate', { 'ai.model.provider': 'amazon-bedrock' }))?.provider, 'aws.bedrock');
  });

  test('AI SDK provider ids and finish reasons sent as gen_ai.* (Mastra does) read in OTel names; OTel names stay', () => {
    const g = norm({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai.chat', 'gen_ai.response.finish_reasons': '["tool-calls"]' });
    assert.deepEqual([g?.provider, g?.finishReasons], ['openai', ['tool_call']]);
    assert.equal(norm({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'azure.ai.openai' })?.provider, 'azure.ai.openai');
    assert.equal(norm({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'google.generative-ai' })?.provider, 'gcp.gemini');
  });

  test('prompt messages (tool call and tool result parts), response text and tool calls, tool definitions', () => {
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', image: 'https://x/y.png', mediaType: 'image/png' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'get_weather', output: { type: 'json', value: { sunny: true } } }] },
    ];
    const g = norm(
      op('ai.generateText.doGenerate', {
        'ai.prompt.messages': JSON.stringify(messages),
        'ai.response.text': 'Sunny.',
        'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'c2', toolName: 'book', input: '{"day":1}' }]),
        'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'get_weather', description: 'Weather', inputSchema: { type: 'object' } })],
      }),
    );
    assert.deepEqual(g?.inputMessages, [
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }, { type: 'uri', mimeType: 'image/png', modality: 'image', uri: 'https://x/y.png' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { sunny: true } }] },
    ]);
    assert.deepEqual(g?.outputMessages, [
      { role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }, { type: 'tool_call', id: 'c2', name: 'book', arguments: { day: 1 } }] },
    ]);
    assert.deepEqual(g?.toolDefinitions, [{ name: 'get_weather', type: 'function', description: 'Weather', parameters: { type: 'object' } }]);
  });

  test('the outer call is the agent its functionId names; without one it has no name', () => {
    const g = norm(op('ai.generateText', { 'ai.telemetry.functionId': 'travel-agent' }), 'ai.generateText');
    assert.deepEqual([g?.kind, g?.agentName, g?.operation], ['agent', 'travel-agent', 'invoke_agent']);
    assert.equal(norm(op('ai.generateText'), 'ai.generateText')?.agentName, undefined);
    assert.equal(norm(op('ai.generateText.doGenerate', { 'ai.telemetry.functionId': 'travel-agent' }))?.agentName, undefined);
  });

  test('AI SDK 7 (@ai-sdk/otel): session and user from the runtime context on gen_ai.* spans; the context alone marks nothing', () => {
    const g = norm({ 'gen_ai.operation.name': 'invoke_agent', 'ai.settings.context.sessionId': 's-7', 'ai.settings.context.userId': 'u-7' });
    assert.deepEqual([g?.sessionId, g?.userId], ['s-7', 'u-7']);
    assert.equal(norm({ 'ai.settings.context.sessionId': 's-7' }), null);
  });

  test('the outer call reads its input from ai.prompt', () => {
    const g = norm(op('ai.generateText', { 'ai.prompt': JSON.stringify({ system: 'Be brief.', prompt: 'Hi' }), 'ai.response.text': 'Hello' }));
    assert.deepEqual(g?.inputMessages, [
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ]);
    assert.deepEqual(g?.outputMessages, [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }] }]);
  });

  test('a tool run: name, call id, arguments and result as the chat history shows them', () => {
    const g = norm(op('ai.toolCall', { 'ai.toolCall.name': 'get_weather', 'ai.toolCall.id': 'c1', 'ai.toolCall.args': '{"city":"Paris"}', 'ai.toolCall.result': '{"sunny":true}' }), 'ai.toolCall');
    assert.equal(g?.toolName, 'get_weather');
    assert.equal(g?.toolCallId, 'c1');
    assert.deepEqual(g?.inputMessages, [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] }]);
    assert.deepEqual(g?.outputMessages, [{ role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: { sunny: true } }] }]);
  });

  test('the outer span repeats its steps\' usage: one LLM call per step, tokens counted once', () => {
    const usage = (i: number, o: number): Attributes => ({ 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': i, 'ai.usage.outputTokens': o });
    const outer = span({ name: 'ai.generateText', spanId: 'a000000000000001', attributes: op('ai.generateText', usage(230, 43)) });
    const step1 = span({ name: 'ai.generateText.doGenerate', spanId: 'a000000000000002', parentSpanId: 'a000000000000001', attributes: op('ai.generateText.doGenerate', usage(110, 21)) });
    const step2 = span({ name: 'ai.generateText.doGenerate', spanId: 'a000000000000003', parentSpanId: 'a000000000000001', attributes: op('ai.generateText.doGenerate', usage(120, 22)) });
    const r = rollupTrace([outer, step1, step2].map((s) => ({ spanId: s.spanId, parentSpanId: s.parentSpanId, genai: normalizeSpan(s) })));
    assert.deepEqual([r.llmCalls, r.inputTokens, r.outputTokens], [2, 230, 43]);
  });
});
