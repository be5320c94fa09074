/**
 * The agent graph of one trace: a node per GenAI span, typed edges between them, as the trace view
 * draws it (issue 6). Pure and never throws; docs/genai-graph.md states every rule with examples.
 *
 * Everything works on item indexes into the spans sorted by (start time, span id), so the output
 * is deterministic whatever order the spans arrive in, and "earlier" always means "smaller index".
 * Every pass is linear or n·log n: traces of tens of thousands of spans are normal for agent loops.
 */
import type {
  AgentEdgeType,
  AgentGraph,
  AgentGraphEdge,
  AgentGraphExternalLink,
  AgentGraphNode,
  GenAiKind,
  GenAiSpan,
  SpanRecord,
} from '../../../src-shared/contract';
import { cutCycles, edgeId, EDGE_TYPES, nanos } from '../../../src-shared/agent-graph-collapse';
import { agentKey, handoffTarget, transferTarget } from '../../../src-shared/handoff';
import { normalizeSpan, type NormalizeOptions } from './normalize';

// Folding moved to src-shared so the trace view folds and expands with the same rules; re-exported
// for the engine's callers and tests.
export { collapseRepeats, cutCycles, edgeId, EDGE_TYPES } from '../../../src-shared/agent-graph-collapse';
// The handoff name rules are shared with the trace view, which labels handoff spans by them.
export { agentKey, handoffTarget } from '../../../src-shared/handoff';

/**
 * A span as the store or a test hands it over. `genai` given (an object, or null for "not GenAI")
 * is used as is; absent, the span is normalized here (without its log records, so messages sent
 * only as logs are missing: callers that have them should pass `genai`).
 */
export type GraphSpan = Omit<SpanRecord, 'genai'> & { genai?: GenAiSpan | null };

const MODEL_KINDS: ReadonlySet<GenAiKind> = new Set(['llm', 'embedding', 'reranker']);

interface Item {
  span: GraphSpan;
  genai: GenAiSpan | null;
  start: bigint;
  /** Never before start: a span that ends before it starts is treated as instantaneous. */
  end: bigint;
}

export function buildAgentGraph(spans: readonly GraphSpan[], options: NormalizeOptions = {}): AgentGraph {
  const items = sortedItems(spans, options);
  const n = items.length;
  const at = (i: number): Item => items[i] as Item;
  const index = new Map<string, number>();
  items.forEach((item, i) => index.set(item.span.spanId, i));

  // Raw parent by index; a missing parent or a span that names itself makes a root.
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = at(i).span.parentSpanId;
    const j = p === null ? undefined : index.get(p);
    parent[i] = j === undefined || j === i ? -1 : j;
  }
  cutCycles(parent);
  const isNode = items.map((item) => item.genai !== null);
  const anc = nearestAncestor(parent, (i) => isNode[i] === true);

  const nodes: AgentGraphNode[] = [];
  const nodeIndexes: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!isNode[i]) continue;
    nodeIndexes.push(i);
    const a = anc[i] ?? -1;
    nodes.push(nodeOf(at(i), a === -1 ? null : at(a).span.spanId));
  }

  const edges = new EdgeSet((i) => at(i).span.spanId);
  for (const i of nodeIndexes) {
    const a = anc[i] ?? -1;
    if (a !== -1) edges.add('calls', a, i);
  }
  const genaiOf = (i: number): GenAiSpan => at(i).genai as GenAiSpan;
  handoffEdges(nodeIndexes, anc, items, genaiOf, edges);
  toolResultEdges(nodeIndexes, anc, items, genaiOf, edges);
  retryEdges(nodeIndexes, anc, items, genaiOf, edges);
  const externalLinks = linkEdges(items, index, isNode, anc, edges);

  return { traceId: n > 0 ? at(0).span.traceId : null, nodes, edges: edges.sorted(), externalLinks };
}

/** First occurrence of a span id wins (a duplicate is a producer or exporter bug); then (start, span id). */
function sortedItems(spans: readonly GraphSpan[], options: NormalizeOptions): Item[] {
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const span of spans) {
    if (seen.has(span.spanId)) continue;
    seen.add(span.spanId);
    // `genai` is undefined on this branch, so the span is a SpanRecord as normalizeSpan expects.
    const genai = span.genai !== undefined ? span.genai : normalizeSpan(span as SpanRecord, undefined, options);
    const start = nanos(span.startTimeUnixNano) ?? 0n;
    const end = nanos(span.endTimeUnixNano) ?? start;
    items.push({ span, genai, start, end: end < start ? start : end });
  }
  return items.sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : x.span.spanId < y.span.spanId ? -1 : x.span.spanId > y.span.spanId ? 1 : 0));
}

/**
 * For every index, the nearest proper ancestor that is a node (-1: none), walking through the
 * others. Memoized and iterative, so a 20k-deep chain neither recurses nor goes quadratic. The
 * parent pointers must be acyclic (cutCycles).
 */
function nearestAncestor(parent: Int32Array, isNode: (i: number) => boolean): Int32Array {
  const anc = new Int32Array(parent.length).fill(-2); // -2: not computed yet
  for (let i = 0; i < parent.length; i++) {
    if (anc[i] !== -2) continue;
    const path: number[] = [];
    let j = i;
    let found = -1;
    for (;;) {
      path.push(j);
      const p = parent[j] ?? -1;
      if (p === -1) break;
      if (isNode(p)) {
        found = p;
        break;
      }
      if (anc[p] !== -2) {
        found = anc[p] ?? -1;
        break;
      }
      j = p;
    }
    // Everything above `i` on the path is not a node, so they all share i's answer.
    for (const k of path) anc[k] = found;
  }
  return anc;
}

function nodeOf(item: Item, parentId: string | null): AgentGraphNode {
  const g = item.genai as GenAiSpan;
  const s = item.span;
  const model = g.responseModel ?? g.requestModel ?? null;
  const failed = s.status.code === 'error';
  return {
    id: s.spanId,
    spanId: s.spanId,
    kind: g.kind,
    label: labelOf(g, s.name),
    spanName: s.name,
    parentId,
    startTimeUnixNano: s.startTimeUnixNano,
    endTimeUnixNano: s.endTimeUnixNano,
    durationMs: Number(item.end - item.start) / 1e6,
    status: s.status.code,
    errorMessage: failed && s.status.message !== '' ? s.status.message : null,
    errorCount: failed ? 1 : 0,
    model,
    inputTokens: g.inputTokens ?? null,
    outputTokens: g.outputTokens ?? null,
    totalTokens: g.totalTokens ?? null,
    costUsd: typeof g.costUsd === 'number' ? g.costUsd : null,
    count: 1,
    collapsedSpanIds: [],
  };
}

function labelOf(g: GenAiSpan, spanName: string): string {
  if (g.kind === 'agent' && g.agentName !== undefined) return g.agentName;
  if (g.kind === 'tool' && g.toolName !== undefined) return g.toolName;
  if (MODEL_KINDS.has(g.kind)) {
    const model = g.responseModel ?? g.requestModel;
    if (model !== undefined) return model;
  }
  return g.agentName ?? g.toolName ?? spanName;
}

/** At most one edge per (type, from, to); a self-loop is never an edge. */
class EdgeSet {
  private readonly byId = new Map<string, { edge: AgentGraphEdge; rank: number; from: number; to: number }>();
  constructor(private readonly idOf: (i: number) => string) {}

  add(type: AgentEdgeType, from: number, to: number, match?: AgentGraphEdge['match']): void {
    if (from === to) return;
    const id = edgeId(type, this.idOf(from), this.idOf(to));
    if (this.byId.has(id)) return;
    const edge: AgentGraphEdge = { id, type, from: this.idOf(from), to: this.idOf(to), count: 1 };
    if (match !== undefined) edge.match = match;
    this.byId.set(id, { edge, rank: EDGE_TYPES.indexOf(type), from, to });
  }

  has(type: AgentEdgeType, from: number, to: number): boolean {
    return this.byId.has(edgeId(type, this.idOf(from), this.idOf(to)));
  }

  sorted(): AgentGraphEdge[] {
    return [...this.byId.values()].sort((x, y) => x.rank - y.rank || x.from - y.from || x.to - y.to).map((e) => e.edge);
  }
}

/** Nearest agent among a node's node ancestors (-1: none), memoized in node order. */
function nearestAgent(nodeIndexes: readonly number[], anc: Int32Array, kindOf: (i: number) => GenAiKind): Map<number, number> {
  const out = new Map<number, number>();
  for (const start of nodeIndexes) {
    if (out.has(start)) continue;
    const path: number[] = [];
    let j = start;
    let found = -1;
    for (;;) {
      path.push(j);
      const p = anc[j] ?? -1;
      if (p === -1) break;
      if (kindOf(p) === 'agent') {
        found = p;
        break;
      }
      const known = out.get(p);
      if (known !== undefined) {
        found = known;
        break;
      }
      j = p;
    }
    for (const k of path) out.set(k, found);
  }
  return out;
}

/**
 * handoff, agent → agent:
 * 1. nesting: an agent node whose nearest agent ancestor has a different (known) agent name;
 * 2. a handoff span (handoffTarget): from its nearest agent ancestor to the first agent node, at or
 *    after the handoff span's start, whose name matches the target (agentKey), other than the source.
 *    A span that names its source (`handoffFrom`) but has no agent ancestor: from the latest agent
 *    node of that name starting at or before it. One that names its source but not its target
 *    (OpenLLMetry's, whose target is not known when it starts): the target is the `transfer_to_<x>`
 *    tool call that the source's latest LLM call at or before it asked for, when it asked for one.
 */
function handoffEdges(nodeIndexes: readonly number[], anc: Int32Array, items: readonly Item[], genaiOf: (i: number) => GenAiSpan, edges: EdgeSet): void {
  const agentOf = nearestAgent(nodeIndexes, anc, (i) => genaiOf(i).kind);
  const agentsByKey = new Map<string, number[]>();
  for (const i of nodeIndexes) {
    const g = genaiOf(i);
    if (g.kind !== 'agent' || g.agentName === undefined) continue;
    const a = agentOf.get(i) ?? -1;
    const name = a === -1 ? undefined : genaiOf(a).agentName;
    if (name !== undefined && name !== g.agentName) edges.add('handoff', a, i);
    push(agentsByKey, agentKey(g.agentName), i);
  }
  let llmsByAgent: Map<number, number[]> | undefined;
  for (const h of nodeIndexes) {
    const item = items[h] as Item;
    const g = genaiOf(h);
    let source = agentOf.get(h) ?? -1;
    if (source === -1 && g.handoffFrom !== undefined) source = latestAtOrBefore(agentsByKey.get(agentKey(g.handoffFrom)) ?? [], item.start, items);
    let target = handoffTarget(g, item.span.name);
    if (target === undefined && g.handoffFrom !== undefined && source !== -1) {
      llmsByAgent ??= llmNodesByAgent(nodeIndexes, agentOf, genaiOf);
      const llm = latestAtOrBefore(llmsByAgent.get(source) ?? [], item.start, items);
      if (llm !== -1) target = transferAskedFor(genaiOf(llm));
    }
    if (target === undefined || source === -1) continue;
    const candidates = agentsByKey.get(agentKey(target)) ?? [];
    for (let k = firstAtOrAfter(candidates, item.start, items); k < candidates.length; k++) {
      const c = candidates[k] as number;
      if (c === source) continue;
      edges.add('handoff', source, c);
      break;
    }
  }
}

/** The latest of `sorted` (indexes in start order) starting at or before `t`; -1 when none. */
function latestAtOrBefore(sorted: readonly number[], t: bigint, items: readonly Item[]): number {
  const k = firstAtOrAfter(sorted, t + 1n, items) - 1;
  return k < 0 ? -1 : (sorted[k] as number);
}

/** The `llm` nodes under each agent node (nearest agent ancestor), in start order. */
function llmNodesByAgent(nodeIndexes: readonly number[], agentOf: Map<number, number>, genaiOf: (i: number) => GenAiSpan): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const i of nodeIndexes) {
    const a = agentOf.get(i) ?? -1;
    if (a !== -1 && genaiOf(i).kind === 'llm') push(out, a, i);
  }
  return out;
}

/** The agent of the one `transfer_to_<agent>` tool call among an LLM call's output, if it asked for exactly one. */
function transferAskedFor(g: GenAiSpan): string | undefined {
  let found: string | undefined;
  for (const m of g.outputMessages ?? []) {
    for (const p of m.parts) {
      const x = p.type === 'tool_call' ? transferTarget(p.name) : undefined;
      if (x === undefined) continue;
      if (found !== undefined && agentKey(found) !== agentKey(x)) return undefined;
      found = x;
    }
  }
  return found;
}

/**
 * tool_result, tool → the LLM call that consumed its result:
 * 1. by call id: the first `llm` node starting at or after the tool whose input messages hold a
 *    `tool_call_response` part with the tool's `toolCallId` (later calls repeat the history, so
 *    only the first counts);
 * 2. by name, when the tool has no call id or no LLM input in the trace mentions it (OpenLLMetry's
 *    tool spans carry none), and only when it is unambiguous: the *next* `llm` node with the same
 *    graph parent after the tool (in start, then span id order), if its input answers some call
 *    (`tool_call_response`) and names this tool's call, or names no call at all. The next call
 *    only: the rule it replaces took the first later call whose input named the tool, and a loop of
 *    nine calls of one tool whose middle LLM inputs carried only the newest message fanned all
 *    nine results into the last call, which merely repeated the history.
 * No captured input messages, no edge: the guess would be wrong as often as not.
 */
function toolResultEdges(nodeIndexes: readonly number[], anc: Int32Array, items: readonly Item[], genaiOf: (i: number) => GenAiSpan, edges: EdgeSet): void {
  const byCallId = new Map<string, number[]>();
  const mentioned = new Set<string>();
  /** Every llm node by graph parent, in start order, and what its input answers. */
  const llmSiblings = new Map<number, number[]>();
  /** The tool names each llm node's input answers (its input holds some tool_call_response). */
  const answers = new Map<number, Set<string>>();
  for (const i of nodeIndexes) {
    const g = genaiOf(i);
    if (g.kind !== 'llm') continue;
    push(llmSiblings, anc[i] ?? -1, i);
    if (g.inputMessages === undefined) continue;
    const responses = new Set<string>();
    const names = new Set<string>();
    let answered = false;
    for (const message of g.inputMessages) {
      for (const part of message.parts) {
        if (part.type === 'tool_call_response') {
          answered = true;
          if (part.id !== null) responses.add(part.id);
        } else if (part.type === 'tool_call') {
          names.add(part.name);
          if (part.id !== null) mentioned.add(part.id);
        }
      }
    }
    for (const id of responses) {
      mentioned.add(id);
      push(byCallId, id, i);
    }
    if (answered) answers.set(i, names);
  }
  for (const t of nodeIndexes) {
    const g = genaiOf(t);
    if (g.kind !== 'tool') continue;
    const start = (items[t] as Item).start;
    if (g.toolCallId !== undefined && mentioned.has(g.toolCallId)) {
      const consumers = byCallId.get(g.toolCallId) ?? [];
      const c = consumers[firstAtOrAfter(consumers, start, items)];
      if (c !== undefined) edges.add('tool_result', t, c, 'call_id');
      continue;
    }
    if (g.toolName === undefined) continue;
    const siblings = llmSiblings.get(anc[t] ?? -1) ?? [];
    const next = siblings[firstAfter(siblings, t)];
    const answer = next === undefined ? undefined : answers.get(next);
    if (next !== undefined && answer !== undefined && (answer.size === 0 || answer.has(g.toolName))) {
      edges.add('tool_result', t, next, 'tool_name');
    }
  }
}

/** What a repeat must share to be a retry: the model asked for, the tool, the agent; else the span name. */
function targetOf(g: GenAiSpan, spanName: string): string {
  if (MODEL_KINDS.has(g.kind)) return g.requestModel ?? g.responseModel ?? spanName;
  if (g.kind === 'tool') return g.toolName ?? spanName;
  if (g.kind === 'agent') return g.agentName ?? spanName;
  return spanName;
}

/**
 * Among siblings (same graph parent) of the same kind:
 * - retry_of: node B → the latest-ending failed sibling with the same target that ended at or
 *   before B started and that no earlier node already retried (so three attempts chain A3→A2→A1);
 * - fallback_of: node B (not itself a retry) → its previous attempt, the same-kind sibling that
 *   ended last at or before B started, when that one failed, was not retried, and had a different
 *   target. Only the immediate previous attempt: a different model long after a failure is not a
 *   fallback. Retries are settled first, so a later retry of the same tool wins over a fallback.
 */
function retryEdges(nodeIndexes: readonly number[], anc: Int32Array, items: readonly Item[], genaiOf: (i: number) => GenAiSpan, edges: EdgeSet): void {
  const failed = (i: number): boolean => (items[i] as Item).span.status.code === 'error';
  const target = (i: number): string => targetOf(genaiOf(i), (items[i] as Item).span.name);
  const end = (i: number): bigint => (items[i] as Item).end;
  const start = (i: number): bigint => (items[i] as Item).start;
  const byEnd = (x: number, y: number): number => (end(x) < end(y) ? -1 : end(x) > end(y) ? 1 : x - y);

  const siblings = new Map<string, number[]>();
  for (const i of nodeIndexes) push(siblings, siblingKey(anc[i] ?? -1, genaiOf(i).kind), i);

  const claimed = new Set<number>();
  const retried = new Set<number>();
  for (const group of siblings.values()) {
    const byTarget = new Map<string, number[]>();
    for (const i of group) push(byTarget, target(i), i);
    for (const same of byTarget.values()) {
      const failures = same.filter(failed).sort(byEnd);
      if (failures.length === 0) continue;
      // Failures that ended by B's start, latest-ending on top; claimed ones are removed.
      const open: number[] = [];
      let next = 0;
      for (const b of same) {
        while (next < failures.length && end(failures[next] as number) <= start(b)) open.push(failures[next++] as number);
        // Only an earlier node can be retried: skips a zero-length failure at B's instant sorted after B.
        for (let k = open.length - 1; k >= 0; k--) {
          const p = open[k] as number;
          if (p >= b) continue;
          open.splice(k, 1);
          claimed.add(p);
          retried.add(b);
          edges.add('retry_of', b, p);
          break;
        }
      }
    }
  }
  for (const group of siblings.values()) {
    const ended = [...group].sort(byEnd);
    let next = 0;
    for (const b of group) {
      while (next < ended.length && end(ended[next] as number) <= start(b)) next++;
      if (retried.has(b)) continue;
      let previous = -1;
      for (let k = next - 1; k >= 0; k--) {
        const p = ended[k] as number;
        if (p < b) {
          previous = p;
          break;
        }
      }
      if (previous === -1 || !failed(previous) || claimed.has(previous) || target(previous) === target(b)) continue;
      claimed.add(previous);
      edges.add('fallback_of', b, previous);
    }
  }
}

/**
 * link: each OTel span link, from the node of the span that carries it to the node of the linked
 * span, where a non-GenAI span stands for its nearest GenAI ancestor (as for calls). Dropped when
 * either end has no node or both ends are the same node. A link to another trace, or to a span of
 * this trace that is not here, is listed in externalLinks (the UI shows it as a jump, not a node).
 */
function linkEdges(items: readonly Item[], index: ReadonlyMap<string, number>, isNode: readonly boolean[], anc: Int32Array, edges: EdgeSet): AgentGraphExternalLink[] {
  const nodeFor = (i: number): number => (isNode[i] ? i : (anc[i] ?? -1));
  const external: Array<{ link: AgentGraphExternalLink; from: number }> = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (item.span.links.length === 0) return;
    const from = nodeFor(i);
    if (from === -1) return;
    for (const link of item.span.links) {
      const j = link.traceId.toLowerCase() === item.span.traceId.toLowerCase() ? index.get(link.spanId) : undefined;
      if (j !== undefined) {
        const to = nodeFor(j);
        if (to !== -1) edges.add('link', from, to);
        continue;
      }
      const fromId = (items[from] as Item).span.spanId;
      const key = `${fromId} ${link.traceId} ${link.spanId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      external.push({ from, link: { from: fromId, traceId: link.traceId, spanId: link.spanId, attributes: link.attributes } });
    }
  });
  return external
    .sort((x, y) => x.from - y.from || cmp(x.link.traceId, y.link.traceId) || cmp(x.link.spanId, y.link.spanId))
    .map((e) => e.link);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function siblingKey(parent: number, key: string): string {
  return `${parent}\u0000${key}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Position of the first index in `sorted` (ascending) greater than `i`. */
function firstAfter(sorted: readonly number[], i: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of the first index in `sorted` (indexes in start order) whose item starts at or after `t`. */
function firstAtOrAfter(sorted: readonly number[], t: bigint, items: readonly Item[]): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[sorted[mid] as number] as Item).start < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
