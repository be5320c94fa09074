/**
 * What one dialect says about a span, before precedence is applied: the GenAiSpan fields it could
 * read, plus the raw material normalize.ts turns into fields itself (a tool call's arguments and
 * result become messages; a reported cost competes with the price table).
 */
import type { AttributeValue, GenAiKind, GenAiSpan, LogRecordView, SpanRecord } from '../../../src-shared/contract';
import type { AttributeIndex } from './values';

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
  /** The span's attribute keys, indexed once (families, markers). */
  index: AttributeIndex;
  /**
   * Values several fields derive from, computed on first use and kept for the rest of this span
   * (a JSON text read by two fields is parsed once). Each dialect owns its own entries. Created on
   * first use: most spans never need it.
   */
  memo: Map<string, unknown> | null;
}

/**
 * A dialect as field readers: each returns what the dialect says about one field, undefined when
 * it says nothing usable. Fields are read one at a time, in dialect precedence order, and only until
 * one yields a value, so what a higher-precedence dialect already answered is never computed.
 */
export type DialectReader = { readonly [K in keyof Reading]?: (ctx: DialectContext) => Reading[K] };

/** `ctx.memo[key]`, computed by `make` the first time. */
export function memo<T>(ctx: DialectContext, key: string, make: (ctx: DialectContext) => T): T {
  ctx.memo ??= new Map();
  if (ctx.memo.has(key)) return ctx.memo.get(key) as T;
  const v = make(ctx);
  ctx.memo.set(key, v);
  return v;
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
