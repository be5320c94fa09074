/** The GenAI cells of a trace row and the filter suggestions, as a user reads them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentGraph, GenAiTraceRollup, TraceSummary } from '../../src-shared/contract';
import { formatCost, formatModels, formatTokens, tokensTitle } from '../../src-renderer/src/lib/list/format';
import { absorbGraph, absorbSummaries, MAX_SUGGESTIONS, noSuggestions } from '../../src-renderer/src/lib/list/suggestions';

const rollup = (patch: Partial<GenAiTraceRollup>): GenAiTraceRollup => ({
  inputTokens: 1500,
  outputTokens: 300,
  totalTokens: 1800,
  costUsd: 0.063,
  models: ['gpt-4'],
  agents: ['planner'],
  llmCalls: 2,
  toolCalls: 1,
  sessionId: null,
  ...patch,
});
const trace = (genai?: GenAiTraceRollup): TraceSummary => ({
  traceId: 'a'.repeat(32),
  rootName: 'r',
  serviceName: 's',
  startTimeUnixNano: '0',
  durationMs: 1,
  spanCount: 1,
  errorCount: 0,
  ...(genai ? { genai } : {}),
});

test('a priced GenAI trace shows its models, tokens and cost', () => {
  const t = trace(rollup({ models: ['gpt-4o', 'gpt-4o-mini'] }));
  assert.equal(formatModels(t), 'gpt-4o, gpt-4o-mini');
  assert.equal(formatTokens(t), '1,800');
  assert.equal(tokensTitle(t), 'in 1,500 · out 300');
  assert.equal(formatCost(t), '$0.063', 'the same format as the trace header, graph and detail');
});

test('"—" when the trace has no GenAI, "no price" when tokens were counted but nothing is priced', () => {
  const plain = trace();
  assert.deepEqual([formatModels(plain), formatTokens(plain), formatCost(plain), tokensTitle(plain)], ['—', '—', '—', undefined]);
  assert.equal(formatCost(trace(rollup({ costUsd: null }))), 'no price');
  assert.equal(formatCost(trace(rollup({ costUsd: null, inputTokens: 0, outputTokens: 0, totalTokens: 0 }))), '—', 'an agent with no model call: nothing to price');
  assert.equal(formatModels(trace(rollup({ models: [] }))), '—');
  assert.equal(formatCost(trace(rollup({ costUsd: 0 }))), '$0.00', 'free is a price');
});

test('suggestions collect models and agents from summaries, tools from opened traces, sorted and without repeats', () => {
  const s1 = absorbSummaries(noSuggestions, [trace(rollup({ models: ['gpt-4o'], agents: ['planner'] })), trace(rollup({ models: ['claude', 'gpt-4o'], agents: [] })), trace()]);
  assert.deepEqual(s1, { models: ['claude', 'gpt-4o'], agents: ['planner'], tools: [] });
  assert.equal(absorbSummaries(s1, [trace(rollup({ models: ['gpt-4o'], agents: ['planner'] }))]), s1, 'nothing new: the same object');
  const graph = {
    traceId: 't',
    nodes: [
      { kind: 'tool', label: 'search_hotels', model: null },
      { kind: 'llm', label: 'gpt-4o-2024-08-06', model: 'gpt-4o-2024-08-06' },
      { kind: 'agent', label: 'triage', model: null },
    ],
    edges: [],
    externalLinks: [],
  } as unknown as AgentGraph;
  assert.deepEqual(absorbGraph(s1, graph), { models: ['claude', 'gpt-4o', 'gpt-4o-2024-08-06'], agents: ['planner', 'triage'], tools: ['search_hotels'] });
  const many = absorbSummaries(noSuggestions, Array.from({ length: MAX_SUGGESTIONS + 50 }, (_, i) => trace(rollup({ models: [`m${i}`] }))));
  assert.equal(many.models.length, MAX_SUGGESTIONS);
});
