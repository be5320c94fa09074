/**
 * How GenAI readings are stored and indexed, shared by the compactor (writes) and the queries (reads).
 */
import type { GenAiSpan } from '../../../src-shared/contract';

/**
 * The reserved attribute keys under which a trace's GenAI filter values (TraceListQuery model,
 * agent, tool, kind) are indexed as `kv` tokens of its search document. The leading NUL keeps them
 * apart from any key a producer sends in practice.
 */
export const FACET = {
  model: '\u0000genai.model',
  agent: '\u0000genai.agent',
  tool: '\u0000genai.tool',
  kind: '\u0000genai.kind',
} as const;

/**
 * Fields left out of spans.genai: they are the span's own content attributes (or events) in
 * another shape, often kilobytes of chat history, and the raw attributes are kept anyway, so
 * storing them again would double a GenAI store's size. Reads derive them again (normalizeSpan).
 */
const CONTENT_FIELDS = ['inputMessages', 'outputMessages', 'systemInstructions', 'toolDefinitions'] as const;

/** spans.genai: the reading without its content fields. */
export function storedGenAi(g: GenAiSpan): string {
  const slim: Partial<GenAiSpan> = { ...g };
  for (const f of CONTENT_FIELDS) delete slim[f];
  return JSON.stringify(slim);
}

/**
 * The reading a read returns: what was stored at ingest wins (so tokens and cost agree with the
 * trace's rollup even if prices changed since), completed by a fresh reading's fields the stored
 * one lacks (the content fields, and what later log records added, e.g. finish reasons).
 */
export function completeGenAi(stored: GenAiSpan | undefined, fresh: GenAiSpan | null): GenAiSpan | undefined {
  if (!fresh) return stored;
  return stored ? { ...fresh, ...stored } : fresh;
}
