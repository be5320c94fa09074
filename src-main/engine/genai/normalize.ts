/**
 * One span (and its correlated log records) → GenAiSpan, whatever dialect it was sent in; null when
 * the span carries no GenAI marker. Precedence, the same for every field: the OTel reader (current
 * names, then deprecated ones), then OpenInference, then OpenLLMetry's own names; the first that
 * yields a usable value wins (docs/genai-normalization.md has the table). Never throws and never
 * modifies the span: its raw attributes stay the record of what was sent.
 */
import type { GenAiKind, GenAiMessage, GenAiSpan, LogRecordView, SpanRecord } from '../../../src-shared/contract';
import { otelKind, readOtel } from './dialects/otel';
import { openInferenceKind, readOpenInference } from './dialects/openinference';
import { readOpenLLMetry, requestTypeKind, traceloopKind } from './dialects/openllmetry';
import { payload } from './messages';
import { costAt, findPrice, type PriceOptions } from './prices';
import { OPERATION_OF_KIND, type DialectContext, type Reading } from './reading';
import { hasPrefix, str } from './values';

export type NormalizeOptions = PriceOptions;

/** Attribute families that make a span a GenAI span; `session.id`, `user.id`, `input.value` alone do not. */
const MARKER_PREFIXES = ['gen_ai.', 'llm.', 'openinference.', 'traceloop.'];

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

export function normalizeSpan(span: SpanRecord, logs?: readonly LogRecordView[], options: NormalizeOptions = {}): GenAiSpan | null {
  try {
    return normalize(span, logsOf(span, logs ?? []), options);
  } catch {
    // Ingest must not fail on a span we cannot read; the span keeps its raw attributes, unannotated.
    return null;
  }
}

function normalize(span: SpanRecord, logs: readonly LogRecordView[], options: NormalizeOptions): GenAiSpan | null {
  const attrs = span.attributes;
  const marked =
    hasPrefix(attrs, MARKER_PREFIXES) ||
    span.events.some((ev) => ev.name.startsWith('gen_ai.')) ||
    logs.some((log) => (log.eventName || str(log.attributes['event.name']) || '').startsWith('gen_ai.'));
  if (!marked) return null;

  const kind = kindOf(span);
  const ctx: DialectContext = { span, kind, logs };
  const r = merge([readOtel(ctx), readOpenInference(ctx), readOpenLLMetry(ctx)]);

  const out: GenAiSpan = { kind };
  const operation = r.operation ?? OPERATION_OF_KIND[kind];
  if (operation !== undefined) out.operation = operation;
  if (r.provider !== undefined) out.provider = providerName(r.provider);
  if (r.requestModel !== undefined) out.requestModel = r.requestModel;
  if (r.responseModel !== undefined) out.responseModel = r.responseModel;
  if (r.inputTokens !== undefined) out.inputTokens = r.inputTokens;
  if (r.outputTokens !== undefined) out.outputTokens = r.outputTokens;
  if (r.cacheReadTokens !== undefined) out.cacheReadTokens = r.cacheReadTokens;
  if (r.reasoningTokens !== undefined) out.reasoningTokens = r.reasoningTokens;
  const usageKnown = r.inputTokens !== undefined || r.outputTokens !== undefined;
  const total = r.totalTokens ?? (usageKnown ? (r.inputTokens ?? 0) + (r.outputTokens ?? 0) : undefined);
  if (total !== undefined) out.totalTokens = total;
  const cost = costOf(r, usageKnown, options);
  if (cost !== undefined) out.costUsd = cost;

  const agentName = r.agentName ?? (kind === 'agent' ? nameAfter(span.name, ['invoke_agent ', 'create_agent ']) : undefined);
  if (agentName !== undefined) out.agentName = agentName;
  const toolName = r.toolName ?? (kind === 'tool' ? nameAfter(span.name, ['execute_tool ']) : undefined);
  if (toolName !== undefined) out.toolName = toolName;
  if (r.toolCallId !== undefined) out.toolCallId = r.toolCallId;
  if (r.sessionId !== undefined) out.sessionId = r.sessionId;
  if (r.userId !== undefined) out.userId = r.userId;
  if (r.finishReasons !== undefined) out.finishReasons = r.finishReasons;

  const tool = kind === 'tool' ? toolMessages(r, toolName) : {};
  const inputMessages = r.inputMessages ?? tool.input;
  const outputMessages = r.outputMessages ?? tool.output;
  if (inputMessages !== undefined) out.inputMessages = inputMessages;
  if (outputMessages !== undefined) out.outputMessages = outputMessages;
  if (r.systemInstructions !== undefined) out.systemInstructions = r.systemInstructions;
  if (r.toolDefinitions !== undefined) out.toolDefinitions = r.toolDefinitions;
  return out;
}

/** Field by field, the first reading (in dialect precedence order) that has the field. */
function merge(readings: readonly Reading[]): Reading {
  const out: Reading = {};
  for (const reading of readings) {
    for (const key of Object.keys(reading) as Array<keyof Reading>) {
      if (out[key] === undefined) Object.assign(out, { [key]: reading[key] });
    }
  }
  return out;
}

/**
 * The kind every dialect's marker states, in precedence order; a marker that maps to `other` (an
 * unknown value) gives way to a later one that knows better. No marker at all: inferred from what
 * the span carries (a model or tokens: llm; a tool name: tool; an agent name: agent).
 */
function kindOf(span: SpanRecord): GenAiKind {
  const a = span.attributes;
  const stated = [otelKind(a), openInferenceKind(a), traceloopKind(a), requestTypeKind(a)].filter((k): k is GenAiKind => k !== undefined);
  const known = stated.find((k) => k !== 'other');
  if (known) return known;
  if (stated.length > 0) return 'other';
  const has = (...keys: string[]) => keys.some((k) => a[k] !== undefined);
  if (has('gen_ai.tool.name', 'tool.name') || span.name.startsWith('execute_tool ')) return 'tool';
  if (has('gen_ai.agent.name', 'agent.name') || span.name.startsWith('invoke_agent ')) return 'agent';
  if (
    has('gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name') ||
    Object.keys(a).some((k) => k.startsWith('gen_ai.usage.') || k.startsWith('llm.token_count.') || k.startsWith('llm.usage.'))
  ) {
    return 'llm';
  }
  return 'other';
}

function providerName(raw: string): string {
  const p = raw.toLowerCase();
  return PROVIDER_ALIASES[p] ?? p;
}

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
function toolMessages(r: Reading, toolName: string | undefined): { input?: GenAiMessage[]; output?: GenAiMessage[] } {
  const id = r.toolCallId ?? null;
  const out: { input?: GenAiMessage[]; output?: GenAiMessage[] } = {};
  if (r.toolArguments !== undefined) {
    out.input = [{ role: 'assistant', parts: [{ type: 'tool_call', id, name: toolName ?? 'unknown', arguments: payload(r.toolArguments) }] }];
  }
  if (r.toolResult !== undefined) {
    out.output = [{ role: 'tool', parts: [{ type: 'tool_call_response', id, response: payload(r.toolResult) }] }];
  }
  return out;
}

/**
 * Which cost wins: a user override price (the user said so) → the cost the span reports itself
 * (OpenInference `llm.cost.*`: the instrumentation saw the real bill, discounts included) → the
 * shipped table. Tokens but no price anywhere: null ("no price"). No tokens and no reported
 * cost: absent.
 */
function costOf(r: Reading, usageKnown: boolean, options: NormalizeOptions): number | null | undefined {
  const match = usageKnown ? findPrice([r.responseModel, r.requestModel], options) : undefined;
  if (match?.from === 'override') return costAt(r, match.price);
  if (r.reportedCostUsd !== undefined) return r.reportedCostUsd;
  if (!usageKnown) return undefined;
  return match ? costAt(r, match.price) : null;
}

/** The records of this span, oldest first (a record without a time sorts by its observed time). */
function logsOf(span: SpanRecord, logs: readonly LogRecordView[]): LogRecordView[] {
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
