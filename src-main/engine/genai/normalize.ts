/**
 * One span (and its correlated log records) → GenAiSpan, whatever dialect it was sent in; null when
 * the span carries no GenAI marker. Precedence, the same for every field: the OTel reader (current
 * names, then deprecated ones), then OpenInference, then OpenLLMetry's own names; the first that
 * yields a usable value wins (docs/genai-normalization.md has the table). Never throws and never
 * modifies the span: its raw attributes stay the record of what was sent.
 *
 * Cost: this runs for every span compaction inserts, on the store's single writer thread. So the
 * attribute keys are indexed in one pass (markers, indexed families), and fields are read one by
 * one, each from the dialects in precedence order only until one answers: a source that a better
 * one already beat is never parsed or rebuilt.
 */
import type { GenAiKind, GenAiMessage, GenAiSpan, LogRecordView, SpanRecord } from '../../../src-shared/contract';
import { OTEL, otelKind } from './dialects/otel';
import { OPENINFERENCE, openInferenceKind } from './dialects/openinference';
import { OPENLLMETRY, requestTypeKind, traceloopKind } from './dialects/openllmetry';
import { LANGCHAIN, langGraphAgent } from './dialects/langchain';
import { LLAMAINDEX, llamaIndexAgent, llamaIndexKind } from './dialects/llamaindex';
import { CREWAI } from './dialects/crewai';
import { OPENAI_AGENTS } from './dialects/openai-agents';
import { VERCEL_AI, aiSdkKind, aiSdkProvider } from './dialects/vercel-ai';
import { LANGCHAIN_AGENT, isLangChainAgentRun } from './dialects/langchain-agent';
import { AUTOGEN } from './dialects/autogen';
import { SMOLAGENTS } from './dialects/smolagents';
import { STRANDS } from './dialects/strands';
import { codingAgentKind } from './dialects/coding-agent-spans';
import { payload } from './messages';
import { costAt, findPrice, type PriceMatch, type PriceOptions } from './prices';
import { OPERATION_OF_KIND, type DialectContext, type DialectReader, type Reading } from './reading';
import { indexAttributes, str, type AttributeIndex } from './values';

export interface NormalizeOptions extends PriceOptions {
  /**
   * `full` (default): every field. `index`: only what the store indexes at ingest, i.e. what trace
   * rollups and list filters need (INDEX_FIELDS); compaction runs this on every span, on the single
   * writer thread, and reads complete the rest from the raw attributes (store/genai-facets.ts
   * completeGenAi), so parsing chat history or finish reasons at ingest would be thrown away.
   */
  scope?: 'full' | 'index';
}

/** The fields an `index` reading has: rollupTrace's and the list filters' inputs. */
export const INDEX_FIELDS = [
  'kind', 'requestModel', 'responseModel', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'totalTokens', 'costUsd',
  'agentName', 'toolName', 'sessionId', 'handoffFrom', 'handoffTo',
] as const satisfies ReadonlyArray<keyof GenAiSpan>;

/**
 * Precedence order: the first dialect that yields a usable value for a field wins. The Vercel AI
 * SDK's reader answers only for spans its `ai.operationId` marks (its `gen_ai.*` names there are a
 * partial copy of its `ai.*` ones), so it comes first at the cost of one check for other spans. A
 * framework's own shapes inside a dialect (Strands in OTel; LangChain's, LlamaIndex's, CrewAI's,
 * smolagents' and AutoGen's in OpenInference) are read just before that dialect.
 */
const DIALECTS: readonly DialectReader[] = [VERCEL_AI, STRANDS, OTEL, LANGCHAIN, LLAMAINDEX, CREWAI, SMOLAGENTS, AUTOGEN, OPENINFERENCE, OPENLLMETRY, OPENAI_AGENTS, LANGCHAIN_AGENT];

type Chain<K extends keyof Reading> = ReadonlyArray<(c: DialectContext) => Reading[K]>;

/**
 * Per field, the readers of the dialects that have one, in precedence order. Built once so a
 * field's read is a walk over a short array, not a lookup by field name in every dialect.
 */
const CHAINS = ((): { readonly [K in keyof Reading]-?: Chain<K> } => {
  const out: Partial<Record<keyof Reading, Array<(c: DialectContext) => unknown>>> = {};
  for (const dialect of DIALECTS) {
    for (const field of Object.keys(dialect) as Array<keyof Reading>) (out[field] ??= []).push(dialect[field]!);
  }
  return out as { readonly [K in keyof Reading]-?: Chain<K> };
})();

const PROVIDER_ALIASES: Record<string, string> = {
  mistralai: 'mistral_ai',
  xai: 'x_ai',
  vertexai: 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  aws_bedrock: 'aws.bedrock',
  'az.ai.inference': 'azure.ai.inference',
  'az.ai.openai': 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
};

/** The options when none are given: one object, so per-options caches (priceOf) work for them too. */
const DEFAULT_OPTIONS: NormalizeOptions = {};

export function normalizeSpan(span: SpanRecord, logs?: readonly LogRecordView[], options: NormalizeOptions = DEFAULT_OPTIONS): GenAiSpan | null {
  try {
    return normalize(span, logsOf(span, logs ?? []), options);
  } catch {
    // Ingest must not fail on a span we cannot read; the span keeps its raw attributes, unannotated.
    return null;
  }
}

function normalize(span: SpanRecord, logs: readonly LogRecordView[], options: NormalizeOptions): GenAiSpan | null {
  // Attribute families that make a span a GenAI span (see indexAttributes); `session.id`,
  // `user.id`, `input.value` alone do not.
  const index = indexAttributes(span.attributes);
  if (!index.marked && !eventMarked(span, logs)) return null;

  // Framework shapes (dialects/<framework>.ts): LlamaIndex's request-building LLM methods are no
  // model calls; LangGraph's and LlamaIndex's workflow agents arrive as chain spans.
  const stated = llamaIndexKind(span, codingAgentKind(span, kindOf(span, index)));
  const frameworkAgent = langGraphAgent(span, stated) ?? llamaIndexAgent(span, stated);
  const kind = frameworkAgent !== undefined ? 'agent' : stated;
  const c: DialectContext = { span, kind, logs, index, memo: null };

  const out: GenAiSpan = { kind };
  const full = options.scope !== 'index';
  if (full) {
    const operation = read(c, CHAINS.operation) ?? OPERATION_OF_KIND[kind];
    if (operation !== undefined) out.operation = operation;
    const provider = read(c, CHAINS.provider);
    if (provider !== undefined) out.provider = providerName(provider);
  }
  const requestModel = read(c, CHAINS.requestModel);
  if (requestModel !== undefined) out.requestModel = requestModel;
  const responseModel = read(c, CHAINS.responseModel);
  if (responseModel !== undefined) out.responseModel = responseModel;
  const inputTokens = read(c, CHAINS.inputTokens);
  if (inputTokens !== undefined) out.inputTokens = inputTokens;
  const outputTokens = read(c, CHAINS.outputTokens);
  if (outputTokens !== undefined) out.outputTokens = outputTokens;
  const cacheReadTokens = read(c, CHAINS.cacheReadTokens);
  if (cacheReadTokens !== undefined) out.cacheReadTokens = cacheReadTokens;
  const cacheWriteTokens = read(c, CHAINS.cacheWriteTokens);
  if (cacheWriteTokens !== undefined) out.cacheWriteTokens = cacheWriteTokens;
  if (full) {
    const reasoningTokens = read(c, CHAINS.reasoningTokens);
    if (reasoningTokens !== undefined) out.reasoningTokens = reasoningTokens;
  }
  const usageKnown = inputTokens !== undefined || outputTokens !== undefined;
  const total = read(c, CHAINS.totalTokens) ?? (usageKnown ? (inputTokens ?? 0) + (outputTokens ?? 0) : undefined);
  if (total !== undefined) out.totalTokens = total;
  const cost = costOf(c, { responseModel, requestModel, inputTokens, outputTokens, cacheReadTokens }, usageKnown, options);
  if (cost !== undefined) out.costUsd = cost;

  const agentName = read(c, CHAINS.agentName) ?? frameworkAgent ?? (kind === 'agent' ? nameAfter(span.name, AGENT_NAME_PREFIXES) : undefined);
  if (agentName !== undefined) out.agentName = agentName;
  const toolName = read(c, CHAINS.toolName) ?? (kind === 'tool' ? nameAfter(span.name, TOOL_NAME_PREFIXES) : undefined);
  if (toolName !== undefined) out.toolName = toolName;
  const toolCallId = full ? read(c, CHAINS.toolCallId) : undefined;
  if (toolCallId !== undefined) out.toolCallId = toolCallId;
  const sessionId = read(c, CHAINS.sessionId);
  if (sessionId !== undefined) out.sessionId = sessionId;
  // Indexed too: a handoff span is not a tool call in the trace's rollup (rollup-state.ts), and the
  // graph of a huge trace, built from stored readings, draws its edge. Two key lookups a span.
  const handoffFrom = read(c, CHAINS.handoffFrom);
  if (handoffFrom !== undefined) out.handoffFrom = handoffFrom;
  const handoffTo = read(c, CHAINS.handoffTo);
  if (handoffTo !== undefined) out.handoffTo = handoffTo;
  if (!full) return out;
  const userId = read(c, CHAINS.userId);
  if (userId !== undefined) out.userId = userId;
  const finishReasons = read(c, CHAINS.finishReasons);
  if (finishReasons !== undefined) out.finishReasons = finishReasons;

  // A handoff span's input and output are the agents' names, not a tool call's arguments and result.
  const toolCall = kind === 'tool' && handoffFrom === undefined && handoffTo === undefined;
  const inputMessages = read(c, CHAINS.inputMessages) ?? (toolCall ? toolInput(c, toolCallId, toolName) : undefined);
  if (inputMessages !== undefined) out.inputMessages = inputMessages;
  const outputMessages = read(c, CHAINS.outputMessages) ?? (toolCall ? toolOutput(c, toolCallId) : undefined);
  if (outputMessages !== undefined) out.outputMessages = outputMessages;
  const systemInstructions = read(c, CHAINS.systemInstructions);
  if (systemInstructions !== undefined) out.systemInstructions = systemInstructions;
  const toolDefinitions = read(c, CHAINS.toolDefinitions);
  if (toolDefinitions !== undefined) out.toolDefinitions = toolDefinitions;
  return out;
}

/** A span event or correlated log record named `gen_ai.*` also makes a span GenAI. */
function eventMarked(span: SpanRecord, logs: readonly LogRecordView[]): boolean {
  for (const ev of span.events) if (ev.name.startsWith('gen_ai.')) return true;
  for (const log of logs) if ((log.eventName || str(log.attributes['event.name']) || '').startsWith('gen_ai.')) return true;
  return false;
}

/**
 * One field, from the first reader of its chain (dialect precedence order) that yields a value;
 * later dialects are not asked. A value of null counts as yielded (tool arguments may be null).
 */
function read<K extends keyof Reading>(c: DialectContext, chain: Chain<K>): Reading[K] {
  for (const reader of chain) {
    const v = reader(c);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The kind every dialect's marker states, in precedence order; a marker that maps to `other` (an
 * unknown value) gives way to a later one that knows better. No marker at all: inferred from what
 * the span carries (a model or tokens: llm; a tool name: tool; an agent name: agent).
 */
function kindOf(span: SpanRecord, index: AttributeIndex): GenAiKind {
  const a = span.attributes;
  let stated = false;
  for (const k of [index.aiSdk ? aiSdkKind(a) : undefined, otelKind(a), openInferenceKind(a), traceloopKind(a), requestTypeKind(a)]) {
    if (k === undefined) continue;
    // A LangChain agent's run arrives as a chain named by the agent (dialects/langchain-agent.ts).
    if (k === 'chain' && isLangChainAgentRun(span)) return 'agent';
    if (k !== 'other') return k;
    stated = true;
  }
  if (stated) return 'other';
  if (a['gen_ai.tool.name'] !== undefined || a['tool.name'] !== undefined || span.name.startsWith('execute_tool ')) return 'tool';
  if (a['gen_ai.agent.name'] !== undefined || a['agent.name'] !== undefined || span.name.startsWith('invoke_agent ')) return 'agent';
  if (a['gen_ai.request.model'] !== undefined || a['gen_ai.response.model'] !== undefined || a['llm.model_name'] !== undefined || index.usage) return 'llm';
  return 'other';
}

function providerName(raw: string): string {
  const p = raw.toLowerCase();
  return PROVIDER_ALIASES[p] ?? aiSdkProvider(p) ?? p;
}

const AGENT_NAME_PREFIXES = ['invoke_agent ', 'create_agent '];
const TOOL_NAME_PREFIXES = ['execute_tool '];

/** `invoke_agent planner` → `planner`: the span-name convention, used only when no attribute names it. */
function nameAfter(spanName: string, prefixes: readonly string[]): string | undefined {
  for (const p of prefixes) {
    if (spanName.startsWith(p)) {
      const rest = spanName.slice(p.length).trim();
      if (rest !== '') return rest;
    }
  }
  return undefined;
}

/**
 * A tool span's arguments and result as the chat history would show them: the assistant's
 * tool_call and the tool's tool_call_response, with the call id, so the agent graph can match a
 * result to the LLM call that consumes it. Only when the producer captured them.
 */
function toolInput(c: DialectContext, toolCallId: string | undefined, toolName: string | undefined): GenAiMessage[] | undefined {
  const args = read(c, CHAINS.toolArguments);
  if (args === undefined) return undefined;
  return [{ role: 'assistant', parts: [{ type: 'tool_call', id: toolCallId ?? null, name: toolName ?? 'unknown', arguments: payload(args) }] }];
}

function toolOutput(c: DialectContext, toolCallId: string | undefined): GenAiMessage[] | undefined {
  const result = read(c, CHAINS.toolResult);
  if (result === undefined) return undefined;
  return [{ role: 'tool', parts: [{ type: 'tool_call_response', id: toolCallId ?? null, response: payload(result) }] }];
}

/**
 * Which cost wins: a user override price (the user said so) → the cost the span reports itself
 * (OpenInference `llm.cost.*`: the instrumentation saw the real bill, discounts included) → the
 * shipped table. Tokens but no price anywhere: null ("no price"). No tokens and no reported
 * cost: absent.
 */
function costOf(c: DialectContext, r: Reading, usageKnown: boolean, options: NormalizeOptions): number | null | undefined {
  const match = usageKnown ? priceOf(r.responseModel, r.requestModel, options) : undefined;
  if (match?.from === 'override') return costAt(r, match.price);
  const reported = read(c, CHAINS.reportedCostUsd);
  if (reported !== undefined) return reported;
  if (!usageKnown) return undefined;
  return match ? costAt(r, match.price) : null;
}

/**
 * findPrice per (response, request) model pair, remembered per options object: compaction asks
 * for the same few pairs millions of times with one options object. Bounded, since model names
 * come from the wire.
 */
const priceCaches = new WeakMap<NormalizeOptions, Map<string, PriceMatch | null>>();
const PRICE_CACHE_MAX = 4096;

function priceOf(response: string | undefined, request: string | undefined, options: NormalizeOptions): PriceMatch | undefined {
  let cache = priceCaches.get(options);
  if (!cache) priceCaches.set(options, (cache = new Map()));
  const key = `${response ?? ''}\u0000${request ?? ''}`;
  let match = cache.get(key);
  if (match === undefined) {
    match = findPrice([response, request], options) ?? null;
    if (cache.size >= PRICE_CACHE_MAX) cache.clear();
    cache.set(key, match);
  }
  return match ?? undefined;
}

/** The records of this span, oldest first (a record without a time sorts by its observed time). */
function logsOf(span: SpanRecord, logs: readonly LogRecordView[]): readonly LogRecordView[] {
  // Compaction passes none: skip the filter/sort allocations.
  if (logs.length === 0) return logs;
  const mine = logs.filter((log) => log.spanId === span.spanId && (log.traceId === null || log.traceId === span.traceId));
  const at = (log: LogRecordView): bigint => {
    const t = /^\d{1,20}$/.test(log.timeUnixNano) && log.timeUnixNano !== '0' ? log.timeUnixNano : log.observedTimeUnixNano;
    return /^\d{1,20}$/.test(t) ? BigInt(t) : 0n;
  };
  return mine
    .map((log, i) => ({ log, i, t: at(log) }))
    .sort((x, y) => (x.t < y.t ? -1 : x.t > y.t ? 1 : x.i - y.i))
    .map((x) => x.log);
}
