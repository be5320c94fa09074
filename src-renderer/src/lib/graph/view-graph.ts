// What the graph pane draws, from the full agent graph and the user's fold state: repeats folded
// (foldRepeats, threshold REPEAT_THRESHOLD) except runs the user expanded, then, past NODE_BUDGET
// nodes, only the top layers that fit, with "+N more" nodes standing for what is hidden, so a
// 100k-span trace never reaches cytoscape whole. Pure: state changes are functions returning a
// new GraphViewState, tested without a DOM.
import type { AgentGraph, AgentGraphEdge, AgentGraphNode } from '../../../../src-shared/contract';
import { edgeId, foldRepeats } from '../../../../src-shared/agent-graph-collapse';
import type { TraceOutline } from '../../../../src-shared/trace-outline';

/**
 * Fold at least this many same-shape siblings. 2 would fold the commonest agent turn
 * (llm → tool → llm: two calls of one model with nothing below) and hide the tool_result hand-off
 * the graph exists to show; from 3 on, a loop that really repeats reads as one ×N node instead of
 * a layer too wide to read once fitted to the pane.
 */
export const REPEAT_THRESHOLD = 3;
/** Past this many nodes (after folding) the view shows only the top layers that fit. */
export const NODE_BUDGET = 2000;
/** Children shown per parent in a limited view before a "+N more" node; each click adds a page. */
export const PAGE_SIZE = 500;

export interface GraphViewState {
  /** Run ids (see foldRepeats) the user expanded. */
  expanded: ReadonlySet<string>;
  /** Nodes whose children the user asked to see in a limited view. */
  opened: ReadonlySet<string>;
  /** Extra pages of children shown, by parent node id ('' for the roots). */
  pages: ReadonlyMap<string, number>;
}

export const INITIAL_VIEW_STATE: GraphViewState = { expanded: new Set(), opened: new Set(), pages: new Map() };

/** Roots are children of this key. */
export const ROOT_KEY = '';

export interface FoldedGraph {
  graph: AgentGraph;
  /** Folded nodes that stand for a run of repeats, i.e. that expandRun takes. */
  runs: ReadonlySet<string>;
  /** Node id → the expanded run it is one group of. */
  expandedFrom: ReadonlyMap<string, string>;
  byId: ReadonlyMap<string, AgentGraphNode>;
  /** By parent node id (ROOT_KEY for roots), in graph order (start time). */
  children: ReadonlyMap<string, readonly string[]>;
  /** Every span behind a node (a folded node's members included) → the node's id. */
  nodeOfSpan: ReadonlyMap<string, string>;
  /** Nodes in a node's subtree, itself included. */
  subtreeSize: ReadonlyMap<string, number>;
}

export function foldGraph(graph: AgentGraph, expanded: ReadonlySet<string>): FoldedGraph {
  const result = foldRepeats(graph, REPEAT_THRESHOLD, { expanded });
  const g = result.graph;
  const byId = new Map<string, AgentGraphNode>();
  const children = new Map<string, string[]>();
  const nodeOfSpan = new Map<string, string>();
  for (const node of g.nodes) {
    byId.set(node.id, node);
    if (node.collapsedSpanIds.length > 0) for (const s of node.collapsedSpanIds) nodeOfSpan.set(s, node.id);
    else nodeOfSpan.set(node.spanId, node.id);
  }
  for (const node of g.nodes) {
    const key = node.parentId !== null && byId.has(node.parentId) ? node.parentId : ROOT_KEY;
    const list = children.get(key);
    if (list) list.push(node.id);
    else children.set(key, [node.id]);
  }
  // Sizes children-first: a breadth-first order from the roots, reversed.
  const order: string[] = [...(children.get(ROOT_KEY) ?? [])];
  for (let k = 0; k < order.length; k++) for (const c of children.get(order[k] as string) ?? []) order.push(c);
  const subtreeSize = new Map<string, number>();
  for (let k = order.length - 1; k >= 0; k--) {
    const id = order[k] as string;
    let size = 1;
    for (const c of children.get(id) ?? []) size += subtreeSize.get(c) ?? 0;
    subtreeSize.set(id, size);
  }
  return { graph: g, runs: result.runs, expandedFrom: result.expandedFrom, byId, children, nodeOfSpan, subtreeSize };
}

export interface MoreInfo {
  /** `subtree`: stands for everything below `owner`; `page`: for `owner`'s children past the shown pages. */
  kind: 'subtree' | 'page';
  /** The node (or ROOT_KEY) whose hidden part this stands for. */
  owner: string;
  /** Hidden children of the owner (subtree: all of them). */
  hiddenChildren: number;
  /** Hidden nodes, their subtrees included. */
  hiddenNodes: number;
}

export interface ViewNode {
  /** The graph node's id, or `more:<owner>` / `page:<owner>`. */
  id: string;
  /** The visible parent (null: a root). */
  parentId: string | null;
  /** Null for a "+N more" node. */
  node: AgentGraphNode | null;
  more: MoreInfo | null;
}

export interface GraphView {
  /** Siblings are contiguous-in-order: a parent's children appear in start order, a "+N more" last. */
  nodes: ViewNode[];
  edges: AgentGraphEdge[];
  /** Nodes of the folded graph; more than shown when the view is limited. */
  total: number;
  /** Ids of the graph nodes shown (not of "+N more" nodes). */
  shown: ReadonlySet<string>;
}

/** The nodes to draw: everything when the folded graph fits the budget, else the top layers that fit. */
export function limitView(f: FoldedGraph, state: GraphViewState, budget = NODE_BUDGET, page = PAGE_SIZE): GraphView {
  const total = f.graph.nodes.length;
  const unlimited = total <= budget;
  const nodes: ViewNode[] = [];
  const edges: AgentGraphEdge[] = [];
  const visible = new Set<string>();
  const limitOf = (key: string): number => (unlimited ? Infinity : page * (1 + Math.max(0, state.pages.get(key) ?? 0)));
  const kidsOf = (key: string): readonly string[] => f.children.get(key) ?? [];
  const cost = (key: string): number => {
    const k = kidsOf(key).length;
    const limit = limitOf(key);
    return Math.min(k, limit) + (k > limit ? 1 : 0);
  };

  const emitChildren = (key: string): string[] => {
    const kids = kidsOf(key);
    const limit = limitOf(key);
    const shown = kids.length > limit ? kids.slice(0, limit) : kids;
    const parentId = key === ROOT_KEY ? null : key;
    for (const id of shown) {
      nodes.push({ id, parentId, node: f.byId.get(id) ?? null, more: null });
      visible.add(id);
    }
    if (kids.length > limit) {
      let hiddenNodes = 0;
      for (let k = limit; k < kids.length; k++) hiddenNodes += f.subtreeSize.get(kids[k] as string) ?? 1;
      const id = `page:${key}`;
      nodes.push({ id, parentId, node: null, more: { kind: 'page', owner: key, hiddenChildren: kids.length - limit, hiddenNodes } });
      if (parentId !== null) edges.push(syntheticEdge(parentId, id));
    }
    return [...shown];
  };

  let level = emitChildren(ROOT_KEY);
  let auto = true;
  while (level.length > 0) {
    const parents = level.filter((id) => kidsOf(id).length > 0);
    if (auto && !unlimited) {
      // Whole layers or none, so the cut is the same depth everywhere: a ragged cut reads as missing data.
      // Opening adds the children and, for each shown child with children of its own, at least a
      // "+N more" node below it.
      let need = 0;
      for (const id of parents) {
        need += cost(id);
        const kids = kidsOf(id);
        const limit = Math.min(kids.length, limitOf(id));
        for (let k = 0; k < limit; k++) if (kidsOf(kids[k] as string).length > 0) need++;
      }
      if (nodes.length + need > budget) auto = false;
    }
    const next: string[] = [];
    for (const id of parents) {
      // A node the user opened or paged stays open whatever the budget says.
      if (unlimited || auto || state.opened.has(id) || state.pages.has(id)) {
        for (const c of emitChildren(id)) next.push(c);
        continue;
      }
      const moreId = `more:${id}`;
      nodes.push({
        id: moreId,
        parentId: id,
        node: null,
        more: { kind: 'subtree', owner: id, hiddenChildren: kidsOf(id).length, hiddenNodes: (f.subtreeSize.get(id) ?? 1) - 1 },
      });
      edges.push(syntheticEdge(id, moreId));
    }
    level = next;
  }

  for (const e of f.graph.edges) if (visible.has(e.from) && visible.has(e.to)) edges.push(e);
  return { nodes, edges, total, shown: visible };
}

function syntheticEdge(from: string, to: string): AgentGraphEdge {
  return { id: edgeId('calls', from, to), type: 'calls', from, to, count: 1 };
}

/** Index of every span id in an outline, for walking from a span to its parents. */
export function outlineIndex(outline: TraceOutline): Map<string, number> {
  const index = new Map<string, number>();
  outline.spanIds.forEach((id, i) => {
    if (!index.has(id)) index.set(id, i);
  });
  return index;
}

/**
 * The node that stands for a span: its own (or the folded node holding it), else that of its
 * nearest ancestor that is a node (an HTTP call under an LLM call shows as the LLM call); null
 * when no ancestor is one.
 */
export function nodeForSpan(f: FoldedGraph, outline: TraceOutline, index: ReadonlyMap<string, number>, spanId: string): string | null {
  const direct = f.nodeOfSpan.get(spanId);
  if (direct !== undefined) return direct;
  let i = index.get(spanId) ?? -1;
  // Bounded by the outline's size: parentIndex is a forest, but a guard costs nothing.
  for (let steps = 0; i !== -1 && steps <= outline.spanIds.length; steps++) {
    const node = f.nodeOfSpan.get(outline.spanIds[i] ?? '');
    if (node !== undefined) return node;
    i = outline.parentIndex[i] ?? -1;
  }
  return null;
}

/**
 * The state that shows `nodeId` in a limited view: every ancestor opened and every page on the
 * way raised far enough. Returns `state` itself when nothing has to change.
 */
export function revealNode(f: FoldedGraph, state: GraphViewState, nodeId: string, page = PAGE_SIZE): GraphViewState {
  if (!f.byId.has(nodeId)) return state;
  let opened: Set<string> | null = null;
  let pages: Map<string, number> | null = null;
  let id = nodeId;
  for (let steps = 0; steps <= f.byId.size; steps++) {
    const node = f.byId.get(id);
    if (!node) break;
    const key = node.parentId !== null && f.byId.has(node.parentId) ? node.parentId : ROOT_KEY;
    const at = (f.children.get(key) ?? []).indexOf(id);
    const need = Math.floor(Math.max(0, at) / page);
    if (((pages ?? state.pages).get(key) ?? 0) < need) {
      pages ??= new Map(state.pages);
      pages.set(key, need);
    }
    if (key === ROOT_KEY) break;
    if (!(opened ?? state.opened).has(key)) {
      opened ??= new Set(state.opened);
      opened.add(key);
    }
    id = key;
  }
  return opened === null && pages === null ? state : { ...state, opened: opened ?? state.opened, pages: pages ?? state.pages };
}

/** The run a double-click on `nodeId` expands: the node's own, or that of the folded ancestor it was folded with. */
export function runToExpand(f: FoldedGraph, nodeId: string): string | null {
  let id: string | null = nodeId;
  for (let steps = 0; id !== null && steps <= f.byId.size; steps++) {
    const node = f.byId.get(id);
    if (!node || node.count <= 1) return null;
    if (f.runs.has(id)) return id;
    id = node.parentId;
  }
  return null;
}

export function expandRun(state: GraphViewState, runId: string): GraphViewState {
  if (state.expanded.has(runId)) return state;
  return { ...state, expanded: new Set(state.expanded).add(runId) };
}

export function foldRun(state: GraphViewState, runId: string): GraphViewState {
  if (!state.expanded.has(runId)) return state;
  const expanded = new Set(state.expanded);
  expanded.delete(runId);
  return { ...state, expanded };
}

/** A "+N more" node clicked: a hidden subtree opens one layer, a page adds PAGE_SIZE children. */
export function showMore(state: GraphViewState, more: MoreInfo): GraphViewState {
  if (more.kind === 'subtree') return state.opened.has(more.owner) ? state : { ...state, opened: new Set(state.opened).add(more.owner) };
  const pages = new Map(state.pages);
  pages.set(more.owner, (pages.get(more.owner) ?? 0) + 1);
  return { ...state, pages };
}
