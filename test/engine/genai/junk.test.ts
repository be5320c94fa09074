/**
 * Junk in, no exception out: wrong types, invalid JSON, hostile keys, huge arrays. The raw
 * attributes are never modified, and what cannot be read is simply absent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue, Attributes, LogRecordView, SpanRecord } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { rollupTrace } from '../../../src-main/engine/genai/rollup';
import { event, logRecord, span } from './samples';

const KEYS = [
  'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.system', 'gen_ai.request.model', 'gen_ai.response.model',
  'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.usage.prompt_tokens', 'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.response.finish_reasons', 'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions',
  'gen_ai.tool.definitions', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result', 'gen_ai.tool.name', 'gen_ai.agent.name',
  'gen_ai.prompt.0.role', 'gen_ai.prompt.0.content', 'gen_ai.prompt.0.tool_calls.0.name', 'gen_ai.completion.0.finish_reason',
  'openinference.span.kind', 'llm.model_name', 'llm.invocation_parameters', 'llm.token_count.prompt', 'llm.cost.total',
  'llm.input_messages.0.message.role', 'llm.input_messages.0.message.content', 'llm.input_messages.0.message.tool_calls.0.tool_call.function.name',
  'llm.output_messages.0.message.contents.0.message_content.text', 'llm.tools.0.tool.json_schema', 'input.value', 'output.value',
  'traceloop.span.kind', 'traceloop.entity.name', 'traceloop.entity.input', 'traceloop.entity.output', 'llm.request.type',
  'traceloop.association.properties.session_id', 'session.id', 'user.id', 'tool_call.id',
];

const JUNK: AttributeValue[] = [
  null, true, false, 0, -1, 1.5, NaN, Infinity, -Infinity, 1e300, '', ' ', '{', '[', '[{]', '{"a":', 'null', '[]', '{}',
  '[null,1,"x",[],{}]', '[{"role":5,"parts":"no"}]', '[{"role":"user","parts":[null,{"type":7},{"type":"tool_call"}]}]',
  '{"args":5,"kwargs":[]}', '"quoted"', '99999999999999999999999', '-5', [], {}, [null], [[[]]], { parts: null },
  { role: { nested: true }, content: [1, { type: 'text', text: { deep: 1 } }] }, ['a', 1, null],
  // An own `__proto__` key, as the decoder keeps it (JSON.parse makes it an own property too).
  JSON.parse('{"__proto__":{"polluted":true},"role":"user"}') as AttributeValue,
];

/** A small deterministic generator, so a failure can be replayed. */
function* rng(seed: number): Generator<number> {
  let s = seed >>> 0;
  for (;;) {
    s = (s * 1664525 + 1013904223) >>> 0;
    yield s / 2 ** 32;
  }
}

describe('junk never throws', () => {
  test('every key with every junk value, alone', () => {
    for (const key of KEYS) {
      for (const value of JUNK) {
        const attrs: Attributes = { [key]: value };
        assert.doesNotThrow(() => normalizeSpan(span({ name: 'x', attributes: attrs })), `${key}=${String(value)}`);
      }
    }
  });

  test('5000 random mixes of keys, junk values, events and log records', () => {
    const r = rng(20261122);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(r.next().value! * list.length)]!;
    const names = ['gen_ai.user.message', 'gen_ai.choice', 'gen_ai.tool.message', 'gen_ai.client.inference.operation.details', 'gen_ai.content.prompt', 'other'];
    for (let i = 0; i < 5000; i++) {
      const attrs: Attributes = {};
      for (let k = 0; k < 8; k++) attrs[pick(KEYS)] = pick(JUNK);
      const events = [event(pick(names), { content: pick(JUNK), 'gen_ai.event.content': pick(JUNK), 'gen_ai.input.messages': pick(JUNK), message: pick(JUNK) })];
      const logs: LogRecordView[] = [logRecord(pick(names), pick(JUNK)), { ...logRecord('', pick(JUNK)), timeUnixNano: pick(['x', '', '0', '-1']) }];
      const s = span({ name: pick(['', 'execute_tool ', 'invoke_agent x']), attributes: attrs, events });
      const before = structuredClone(s);
      const g = normalizeSpan(s, logs);
      assert.deepEqual(s, before, 'the span was modified');
      if (g !== null) assert.doesNotThrow(() => JSON.stringify(g));
      assert.doesNotThrow(() => rollupTrace([{ spanId: '1', parentSpanId: null, genai: g }]));
    }
  });

  test('huge arrays and many indexed attributes are capped, not followed', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ role: 'user', parts: [{ type: 'text', content: String(i) }] }));
    const attrs: Attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': many, 'gen_ai.response.finish_reasons': Array(10_000).fill('stop') };
    for (let i = 0; i < 3000; i++) attrs[`gen_ai.completion.${i * 7}.content`] = 'c';
    attrs['gen_ai.completion.99999999.content'] = 'too far';
    const g = normalizeSpan(span({ name: 'chat', attributes: attrs }));
    assert.ok(g !== null);
    assert.ok((g.inputMessages?.length ?? 0) <= 500);
    assert.ok((g.finishReasons?.length ?? 0) <= 64);
    assert.ok((g.outputMessages?.length ?? 0) <= 500);
  });

  test('prototype keys in flattened attributes do not pollute objects', () => {
    const g = normalizeSpan(span({ name: 'x', attributes: { 'gen_ai.prompt.0.__proto__.polluted': 'yes', 'gen_ai.prompt.0.role': 'user', 'gen_ai.prompt.0.content': 'hi', 'traceloop.association.properties.__proto__': 'p' } }));
    assert.deepEqual(g?.inputMessages, [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('wrong types read as absent, not as garbage', () => {
    const g = normalizeSpan(span({ name: 'x', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 'many', 'gen_ai.usage.output_tokens': -3, 'gen_ai.request.model': { a: 1 }, 'gen_ai.input.messages': '{not json' } }));
    assert.deepEqual(g, { kind: 'llm', operation: 'chat' });
  });

  test('int64 token counts beyond 2^53 arrive as decimal text and are read', () => {
    const g = normalizeSpan(span({ name: 'x', attributes: { 'gen_ai.usage.input_tokens': '9007199254740993' } }));
    assert.equal(g?.inputTokens, 9007199254740992);
  });

  test('a span whose attributes object throws on access yields null, not an exception', () => {
    const s: SpanRecord = span({ name: 'x', attributes: {} });
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } });
    assert.equal(normalizeSpan({ ...s, attributes: hostile }), null);
  });
});
