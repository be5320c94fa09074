/**
 * A trace as a compact tree for a model's context and a terminal (`get_trace`, `flowtrace inspect`):
 * one line per span or run of same-named siblings, with kind, duration, tokens, cost, errors and the
 * agent graph's typed edges. Pure. Invariant: the answer stays within a token budget whatever the
 * trace; what does not fit is counted ("… 40 more spans, 1 failed"), and every failure is named.
 */
import type { AgentEdgeType, AgentGraph, AgentGraphNode, HexId, SpanRecord } from '../../src-shared/contract';
import { buildTraceOutline, PROMOTED_CYCLE, PROMOTED_MISSING_PARENT, STATUS_ERROR, type TraceOutline } from '../../src-shared/trace-outline';
import { formatDuration, formatTokens, formatUsd } from '../../src-shared/format';
import { isHandoff } from '../../src-shared/handoff';
import { buildAgentGraph } from '../engine/genai/graph';

export interface TraceTreeInput {
  outline: TraceOutline;
  /** The uncollapsed agent graph (getAgentGraph without `collapse`); null or absent for a trace without GenAI spans. */
  graph?: AgentGraph | null;
  /** For failed spans whose status says nothing: what their exception event says, by span id. */
  errorMessages?: ReadonlyMap<HexId, string>;
}

export interface TraceTreeOptions {
  /** Levels to show (1: the top spans only); absent: as deep as the budget allows. */
  depth?: number;
  /** Show only this span's subtree, each of its children on its own line (no folding at that level). */
  expand?: HexId;
  /** Siblings with the same kind, name and service fold into one line from this many on (≥ 2, default 3). */
  foldAt?: number;
  /** Approximate token budget of the whole answer (default 6000, so a model reads it in under ~8k). */
  maxTokens?: number;
}

export type TreeEdgeType = Exclude<AgentEdgeType, 'calls'>;

/** A typed edge of the agent graph, seen from a line of the tree. */
export interface TreeEdge {
  type: TreeEdgeType;
  /** `out`: this span → the other (handoff to, tool result read by, retry of, fallback for, link to); `in`: the other → this span. */
  direction: 'in' | 'out';
  spanId: HexId;
  /** The other end's kind and label (agent name, tool, model, span name). */
  kind: string;
  label: string;
  /** Edges of this type and direction behind a folded line; 1 otherwise. */
  count: number;
  /** Distinct spans at the other end of those edges (the first is `spanId`). */
  ends: number;
}

export interface TraceTreeNode {
  /** The span's id; a folded line's first span. */
  spanId: HexId;
  /** GenAI kind (agent, llm, tool, …), or `span` for a span that is not GenAI. */
  kind: string;
  name: string;
  /** Agent name, tool name or model for GenAI spans; else the span name. */
  label: string;
  /** Only where it differs from the line above (or on a top line of a multi-service trace). */
  service?: string;
  /** Spans behind this line: 1, or more for folded siblings. */
  count: number;
  /** Folded lines only: the first spans' ids (at most 20). */
  spanIds?: HexId[];
  /** Milliseconds from the trace start to this (first) span's start. */
  startMs: number;
  /** The span's duration; for a folded line the sum over its spans. */
  durationMs: number;
  /** Folded lines only: the longest of its spans. */
  maxDurationMs?: number;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  costUsd?: number;
  /** Failed spans behind this line. */
  errors: number;
  /** The (first) failed span and what it said ('' when nothing). */
  error?: { spanId: HexId; message: string };
  /** Its parent never arrived, or it sat in a parent cycle: shown as a top line. */
  promoted?: 'missing-parent' | 'cycle';
  edges: TreeEdge[];
  children: TraceTreeNode[];
  /** Spans below this line that are not shown: past the depth limit or over the budget. */
  hidden?: { spans: number; errors: number; reason: 'depth' | 'budget' };
}

export interface FailedSpan {
  spanId: HexId;
  kind: string;
  label: string;
  message: string;
}

export interface TraceTreeGenAi {
  agents: string[];
  models: string[];
  llmCalls: number;
  toolCalls: number;
  /** Usage counted once, on the innermost spans that report it (as the trace list does). */
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** null when no call has a price. */
  costUsd: number | null;
}

export interface TraceTree {
  traceId: HexId;
  rootName: string;
  services: string[];
  startTimeUnixNano: string;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  genai: TraceTreeGenAi | null;
  /** Failed spans in trace order, at most MAX_ERRORS_LISTED; `errorsNotListed` counts the rest. */
  errors: FailedSpan[];
  errorsNotListed: number;
  /** With `expand`: the expanded span and the path from the top down to it (itself excluded). */
  focus?: { spanId: HexId; path: Array<{ spanId: HexId; kind: string; label: string }> };
  depth: number | null;
  foldAt: number;
  roots: TraceTreeNode[];
  /** Top lines that did not fit the budget. */
  hidden?: { spans: number; errors: number; reason: 'budget' };
  /** Some spans are not on any line (depth limit or budget). */
  truncated: boolean;
}

/** Thrown for an `expand` id that is not in the trace: the caller's mistake, said plainly. */
export class TraceTreeError extends Error {
  override name = 'TraceTreeError';
}

export const DEFAULT_FOLD_AT = 3;
export const DEFAULT_MAX_TOKENS = 6000;
const MAX_ERRORS_LISTED = 10;
const MAX_FOLDED_IDS = 20;
/** A folded line names each of its spans up to this many; beyond, its first. */
const MAX_FOLDED_IDS_SHOWN = 4;
/** Edges printed on one line; more are counted. */
const MAX_EDGES_SHOWN = 4;
/** Beyond this depth lines are not indented further but say their depth: 1,000 nested spans would otherwise be mostly spaces. */
const MAX_INDENT = 24;

/**
 * Tokens a model's tokenizer makes of `text`, roughly and on the high side: about four characters
 * of prose a token, but hex ids split into many short pieces (one a character and a half or two).
 */
export function estimateTokens(text: string): number {
  let hex = 0;
  for (const m of text.matchAll(/[0-9a-f]{8,}/g)) hex += m[0].length;
  return Math.ceil((text.length - hex) / 4 + hex / 1.6);
}

interface SpanFacts {
  kind: string;
  label: string;
  model: string | undefined;
  node: AgentGraphNode | undefined;
}

/** Builds the tree; throws TraceTreeError when `expand` names a span the trace does not have. */
export function buildTraceTree(input: TraceTreeInput, options: TraceTreeOptions = {}): TraceTree {
  const o = input.outline;
  const n = o.spanIds.length;
  const foldAt = Math.max(2, Math.floor(options.foldAt ?? DEFAULT_FOLD_AT));
  const maxDepth = options.depth !== undefined ? Math.max(1, Math.floor(options.depth)) : Infinity;
  const budget = Math.max(200, options.maxTokens ?? DEFAULT_MAX_TOKENS);

  const nodeById = new Map<HexId, AgentGraphNode>();
  for (const node of input.graph?.nodes ?? []) if (!nodeById.has(node.spanId)) nodeById.set(node.spanId, node);
  const indexOf = new Map<HexId, number>();
  for (let i = 0; i < n; i++) if (!indexOf.has(o.spanIds[i]!)) indexOf.set(o.spanIds[i]!, i);

  const facts: SpanFacts[] = [];
  for (let i = 0; i < n; i++) {
    const node = nodeById.get(o.spanIds[i]!);
    const name = o.names[o.nameIndex[i]!] ?? '';
    const kind = node?.kind ?? (o.kinds[o.kindIndex[i]!] || 'span');
    const label = node?.label ?? name;
    const model = node?.model !== null && node?.model !== undefined && node.model !== label ? node.model : undefined;
    facts.push({ kind, label, model, node });
  }
  const nameOf = (i: number): string => o.names[o.nameIndex[i]!] ?? '';
  const serviceOf = (i: number): string => o.services[o.serviceIndex[i]!] ?? '';
  const failed = (i: number): boolean => o.status[i] === STATUS_ERROR;
  const messageOf = (i: number): string => o.statusMessage[i] || input.errorMessages?.get(o.spanIds[i]!) || '';

  // Children in tree order (the outline is depth first, siblings by start), subtree sizes and failures.
  const children: number[][] = Array.from({ length: n }, () => []);
  const roots: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = o.parentIndex[i]!;
    if (p < 0) roots.push(i);
    else children[p]!.push(i);
  }
  const subtree = new Int32Array(n).fill(1);
  const subErrors = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    if (failed(i)) subErrors[i]! += 1;
    const p = o.parentIndex[i]!;
    if (p >= 0) {
      subtree[p]! += subtree[i]!;
      subErrors[p]! += subErrors[i]!;
    }
  }

  const edgesOf = edgeIndex(input.graph ?? null, indexOf, facts);

  let top = roots;
  let focus: TraceTree['focus'];
  if (options.expand !== undefined) {
    const at = indexOf.get(options.expand.toLowerCase());
    if (at === undefined) throw new TraceTreeError(`span ${options.expand} is not in trace ${o.traceId}`);
    top = [at];
    const path: Array<{ spanId: HexId; kind: string; label: string }> = [];
    for (let p = o.parentIndex[at]!; p >= 0; p = o.parentIndex[p]!) path.unshift({ spanId: o.spanIds[p]!, kind: facts[p]!.kind, label: facts[p]!.label });
    focus = { spanId: o.spanIds[at]!, path };
  }

  const tree: TraceTree = {
    traceId: o.traceId,
    rootName: roots.length > 0 ? nameOf(roots[0]!) : '',
    services: o.services.filter((s) => s !== ''),
    startTimeUnixNano: o.startTimeUnixNano,
    durationMs: o.durationMs,
    spanCount: n,
    errorCount: 0,
    genai: genaiSummary(input.graph ?? null),
    errors: [],
    errorsNotListed: 0,
    ...(focus ? { focus } : {}),
    depth: Number.isFinite(maxDepth) ? maxDepth : null,
    foldAt,
    roots: [],
    truncated: false,
  };
  for (let i = 0; i < n; i++) {
    if (!failed(i)) continue;
    tree.errorCount++;
    if (tree.errors.length < MAX_ERRORS_LISTED) tree.errors.push({ spanId: o.spanIds[i]!, kind: facts[i]!.kind, label: facts[i]!.label, message: messageOf(i) });
    else tree.errorsNotListed++;
  }

  // Lines are admitted breadth first, so a budget that runs out cuts the deepest detail, not the
  // later siblings; within a level, groups holding a failure go first. Rejected: depth first with a
  // cut-off, which spent the whole budget on the first agent of a long run and showed none of the rest.
  interface Pending {
    members: number[];
    parent: TraceTreeNode | null;
    parentService: string | null;
    depth: number;
    order: number;
  }
  const multiService = tree.services.length > 1;
  const groupsOf = (members: readonly number[], unfold: boolean): number[][] => {
    const byKey = new Map<string, number[]>();
    const all: number[] = [];
    for (const m of members) for (const c of m === -1 ? top : children[m]!) all.push(c);
    all.sort((a, b) => a - b);
    for (const c of all) {
      const key = `${facts[c]!.kind}\u0000${facts[c]!.label}\u0000${nameOf(c)}\u0000${serviceOf(c)}`;
      const list = byKey.get(key);
      if (list) list.push(c);
      else byKey.set(key, [c]);
    }
    const out: number[][] = [];
    for (const list of byKey.values()) {
      if (!unfold && list.length >= foldAt) out.push(list);
      else for (const c of list) out.push([c]);
    }
    return out.sort((a, b) => a[0]! - b[0]!);
  };

  const headerCost = estimateTokens(renderHeader(tree, {})) + 60;
  let used = headerCost;
  let level: Pending[] = groupsOf([-1], options.expand !== undefined).map((members, order) => ({ members, parent: null, parentService: null, depth: 0, order }));
  let exhausted = false;
  const hide = (p: Pending): void => {
    let spans = 0;
    let errors = 0;
    for (const m of p.members) {
      spans += subtree[m]!;
      errors += subErrors[m]!;
    }
    addHidden(p.parent ?? tree, spans, errors, 'budget');
    tree.truncated = true;
  };
  const orderOf = new Map<TraceTreeNode, number>();
  // A line with spans below it holds room for a "… N more spans" line until all its children are in:
  // without it, a budget that ran out at the frontier added one such line per frontier line.
  const reserved = new Map<TraceTreeNode, { tokens: number; waiting: number }>();
  const release = (parent: TraceTreeNode | null): void => {
    const r = parent ? reserved.get(parent) : undefined;
    if (r && --r.waiting === 0) {
      used -= r.tokens;
      reserved.delete(parent!);
    }
  };
  while (level.length > 0) {
    const next: Pending[] = [];
    const admission = [...level].sort((a, b) => Number(hasError(b)) - Number(hasError(a)) || a.order - b.order);
    for (const p of admission) {
      if (exhausted) {
        hide(p);
        continue;
      }
      const node = lineNode(p.members, p.parentService);
      const below = p.members.some((m) => subtree[m]! > 1);
      const reserve = below ? estimateTokens(hiddenLine({ spans: 99_999, errors: 9_999, reason: 'budget' }, p.depth + 1, node.spanId, plain)) + 1 : 0;
      const cost = estimateTokens(renderLine(node, p.depth)) + 1;
      if (used + cost + reserve > budget) {
        exhausted = true;
        hide(p);
        continue;
      }
      used += cost + reserve;
      release(p.parent);
      orderOf.set(node, p.order);
      (p.parent ? p.parent.children : tree.roots).push(node);
      if (p.depth + 1 >= maxDepth) {
        let spans = 0;
        let errors = 0;
        for (const m of p.members) {
          spans += subtree[m]! - 1;
          errors += subErrors[m]! - (failed(m) ? 1 : 0);
        }
        if (spans > 0) {
          node.hidden = { spans, errors, reason: 'depth' };
          tree.truncated = true;
        }
        continue;
      }
      const unfold = options.expand !== undefined && p.depth === 0;
      const groups = groupsOf(p.members, unfold);
      if (reserve > 0) reserved.set(node, { tokens: reserve, waiting: groups.length });
      groups.forEach((members, order) => next.push({ members, parent: node, parentService: serviceOf(p.members[0]!), depth: p.depth + 1, order }));
    }
    level = next;
  }
  // Admission was by errors first; lines read in trace order.
  const sortChildren = (list: TraceTreeNode[]): void => {
    list.sort((a, b) => (orderOf.get(a) ?? 0) - (orderOf.get(b) ?? 0));
    for (const c of list) sortChildren(c.children);
  };
  sortChildren(tree.roots);
  return tree;

  function hasError(p: Pending): boolean {
    return p.members.some((m) => subErrors[m]! > 0);
  }

  function lineNode(members: number[], parentService: string | null): TraceTreeNode {
    const first = members[0]!;
    const f = facts[first]!;
    const service = serviceOf(first);
    const node: TraceTreeNode = {
      spanId: o.spanIds[first]!,
      kind: f.kind,
      name: nameOf(first),
      label: f.label,
      count: members.length,
      startMs: o.startMs[first]!,
      durationMs: 0,
      errors: 0,
      edges: [],
      children: [],
    };
    if (service !== '' && (parentService === null ? multiService : service !== parentService)) node.service = service;
    if (members.length > 1) node.spanIds = members.slice(0, MAX_FOLDED_IDS).map((m) => o.spanIds[m]!);
    if (f.model !== undefined) node.model = f.model;
    let maxDuration = 0;
    // undefined: no span behind the line reports it.
    const usage: { input?: number; output?: number; total?: number; cost?: number } = {};
    const edges = new Map<string, { edge: TreeEdge; ends: Set<HexId> }>();
    for (const m of members) {
      const d = o.durationsMs[m]!;
      node.durationMs += d;
      if (d > maxDuration) maxDuration = d;
      if (failed(m)) {
        node.errors++;
        node.error ??= { spanId: o.spanIds[m]!, message: messageOf(m) };
      }
      const g = facts[m]!.node;
      if (g) {
        if (g.inputTokens !== null) usage.input = (usage.input ?? 0) + g.inputTokens;
        if (g.outputTokens !== null) usage.output = (usage.output ?? 0) + g.outputTokens;
        if (g.totalTokens !== null) usage.total = (usage.total ?? 0) + g.totalTokens;
        if (g.costUsd !== null) usage.cost = (usage.cost ?? 0) + g.costUsd;
      }
      for (const e of edgesOf.get(m) ?? []) {
        const key = `${e.type} ${e.direction}`;
        const have = edges.get(key);
        // Several edges behind one folded line: the first end is named, the others counted.
        if (!have) edges.set(key, { edge: { ...e }, ends: new Set([e.spanId]) });
        else {
          have.edge.count += 1;
          have.ends.add(e.spanId);
          have.edge.ends = have.ends.size;
        }
      }
    }
    if (members.length > 1) node.maxDurationMs = maxDuration;
    if (usage.input !== undefined) node.inputTokens = usage.input;
    if (usage.output !== undefined) node.outputTokens = usage.output;
    if (usage.total !== undefined) node.totalTokens = usage.total;
    if (usage.cost !== undefined) node.costUsd = Math.round(usage.cost * 1e10) / 1e10;
    node.edges = [...edges.values()].map((e) => e.edge);
    if (members.length === 1 && o.parentIndex[first]! < 0) {
      if (o.promoted[first] === PROMOTED_MISSING_PARENT) node.promoted = 'missing-parent';
      else if (o.promoted[first] === PROMOTED_CYCLE) node.promoted = 'cycle';
    }
    return node;
  }
}

function addHidden(target: TraceTreeNode | TraceTree, spans: number, errors: number, reason: 'budget'): void {
  const h = target.hidden;
  if (h) {
    h.spans += spans;
    h.errors += errors;
  } else target.hidden = { spans, errors, reason };
}

/** Every typed edge other than `calls`, by the outline index of each end, as seen from that end. */
function edgeIndex(graph: AgentGraph | null, indexOf: ReadonlyMap<HexId, number>, facts: readonly SpanFacts[]): Map<number, TreeEdge[]> {
  const out = new Map<number, TreeEdge[]>();
  if (!graph) return out;
  const add = (at: number, edge: TreeEdge): void => {
    const list = out.get(at);
    if (list) list.push(edge);
    else out.set(at, [edge]);
  };
  for (const e of graph.edges) {
    if (e.type === 'calls') continue;
    const from = indexOf.get(e.from);
    const to = indexOf.get(e.to);
    if (from === undefined || to === undefined) continue;
    // Each edge is said once, where a reader looks for it: on the new attempt (retry, fallback),
    // the tool (whose result the call read), the linking span; a handoff on both agents.
    add(from, { type: e.type, direction: 'out', spanId: e.to, kind: facts[to]!.kind, label: facts[to]!.label, count: 1, ends: 1 });
    if (e.type === 'handoff') add(to, { type: e.type, direction: 'in', spanId: e.from, kind: facts[from]!.kind, label: facts[from]!.label, count: 1, ends: 1 });
  }
  return out;
}

/** Totals as the trace list computes them: usage on the innermost nodes that report it. */
function genaiSummary(graph: AgentGraph | null): TraceTreeGenAi | null {
  if (!graph || graph.nodes.length === 0) return null;
  const reports = (g: AgentGraphNode): boolean => g.inputTokens !== null || g.outputTokens !== null || g.totalTokens !== null || g.costUsd !== null;
  const byId = new Map(graph.nodes.map((g) => [g.id, g]));
  const usageBelow = new Set<string>();
  for (const g of graph.nodes) {
    if (!reports(g)) continue;
    // Mark ancestors; stop at one already marked (its ancestors are too). A parent loop ends at a seen id.
    const seen = new Set<string>([g.id]);
    for (let p = g.parentId; p !== null && !usageBelow.has(p) && !seen.has(p); p = byId.get(p)?.parentId ?? null) {
      seen.add(p);
      usageBelow.add(p);
    }
  }
  const agents = new Set<string>();
  const models = new Set<string>();
  const out: TraceTreeGenAi = { agents: [], models: [], llmCalls: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: null };
  let cost = 0;
  let priced = false;
  for (const g of graph.nodes) {
    if (g.kind === 'agent') agents.add(g.label);
    if (g.kind === 'llm') out.llmCalls++;
    if (g.kind === 'tool' && !isHandoff({ toolName: g.label })) out.toolCalls++;
    if (g.model !== null && (g.kind === 'llm' || g.kind === 'embedding' || g.kind === 'reranker')) models.add(g.model);
    if (!reports(g) || usageBelow.has(g.id)) continue;
    out.inputTokens += g.inputTokens ?? 0;
    out.outputTokens += g.outputTokens ?? 0;
    out.totalTokens += g.totalTokens ?? (g.inputTokens ?? 0) + (g.outputTokens ?? 0);
    if (g.costUsd !== null) {
      cost += g.costUsd;
      priced = true;
    }
  }
  out.agents = [...agents].sort();
  out.models = [...models].sort();
  out.costUsd = priced ? Math.round(cost * 1e10) / 1e10 : null;
  return out;
}

// ---- Text ----

export interface RenderOptions {
  /** ANSI colours (a terminal); never for a model. */
  color?: boolean;
  /** A last line saying how to see more, in the caller's words (MCP parameters or CLI flags). */
  hint?: string;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', blue: '\x1b[34m', magenta: '\x1b[35m', cyan: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const KIND_COLOR: Record<string, string> = { agent: ANSI.magenta, llm: ANSI.cyan, tool: ANSI.yellow, retriever: ANSI.blue, embedding: ANSI.blue, reranker: ANSI.blue };

type Paint = (code: string, text: string) => string;
const plain: Paint = (_code, text) => text;
const ansi: Paint = (code, text) => `${code}${text}${ANSI.reset}`;

const EDGE_WORDS: Record<TreeEdgeType, { out: string; in: string }> = {
  handoff: { out: '⇒ handoff to', in: '⇐ handoff from' },
  tool_result: { out: '→ result read by', in: '← result of' },
  retry_of: { out: '↻ retry of', in: '↻ retried by' },
  fallback_of: { out: '↪ fallback for', in: '↪ fell back to' },
  link: { out: '→ links to', in: '← linked from' },
};

function quote(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

function tokensText(node: Pick<TraceTreeNode, 'inputTokens' | 'outputTokens' | 'totalTokens'>): string | null {
  if (node.inputTokens !== undefined || node.outputTokens !== undefined) {
    return `${node.inputTokens !== undefined ? formatTokens(node.inputTokens) : '?'}→${node.outputTokens !== undefined ? formatTokens(node.outputTokens) : '?'} tok`;
  }
  return node.totalTokens !== undefined ? `${formatTokens(node.totalTokens)} tok` : null;
}

/** One line of the tree (without its children); `depth` from 0. */
export function renderLine(node: TraceTreeNode, depth: number, paint: Paint = plain): string {
  const indent = '  '.repeat(Math.min(depth, MAX_INDENT)) + (depth > MAX_INDENT ? `[depth ${depth}] ` : '');
  const bits: string[] = [];
  const kindCode = KIND_COLOR[node.kind];
  bits.push(kindCode ? paint(kindCode, node.kind) : paint(ANSI.dim, node.kind));
  bits.push(paint(ANSI.bold, node.label));
  // The span name when it says more than the label ("chat gpt-4o" says nothing more than gpt-4o).
  if (node.name !== node.label && !node.name.includes(node.label)) bits.push(quote(node.name, 80));
  if (node.count > 1) bits.push(`×${node.count}`);
  // Ids right after the name, as the graph dump writes them; a small fold names each of its spans.
  const ids = node.count > 1 && node.count <= MAX_FOLDED_IDS_SHOWN && node.spanIds ? node.spanIds : [node.spanId];
  bits.push(paint(ANSI.dim, ids.map((id) => `#${id}`).join(' ') + (ids.length < node.count ? ' …' : '')));
  if (node.service !== undefined) bits.push(`[${node.service}]`);
  if (node.promoted === 'missing-parent') bits.push('(parent never arrived)');
  if (node.promoted === 'cycle') bits.push('(parent cycle cut here)');
  bits.push(node.count > 1 ? `${formatDuration(node.durationMs)} total` : formatDuration(node.durationMs));
  if (node.model !== undefined) bits.push(node.model);
  const tokens = tokensText(node);
  if (tokens !== null) bits.push(tokens);
  if (node.costUsd !== undefined) bits.push(formatUsd(node.costUsd));
  if (node.errors > 0 && node.error) {
    const msg = node.error.message !== '' ? ` ${quote(node.error.message)}` : '';
    bits.push(node.count > 1 ? paint(ANSI.red, `✗ ${node.errors} failed, first #${node.error.spanId}${msg}`) : paint(ANSI.red, `✗ ERROR${msg}`));
  }
  for (const e of node.edges.slice(0, MAX_EDGES_SHOWN)) {
    const words = EDGE_WORDS[e.type][e.direction];
    const other = e.type === 'handoff' ? `${e.label} #${e.spanId}` : `${e.kind === 'span' ? '' : `${e.kind} `}#${e.spanId}`;
    const more = e.ends > 1 ? ` and ${e.ends - 1} more` : e.count > 1 ? ` (×${e.count})` : '';
    bits.push(paint(ANSI.green, `${words} ${other}${more}`));
  }
  if (node.edges.length > MAX_EDGES_SHOWN) bits.push(`(+${node.edges.length - MAX_EDGES_SHOWN} more edges)`);
  return indent + bits.join(' ');
}

function hiddenLine(hidden: NonNullable<TraceTreeNode['hidden']>, depth: number, under: HexId | null, paint: Paint): string {
  const indent = '  '.repeat(Math.min(depth, MAX_INDENT)) + (depth > MAX_INDENT ? `[depth ${depth}] ` : '');
  const errors = hidden.errors > 0 ? paint(ANSI.red, `, ${hidden.errors} failed`) : '';
  const why = hidden.reason === 'depth' ? 'below the depth limit' : 'not shown';
  const how = under !== null ? `; expand #${under}` : '';
  return paint(ANSI.dim, `${indent}… ${hidden.spans} more span${hidden.spans === 1 ? '' : 's'}`) + errors + paint(ANSI.dim, ` ${why}${how}`);
}

/** A list of names for the header: a supervisor of 100 workers must not fill it. */
function few(names: readonly string[], max = 8): string {
  return names.length > max ? `${names.slice(0, max).join(', ')} and ${names.length - max} more` : names.join(', ');
}

function renderHeader(tree: TraceTree, options: RenderOptions): string {
  const paint = options.color ? ansi : plain;
  const lines: string[] = [];
  const errors = tree.errorCount > 0 ? paint(ANSI.red, `, ${tree.errorCount} failed`) : '';
  const services = tree.services.length > 0 ? ` · ${tree.services.join(', ')}` : '';
  lines.push(`${paint(ANSI.bold, `trace ${tree.traceId}`)} ${quote(tree.rootName, 100)}${services} · ${formatDuration(tree.durationMs)} · ${tree.spanCount} span${tree.spanCount === 1 ? '' : 's'}${errors}`);
  const g = tree.genai;
  if (g) {
    const bits: string[] = [];
    if (g.agents.length > 0) bits.push(`agents ${few(g.agents)}`);
    if (g.llmCalls > 0) bits.push(`${g.llmCalls} llm call${g.llmCalls === 1 ? '' : 's'}${g.models.length > 0 ? ` (${few(g.models)})` : ''}`);
    if (g.toolCalls > 0) bits.push(`${g.toolCalls} tool call${g.toolCalls === 1 ? '' : 's'}`);
    if (g.totalTokens > 0 || g.inputTokens > 0) bits.push(`tokens ${formatTokens(g.inputTokens)} in / ${formatTokens(g.outputTokens)} out`);
    if (g.costUsd !== null) bits.push(`cost ${formatUsd(g.costUsd)}`);
    if (bits.length > 0) lines.push(`genai: ${bits.join(' · ')}`);
  }
  if (tree.errors.length > 0) {
    lines.push(paint(ANSI.red, `failed spans (${tree.errorCount}):`));
    for (const e of tree.errors) lines.push(`  ${e.kind} ${e.label} #${e.spanId}${e.message !== '' ? `: ${quote(e.message, 300)}` : ' (no message)'}`);
    if (tree.errorsNotListed > 0) lines.push(`  … ${tree.errorsNotListed} more`);
  }
  if (tree.focus) {
    const path = tree.focus.path.map((p) => `${p.kind} ${p.label} #${p.spanId}`).join(' › ');
    lines.push(`subtree of #${tree.focus.spanId}${path !== '' ? ` under ${path}` : ' (a top span)'}`);
  }
  return lines.join('\n');
}

/** The tree as text: header (totals, failed spans), then one line per span or folded run. */
export function renderTraceTree(tree: TraceTree, options: RenderOptions = {}): string {
  const paint = options.color ? ansi : plain;
  const lines = [renderHeader(tree, options)];
  // Iterative: a chain of 10k nested spans must not overflow the stack.
  const stack: Array<{ node: TraceTreeNode; depth: number } | { hidden: NonNullable<TraceTreeNode['hidden']>; depth: number; under: HexId | null }> = [];
  if (tree.hidden) stack.push({ hidden: tree.hidden, depth: 0, under: null });
  for (let k = tree.roots.length - 1; k >= 0; k--) stack.push({ node: tree.roots[k]!, depth: 0 });
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ('hidden' in item) {
      lines.push(hiddenLine(item.hidden, item.depth, item.under, paint));
      continue;
    }
    const { node, depth } = item;
    lines.push(renderLine(node, depth, paint));
    if (node.hidden) stack.push({ hidden: node.hidden, depth: depth + 1, under: node.count === 1 ? node.spanId : null });
    for (let k = node.children.length - 1; k >= 0; k--) stack.push({ node: node.children[k]!, depth: depth + 1 });
  }
  if (tree.spanCount === 0) lines.push('(no spans)');
  if (options.hint) lines.push(paint(ANSI.dim, options.hint));
  return lines.join('\n') + '\n';
}

// ---- From full spans (getTrace) ----

/** The tree's input from a trace's full spans, for a caller that has them (tests, files). */
export function traceTreeInputFromSpans(traceId: HexId, spans: readonly SpanRecord[]): TraceTreeInput {
  const outline = buildTraceOutline(
    traceId,
    spans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      service: typeof s.resource.attributes['service.name'] === 'string' ? s.resource.attributes['service.name'] : '',
      startTimeUnixNano: s.startTimeUnixNano,
      endTimeUnixNano: s.endTimeUnixNano,
      status: s.status.code,
      statusMessage: s.status.message,
      genaiKind: s.genai?.kind ?? null,
    })),
  );
  const errorMessages = new Map<HexId, string>();
  for (const s of spans) {
    if (s.status.code !== 'error' || s.status.message !== '') continue;
    const message = exceptionMessage(s);
    if (message !== null) errorMessages.set(s.spanId, message);
  }
  return { outline, graph: buildAgentGraph(spans.map((s) => ({ ...s, genai: s.genai ?? null }))), errorMessages };
}

/** What a span's `exception` event says (`exception.type: exception.message`), if it has one. */
export function exceptionMessage(span: Pick<SpanRecord, 'events'>): string | null {
  const event = span.events.find((e) => e.name === 'exception');
  if (!event) return null;
  const type = event.attributes['exception.type'];
  const message = event.attributes['exception.message'];
  const parts = [typeof type === 'string' ? type : '', typeof message === 'string' ? message : ''].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(': ') : null;
}
