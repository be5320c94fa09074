/**
 * rollupTrace: sums over the innermost spans that report usage (an agent span repeating its
 * children's totals is not counted twice), distinct models and agents, call counts, the session.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenAiSpan } from '../../../src-shared/contract';
import { rollupTrace, type RollupItem } from '../../../src-main/engine/genai/rollup';

const item = (spanId: string, parentSpanId: string | null, genai: GenAiSpan | null): RollupItem => ({ spanId, parentSpanId, genai });

describe('rollupTrace', () => {
  test('an empty or non-GenAI trace rolls up to zeros, no cost, no session', () => {
    const empty = { inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: null, models: [], agents: [], llmCalls: 0, toolCalls: 0, sessionId: null };
    assert.deepEqual(rollupTrace([]), empty);
    assert.deepEqual(rollupTrace([item('a', null, null)]), empty);
  });

  test('an agent span that repeats its children’s usage is not counted twice', () => {
    const r = rollupTrace([
      item('a', null, { kind: 'agent', agentName: 'planner', inputTokens: 30, outputTokens: 3, totalTokens: 33, costUsd: 9 }),
      item('l1', 'a', { kind: 'llm', requestModel: 'gpt-4o', inputTokens: 10, outputTokens: 1, costUsd: 0.5 }),
      item('l2', 'a', { kind: 'llm', requestModel: 'gpt-4o', responseModel: 'gpt-4o-2024-08-06', inputTokens: 20, outputTokens: 2, totalTokens: 22, costUsd: 0.25 }),
    ]);
    assert.equal(r.inputTokens, 30);
    assert.equal(r.outputTokens, 3);
    assert.equal(r.totalTokens, 33);
    assert.equal(r.costUsd, 0.75);
    assert.deepEqual(r.models, ['gpt-4o', 'gpt-4o-2024-08-06']);
    assert.equal(r.llmCalls, 2);
  });

  test('usage on an agent whose LLM calls were not instrumented still counts', () => {
    const r = rollupTrace([item('a', null, { kind: 'agent', inputTokens: 5, outputTokens: 5 }), item('t', 'a', { kind: 'tool', toolName: 'x' })]);
    assert.equal(r.totalTokens, 10);
    assert.equal(r.costUsd, null);
    assert.equal(r.toolCalls, 1);
  });

  test('unpriced spans leave the priced sum alone; agents distinct and sorted; the earliest session', () => {
    const r = rollupTrace([
      item('b', null, { kind: 'agent', agentName: 'writer' }),
      item('c', 'b', { kind: 'agent', agentName: 'critic', sessionId: 's-1' }),
      item('d', 'c', { kind: 'agent', agentName: 'writer', sessionId: 's-2' }),
      item('e', 'd', { kind: 'llm', requestModel: 'mystery', inputTokens: 1, costUsd: null }),
      item('f', 'd', { kind: 'llm', requestModel: 'gpt-4o', inputTokens: 1, costUsd: 0.1 }),
    ]);
    assert.deepEqual(r.agents, ['critic', 'writer']);
    assert.equal(r.sessionId, 's-1');
    assert.equal(r.costUsd, 0.1);
    assert.deepEqual(r.models, ['gpt-4o', 'mystery']);
  });

  test('parent cycles and missing parents do not hang or drop usage', () => {
    const r = rollupTrace([
      item('x', 'y', { kind: 'llm', inputTokens: 1 }),
      item('y', 'x', { kind: 'llm', inputTokens: 2 }),
      item('z', 'missing', { kind: 'llm', inputTokens: 4 }),
    ]);
    // x and y are each other's ancestors, so each has usage below it; only z is innermost.
    assert.equal(r.inputTokens, 4);
    assert.equal(r.llmCalls, 3);
  });
});
