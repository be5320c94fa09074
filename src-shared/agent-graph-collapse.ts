/**
 * Folding repeated structure of an agent graph, shared by the engine (`getAgentGraph` with
 * `collapse`) and the trace view (which folds the full graph itself so it can expand one run on
 * demand). Pure and DOM-free; docs/genai-graph.md, "Collapsing repeats", states the rules. The
 * input graph is never modified.
 */
import type { AgentEdgeType, AgentGraph, AgentGraphEdge, AgentGraphExternalLink, AgentGraphNode } from './contract';

/** The order edges are listed in; also the rank used to sort them. */
export const EDGE_TYPES: readonly AgentEdgeType[] = ['calls', 'handoff', 'tool_result', 'retry_of', 'fallback_of', 'link'];

export function edgeId(type: AgentEdgeType, from: string, to: string): string {
  return `${type}:${from}->${to}`;
}

/** A decimal nanosecond string as a bigint; undefined when it is not one. */
export function nanos(s: string): bigint | undefined {
  return /^\d{1,20}$/.test(s) ? BigInt(s) : undefined;
}

/**
 * Parent pointers form a forest unless a producer sent a loop (A's parent B, B's parent A). Each
 * loop is cut above its earliest member (the smallest index), which becomes a root; the rest of the
 * loop hangs below it in the order the parent ids say. Independent of the order spans arrived in.
 * In place; linear (every index is put on a path once).
 */
export function cutCycles(parent: Int32Array): void {
  const state = new Uint8Array(parent.length); // 0 unseen, 1 on the current path, 2 done
  for (let i = 0; i < parent.length; i++) {
    if (state[i] !== 0) continue;
    const path: number[] = [];
    let j = i;
    while (j !== -1 && state[j] === 0) {
      state[j] = 1;
      path.push(j);
      j = parent[j] ?? -1;
    }
    if (j !== -1 && state[j] === 1) {
      let cut = j;
      for (let k = path.indexOf(j); k < path.length; k++) cut = Math.min(cut, path[k] ?? cut);
      parent[cut] = -1;
    }
    for (const k of path) state[k] = 2;
  }
}

export interface FoldOptions {
  /**
   * Runs to leave unfolded, by run id (the id of the run's earliest node, which is also the id its
   * folded node carries). Each group of an expanded run is emitted on its own; repeats below them
   * still fold. Sibling runs joined to an expanded one by an edge other than `calls` open with it.
   */
  expanded?: ReadonlySet<string>;
}

export interface FoldResult {
  graph: AgentGraph;
  /**
   * Ids of the folded nodes that stand for a run of same-shape siblings, i.e. that pass as
   * `expanded` ids. A node folded only because its parent was (position k of every member's
   * children) is not listed: expanding its nearest listed ancestor splits it.
   */
  runs: Set<string>;
  /** Node id → the expanded run it is one group of, so a view can fold that run again. */
  expandedFrom: Map<string, string>;
}

/**
 * Repeated structure folded for drawing: siblings (same parent) whose subtrees have the same shape
 * — kind and label of every node, children compared as a multiset — become one node when there are
 * at least `threshold` of them (at least 2). Their children are folded position by position (so
 * 200 × [llm, tool] becomes one llm and one tool, each ×200), and repeats among those are folded
 * again. A folded node keeps its first span's id; it sums tokens, cost, counts and errors and lists
 * every span in `collapsedSpanIds`. Edges are redirected to the folded nodes, merged (their `count`
 * summed) and dropped when both ends fold into one node. Pure: `graph` is not modified.
 */
export function collapseRepeats(graph: AgentGraph, threshold: number): AgentGraph {
  return foldRepeats(graph, threshold).graph;
}

/** collapseRepeats, with runs the caller expanded left open, and what a view needs to toggle them. */
export function foldRepeats(graph: AgentGraph, threshold: number, options: FoldOptions = {}): FoldResult {
  const limit = Math.max(2, threshold);
  const expanded = options.expanded;
  const nodes = graph.nodes;
  const n = nodes.length;
  const pos = new Map<string, number>();
  nodes.forEach((node, i) => {
    if (!pos.has(node.id)) pos.set(node.id, i);
  });
  const parent = new Int32Array(n);
  nodes.forEach((node, i) => {
    const p = node.parentId === null ? undefined : pos.get(node.parentId);
    parent[i] = p === undefined || p === i || pos.get(node.id) !== i ? -1 : p;
  });
  cutCycles(parent);
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    if (pos.get(nodes[i]?.id ?? '') !== i) continue; // a duplicate id: kept out, as it cannot be addressed
    const p = parent[i] ?? -1;
    if (p === -1) roots.push(i);
    else children[p]?.push(i);
  }

  // Shapes bottom-up (reverse of a parents-first order), interned to small numbers so a shape
  // costs its own size, not its subtree's.
  const parentsFirst: number[] = [...roots];
  for (let k = 0; k < parentsFirst.length; k++) for (const c of children[parentsFirst[k] as number] ?? []) parentsFirst.push(c);
  const shape = new Int32Array(n);
  const interned = new Map<string, number>();
  for (let k = parentsFirst.length - 1; k >= 0; k--) {
    const i = parentsFirst[k] as number;
    const node = nodes[i] as AgentGraphNode;
    const kids = (children[i] ?? []).map((c) => shape[c] ?? 0).sort((a, b) => a - b);
    const key = `${node.kind}\u0000${node.label}\u0000${kids.join(',')}`;
    let id = interned.get(key);
    if (id === undefined) {
      id = interned.size;
      interned.set(key, id);
    }
    shape[i] = id;
  }

  // Emitted nodes by slot (emission order); `into` maps an input index to the slot of its node.
  const out: Array<{ node: AgentGraphNode; pos: number }> = [];
  const into = new Int32Array(n).fill(-1);
  const runs = new Set<string>();
  const expandedFrom = new Map<string, string>();
  // Work list of groups of same-shape nodes (sorted by position) to emit as one node.
  interface Work {
    members: number[];
    parentId: string | null;
    run: boolean;
    from: string | undefined;
  }
  const work: Work[] = [];
  // Runs among the same siblings that an edge other than `calls` joins (9 tools → 9 LLM calls by
  // tool_result) expand together: expanding only the tools drew nine distinct results as a fan
  // into the one folded LLM node, which reads as "all nine went to one call".
  const linked = expanded !== undefined && expanded.size > 0 ? linkedNodes(graph, pos) : null;
  const schedule = (groups: number[][], parentId: string | null): void => {
    // Groups arrive sorted by shape, so equal shapes are adjacent.
    const runs: Array<{ k: number; end: number; members: number[]; runId: string }> = [];
    for (let k = 0; k < groups.length; ) {
      let end = k + 1;
      while (end < groups.length && shape[groups[end]?.[0] ?? 0] === shape[groups[k]?.[0] ?? 0]) end++;
      if (end - k >= limit) {
        const members = groups.slice(k, end).flat().sort((a, b) => a - b);
        runs.push({ k, end, members, runId: (nodes[members[0] as number] as AgentGraphNode).id });
      } else for (let g = k; g < end; g++) work.push({ members: groups[g] ?? [], parentId, run: false, from: undefined });
      k = end;
    }
    const openedBy = linked ? openRuns(runs, expanded as ReadonlySet<string>, linked) : runs.map((r) => (expanded?.has(r.runId) ? r.runId : undefined));
    runs.forEach(({ k, end, members }, r) => {
      const from = openedBy[r];
      if (from !== undefined) for (let g = k; g < end; g++) work.push({ members: groups[g] ?? [], parentId, run: false, from });
      else work.push({ members, parentId, run: true, from: undefined });
    });
  };
  const byShape = (a: number, b: number): number => (shape[a] ?? 0) - (shape[b] ?? 0) || a - b;
  schedule([...roots].sort(byShape).map((r) => [r]), null);
  while (work.length > 0) {
    const { members, parentId, run, from } = work.pop() as Work;
    const folded = fold(members.map((m) => nodes[m] as AgentGraphNode), parentId);
    const slot = out.length;
    out.push({ node: folded, pos: members[0] ?? 0 });
    if (run) runs.add(folded.id);
    if (from !== undefined) expandedFrom.set(folded.id, from);
    for (const m of members) into[m] = slot;
    // Same shape ⇒ same sorted child shapes, so position k of every member's children lines up.
    const lists = members.map((m) => [...(children[m] ?? [])].sort(byShape));
    const width = lists[0]?.length ?? 0;
    const groups: number[][] = [];
    for (let k = 0; k < width; k++) groups.push(lists.map((l) => l[k] as number));
    schedule(groups, folded.id);
  }
  const slots = out.length;
  const order = Int32Array.from(out.keys()).sort((x, y) => (out[x]?.pos ?? 0) - (out[y]?.pos ?? 0));
  const rankOfSlot = new Int32Array(slots);
  order.forEach((slot, rank) => (rankOfSlot[slot] = rank));
  const slotOf = (id: string): number => {
    const i = pos.get(id);
    return i === undefined ? -1 : (into[i] ?? -1);
  };

  // Keyed and sorted by numbers: string keys and id lookups inside the sort took most of the time
  // at 100k nodes.
  const merged = new Map<number, { edge: AgentGraphEdge; key: number }>();
  for (const e of graph.edges) {
    const a = slotOf(e.from);
    const b = slotOf(e.to);
    if (a === -1 || b === -1 || a === b) continue;
    const key = (EDGE_TYPES.indexOf(e.type) * slots + (rankOfSlot[a] ?? 0)) * slots + (rankOfSlot[b] ?? 0);
    const have = merged.get(key);
    if (have) have.edge.count += e.count;
    else {
      const from = (out[a] as { node: AgentGraphNode }).node.id;
      const to = (out[b] as { node: AgentGraphNode }).node.id;
      merged.set(key, { edge: { ...e, id: edgeId(e.type, from, to), from, to }, key });
    }
  }
  const edges = [...merged.values()].sort((x, y) => x.key - y.key).map((m) => m.edge);

  const seenLinks = new Set<string>();
  const externalLinks: AgentGraphExternalLink[] = [];
  for (const l of graph.externalLinks) {
    const slot = slotOf(l.from);
    if (slot === -1) continue;
    const from = (out[slot] as { node: AgentGraphNode }).node.id;
    const key = `${from} ${l.traceId} ${l.spanId}`;
    if (seenLinks.has(key)) continue;
    seenLinks.add(key);
    externalLinks.push({ ...l, from });
  }
  const sortedNodes = Array.from(order, (slot) => (out[slot] as { node: AgentGraphNode }).node);
  return { graph: { traceId: graph.traceId, nodes: sortedNodes, edges, externalLinks }, runs, expandedFrom };
}

/** For each node index, the nodes joined to it by an edge other than `calls` (either direction). */
function linkedNodes(graph: AgentGraph, pos: ReadonlyMap<string, number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const add = (a: number, b: number): void => {
    const list = out.get(a);
    if (list) list.push(b);
    else out.set(a, [b]);
  };
  for (const e of graph.edges) {
    if (e.type === 'calls') continue;
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    add(a, b);
    add(b, a);
  }
  return out;
}

/**
 * Which of one parent's runs are open: a run the caller expanded, and every run joined to an open
 * one through edges between their members (transitively). Each open run names the expanded run id
 * that opened it, so folding that one folds them all again.
 */
function openRuns(runs: ReadonlyArray<{ members: number[]; runId: string }>, expanded: ReadonlySet<string>, linked: ReadonlyMap<number, number[]>): Array<string | undefined> {
  const runOf = new Map<number, number>();
  runs.forEach((r, i) => r.members.forEach((m) => runOf.set(m, i)));
  const opened: Array<string | undefined> = runs.map((r) => (expanded.has(r.runId) ? r.runId : undefined));
  const queue = opened.flatMap((o, i) => (o === undefined ? [] : [i]));
  while (queue.length > 0) {
    const r = queue.pop() as number;
    for (const m of runs[r]?.members ?? []) {
      for (const other of linked.get(m) ?? []) {
        const o = runOf.get(other);
        if (o === undefined || opened[o] !== undefined) continue;
        opened[o] = opened[r];
        queue.push(o);
      }
    }
  }
  return opened;
}

/** One node standing for `members` (same shape, in graph order); a single member is copied as is. */
function fold(members: readonly AgentGraphNode[], parentId: string | null): AgentGraphNode {
  const first = members[0] as AgentGraphNode;
  if (members.length === 1) return { ...first, parentId, collapsedSpanIds: [...first.collapsedSpanIds] };
  let end = nanos(first.endTimeUnixNano) ?? 0n;
  let endText = first.endTimeUnixNano;
  const sum = (pick: (m: AgentGraphNode) => number | null): number | null => {
    let total: number | null = null;
    for (const m of members) {
      const v = pick(m);
      if (v !== null) total = (total ?? 0) + v;
    }
    return total;
  };
  for (const m of members) {
    const e = nanos(m.endTimeUnixNano);
    if (e !== undefined && e > end) {
      end = e;
      endText = m.endTimeUnixNano;
    }
  }
  const start = nanos(first.startTimeUnixNano) ?? 0n;
  const failed = members.find((m) => m.status === 'error' && m.errorMessage !== null) ?? members.find((m) => m.status === 'error');
  const cost = sum((m) => m.costUsd);
  return {
    ...first,
    parentId,
    endTimeUnixNano: endText,
    durationMs: end > start ? Number(end - start) / 1e6 : 0,
    status: failed ? 'error' : first.status,
    errorMessage: failed?.errorMessage ?? null,
    errorCount: members.reduce((a, m) => a + m.errorCount, 0),
    inputTokens: sum((m) => m.inputTokens),
    outputTokens: sum((m) => m.outputTokens),
    totalTokens: sum((m) => m.totalTokens),
    // Rounded like rollupTrace, so 200 × 0.1 reads 20, not 20.000000000000004.
    costUsd: cost === null ? null : Math.round(cost * 1e10) / 1e10,
    count: members.reduce((a, m) => a + m.count, 0),
    collapsedSpanIds: members.flatMap((m) => (m.collapsedSpanIds.length > 0 ? m.collapsedSpanIds : [m.spanId])),
  };
}
