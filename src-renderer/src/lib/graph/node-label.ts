// The text a graph node shows (drawn by cytoscape on canvas, so span text stays text): kind badge
// and name, ×N for a fold; duration, tokens and cost ("no price" when tokens are known and cost is
// not); failures with their count. Cut to a fixed number of characters because cytoscape can
// ellipsize only single-line labels.
import type { AgentGraphNode, GenAiKind } from '../../../../src-shared/contract';
import type { MoreInfo } from './view-graph';

export const KIND_BADGE: Readonly<Record<GenAiKind, string>> = {
  agent: 'AGENT',
  llm: 'LLM',
  tool: 'TOOL',
  retriever: 'RETRIEVER',
  embedding: 'EMBEDDING',
  reranker: 'RERANKER',
  chain: 'CHAIN',
  workflow: 'WORKFLOW',
  guardrail: 'GUARDRAIL',
  evaluator: 'EVALUATOR',
  memory: 'MEMORY',
  other: 'SPAN',
};

/** Characters per line that fit the node width at the label font size. */
export const LINE_CHARS = 28;

export function clip(text: string, max = LINE_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes}m ${Math.round((ms - minutes * 60_000) / 1000)}s`;
}

export function formatTokens(n: number): string {
  if (n < 10_000) return n.toLocaleString('en-US');
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  // Two significant digits, never in exponent form ($0.00000016, not $1.6e-7).
  if (usd < 0.01) return `$${usd.toFixed(Math.min(12, 1 - Math.floor(Math.log10(usd))))}`;
  return `$${usd.toFixed(2)}`;
}

/** Total tokens, else input + output when either is known; null when none is. */
export function tokensOf(node: AgentGraphNode): number | null {
  if (node.totalTokens !== null) return node.totalTokens;
  if (node.inputTokens === null && node.outputTokens === null) return null;
  return (node.inputTokens ?? 0) + (node.outputTokens ?? 0);
}

export function nodeLabel(node: AgentGraphNode): string {
  const times = node.count > 1 ? ` ×${node.count.toLocaleString('en-US')}` : '';
  const head = `${KIND_BADGE[node.kind] ?? 'SPAN'} · `;
  const lines = [head + clip(node.label, LINE_CHARS - head.length - times.length) + times];
  const facts = [formatDuration(node.durationMs)];
  const tokens = tokensOf(node);
  if (tokens !== null) facts.push(`${formatTokens(tokens)} tok`);
  if (node.costUsd !== null) facts.push(formatCost(node.costUsd));
  else if (tokens !== null) facts.push('no price');
  lines.push(facts.join(' · '));
  if (node.errorCount > 0 || node.status === 'error') {
    lines.push(node.count > 1 ? `✗ ${node.errorCount.toLocaleString('en-US')} of ${node.count.toLocaleString('en-US')} failed` : '✗ failed');
  }
  return lines.join('\n');
}

export function moreLabel(more: MoreInfo): string {
  if (more.kind === 'page') return `+${more.hiddenChildren.toLocaleString('en-US')} more\n${more.hiddenNodes.toLocaleString('en-US')} nodes · click to show`;
  return `+${more.hiddenNodes.toLocaleString('en-US')} more\nbelow · click to show`;
}

/** One line for screen readers and tests: the same facts as the label. */
export function nodeSummary(node: AgentGraphNode): string {
  return nodeLabel(node).replace(/\n/g, ' — ');
}
