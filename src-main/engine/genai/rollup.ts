/**
 * The GenAI totals of one trace, from its normalized spans. Pure.
 *
 * Tokens and cost are summed over the innermost spans that report them: an agent or workflow span
 * that reports its children's usage as its own (several frameworks do) would otherwise count twice.
 * Rejected: summing llm spans only, which loses usage reported on agent spans whose LLM calls were
 * not instrumented.
 */
import type { GenAiSpan, GenAiTraceRollup, HexId } from '../../../src-shared/contract';

export interface RollupItem {
  spanId: HexId;
  parentSpanId: HexId | null;
  genai: GenAiSpan | null | undefined;
}

function carriesUsage(g: GenAiSpan): boolean {
  return g.inputTokens !== undefined || g.outputTokens !== undefined || g.totalTokens !== undefined || typeof g.costUsd === 'number';
}

/** Items in start-time order; the session id is the earliest one named. */
export function rollupTrace(items: readonly RollupItem[]): GenAiTraceRollup {
  const parentOf = new Map<HexId, HexId | null>();
  for (const item of items) parentOf.set(item.spanId, item.parentSpanId);

  // Every ancestor of a span that carries usage is not innermost. The walk stops at a missing
  // parent and after as many steps as there are spans, so a parent cycle cannot loop forever.
  const hasUsageBelow = new Set<HexId>();
  for (const item of items) {
    if (!item.genai || !carriesUsage(item.genai)) continue;
    let parent = item.parentSpanId;
    for (let steps = 0; parent !== null && steps < items.length && !hasUsageBelow.has(parent); steps++) {
      hasUsageBelow.add(parent);
      parent = parentOf.get(parent) ?? null;
    }
  }

  const rollup: GenAiTraceRollup = {
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    costUsd: null,
    models: [],
    agents: [],
    llmCalls: 0,
    toolCalls: 0,
    sessionId: null,
  };
  const models = new Set<string>();
  const agents = new Set<string>();
  let cost = 0;
  let priced = false;
  for (const { spanId, genai: g } of items) {
    if (!g) continue;
    if (g.kind === 'llm') rollup.llmCalls++;
    if (g.kind === 'tool') rollup.toolCalls++;
    const model = g.responseModel ?? g.requestModel;
    if (model !== undefined && (g.kind === 'llm' || g.kind === 'embedding' || g.kind === 'reranker')) models.add(model);
    if (g.agentName !== undefined && g.kind === 'agent') agents.add(g.agentName);
    if (rollup.sessionId === null && g.sessionId !== undefined) rollup.sessionId = g.sessionId;
    if (hasUsageBelow.has(spanId)) continue;
    rollup.inputTokens += g.inputTokens ?? 0;
    rollup.outputTokens += g.outputTokens ?? 0;
    rollup.totalTokens += g.totalTokens ?? (g.inputTokens ?? 0) + (g.outputTokens ?? 0);
    if (typeof g.costUsd === 'number') {
      cost += g.costUsd;
      priced = true;
    }
  }
  rollup.costUsd = priced ? Math.round(cost * 1e10) / 1e10 : null;
  rollup.models = [...models].sort();
  rollup.agents = [...agents].sort();
  return rollup;
}
