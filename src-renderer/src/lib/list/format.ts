// The GenAI cells of a trace row: models, tokens and cost, from the trace's rollup. "—" means the
// trace has no GenAI span (nothing to say); "no price" means tokens were counted but no model in
// the trace has a price, which is a different thing from costing nothing.
import type { TraceSummary } from '../../../../src-shared/contract';

export const NONE = '—';
export const NO_PRICE = 'no price';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatModels(t: TraceSummary): string {
  const models = t.genai?.models ?? [];
  return models.length > 0 ? models.join(', ') : NONE;
}

export function formatTokens(t: TraceSummary): string {
  return t.genai ? integer.format(t.genai.totalTokens) : NONE;
}

/** "in 1,200 · out 80", for the tokens cell's tooltip; undefined when there is nothing to split. */
export function tokensTitle(t: TraceSummary): string | undefined {
  if (!t.genai) return undefined;
  return `in ${integer.format(t.genai.inputTokens)} · out ${integer.format(t.genai.outputTokens)}`;
}

/** USD with as many decimals as a small agent run needs: "$0.0042", "$1.27". */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return NONE;
  if (usd === 0) return '$0.00';
  if (usd < 0.0001) return '<$0.0001';
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function formatCost(t: TraceSummary): string {
  const g = t.genai;
  if (!g) return NONE;
  if (g.costUsd !== null) return formatUsd(g.costUsd);
  return g.totalTokens > 0 ? NO_PRICE : NONE;
}
