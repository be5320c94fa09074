// The GenAI cells of a trace row: models, tokens and cost, from the trace's rollup. "—" means the
// trace has no GenAI span (nothing to say); "no price" means tokens were counted but no model in
// the trace has a price, which is a different thing from costing nothing.
import type { TraceSummary } from '../../../../src-shared/contract';
import { formatTokens as tokens, formatUsd } from '../format';

export const NONE = '—';
export const NO_PRICE = 'no price';

export function formatModels(t: TraceSummary): string {
  const models = t.genai?.models ?? [];
  return models.length > 0 ? models.join(', ') : NONE;
}

export function formatTokens(t: TraceSummary): string {
  return t.genai ? tokens(t.genai.totalTokens) : NONE;
}

/** "in 1,200 · out 80", for the tokens cell's tooltip; undefined when there is nothing to split. */
export function tokensTitle(t: TraceSummary): string | undefined {
  if (!t.genai) return undefined;
  return `in ${tokens(t.genai.inputTokens)} · out ${tokens(t.genai.outputTokens)}`;
}

export function formatCost(t: TraceSummary): string {
  const g = t.genai;
  if (!g) return NONE;
  if (g.costUsd !== null) return formatUsd(g.costUsd);
  return g.totalTokens > 0 ? NO_PRICE : NONE;
}
