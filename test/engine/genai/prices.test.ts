/**
 * Price matching and cost: provider prefixes and dated suffixes removed, longest-prefix fallback,
 * response model before request model, user overrides, "no price" for unknown models, and which
 * cost wins when the span reports its own.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Attributes } from '../../../src-shared/contract';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { SHIPPED_PRICES, canonicalModel, costAt, findPrice, parsePriceTable } from '../../../src-main/engine/genai/prices';
import { span } from './samples';

describe('canonical model names', () => {
  const table: Array<[string, string]> = [
    ['gpt-4o-2024-08-06', 'gpt-4o'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini'],
    ['azure/gpt-4o', 'gpt-4o'],
    ['models/gemini-1.5-pro', 'gemini-1-5-pro'],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet'],
    ['claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet'],
    ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 'claude-3-7-sonnet'],
    ['anthropic/claude-3.5-sonnet', 'claude-3-5-sonnet'],
    ['mistral-large-latest', 'mistral-large'],
    ['mistral-large-2411', 'mistral-large'],
    ['GPT-4.1-mini', 'gpt-4-1-mini'],
    ['gpt-3.5-turbo-0125', 'gpt-3-5-turbo'],
  ];
  for (const [raw, canonical] of table) test(`${raw} → ${canonical}`, () => assert.equal(canonicalModel(raw), canonical));
});

describe('price lookup', () => {
  const cases: Array<{ name: string; models: Array<string | undefined>; key: string | undefined }> = [
    { name: 'exact', models: ['gpt-4o-mini'], key: 'gpt-4o-mini' },
    { name: 'dated suffix', models: ['gpt-4o-mini-2024-07-18'], key: 'gpt-4o-mini' },
    { name: 'compact date suffix', models: ['claude-3-5-haiku-20241022'], key: 'claude-3-5-haiku' },
    { name: 'vertex @ suffix', models: ['claude-3-5-sonnet-v2@20241022'], key: 'claude-3-5-sonnet' },
    { name: 'bedrock id', models: ['anthropic.claude-3-haiku-20240307-v1:0'], key: 'claude-3-haiku' },
    { name: 'gemini version suffix via longest prefix', models: ['gemini-2.0-flash-001'], key: 'gemini-2-0-flash' },
    { name: 'longest prefix wins (gpt-4o-mini over gpt-4o)', models: ['gpt-4o-mini-search-preview'], key: 'gpt-4o-mini' },
    { name: 'prefix only at a dash boundary (gpt-4o is not gpt-4…)', models: ['gpt-4o-audio-preview'], key: 'gpt-4o' },
    { name: 'response model first', models: ['gpt-4o-2024-08-06', 'gpt-4o-mini'], key: 'gpt-4o' },
    { name: 'request model when the response model is unknown', models: ['my-deployment', 'gpt-4o-mini'], key: 'gpt-4o-mini' },
    { name: 'unknown', models: ['llama-3-70b', undefined], key: undefined },
    { name: 'no models', models: [undefined, ''], key: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.equal(findPrice(c.models)?.key, c.key));

  test('an override wins over the table entry it matches as closely, not over a closer one', () => {
    const overrides = { 'gpt-4o': { input: 1, output: 2 } };
    assert.deepEqual(findPrice(['gpt-4o-2024-08-06'], { overrides }), { key: 'gpt-4o', price: { input: 1, output: 2 }, from: 'override' });
    assert.equal(findPrice(['gpt-4o-audio-preview'], { overrides })?.from, 'override');
    assert.deepEqual(findPrice(['gpt-4o-mini'], { overrides }), { key: 'gpt-4o-mini', price: SHIPPED_PRICES.models['gpt-4o-mini'], from: 'table' });
    assert.equal(findPrice(['o3'], { overrides })?.from, 'table');
  });

  test('the shipped table records its date and source, and every entry is well formed', () => {
    assert.match(SHIPPED_PRICES.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(SHIPPED_PRICES.source.length > 20);
    assert.ok(Object.keys(SHIPPED_PRICES.models).length >= 40);
    for (const [model, p] of Object.entries(SHIPPED_PRICES.models)) {
      assert.ok(p.input >= 0 && p.output >= 0, model);
    }
  });

  test('a malformed table keeps its good entries', () => {
    const t = parsePriceTable({ date: 1, models: { good: { input: 1, output: 2, cacheRead: 0.5 }, bad: { input: 'x', output: 1 }, worse: null, neg: { input: -1, output: 1 } } });
    assert.deepEqual(t, { date: '', source: '', models: { good: { input: 1, output: 2, cacheRead: 0.5 } } });
    assert.deepEqual(parsePriceTable('junk'), { date: '', source: '', models: {} });
  });
});

describe('cost', () => {
  test('cached input at the cache rate, the rest at the input rate', () => {
    assert.equal(costAt({ inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 500_000 }, { input: 2, output: 8, cacheRead: 0.5 }), 1 + 0.25 + 8);
  });
  test('no cache price: cached input priced as input', () => {
    assert.equal(costAt({ inputTokens: 1_000_000, cacheReadTokens: 400_000 }, { input: 3, output: 15, cacheRead: null }), 3);
  });
  test('cache reads reported on top of the input (Anthropic API style) never make the uncached part negative', () => {
    assert.equal(costAt({ inputTokens: 100, cacheReadTokens: 1_000_000 }, { input: 3, output: 15, cacheRead: 0.3 }), 0.3);
  });

  const llm = (extra: Attributes): Attributes => ({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 1_000_000, 'gen_ai.usage.output_tokens': 0, ...extra });
  const cost = (attributes: Attributes, overrides?: Record<string, { input: number; output: number }>) =>
    normalizeSpan(span({ name: 'chat', attributes }), [], overrides ? { overrides } : {})?.costUsd;

  test('unknown model: "no price" (null) and the tokens are kept', () => {
    const g = normalizeSpan(span({ name: 'chat', attributes: llm({ 'gen_ai.request.model': 'my-local-llama' }) }));
    assert.equal(g?.costUsd, null);
    assert.equal(g?.inputTokens, 1_000_000);
  });
  test('no tokens: no cost field at all', () => {
    const g = normalizeSpan(span({ name: 'chat', attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' } }));
    assert.equal('costUsd' in (g ?? {}), false);
  });
  test('table price from the response model', () => {
    assert.equal(cost(llm({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18' })), 0.15);
  });
  test('a reported cost beats the table', () => {
    assert.equal(cost(llm({ 'gen_ai.request.model': 'gpt-4o', 'llm.cost.total': 1.23 })), 1.23);
  });
  test('a user override beats a reported cost and the table', () => {
    assert.equal(cost(llm({ 'gen_ai.request.model': 'gpt-4o', 'llm.cost.total': 1.23 }), { 'gpt-4o': { input: 7, output: 0 } }), 7);
  });
  test('an override prices a model the table does not know', () => {
    assert.equal(cost(llm({ 'gen_ai.request.model': 'my-local-llama' }), { 'my-local-llama': { input: 0.5, output: 0 } }), 0.5);
  });
});
