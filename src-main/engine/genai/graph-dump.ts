/**
 * A readable, stable text form of an agent graph, for golden fixture outputs and for eyes: the
 * node tree (the `calls` edges) drawn with indentation, then every other edge, then the links that
 * leave the trace. Labels are JSON-quoted, so a name with a newline or quote cannot break a line.
 * Robust to any AgentGraph, hand-made ones included: a parent that is missing or part of a loop
 * makes a root, and every node is printed exactly once.
 */
import type { AgentGraph, AgentGraphNode } from '../../../src-shared/contract';

export function dumpAgentGraph(graph: AgentGraph): string {
  const byId = new Map<string, AgentGraphNode>();
  for (const node of graph.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  const children = new Map<string, AgentGraphNode[]>();
  const roots: AgentGraphNode[] = [];
  for (const node of byId.values()) {
    const parent = node.parentId === null ? undefined : byId.get(node.parentId);
    if (parent === undefined || parent === node) roots.push(node);
    else {
      const list = children.get(parent.id);
      if (list) list.push(node);
      else children.set(parent.id, [node]);
    }
  }

  const lines = [`agent graph of trace ${graph.traceId ?? '(none)'}: ${byId.size} nodes, ${graph.edges.length} edges`];
  const printed = new Set<string>();
  // Iterative depth-first walk: traces can nest thousands deep.
  const walk = (root: AgentGraphNode): void => {
    const stack: Array<{ node: AgentGraphNode; prefix: string; last: boolean; top: boolean }> = [{ node: root, prefix: '', last: true, top: true }];
    while (stack.length > 0) {
      const { node, prefix, last, top } = stack.pop() as (typeof stack)[number];
      if (printed.has(node.id)) continue;
      printed.add(node.id);
      lines.push(top ? describe(node) : `${prefix}${last ? '└─ ' : '├─ '}${describe(node)}`);
      const kids = (children.get(node.id) ?? []).filter((k) => !printed.has(k.id));
      const inner = top ? '' : prefix + (last ? '   ' : '│  ');
      for (let k = kids.length - 1; k >= 0; k--) stack.push({ node: kids[k] as AgentGraphNode, prefix: inner, last: k === kids.length - 1, top: false });
    }
  };
  for (const root of roots) walk(root);
  // Nodes only reachable through a parent loop: printed as roots so none is lost.
  for (const node of byId.values()) if (!printed.has(node.id)) walk(node);

  const others = graph.edges.filter((e) => e.type !== 'calls');
  if (others.length > 0) {
    lines.push('edges:');
    for (const e of others) {
      const extra = [e.match, e.count > 1 ? `×${e.count}` : undefined].filter((x) => x !== undefined);
      lines.push(`  ${e.type} ${ref(byId, e.from)} → ${ref(byId, e.to)}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`);
    }
  }
  if (graph.externalLinks.length > 0) {
    lines.push('external links:');
    for (const l of graph.externalLinks) lines.push(`  ${ref(byId, l.from)} → trace ${l.traceId} span ${l.spanId}`);
  }
  return lines.join('\n') + '\n';
}

function describe(node: AgentGraphNode): string {
  const bits = [`${node.kind} ${JSON.stringify(node.label)} #${node.id}`, `${round(node.durationMs)}ms`];
  if (node.model !== null && node.model !== node.label) bits.push(`model=${JSON.stringify(node.model)}`);
  if (node.inputTokens !== null || node.outputTokens !== null || node.totalTokens !== null) {
    bits.push(`tokens=${node.inputTokens ?? '?'}/${node.outputTokens ?? '?'}/${node.totalTokens ?? '?'}`);
    // Tokens without a cost is what the table calls "no price".
    bits.push(node.costUsd === null ? 'cost=no price' : `cost=$${node.costUsd}`);
  } else if (node.costUsd !== null) {
    bits.push(`cost=$${node.costUsd}`);
  }
  if (node.status === 'error') {
    const failures = node.count > 1 ? ` ${node.errorCount}/${node.count}` : '';
    bits.push(`ERROR${failures}${node.errorMessage !== null ? ` ${JSON.stringify(node.errorMessage)}` : ''}`);
  }
  if (node.count > 1) bits.push(`×${node.count}`);
  return bits.join(' ');
}

function ref(byId: ReadonlyMap<string, AgentGraphNode>, id: string): string {
  const node = byId.get(id);
  return node ? `${node.kind} ${JSON.stringify(node.label)} #${id}` : `#${id}`;
}

/** Three decimals at most, so float noise in a duration never changes a golden file. */
function round(ms: number): string {
  return String(Math.round(ms * 1000) / 1000);
}
