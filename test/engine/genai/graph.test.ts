/**
 * buildAgentGraph / collapseRepeats / dumpAgentGraph: every edge rule of docs/genai-graph.md with a
 * case that makes the edge and one that must not; broken trees (orphans, parent loops, non-GenAI
 * spans in between); determinism; folding 200 identical tool calls; the three dialect samples
 * giving one graph shape; a 20k-span trace completing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentGraph, AgentGraphEdge, Attributes, GenAiSpan, SpanLink, StatusCodeName } from '../../../src-shared/contract';
import { buildAgentGraph, collapseRepeats, type GraphSpan } from '../../../src-main/engine/genai/graph';
import { dumpAgentGraph } from '../../../src-main/engine/genai/graph-dump';
import { IDS, TRACE_ID, agentRun, span, type Dialect } from './samples';

const BASE = 1700000000000000000n;

interface Opts {
  parent?: string | null;
  /** Milliseconds after BASE. */
  start?: number;
  end?: number;
  status?: StatusCodeName;
  message?: string;
  links?: SpanLink[];
  name?: string;
  genai?: GenAiSpan | null;
}

/** A span with explicit timing; `attributes` decide whether (and how) it is GenAI. */
function mk(id: string, attributes: Attributes, o: Opts = {}): GraphSpan {
  const s: GraphSpan = span({ name: o.name ?? id, spanId: id, parentSpanId: o.parent ?? null, attributes });
  const start = o.start ?? 0;
  s.startTimeUnixNano = String(BASE + BigInt(start) * 1_000_000n);
  s.endTimeUnixNano = String(BASE + BigInt(o.end ?? start + 10) * 1_000_000n);
  s.status = { code: o.status ?? 'unset', message: o.message ?? '' };
  if (o.links) s.links = o.links;
  if (o.genai !== undefined) s.genai = o.genai;
  return s;
}

const agent = (name: string): Attributes => ({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': name });
const llm = (model: string, input?: unknown[]): Attributes => ({
  'gen_ai.operation.name': 'chat',
  'gen_ai.request.model': model,
  ...(input ? { 'gen_ai.input.messages': JSON.stringify(input) } : {}),
});
const tool = (name: string, callId?: string): Attributes => ({
  'gen_ai.operation.name': 'execute_tool',
  'gen_ai.tool.name': name,
  ...(callId ? { 'gen_ai.tool.call.id': callId } : {}),
});
const http: Attributes = { 'http.request.method': 'POST', 'url.full': 'https://api.example.com/v1' };
const link = (spanId: string, traceId = TRACE_ID): SpanLink => ({ traceId, spanId, traceState: '', attributes: {}, droppedAttributesCount: 0 });

/** An LLM input that carries tool call `id` of `name` and its answer (id null: a producer without ids). */
function answered(name: string, id: string | null): unknown[] {
  return [
    { role: 'user', parts: [{ type: 'text', content: 'go' }] },
    { role: 'assistant', parts: [{ type: 'tool_call', id, name, arguments: {} }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id, response: 'ok' }] },
  ];
}

const edgesOf = (g: AgentGraph, type?: AgentGraphEdge['type']): string[] => g.edges.filter((e) => type === undefined || e.type === type).map((e) => `${e.type} ${e.from}->${e.to}`);
const parentOf = (g: AgentGraph, id: string): string | null | undefined => g.nodes.find((n) => n.id === id)?.parentId;

/** Invariants every graph must keep: unique node and edge ids, edges between nodes, parents that exist. */
function checkInvariants(g: AgentGraph): void {
  const ids = new Set(g.nodes.map((n) => n.id));
  assert.equal(ids.size, g.nodes.length, 'node ids are unique');
  assert.equal(new Set(g.edges.map((e) => e.id)).size, g.edges.length, 'edge ids are unique');
  for (const e of g.edges) {
    assert.ok(ids.has(e.from) && ids.has(e.to), `edge ${e.id} joins nodes`);
    assert.notEqual(e.from, e.to, 'no self-loop');
  }
  for (const n of g.nodes) assert.ok(n.parentId === null || ids.has(n.parentId), `parent of ${n.id} is a node`);
}

function graph(spans: GraphSpan[]): AgentGraph {
  const g = buildAgentGraph(spans);
  checkInvariants(g);
  return g;
}

describe('agent graph: nodes and calls', () => {
  test('calls: parent → child, walking through a non-GenAI HTTP span', () => {
    const g = graph([mk('a', agent('planner')), mk('h', http, { parent: 'a', start: 1 }), mk('l', llm('gpt-4o'), { parent: 'h', start: 2 })]);
    assert.deepEqual(g.nodes.map((n) => n.id), ['a', 'l'], 'the HTTP span is not a node');
    assert.equal(parentOf(g, 'l'), 'a');
    assert.deepEqual(edgesOf(g), ['calls a->l']);
  });

  test('calls: none between GenAI spans that are not ancestor and descendant', () => {
    const g = graph([mk('root', http), mk('l1', llm('gpt-4o'), { parent: 'root', start: 1 }), mk('l2', llm('gpt-4o'), { parent: 'root', start: 2 })]);
    assert.equal(parentOf(g, 'l1'), null, 'a GenAI span under a plain root is a root');
    assert.equal(parentOf(g, 'l2'), null);
    assert.deepEqual(edgesOf(g), []);
  });

  test('a node carries kind, label, timing, status, tokens, cost and model', () => {
    const g = graph([
      mk('l', { ...llm('gpt-4o-mini'), 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18', 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 }, { start: 5, end: 17, status: 'error', message: 'rate limited' }),
      mk('t', tool('search'), { start: 20 }),
      mk('x', { 'gen_ai.operation.name': 'search_memory' }, { start: 30, name: 'search_memory notes' }),
    ]);
    const [l, t, x] = g.nodes;
    assert.deepEqual(l, {
      id: 'l',
      spanId: 'l',
      kind: 'llm',
      label: 'gpt-4o-mini-2024-07-18',
      spanName: 'l',
      parentId: null,
      startTimeUnixNano: String(BASE + 5_000_000n),
      endTimeUnixNano: String(BASE + 17_000_000n),
      durationMs: 12,
      status: 'error',
      errorMessage: 'rate limited',
      errorCount: 1,
      model: 'gpt-4o-mini-2024-07-18',
      inputTokens: 1000,
      outputTokens: 100,
      totalTokens: 1100,
      // gpt-4o-mini: 1000 × $0.15 + 100 × $0.60 per million.
      costUsd: 0.00021,
      count: 1,
      collapsedSpanIds: [],
    });
    assert.equal(t?.label, 'search');
    assert.equal(t?.costUsd, null);
    assert.equal(x?.kind, 'memory');
    assert.equal(x?.label, 'search_memory notes', 'a kind without a name is labelled by its span name');
  });

  test('a given genai is used as is; null means not GenAI even when the attributes say otherwise', () => {
    const g = graph([
      mk('a', agent('planner'), { genai: null }),
      mk('b', http, { start: 1, genai: { kind: 'retriever', operation: 'retrieval' } }),
    ]);
    assert.deepEqual(g.nodes.map((n) => `${n.id}:${n.kind}`), ['b:retriever']);
  });

  test('orphans: a span whose parent never arrived is a root, and its subtree hangs below it', () => {
    const g = graph([mk('o', agent('planner'), { parent: 'missing0000000001' }), mk('l', llm('gpt-4o'), { parent: 'o', start: 1 }), mk('h', http, { parent: 'gone' }), mk('t', tool('x'), { parent: 'h', start: 2 })]);
    assert.equal(parentOf(g, 'o'), null);
    assert.equal(parentOf(g, 'l'), 'o');
    assert.equal(parentOf(g, 't'), null);
    assert.deepEqual(edgesOf(g), ['calls o->l']);
  });

  test('cycles: a loop of parents is cut above its earliest span; a span that is its own parent is a root', () => {
    const g = graph([
      mk('b', llm('gpt-4o'), { parent: 'h', start: 2 }),
      mk('h', http, { parent: 'a', start: 1 }),
      mk('a', agent('planner'), { parent: 'b', start: 0 }),
      mk('s', tool('x'), { parent: 's', start: 3 }),
    ]);
    assert.equal(parentOf(g, 'a'), null, 'a is the earliest of the loop a → b → h → a');
    assert.equal(parentOf(g, 'b'), 'a');
    assert.equal(parentOf(g, 's'), null);
    assert.deepEqual(edgesOf(g), ['calls a->b']);
  });

  test('a loop made only of non-GenAI spans, with a GenAI span hanging from it, terminates', () => {
    const g = graph([mk('h1', http, { parent: 'h2' }), mk('h2', http, { parent: 'h1', start: 1 }), mk('l', llm('gpt-4o'), { parent: 'h2', start: 2 })]);
    assert.deepEqual(g.nodes.map((n) => [n.id, n.parentId]), [['l', null]]);
  });

  test('deterministic: any input order gives the same graph; a duplicate span id counts once', () => {
    const spans = [
      mk('a', agent('planner')),
      mk('l1', llm('gpt-4o', []), { parent: 'a', start: 1, status: 'error' }),
      mk('l2', llm('gpt-4o', answered('search', 'c1')), { parent: 'a', start: 20 }),
      mk('t', tool('search', 'c1'), { parent: 'a', start: 12 }),
      mk('t2', tool('search', 'c1'), { parent: 'a', start: 12 }),
    ];
    const g = graph(spans);
    assert.deepEqual(graph([...spans].reverse()), g);
    assert.deepEqual(graph([spans[2], spans[0], spans[4], spans[1], spans[3]] as GraphSpan[]), g);
    const dup = graph([...spans, mk('t', tool('other'), { parent: 'a', start: 99 })]);
    assert.deepEqual(dup, g, 'the first span with an id wins');
  });
});

describe('agent graph: handoff', () => {
  test('nested: an agent under a different agent (through a chain) is handed off to', () => {
    const g = graph([mk('p', agent('planner')), mk('c', { 'gen_ai.operation.name': 'plan' }, { parent: 'p', start: 1 }), mk('b', agent('booker'), { parent: 'c', start: 2 })]);
    assert.deepEqual(edgesOf(g, 'handoff'), ['handoff p->b']);
  });

  test('nested: not for the same agent recursing, nor for an agent without a name', () => {
    const g = graph([
      mk('p', agent('planner')),
      mk('p2', agent('planner'), { parent: 'p', start: 1 }),
      mk('u', { 'gen_ai.operation.name': 'invoke_agent' }, { parent: 'p', start: 2, name: 'agent' }),
    ]);
    assert.deepEqual(edgesOf(g, 'handoff'), []);
  });

  test('handoff tool: transfer_to_<agent> hands over to the next agent of that name, even a sibling', () => {
    const g = graph([
      mk('w', { 'gen_ai.operation.name': 'invoke_workflow' }, { name: 'Agent workflow' }),
      mk('t', agent('Triage Agent'), { parent: 'w', start: 1, end: 10 }),
      mk('x', tool('transfer_to_billing_agent'), { parent: 't', start: 5 }),
      mk('b', agent('Billing Agent'), { parent: 'w', start: 11 }),
    ]);
    assert.deepEqual(edgesOf(g, 'handoff'), ['handoff t->b']);
  });

  test('handoff span named `handoff to <agent>` (OpenInference) works the same', () => {
    const g = graph([
      mk('t', agent('triage')),
      mk('x', { 'openinference.span.kind': 'TOOL' }, { parent: 't', start: 5, name: 'handoff to refunds' }),
      mk('r', agent('refunds'), { start: 11 }),
    ]);
    assert.deepEqual(edgesOf(g, 'handoff'), ['handoff t->r']);
  });

  test('handoff tool: no edge to an agent that started before the handoff, nor without a matching agent or source agent', () => {
    const g = graph([
      mk('b', agent('billing'), { start: 0, end: 1 }),
      mk('t', agent('triage'), { start: 2 }),
      mk('x', tool('transfer_to_billing'), { parent: 't', start: 5 }),
      mk('y', tool('transfer_to_nobody'), { parent: 't', start: 6 }),
      mk('z', tool('transfer_to_triage'), { start: 1 }),
    ]);
    assert.deepEqual(edgesOf(g, 'handoff'), []);
  });

  test('nesting and the handoff tool naming the same pair give one edge', () => {
    const g = graph([mk('t', agent('triage')), mk('x', tool('transfer_to_billing'), { parent: 't', start: 1 }), mk('b', agent('billing'), { parent: 't', start: 2 })]);
    assert.deepEqual(edgesOf(g, 'handoff'), ['handoff t->b']);
  });
});

describe('agent graph: tool_result', () => {
  test('by call id: the first later LLM call whose input answers the call (not the later ones that repeat it)', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('l1', llm('gpt-4o', [{ role: 'user', parts: [{ type: 'text', content: 'go' }] }]), { parent: 'a', start: 1 }),
      mk('t', tool('search', 'c1'), { parent: 'a', start: 12 }),
      mk('l2', llm('gpt-4o', answered('search', 'c1')), { parent: 'a', start: 30 }),
      mk('l3', llm('gpt-4o', answered('search', 'c1')), { parent: 'a', start: 50 }),
    ]);
    assert.deepEqual(edgesOf(g, 'tool_result'), ['tool_result t->l2']);
    assert.equal(g.edges.find((e) => e.type === 'tool_result')?.match, 'call_id');
  });

  test('by call id: no edge when no LLM call answers this id, and no fallback to the name then', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('t', tool('search', 'c1'), { parent: 'a', start: 1 }),
      // Mentions c1 as a request only, and answers c2: the tool's result was not consumed here.
      mk('l', llm('gpt-4o', [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'search', arguments: {} }] }, ...answered('search', 'c2')]), { parent: 'a', start: 20 }),
      mk('l0', llm('gpt-4o', answered('search', 'c1')), { parent: 'a', start: 0 }),
    ]);
    assert.deepEqual(edgesOf(g, 'tool_result'), [], 'l0 answers c1 but started before the tool');
  });

  test('by name (no call id, as OpenLLMetry): the next LLM call of the same parent that answers a call of that tool', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('t1', tool('search'), { parent: 'a', start: 1 }),
      mk('l1', llm('gpt-4o', answered('search', null)), { parent: 'a', start: 20 }),
      mk('t2', tool('search'), { parent: 'a', start: 30 }),
      mk('l2', llm('gpt-4o', answered('search', null)), { parent: 'a', start: 40 }),
    ]);
    assert.deepEqual(edgesOf(g, 'tool_result'), ['tool_result t1->l1', 'tool_result t2->l2']);
    assert.ok(g.edges.filter((e) => e.type === 'tool_result').every((e) => e.match === 'tool_name'));
  });

  test('by name: not across parents, not for another tool, not without a captured answer', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('b', agent('booker'), { start: 1 }),
      mk('t', tool('search'), { parent: 'a', start: 2 }),
      mk('lb', llm('gpt-4o', answered('search', null)), { parent: 'b', start: 20 }),
      mk('lw', llm('gpt-4o', answered('weather', null)), { parent: 'a', start: 21 }),
      mk('ln', llm('gpt-4o', [{ role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'search', arguments: {} }] }]), { parent: 'a', start: 22 }),
      mk('lx', llm('gpt-4o'), { parent: 'a', start: 23 }),
    ]);
    assert.deepEqual(edgesOf(g, 'tool_result'), []);
  });
});

describe('agent graph: tool_result in a loop of one tool', () => {
  const history: unknown[] = [{ role: 'user', parts: [{ type: 'text', content: 'go' }] }];
  /**
   * planner: l0 → t0 → l1 → t1 → … → t8 → l9, nine calls of `search`. `ids`: whether the tool spans
   * and messages carry call ids; `newestOnly`: the middle LLM inputs hold only the newest message
   * (as instrumentations that record the turn's delta do), the last one the whole history.
   */
  function loop(ids: boolean, newestOnly: boolean): GraphSpan[] {
    const spans = [mk('a', agent('planner'), { end: 2000 })];
    const seen = [...history];
    for (let i = 0; i <= 9; i++) {
      const input = newestOnly && i > 0 && i < 9 ? seen.slice(-1) : [...seen];
      spans.push(mk(`l${i}`, llm('gpt-4o', input), { parent: 'a', start: i * 100, end: i * 100 + 40 }));
      if (i === 9) break;
      const id = ids ? `call_${i}` : null;
      spans.push(mk(`t${i}`, tool('search', id ?? undefined), { parent: 'a', start: i * 100 + 50, end: i * 100 + 90 }));
      seen.push({ role: 'assistant', parts: [{ type: 'tool_call', id, name: 'search', arguments: { page: i } }] });
      seen.push({ role: 'tool', parts: [{ type: 'tool_call_response', id, response: `result ${i}` }] });
    }
    return spans;
  }
  const each = Array.from({ length: 9 }, (_, i) => `tool_result t${i}->l${i + 1}`);

  test('nine calls with call ids: each result goes to the LLM call right after it', () => {
    for (const newestOnly of [false, true]) {
      const g = graph(loop(true, newestOnly));
      assert.deepEqual(edgesOf(g, 'tool_result'), each);
      assert.ok(g.edges.filter((e) => e.type === 'tool_result').every((e) => e.match === 'call_id'));
    }
  });

  test('nine calls without ids: by name, each to the next LLM call, never all nine into the last one', () => {
    for (const newestOnly of [false, true]) {
      const g = graph(loop(false, newestOnly));
      assert.deepEqual(edgesOf(g, 'tool_result'), each, `newestOnly=${newestOnly}`);
      assert.equal(new Set(g.edges.filter((e) => e.type === 'tool_result').map((e) => e.to)).size, 9);
    }
  });

  test('parallel calls without ids: all go to the call that answers them, none to later calls that repeat them', () => {
    const asked = Array.from({ length: 9 }, () => ({ type: 'tool_call', id: null, name: 'search', arguments: {} }));
    const answers = Array.from({ length: 9 }, (_, i) => ({ type: 'tool_call_response', id: null, response: `r${i}` }));
    const input = [...history, { role: 'assistant', parts: asked }, { role: 'tool', parts: answers }];
    const spans = [mk('a', agent('planner'), { end: 2000 }), mk('l0', llm('gpt-4o', history), { parent: 'a', start: 0, end: 40 })];
    for (let i = 0; i < 9; i++) spans.push(mk(`t${i}`, tool('search'), { parent: 'a', start: 50 + i, end: 90 }));
    spans.push(mk('l1', llm('gpt-4o', input), { parent: 'a', start: 100, end: 140 }), mk('l2', llm('gpt-4o', input), { parent: 'a', start: 200, end: 240 }));
    const g = graph(spans);
    assert.deepEqual(edgesOf(g, 'tool_result'), Array.from({ length: 9 }, (_, i) => `tool_result t${i}->l1`));
  });

  test('by name: no edge when the next LLM call of the parent does not answer, even if a later one names the tool', () => {
    const g = graph([
      mk('a', agent('planner'), { end: 2000 }),
      mk('t', tool('search'), { parent: 'a', start: 1 }),
      mk('l1', llm('gpt-4o'), { parent: 'a', start: 20 }),
      mk('l2', llm('gpt-4o', answered('search', null)), { parent: 'a', start: 40 }),
      mk('t2', tool('search'), { parent: 'a', start: 50 }),
      mk('l3', llm('gpt-4o', answered('weather', null)), { parent: 'a', start: 60 }),
    ]);
    assert.deepEqual(edgesOf(g, 'tool_result'), [], 'l1 has no captured input; l3 answers another tool');
  });
});

describe('agent graph: retry_of and fallback_of', () => {
  test('retry_of: the same model again after a failure; three attempts chain', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('l1', llm('gpt-4o'), { parent: 'a', start: 1, end: 5, status: 'error' }),
      mk('l2', llm('gpt-4o'), { parent: 'a', start: 6, end: 9, status: 'error' }),
      mk('l3', llm('gpt-4o'), { parent: 'a', start: 10, end: 12 }),
    ]);
    assert.deepEqual(edgesOf(g, 'retry_of'), ['retry_of l2->l1', 'retry_of l3->l2']);
    assert.deepEqual(edgesOf(g, 'fallback_of'), []);
  });

  test('retry_of: not after a success, not when overlapping the failure, not across parents', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('b', agent('booker'), { start: 0 }),
      mk('ok', tool('search'), { parent: 'a', start: 1, end: 2 }),
      mk('again', tool('search'), { parent: 'a', start: 3, end: 4 }),
      mk('bad', tool('book'), { parent: 'a', start: 5, end: 10, status: 'error' }),
      mk('overlap', tool('book'), { parent: 'a', start: 8, end: 12 }),
      mk('elsewhere', tool('book'), { parent: 'b', start: 20 }),
    ]);
    assert.deepEqual(edgesOf(g, 'retry_of'), []);
  });

  test('fallback_of: another model of the same kind right after a failure', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('l1', llm('gpt-4o'), { parent: 'a', start: 1, end: 5, status: 'error' }),
      mk('l2', llm('claude-3-5-sonnet'), { parent: 'a', start: 6 }),
    ]);
    assert.deepEqual(edgesOf(g, 'fallback_of'), ['fallback_of l2->l1']);
    assert.deepEqual(edgesOf(g, 'retry_of'), []);
  });

  test('fallback_of: not when the previous attempt succeeded, not for another kind, and a retry of the failed call wins', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('l1', llm('gpt-4o'), { parent: 'a', start: 1, end: 5, status: 'error' }),
      mk('l2', llm('gpt-4o'), { parent: 'a', start: 6, end: 8 }),
      mk('l3', llm('claude-3-5-sonnet'), { parent: 'a', start: 9, end: 10 }),
      mk('t1', tool('search'), { parent: 'a', start: 11, end: 12, status: 'error' }),
      mk('e1', { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' }, { parent: 'a', start: 13, end: 14 }),
      mk('t2', tool('weather'), { parent: 'a', start: 15, end: 16 }),
      mk('t3', tool('search'), { parent: 'a', start: 17, end: 18 }),
    ]);
    assert.deepEqual(edgesOf(g, 'retry_of'), ['retry_of l2->l1', 'retry_of t3->t1']);
    assert.deepEqual(edgesOf(g, 'fallback_of'), [], 'l3 follows a success; t2 would fall back from t1, but t3 retries it');
  });
});

describe('agent graph: link', () => {
  test('a span link between nodes of this trace, also from a non-GenAI span standing for its GenAI ancestor', () => {
    const g = graph([
      mk('a', agent('planner')),
      mk('b', agent('booker'), { start: 1, links: [link('a')] }),
      mk('t', tool('search'), { parent: 'b', start: 2 }),
      mk('h', http, { parent: 't', start: 3, links: [link('b'), link('a')] }),
    ]);
    assert.deepEqual(edgesOf(g, 'link'), ['link b->a', 'link t->a', 'link t->b']);
    assert.deepEqual(g.externalLinks, []);
  });

  test('no link edge to its own node or from a span outside every node; other traces and missing spans are external', () => {
    const other = 'ffffffffffffffffffffffffffffffff';
    const g = graph([
      mk('a', agent('planner'), { links: [link('h'), link('x', other), link('x', other), link('nothere')] }),
      mk('h', http, { parent: 'a', start: 1 }),
      mk('root', http, { start: 2, links: [link('a')] }),
    ]);
    assert.deepEqual(edgesOf(g, 'link'), []);
    assert.deepEqual(g.externalLinks, [
      { from: 'a', traceId: TRACE_ID, spanId: 'nothere', attributes: {} },
      { from: 'a', traceId: other, spanId: 'x', attributes: {} },
    ]);
  });
});

describe('collapseRepeats', () => {
  function manyCalls(n: number): GraphSpan[] {
    const spans = [mk('a', agent('planner'), { end: 5000 })];
    for (let i = 0; i < n; i++) {
      const id = `t${String(i).padStart(3, '0')}`;
      spans.push(mk(id, { ...tool('search'), 'gen_ai.usage.input_tokens': 1 }, { parent: 'a', start: 1 + i, end: 2 + i, status: i % 50 === 7 ? 'error' : 'unset', message: 'boom' }));
    }
    spans.push(mk('l', llm('gpt-4o', answered('search', null)), { parent: 'a', start: 4000, links: [link('t000')] }));
    return spans;
  }

  test('200 identical tool calls fold into one node with count 200; the default graph keeps all of them', () => {
    const full = graph(manyCalls(200));
    assert.equal(full.nodes.length, 202);
    const g = collapseRepeats(full, 10);
    checkInvariants(g);
    assert.deepEqual(g.nodes.map((n) => `${n.kind}:${n.id}:${n.count}`), ['agent:a:1', 'tool:t000:200', 'llm:l:1']);
    const folded = g.nodes[1];
    assert.equal(folded?.collapsedSpanIds.length, 200);
    assert.equal(folded?.collapsedSpanIds[199], 't199');
    assert.equal(folded?.inputTokens, 200);
    assert.equal(folded?.errorCount, 4);
    assert.equal(folded?.status, 'error');
    assert.equal(folded?.errorMessage, 'boom');
    assert.equal(folded?.durationMs, 200, 'from the first start to the last end');
    const calls = g.edges.find((e) => e.type === 'calls' && e.to === 't000');
    assert.equal(calls?.count, 200);
    assert.equal(g.edges.find((e) => e.type === 'tool_result')?.count, 200, 'every tool fed the same call');
    assert.deepEqual(edgesOf(g, 'link'), ['link l->t000']);
    assert.equal(full.nodes.length, 202, 'the input graph is untouched');
    assert.match(dumpAgentGraph(g), /^├─ tool "search" #t000 200ms tokens=200\/\?\/200 cost=no price ERROR 4\/200 "boom" ×200$/m);
  });

  test('below the threshold nothing folds', () => {
    const full = graph(manyCalls(9));
    assert.deepEqual(collapseRepeats(full, 10), full);
  });

  test('repeated subtrees fold position by position; different shapes stay apart', () => {
    const spans = [mk('root', agent('planner'))];
    for (let i = 0; i < 5; i++) {
      spans.push(mk(`s${i}`, agent('worker'), { parent: 'root', start: 10 * i + 1 }));
      spans.push(mk(`s${i}l`, llm('gpt-4o'), { parent: `s${i}`, start: 10 * i + 2 }));
      spans.push(mk(`s${i}t`, tool('search'), { parent: `s${i}`, start: 10 * i + 3 }));
    }
    spans.push(mk('odd', agent('worker'), { parent: 'root', start: 99 }));
    const g = collapseRepeats(graph(spans), 3);
    checkInvariants(g);
    assert.deepEqual(
      g.nodes.map((n) => `${n.id}<${n.parentId ?? ''}>×${n.count}`),
      ['root<>×1', 's0<root>×5', 's0l<s0>×5', 's0t<s0>×5', 'odd<root>×1'],
    );
    assert.deepEqual(g.nodes[2]?.collapsedSpanIds, ['s0l', 's1l', 's2l', 's3l', 's4l']);
    assert.deepEqual(edgesOf(g, 'handoff'), ['handoff root->s0', 'handoff root->odd']);
  });

  test('folding a hand-made graph with a parent loop terminates', () => {
    const g = graph([mk('a', agent('x')), mk('b', agent('y'), { parent: 'a', start: 1 })]);
    const looped: AgentGraph = { ...g, nodes: g.nodes.map((n) => (n.id === 'a' ? { ...n, parentId: 'b' } : n)) };
    assert.equal(collapseRepeats(looped, 2).nodes.length, 2);
  });
});

describe('the three dialect samples', () => {
  const shape = (d: Dialect): { nodes: string[]; edges: string[]; matches: Array<string | undefined> } => {
    const run = agentRun(d);
    const g = graph([run.llm2, run.tool, run.agent, run.llm1]);
    return {
      nodes: g.nodes.map((n) => `${n.id} ${n.kind} ${n.label} ${n.parentId ?? '-'}`),
      edges: g.edges.map((e) => `${e.type} ${e.from}->${e.to}`),
      matches: g.edges.map((e) => e.match),
    };
  };

  test('OTel GenAI, OpenInference and OpenLLMetry give one graph; only OpenLLMetry matches the tool result by name', () => {
    const otel = shape('otel');
    assert.deepEqual(otel.nodes, [
      `${IDS.agent} agent planner -`,
      `${IDS.llm1} llm gpt-4o-mini-2024-07-18 ${IDS.agent}`,
      `${IDS.tool} tool search_hotels ${IDS.agent}`,
      `${IDS.llm2} llm gpt-4o-mini-2024-07-18 ${IDS.agent}`,
    ]);
    assert.deepEqual(otel.edges, [`calls ${IDS.agent}->${IDS.llm1}`, `calls ${IDS.agent}->${IDS.tool}`, `calls ${IDS.agent}->${IDS.llm2}`, `tool_result ${IDS.tool}->${IDS.llm2}`]);
    assert.deepEqual(shape('openinference'), otel);
    const oll = shape('openllmetry');
    assert.deepEqual({ ...oll, matches: [] }, { ...otel, matches: [] });
    // The documented difference: OpenLLMetry's tool span carries no call id.
    assert.deepEqual(otel.matches, [undefined, undefined, undefined, 'call_id']);
    assert.deepEqual(oll.matches, [undefined, undefined, undefined, 'tool_name']);
  });

  test('the dump of the OTel sample', () => {
    const run = agentRun('otel');
    assert.equal(
      dumpAgentGraph(graph(Object.values(run))),
      [
        `agent graph of trace ${TRACE_ID}: 4 nodes, 4 edges`,
        `agent "planner" #${IDS.agent} 1000ms`,
        `├─ llm "gpt-4o-mini-2024-07-18" #${IDS.llm1} 1000ms tokens=120/30/150 cost=$0.0000345`,
        `├─ tool "search_hotels" #${IDS.tool} 1000ms`,
        `└─ llm "gpt-4o-mini-2024-07-18" #${IDS.llm2} 1000ms tokens=200/15/215 cost=$0.000039`,
        'edges:',
        `  tool_result tool "search_hotels" #${IDS.tool} → llm "gpt-4o-mini-2024-07-18" #${IDS.llm2} (call_id)`,
        '',
      ].join('\n'),
    );
  });
});

describe('dumpAgentGraph', () => {
  test('nesting, errors, external links, hostile labels and parent loops all print, each node once', () => {
    const spans = [mk('a', agent('line1\nline2 "q"'), { links: [link('x', 'ffffffffffffffffffffffffffffffff')] }), mk('b', agent('b'), { parent: 'a', start: 1 }), mk('c', llm('m'), { parent: 'b', start: 2, status: 'error', message: 'quota' }), mk('d', tool('t'), { parent: 'a', start: 3 })];
    const text = dumpAgentGraph(graph(spans));
    assert.equal(
      text,
      [
        `agent graph of trace ${TRACE_ID}: 4 nodes, 4 edges`,
        'agent "line1\\nline2 \\"q\\"" #a 10ms',
        '├─ agent "b" #b 10ms',
        '│  └─ llm "m" #c 10ms ERROR "quota"',
        '└─ tool "t" #d 10ms',
        'edges:',
        '  handoff agent "line1\\nline2 \\"q\\"" #a → agent "b" #b',
        'external links:',
        '  agent "line1\\nline2 \\"q\\"" #a → trace ffffffffffffffffffffffffffffffff span x',
        '',
      ].join('\n'),
    );
    const g = graph(spans);
    const looped: AgentGraph = { ...g, nodes: g.nodes.map((n) => (n.id === 'a' ? { ...n, parentId: 'c' } : n)) };
    const dumped = dumpAgentGraph(looped);
    const tree = dumped.slice(0, dumped.indexOf('edges:')).split('\n');
    for (const id of ['a', 'b', 'c', 'd']) assert.equal(tree.filter((l) => l.includes(`#${id} `)).length, 1, `${id} printed once`);
  });
});

describe('scale', () => {
  test('a 20k-span trace with a 2k-deep chain of plain spans builds, folds and dumps', () => {
    const spans: GraphSpan[] = [mk('root', agent('planner'), { end: 1_000_000 })];
    let parent = 'root';
    for (let i = 0; i < 2000; i++) {
      spans.push(mk(`h${i}`, http, { parent, start: 1 }));
      parent = `h${i}`;
    }
    for (let i = 0; i < 6000; i++) {
      const p = i % 2 === 0 ? parent : 'root';
      spans.push(mk(`l${i}`, llm('gpt-4o', answered('search', `c${i}`)), { parent: p, start: 3 * i + 3, status: i % 10 === 0 ? 'error' : 'unset' }));
      spans.push(mk(`t${i}`, tool('search', `c${i}`), { parent: p, start: 3 * i + 2 }));
      spans.push(mk(`x${i}`, http, { parent: `t${i}`, start: 3 * i + 2, links: [link(`l${i}`)] }));
    }
    assert.ok(spans.length >= 20_000);
    const g = buildAgentGraph(spans);
    assert.equal(g.nodes.length, 12_001);
    assert.equal(g.edges.filter((e) => e.type === 'tool_result').length, 6000);
    assert.equal(g.nodes.find((n) => n.id === 'l0')?.parentId, 'root', 'through the 2000-deep chain');
    const folded = collapseRepeats(g, 20);
    assert.ok(folded.nodes.length < 10);
    assert.ok(dumpAgentGraph(g).length > 0);
  });
});
