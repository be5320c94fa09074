/** The alignment of two runs (genai/compare.ts) on small hand-built traces: one rule per test. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignKeys, compareTraces } from '../../../src-main/engine/genai/compare';
import type { GenAiSpan, SpanRecord, TraceDetail } from '../../../src-shared/contract';

interface Spec {
  id: string;
  parent?: string;
  at: number;
  dur?: number;
  genai?: GenAiSpan;
  error?: string;
  name?: string;
}

const T0 = 1_800_000_000_000_000_000n;
const agent = (agentName: string): GenAiSpan => ({ kind: 'agent', agentName });
const llm = (answer: string, model = 'gpt-4o', tokens = 100): GenAiSpan => ({
  kind: 'llm',
  requestModel: model,
  totalTokens: tokens,
  costUsd: tokens / 1e6,
  inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Plan a trip to Lisbon' }] }],
  outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: answer }] }],
});
const tool = (toolName: string, args: unknown = {}): GenAiSpan => ({
  kind: 'tool',
  toolName,
  inputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: null, name: toolName, arguments: args as never }] }],
});

function trace(traceId: string, specs: Spec[]): TraceDetail {
  const spans: SpanRecord[] = specs.map((s) => ({
    traceId,
    spanId: s.id.padStart(16, '0'),
    parentSpanId: s.parent ? s.parent.padStart(16, '0') : null,
    traceState: '',
    name: s.name ?? s.genai?.agentName ?? s.genai?.toolName ?? 'chat',
    kind: 'internal',
    startTimeUnixNano: (T0 + BigInt(s.at) * 1_000_000n).toString(),
    endTimeUnixNano: (T0 + BigInt(s.at + (s.dur ?? 10)) * 1_000_000n).toString(),
    status: s.error ? { code: 'error', message: s.error } : { code: 'unset', message: '' },
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: { 'service.name': 'svc' }, droppedAttributesCount: 0 },
    scope: { name: 't', version: '', attributes: {}, droppedAttributesCount: 0 },
    ...(s.genai ? { genai: s.genai } : {}),
  }));
  return { traceId, spans };
}

/** One line per step: status, indentation by depth, kind and name, the fields that differ. */
const dump = (a: TraceDetail, b: TraceDetail): string[] =>
  compareTraces(a, b).steps.map((s) => `${s.status} ${'  '.repeat(s.depth)}${s.kind} ${s.name}${s.diffs ? ` [${s.diffs.map((d) => d.field).join(',')}]` : ''}`);

const base: Spec[] = [
  { id: '1', at: 0, dur: 100, genai: agent('planner') },
  { id: '2', parent: '1', at: 1, genai: llm('calling tools') },
  { id: '3', parent: '1', at: 20, genai: tool('search_flights', { to: 'LIS' }) },
  { id: '4', parent: '1', at: 40, genai: tool('search_hotels', { city: 'Lisbon' }) },
  { id: '5', parent: '1', at: 60, genai: llm('Your trip costs 787 EUR') },
];

test('identical runs: every step same, zero deltas', () => {
  const a = trace('a'.repeat(32), base);
  const r = compareTraces(a, trace('b'.repeat(32), base));
  assert.deepEqual(r.steps.map((s) => s.status), ['same', 'same', 'same', 'same', 'same']);
  assert.ok(r.steps.every((s) => s.delta.tokens === 0 && s.delta.durationMs === 0 && s.a && s.b));
  assert.equal(r.totals.a.llmCalls, 2);
  assert.equal(r.totals.a.toolCalls, 2);
  assert.equal(r.totals.a.tokens, 200);
});

test('one inserted tool call is added and shifts nothing after it; a different answer is one changed LLM step', () => {
  const b = [...base.slice(0, 3), { id: '9', parent: '1', at: 30, genai: tool('get_weather', { city: 'Lisbon' }) }, base[3]!, { ...base[4]!, genai: llm('Your trip costs 912 EUR') }];
  assert.deepEqual(dump(trace('a'.repeat(32), base), trace('b'.repeat(32), b)), [
    'same agent planner',
    'same   llm gpt-4o',
    'same   tool search_flights',
    'added   tool get_weather',
    'same   tool search_hotels',
    'changed   llm gpt-4o [output]',
  ]);
  const changed = compareTraces(trace('a'.repeat(32), base), trace('b'.repeat(32), b)).steps.at(-1)!;
  assert.deepEqual(changed.diffs, [{ field: 'output', a: 'assistant: Your trip costs 787 EUR', b: 'assistant: Your trip costs 912 EUR' }]);
});

test('a removed tool call, changed tool arguments, a changed model and a failure are each said', () => {
  const b: Spec[] = [
    base[0]!,
    { ...base[1]!, genai: llm('calling tools', 'gpt-4o-mini') },
    { ...base[2]!, genai: tool('search_flights', { to: 'OPO' }), error: 'timeout' },
    base[4]!,
  ];
  assert.deepEqual(dump(trace('a'.repeat(32), base), trace('b'.repeat(32), b)), [
    'same agent planner',
    'changed   llm gpt-4o-mini [model]',
    'changed   tool search_flights [arguments,status]',
    'removed   tool search_hotels',
    'same   llm gpt-4o',
  ]);
});

test('steps align within their agent: a sub-agent added in b brings its steps as added, the parent agent still matches', () => {
  const b: Spec[] = [
    ...base,
    { id: 'a1', parent: '1', at: 70, genai: agent('booking') },
    { id: 'a2', parent: 'a1', at: 71, genai: llm('booking…') },
    { id: 'a3', parent: 'a1', at: 75, genai: tool('book_hotel') },
  ];
  assert.deepEqual(dump(trace('a'.repeat(32), base), trace('b'.repeat(32), b)).slice(-3), ['added   agent booking', 'added     llm gpt-4o', 'added     tool book_hotel']);
});

test('tools under the same name in different agents are not paired across agents', () => {
  const a: Spec[] = [
    { id: '1', at: 0, genai: agent('root') },
    { id: '2', parent: '1', at: 1, genai: agent('x') },
    { id: '3', parent: '2', at: 2, genai: tool('lookup') },
    { id: '4', parent: '1', at: 5, genai: agent('y') },
  ];
  const b: Spec[] = [
    { id: '1', at: 0, genai: agent('root') },
    { id: '2', parent: '1', at: 1, genai: agent('x') },
    { id: '4', parent: '1', at: 5, genai: agent('y') },
    { id: '3', parent: '4', at: 6, genai: tool('lookup') },
  ];
  assert.deepEqual(dump(trace('a'.repeat(32), a), trace('b'.repeat(32), b)), [
    'same agent root',
    'same   agent x',
    'removed     tool lookup',
    'same   agent y',
    'added     tool lookup',
  ]);
});

test('a tool span under a plain (non-GenAI) span belongs to the nearest agent above it', () => {
  const a: Spec[] = [{ id: '1', at: 0, genai: agent('root') }, { id: '2', parent: '1', at: 1, name: 'http' }, { id: '3', parent: '2', at: 2, genai: tool('t') }];
  assert.deepEqual(dump(trace('a'.repeat(32), a), trace('b'.repeat(32), a)), ['same agent root', 'same   tool t']);
});

test('alignKeys: a longest common subsequence, also past the exact cell limit', () => {
  assert.deepEqual(alignKeys(['a', 'b', 'c', 'd'], ['a', 'c', 'x', 'd']), [[0, 0], [2, 1], [3, 3]]);
  assert.deepEqual(alignKeys([], ['a']), []);
  const n = 3000;
  const xs = Array.from({ length: n }, (_, i) => `k${i % 7}`);
  const ys = [...xs.slice(0, 1000), 'new', ...xs.slice(1000)].reverse();
  const pairs = alignKeys(xs.slice().reverse(), ys);
  // Order kept on both sides, every pair equal keys.
  for (let k = 1; k < pairs.length; k++) assert.ok(pairs[k]![0] > pairs[k - 1]![0] && pairs[k]![1] > pairs[k - 1]![1]);
  assert.equal(pairs.length, n);
});
