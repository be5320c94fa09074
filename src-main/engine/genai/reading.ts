/**
 * What one dialect says about a span, before precedence is applied: the GenAiSpan fields it could
 * read, plus the raw material normalize.ts turns into fields itself (a tool call's arguments and
 * result become messages; a reported cost competes with the price table).
 */
import type { AttributeValue, GenAiKind, GenAiSpan, LogRecordView, SpanRecord } from '../../../src-shared/contract';

export type Reading = Partial<Omit<GenAiSpan, 'kind' | 'costUsd'>> & {
  toolArguments?: AttributeValue;
  toolResult?: AttributeValue;
  /** USD the instrumentation computed itself (OpenInference `llm.cost.*`). */
  reportedCostUsd?: number;
};

export interface DialectContext {
  span: SpanRecord;
  /** The kind already decided from every dialect's markers (some fields depend on it). */
  kind: GenAiKind;
  /** Log records of this span, in time order. */
  logs: readonly LogRecordView[];
}

/** The reading without its undefined entries, so merged objects have no `key: undefined`. */
export function defined<T extends object>(r: T): T {
  const out = { ...r };
  for (const key of Object.keys(out) as Array<keyof T>) if (out[key] === undefined) delete out[key];
  return out;
}

/** The OTel operation name that a kind implies, when a dialect states a kind but no operation. */
export const OPERATION_OF_KIND: Partial<Record<GenAiKind, string>> = {
  agent: 'invoke_agent',
  llm: 'chat',
  tool: 'execute_tool',
  embedding: 'embeddings',
  retriever: 'retrieval',
  workflow: 'invoke_workflow',
};
