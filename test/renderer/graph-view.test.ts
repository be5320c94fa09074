// What the graph pane draws: repeats fold from three same-shape siblings, a fold expands and folds
// again, a selection inside a fold or below a non-GenAI span finds its node, and a graph past the
// node budget shows only its top layers with "+N more" nodes that account for every hidden node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentGraph, AgentGraphEdge, AgentGraphNode, GenAiKind } from '../../src-shared/contract';
import { buildTraceOutline, type OutlineSpan } from '../../src-shared/trace-outline';
import {
  expandRun,
  foldGraph,
  foldRun,
  INITIAL_VIEW_STATE,
  limitView,
  nodeForSpan,
  outlineIndex,
  revealNode,
  runToExpand,
  showMore,
  type GraphView,
} from '../../src-renderer/src/lib/graph/view-graph';
import { nodeLabel } from '../../src-renderer/src/lib/graph/node-label';

const BASE = 1_700_000_000_000_000_000n;

interface Spec {
  id: string;
  parent?: string | null;
  kind?: GenAiKind;
  label?: string;
  start?: number;
  failed?: boolean;
  tokens?: number | null;
  cost?: number | null;
}

function node(s: Spec): AgentGraphNode {
  const start = BASE + BigInt(s.start ?? 0) * 1_000_000n;
  return {
    id: s.id,
    spanId: s.id,
    kind: s.kind ?? 'tool',
    label: s.label ?? 'search',
    spanName: s.label ?? 'search',
    parentId: s.parent ?? null,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 5_000_000n),
    durationMs: 5,
    status: s.failed ? 'error' : 'unset',
    errorMessage: s.failed ? 'boom' : null,
    errorCount: s.failed ? 1 : 0,
    model: null,
    inputTokens: null,
    outputTokens: null,
    totalTokens: s.tokens ?? null,
    costUsd: s.cost ?? null,
    count: 1,
    collapsedSpanIds: [],
  };
}

function graph(specs: Spec[], extra: AgentGraphEdge[] = []): AgentGraph {
  const nodes = specs.map((s, i) => node({ start: i, ...s }));
  const edges: AgentGraphEdge[] = nodes
    .filter((n) => n.parentId !== null)
    .map((n) => ({ id: `calls:${n.parentId}->${n.id}`, type: 'calls', from: n.parentId!, to: n.id, count: 1 }));
  return { traceId: 't', nodes, edges: [...edges, ...extra], externalLinks: [] };
}

const shown = (v: GraphView): string[] => v.nodes.map((n) => (n.node ? `${n.id}×${n.node.count}` : n.id));

/** An agent loop: `turns` × (llm, tool) under one agent. */
function loop(turns: number): Spec[] {
  const specs: Spec[] = [{ id: 'agent', kind: 'agent', label: 'planner' }];
  for (let t = 0; t < turns; t++) {
    specs.push({ id: `llm${t}`, parent: 'agent', kind: 'llm', label: 'gpt-4o', tokens: 100, cost: t === 0 ? null : 0.001 });
    specs.push({ id: `tool${t}`, parent: 'agent', kind: 'tool', label: 'search', failed: t % 2 === 1 });
  }
  return specs;
}

describe('folding repeats', () => {
  test('the llm → tool → llm turn stays whole: two same-shape siblings are not a repeat', () => {
    const g = graph([
      { id: 'agent', kind: 'agent', label: 'planner' },
      { id: 'l1', parent: 'agent', kind: 'llm', label: 'gpt-4o' },
      { id: 't1', parent: 'agent' },
      { id: 'l2', parent: 'agent', kind: 'llm', label: 'gpt-4o' },
    ]);
    assert.deepEqual(shown(limitView(foldGraph(g, new Set()), INITIAL_VIEW_STATE)), ['agent×1', 'l1×1', 't1×1', 'l2×1']);
  });

  test('three or more fold into one ×N node with summed tokens and cost and the failure count', () => {
    const f = foldGraph(graph(loop(4)), new Set());
    assert.deepEqual(shown(limitView(f, INITIAL_VIEW_STATE)), ['agent×1', 'llm0×4', 'tool0×4']);
    const llm = f.byId.get('llm0')!;
    assert.equal(llm.totalTokens, 400);
    assert.equal(llm.costUsd, 0.003, 'the unpriced call adds nothing');
    assert.match(nodeLabel(llm), /^LLM · gpt-4o ×4\n[\d.]+ ms · 400 tok · \$0\.003$/);
    assert.match(nodeLabel(f.byId.get('tool0')!), /✗ 2 of 4 failed/);
    assert.deepEqual([...f.runs].sort(), ['llm0', 'tool0']);
  });

  test('a fold expands into its members and folds again', () => {
    const g = graph(loop(4));
    const f = foldGraph(g, new Set());
    const state = expandRun(INITIAL_VIEW_STATE, runToExpand(f, 'tool0')!);
    const open = foldGraph(g, state.expanded);
    assert.deepEqual(shown(limitView(open, state)), ['agent×1', 'llm0×4', 'tool0×1', 'tool1×1', 'tool2×1', 'tool3×1']);
    assert.equal(open.expandedFrom.get('tool2'), 'tool0', 'each member knows which run to fold back into');
    const back = foldRun(state, open.expandedFrom.get('tool2')!);
    assert.deepEqual(shown(limitView(foldGraph(g, back.expanded), back)), ['agent×1', 'llm0×4', 'tool0×4']);
  });

  test('expanding nine tool calls also opens the LLM calls their results go to: nine edges, nine ends, no fan', () => {
    const specs = loop(9);
    specs.push({ id: 'llm9', parent: 'agent', kind: 'llm', label: 'gpt-4o' });
    const results: AgentGraphEdge[] = Array.from({ length: 9 }, (_, t) => ({ id: `tool_result:tool${t}->llm${t + 1}`, type: 'tool_result', from: `tool${t}`, to: `llm${t + 1}`, count: 1 }));
    const g = graph(specs, results);
    const folded = limitView(foldGraph(g, new Set()), INITIAL_VIEW_STATE);
    assert.deepEqual(shown(folded), ['agent×1', 'llm0×10', 'tool0×9']);
    assert.deepEqual(folded.edges.filter((e) => e.type === 'tool_result').map((e) => `${e.from}->${e.to}×${e.count}`), ['tool0->llm0×9']);
    for (const expandFrom of ['tool0', 'llm0']) {
      const state = expandRun(INITIAL_VIEW_STATE, expandFrom);
      const open = foldGraph(g, state.expanded);
      const view = limitView(open, state);
      assert.equal(view.nodes.length, 20, `expanding ${expandFrom} opens both runs`);
      const drawn = view.edges.filter((e) => e.type === 'tool_result').map((e) => `${e.from}->${e.to}`);
      assert.deepEqual(drawn, results.map((e) => `${e.from}->${e.to}`));
      assert.equal(open.expandedFrom.get('llm5'), expandFrom, 'the linked run folds back with the one expanded');
      const back = foldRun(state, open.expandedFrom.get('llm5')!);
      assert.deepEqual(shown(limitView(foldGraph(g, back.expanded), back)), ['agent×1', 'llm0×10', 'tool0×9']);
    }
  });

  test('a node folded only because its parent was expands that parent’s run', () => {
    const specs: Spec[] = [{ id: 'root', kind: 'agent', label: 'boss' }];
    for (let i = 0; i < 5; i++) {
      specs.push({ id: `w${i}`, parent: 'root', kind: 'agent', label: 'worker' });
      specs.push({ id: `w${i}l`, parent: `w${i}`, kind: 'llm', label: 'gpt-4o' });
    }
    const g = graph(specs);
    const f = foldGraph(g, new Set());
    assert.deepEqual(shown(limitView(f, INITIAL_VIEW_STATE)), ['root×1', 'w0×5', 'w0l×5']);
    assert.equal(runToExpand(f, 'w0l'), 'w0');
    assert.equal(runToExpand(f, 'root'), null, 'nothing to expand on a plain node');
    const state = expandRun(INITIAL_VIEW_STATE, 'w0');
    assert.equal(limitView(foldGraph(g, state.expanded), state).nodes.length, 11);
  });

  test('edges between folded nodes merge and keep their type', () => {
    const specs = loop(3);
    const results: AgentGraphEdge[] = [0, 1, 2].map((t) => ({ id: `tool_result:tool${t}->llm${t + 1}`, type: 'tool_result', from: `tool${t}`, to: `llm${t + 1}`, count: 1 }));
    results.pop();
    const v = limitView(foldGraph(graph(specs, results), new Set()), INITIAL_VIEW_STATE);
    const tr = v.edges.filter((e) => e.type === 'tool_result');
    assert.deepEqual(tr.map((e) => `${e.from}->${e.to}×${e.count}`), ['tool0->llm0×2']);
  });
});

describe('finding the node of a span', () => {
  test('a span inside a fold selects the fold; a non-GenAI span selects its nearest GenAI ancestor', () => {
    const f = foldGraph(graph(loop(3)), new Set());
    const outline = buildTraceOutline('t', [
      os('agent', null, 0),
      os('llm1', 'agent', 10),
      os('http', 'llm1', 11),
      os('dns', 'http', 12),
      os('stray', null, 50),
    ]);
    const index = outlineIndex(outline);
    assert.equal(nodeForSpan(f, outline, index, 'llm1'), 'llm0');
    assert.equal(nodeForSpan(f, outline, index, 'dns'), 'llm0');
    assert.equal(nodeForSpan(f, outline, index, 'stray'), null);
    assert.equal(nodeForSpan(f, outline, index, 'unknown'), null);
  });
});

describe('graphs past the node budget', () => {
  /** `width` distinct agents, each with `depth` levels of distinct single children. */
  function wide(width: number, depth: number): AgentGraph {
    const specs: Spec[] = [{ id: 'root', kind: 'workflow', label: 'run' }];
    for (let w = 0; w < width; w++) {
      let parent = 'root';
      for (let d = 0; d < depth; d++) {
        const id = `n${w}_${d}`;
        specs.push({ id, parent, kind: d === 0 ? 'agent' : 'llm', label: `${id}` });
        parent = id;
      }
    }
    return graph(specs);
  }

  test('a 100k-node graph shows its top layers and "+N more" nodes that account for every node', () => {
    const g = wide(150, 667); // 100,051 nodes, every label distinct: nothing folds
    const f = foldGraph(g, new Set());
    const t0 = performance.now();
    const v = limitView(f, INITIAL_VIEW_STATE, 2000, 200);
    const ms = performance.now() - t0;
    assert.equal(v.total, 100_051);
    assert.ok(v.nodes.length <= 2000, `${v.nodes.length} nodes drawn`);
    const hidden = v.nodes.reduce((a, n) => a + (n.more?.hiddenNodes ?? 0), 0);
    assert.equal(v.shown.size + hidden, v.total, 'shown + hidden = all');
    const depths = new Set(v.nodes.filter((n) => n.more).map((n) => n.id.split('_')[1]));
    assert.equal(depths.size, 1, 'cut at one depth for every branch');
    assert.ok(ms < 1000, `limitView took ${ms.toFixed(1)} ms`);
  });

  test('clicking "+N more" opens a layer; a wide layer pages by PAGE_SIZE', () => {
    const f = foldGraph(wide(450, 12), new Set()); // 5,401 nodes, 450 children under the root
    let state = INITIAL_VIEW_STATE;
    let v = limitView(f, state, 2000, 200);
    assert.equal(v.nodes[0]?.id, 'root');
    const page = v.nodes.find((n) => n.id === 'page:root')!;
    assert.equal(page.more?.hiddenChildren, 250);
    assert.equal(page.more?.hiddenNodes, 250 * 12);
    const more = v.nodes.find((n) => n.id.startsWith('more:n0_'))!;
    const depth = Number(more.id.split('_')[1]);
    assert.equal(more.more?.hiddenNodes, 11 - depth);
    state = showMore(state, more.more!);
    v = limitView(f, state, 2000, 200);
    assert.ok(v.shown.has(`n0_${depth + 1}`), 'the opened branch shows one more layer');
    assert.ok(!v.shown.has(`n1_${depth + 1}`), 'the others stay cut');
    state = showMore(state, page.more!);
    v = limitView(f, state, 2000, 200);
    assert.equal(v.nodes.find((n) => n.id === 'page:root')?.more?.hiddenChildren, 50);
  });

  test('revealing a hidden node opens the path to it and the page it is on', () => {
    const f = foldGraph(wide(450, 5), new Set());
    const before = limitView(f, INITIAL_VIEW_STATE, 2000, 200);
    assert.equal(before.shown.has('n420_4'), false);
    const state = revealNode(f, INITIAL_VIEW_STATE, 'n420_4', 200);
    assert.equal(limitView(f, state, 2000, 200).shown.has('n420_4'), true);
    assert.equal(revealNode(f, state, 'n420_4', 200), state, 'nothing to change the second time');
  });
});

function os(spanId: string, parentSpanId: string | null, startMs: number): OutlineSpan {
  const start = BASE + BigInt(startMs) * 1_000_000n;
  return {
    spanId,
    parentSpanId,
    name: spanId,
    service: 's',
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 1_000_000n),
    status: 'unset',
    statusMessage: '',
    genaiKind: null,
  };
}

test('paging a parent whose children alone fill the budget keeps them shown', () => {
  const specs: Spec[] = [{ id: 'root', kind: 'agent', label: 'boss' }];
  for (let i = 0; i < 3000; i++) {
    specs.push({ id: `w${i}`, parent: 'root', kind: 'agent', label: `worker ${i}` });
    specs.push({ id: `w${i}t`, parent: `w${i}`, kind: 'tool', label: `tool ${i}` });
  }
  const f = foldGraph(graph(specs), new Set());
  let state = INITIAL_VIEW_STATE;
  let v = limitView(f, state, 2000, 500);
  assert.ok(v.shown.has('w499') && !v.shown.has('w500'));
  state = showMore(state, v.nodes.find((n) => n.id === 'page:root')!.more!);
  v = limitView(f, state, 2000, 500);
  assert.ok(v.shown.has('w999') && !v.shown.has('w1000'), 'the next page joins the first instead of everything folding away');
  assert.ok(v.nodes.length <= 2002);
});

test('node facts: tokens without a price read "no price"; tiny costs never use exponents', () => {
  const unpriced = node({ id: 'x', kind: 'llm', label: 'my-local-model', tokens: 1234, cost: null });
  assert.equal(nodeLabel(unpriced), 'LLM · my-local-model\n5 ms · 1,234 tok · no price');
  assert.match(nodeLabel(node({ id: 'e', kind: 'embedding', label: 'emb', tokens: 8, cost: 1.6e-7 })), /\$0\.00000016$/);
  assert.equal(nodeLabel(node({ id: 't', label: 'search' })), 'TOOL · search\n5 ms', 'no tokens, no cost line parts');
});
