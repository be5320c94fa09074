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
  'agentName', 'toolName', 'sessionId', 'handoffFrom', 'handoffTo', 'userId',
] as const satisfies ReadonlyArray<keyof GenAiSpan>;

/**
 * Precedence order: the first dialect that yields a usable value for a field wins. The Vercel AI
 * SDK's reader answers only for spans its `ai.operationId` marks (its `gen_ai.*` names there are a
 * partial copy of its `ai.*` ones), so it comes first at the cost of one check for other spans. A
 * framework's own shapes inside a dialect (Strands in OTel; LangChain's, LlamaIndex's, CrewAI's,
 * smolagents' and AutoGen's in OpenInference) are read just before that dialect.
 */
const DIALECTS: readonly Gated[] = [
  { reader: VERCEL_AI, gate: 'aiSdk' },
  { reader: STRANDS, gate: 'strands' },
  { reader: OTEL },
  { reader: LANGCHAIN, gate: 'openInference' },
  { reader: LLAMAINDEX, gate: 'openInference' },
  { reader: CREWAI, gate: 'openInference' },
  { reader: SMOLAGENTS, gate: 'openInference' },
  { reader: AUTOGEN, gate: 'openInference' },
  { reader: OPENINFERENCE },
  { reader: OPENLLMETRY },
  { reader: OPENAI_AGENTS, gate: 'handoff' },
  { reader: LANGCHAIN_AGENT, gate: 'openInference' },
];

/**
 * A framework's reader is asked only about spans its gate lets through (one key lookup a gate, once
 * a span), so a plain OTel span walks the three core dialects' readers, not a dozen frameworks'
 * that would each say nothing: that walk was a fifth of ingest's normalization time.
 */
interface Gated {
  readonly reader: DialectReader;
  readonly gate?: Gate;
}

type Gate = 'aiSdk' | 'strands' | 'openInference' | 'handoff';
const GATE_BITS: Record<Gate, number> = { aiSdk: 1, strands: 2, openInference: 4, handoff: 8 };

function gateMask(span: SpanRecord, index: AttributeIndex): number {
  const a = span.attributes;
  let mask = 0;
  if (index.aiSdk) mask |= GATE_BITS.aiSdk;
  if (a['gen_ai.system'] === 'strands-agents') mask |= GATE_BITS.strands;
  // OpenInference's handoff spans are TOOL spans (dialects/openai-agents.ts).
  if (a['openinference.span.kind'] !== undefined) mask |= GATE_BITS.openInference | GATE_BITS.handoff;
  if (a['gen_ai.handoff.from_agent'] !== undefined || a['gen_ai.handoff.to_agent'] !== undefined) mask |= GATE_BITS.handoff;
  return mask;
}

type Chain<K extends keyof Reading> = ReadonlyArray<(c: DialectContext) => Reading[K]>;
type Chains = { readonly [K in keyof Reading]-?: Chain<K> };

/** Every field some dialect reads (a chain may be empty for a span no reader of it applies to). */
const FIELDS = [...new Set(DIALECTS.flatMap((d) => Object.keys(d.reader)))] as Array<keyof Reading>;

/**
 * Per field, the readers of the dialects that apply, in precedence order; one table per set of
 * gates passed (at most 16), built on first use, so a field's read is a walk over a short array.
 */
const chainTables = new Map<number, Chains>();

function chainsFor(mask: number): Chains {
  let chains = chainTables.get(mask);
  if (chains === undefined) {
    const out: Partial<Record<keyof Reading, Array<(c: DialectContext) => unknown>>> = {};
    for (const field of FIELDS) out[field] = [];
    for (const { reader, gate } of DIALECTS) {
      if (gate !== undefined && (mask & GATE_BITS[gate]) === 0) continue;
      for (const field of Object.keys(reader) as Array<keyof Reading>) out[field]!.push(reader[field]!);
    }
    chains = out as Chains;
    chainTables.set(mask, chains);
  }
  return chains;
}

/** What the field reads of normalize.ts see: the dialect context and the chains that apply to this span. */
interface ReadContext extends DialectContext {
  readonly chains: Chains;
}

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
  const c: ReadContext = { span, kind, logs, index, memo: null, chains: chainsFor(gateMask(span, index)) };

  const out: GenAiSpan = { kind };
  const full = options.scope !== 'index';
  if (full) {
    const operation = read(c, 'operation') ?? OPERATION_OF_KIND[kind];
    if (operation !== undefined) out.operation = operation;
    const provider = read(c, 'provider');
    if (provider !== undefined) out.provider = providerName(provider);
  }
  const requestModel = read(c, 'requestModel');
  if (requestModel !== undefined) out.requestModel = requestModel;
  const responseModel = read(c, 'responseModel');
  if (responseModel !== undefined) out.responseModel = responseModel;
  const inputTokens = read(c, 'inputTokens');
  if (inputTokens !== undefined) out.inputTokens = inputTokens;
  const outputTokens = read(c, 'outputTokens');
  if (outputTokens !== undefined) out.outputTokens = outputTokens;
  const cacheReadTokens = read(c, 'cacheReadTokens');
  if (cacheReadTokens !== undefined) out.cacheReadTokens = cacheReadTokens;
  const cacheWriteTokens = read(c, 'cacheWriteTokens');
  if (cacheWriteTokens !== undefined) out.cacheWriteTokens = cacheWriteTokens;
  if (full) {
    const reasoningTokens = read(c, 'reasoningTokens');
    if (reasoningTokens !== undefined) out.reasoningTokens = reasoningTokens;
  }
  const usageKnown = inputTokens !== undefined || outputTokens !== undefined;
  const total = read(c, 'totalTokens') ?? (usageKnown ? (inputTokens ?? 0) + (outputTokens ?? 0) : undefined);
  if (total !== undefined) out.totalTokens = total;
  const cost = costOf(c, { responseModel, requestModel, inputTokens, outputTokens, cacheReadTokens }, usageKnown, options);
  if (cost !== undefined) out.costUsd = cost;

  const agentName = read(c, 'agentName') ?? frameworkAgent ?? (kind === 'agent' ? nameAfter(span.name, AGENT_NAME_PREFIXES) : undefined);
  if (agentName !== undefined) out.agentName = agentName;
  const toolName = read(c, 'toolName') ?? (kind === 'tool' ? nameAfter(span.name, TOOL_NAME_PREFIXES) : undefined);
  if (toolName !== undefined) out.toolName = toolName;
  const toolCallId = full ? read(c, 'toolCallId') : undefined;
  if (toolCallId !== undefined) out.toolCallId = toolCallId;
  const sessionId = read(c, 'sessionId');
  if (sessionId !== undefined) out.sessionId = sessionId;
  // Indexed too: a handoff span is not a tool call in the trace's rollup (rollup-state.ts), and the
  // graph of a huge trace, built from stored readings, draws its edge. Two key lookups a span.
  const handoffFrom = read(c, 'handoffFrom');
  if (handoffFrom !== undefined) out.handoffFrom = handoffFrom;
  const handoffTo = read(c, 'handoffTo');
  if (handoffTo !== undefined) out.handoffTo = handoffTo;
  // Indexed too: the sessions list shows each session's users from its stored readings (session-turns.ts).
  const userId = read(c, 'userId');
  if (userId !== undefined) out.userId = userId;
  if (!full) return out;
  const finishReasons = read(c, 'finishReasons');
  if (finishReasons !== undefined) out.finishReasons = finishReasons;

  // A handoff span's input and output are the agents' names, not a tool call's arguments and result.
  const toolCall = kind === 'tool' && handoffFrom === undefined && handoffTo === undefined;
  const inputMessages = read(c, 'inputMessages') ?? (toolCall ? toolInput(c, toolCallId, toolName) : undefined);
  if (inputMessages !== undefined) out.inputMessages = inputMessages;
  const outputMessages = read(c, 'outputMessages') ?? (toolCall ? toolOutput(c, toolCallId) : undefined);
  if (outputMessages !== undefined) out.outputMessages = outputMessages;
  const systemInstructions = read(c, 'systemInstructions');
  if (systemInstructions !== undefined) out.systemInstructions = systemInstructions;
  const toolDefinitions = read(c, 'toolDefinitions');
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
function read<K extends keyof Reading>(c: ReadContext, field: K): Reading[K] {
  const chain = c.chains[field] as Chain<K>;
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
function toolInput(c: ReadContext, toolCallId: string | undefined, toolName: string | undefined): GenAiMessage[] | undefined {
  const args = read(c, 'toolArguments');
  if (args === undefined) return undefined;
  return [{ role: 'assistant', parts: [{ type: 'tool_call', id: toolCallId ?? null, name: toolName ?? 'unknown', arguments: payload(args) }] }];
}

function toolOutput(c: ReadContext, toolCallId: string | undefined): GenAiMessage[] | undefined {
  const result = read(c, 'toolResult');
  if (result === undefined) return undefined;
  return [{ role: 'tool', parts: [{ type: 'tool_call_response', id: toolCallId ?? null, response: payload(result) }] }];
}

/**
 * Which cost wins: a user override price (the user said so) → the cost the span reports itself
 * (OpenInference `llm.cost.*`: the instrumentation saw the real bill, discounts included) → the
 * shipped table. Tokens but no price anywhere: null ("no price"). No tokens and no reported
 * cost: absent.
 */
function costOf(c: ReadContext, r: Reading, usageKnown: boolean, options: NormalizeOptions): number | null | undefined {
  const match = usageKnown ? priceOf(r.responseModel, r.requestModel, options) : undefined;
  if (match?.from === 'override') return costAt(r, match.price);
  const reported = read(c, 'reportedCostUsd');
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
