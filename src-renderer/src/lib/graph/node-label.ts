// The text a graph node shows (drawn by cytoscape on canvas, so span text stays text): kind badge
// and name (a handoff span: "HANDOFF · from", "→ to"), ×N for a fold; duration, tokens and cost ("no
// price" when tokens are known and cost is not; numbers through lib/format.ts); failures with their
// count. Cut to a fixed number of characters because cytoscape can
// ellipsize only single-line labels.
import type { AgentGraphNode, GenAiKind } from '../../../../src-shared/contract';
import { formatDuration, formatTokens, formatUsd } from '../format';
import type { HandoffView } from './handoff';
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
export const LINE_CHARS = 25;

export function clip(text: string, max = LINE_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Total tokens, else input + output when either is known; null when none is. */
export function tokensOf(node: AgentGraphNode): number | null {
  if (node.totalTokens !== null) return node.totalTokens;
  if (node.inputTokens === null && node.outputTokens === null) return null;
  return (node.inputTokens ?? 0) + (node.outputTokens ?? 0);
}

/**
 * `handoff`: the node is a handoff span, shown as "HANDOFF · <from>" over "→ <to>" instead of its
 * tool name (both names do not fit one line).
 */
export function nodeLabel(node: AgentGraphNode, handoff?: HandoffView): string {
  const times = node.count > 1 ? ` ×${node.count.toLocaleString('en-US')}` : '';
  const head = handoff ? 'HANDOFF · ' : `${KIND_BADGE[node.kind] ?? 'SPAN'} · `;
  const name = handoff ? (handoff.from ?? 'unknown agent') : node.label;
  const lines = [head + clip(name, LINE_CHARS - head.length - times.length) + times];
  if (handoff) lines.push(`→ ${clip(handoff.to, LINE_CHARS - 2)}`);
  const facts = [formatDuration(node.durationMs)];
  const tokens = tokensOf(node);
  if (tokens !== null) facts.push(`${formatTokens(tokens)} tok`);
  if (node.costUsd !== null) facts.push(formatUsd(node.costUsd));
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
export function nodeSummary(node: AgentGraphNode, handoff?: HandoffView): string {
  return nodeLabel(node, handoff).replace(/\n/g, ' — ');
}
