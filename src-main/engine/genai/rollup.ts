/**
 * The GenAI totals of one trace, from its normalized spans. Pure.
 *
 * Tokens and cost are summed over the innermost spans that report them: an agent or workflow span
 * that reports its children's usage as its own (several frameworks do) would otherwise count twice.
 * Rejected: summing llm spans only, which loses usage reported on agent spans whose LLM calls were
 * not instrumented. The rule is implemented once, incrementally, in rollup-state.ts (compaction
 * extends a trace's rollup batch by batch); this is the whole-trace entry point.
 */
import type { GenAiSpan, GenAiTraceRollup, HexId } from '../../../src-shared/contract';
import { TraceRollupState } from './rollup-state';

export interface RollupItem {
  spanId: HexId;
  parentSpanId: HexId | null;
  genai: GenAiSpan | null | undefined;
}

/** Items in start-time order; the session id is the earliest one named. */
export function rollupTrace(items: readonly RollupItem[]): GenAiTraceRollup {
  const state = new TraceRollupState();
  // Their order is their start order, which is all the state needs of `start`.
  items.forEach((item, i) => state.add({ ...item, start: BigInt(i) }));
  return state.rollup();
}
