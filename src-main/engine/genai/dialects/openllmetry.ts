/**
 * OpenLLMetry / Traceloop: the names it does not share with OTel GenAI. `traceloop.span.kind`,
 * `traceloop.entity.*` (name, input, output), `traceloop.association.properties.*` (session and user
 * ids, under names the application chooses), `llm.request.type`, `llm.usage.*`,
 * `gen_ai.usage.total_tokens` and its legacy usage names. The `gen_ai.*` names OpenLLMetry shares
 * with OTel (models, input/output tokens, indexed prompts) are read by the OTel reader.
 */
import type { AttributeValue, Attributes, GenAiKind, GenAiToolDefinition } from '../../../../src-shared/contract';
import { messagesFromValue, payload, toolDefinitions, unwrapTraceloopArgs } from '../messages';
import type { DialectContext, DialectReader } from '../reading';
import { LIMITS, count, parseJson, str, unflattenFamily } from '../values';

const KIND_OF_SPAN_KIND: Record<string, GenAiKind> = {
  workflow: 'workflow',
  task: 'chain',
  agent: 'agent',
  tool: 'tool',
  unknown: 'other',
};

const KIND_OF_REQUEST_TYPE: Record<string, GenAiKind> = {
  chat: 'llm',
  completion: 'llm',
  embedding: 'embedding',
  rerank: 'reranker',
  unknown: 'other',
};

/** `llm.request.type` (legacy) in OTel operation names. */
const OPERATION_OF_REQUEST_TYPE: Record<string, string> = {
  chat: 'chat',
  completion: 'text_completion',
  embedding: 'embeddings',
  rerank: 'rerank',
};

export function traceloopKind(attrs: Attributes): GenAiKind | undefined {
  const k = str(attrs['traceloop.span.kind'])?.toLowerCase();
  if (k === undefined) return undefined;
  return KIND_OF_SPAN_KIND[k] ?? 'other';
}

export function requestTypeKind(attrs: Attributes): GenAiKind | undefined {
  const t = str(attrs['llm.request.type'])?.toLowerCase();
  if (t === undefined) return undefined;
  return KIND_OF_REQUEST_TYPE[t] ?? 'other';
}

/**
 * Association property names seen in the wild for a session/conversation and for a user, best
 * first, as full attribute keys: looked up directly, not by collecting the prefixed keys first.
 */
const ASSOCIATION = 'traceloop.association.properties.';
const SESSION_KEYS = ['session_id', 'sessionId', 'session.id', 'conversation_id', 'conversationId', 'thread_id', 'threadId', 'chat_id', 'session'].map((k) => ASSOCIATION + k);
const USER_KEYS = ['user_id', 'userId', 'user.id', 'user'].map((k) => ASSOCIATION + k);

function firstOf(ctx: DialectContext, keys: readonly string[]): string | undefined {
  if (!ctx.index.association) return undefined;
  for (const k of keys) {
    const v = str(ctx.span.attributes[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

function entityName(ctx: DialectContext): string | undefined {
  return str(ctx.span.attributes['traceloop.entity.name']);
}

function definitions(ctx: DialectContext): GenAiToolDefinition[] | undefined {
  const a = ctx.span.attributes;
  const indexed = ctx.index.families['gen_ai.tool.definitions'] === undefined ? undefined : toolDefinitions(unflattenFamily(a, ctx.index, 'gen_ai.tool.definitions', LIMITS.toolDefinitions));
  if (indexed !== undefined || ctx.index.families['llm.request.functions'] === undefined) return indexed;
  return toolDefinitions(unflattenFamily(a, ctx.index, 'llm.request.functions', LIMITS.toolDefinitions));
}

export const OPENLLMETRY: DialectReader = {
  operation: (c) => {
    const requestType = str(c.span.attributes['llm.request.type'])?.toLowerCase();
    return requestType === undefined ? undefined : OPERATION_OF_REQUEST_TYPE[requestType];
  },
  inputTokens: (c) => count(c.span.attributes['llm.usage.prompt_tokens']),
  outputTokens: (c) => count(c.span.attributes['llm.usage.completion_tokens']),
  totalTokens: (c) => count(c.span.attributes['gen_ai.usage.total_tokens']) ?? count(c.span.attributes['llm.usage.total_tokens']),
  cacheReadTokens: (c) => count(c.span.attributes['gen_ai.usage.cache_read_input_tokens']),
  reasoningTokens: (c) => count(c.span.attributes['gen_ai.usage.reasoning_tokens']) ?? count(c.span.attributes['llm.usage.reasoning_tokens']),
  agentName: (c) => (c.kind === 'agent' ? entityName(c) : undefined),
  toolName: (c) => (c.kind === 'tool' ? entityName(c) : undefined),
  sessionId: (c) => firstOf(c, SESSION_KEYS),
  userId: (c) => firstOf(c, USER_KEYS),
  inputMessages: (c) => (c.kind === 'tool' ? undefined : messagesFromValue(entityValue(c.span.attributes['traceloop.entity.input']), 'user')),
  outputMessages: (c) => (c.kind === 'tool' ? undefined : messagesFromValue(entityValue(c.span.attributes['traceloop.entity.output']), 'assistant')),
  toolDefinitions: definitions,
  toolArguments: (c) => (c.kind === 'tool' ? argumentsOf(c.span.attributes['traceloop.entity.input']) : undefined),
  toolResult: (c) => (c.kind === 'tool' ? entityValue(c.span.attributes['traceloop.entity.output']) : undefined),
};

/**
 * Traceloop JSON-encodes every entity value, so a returned string arrives as `"\"text\""`: decode
 * any JSON, not only arrays and objects. Text that is not JSON is kept as sent.
 */
function entityValue(v: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof v !== 'string') return v;
  return parseJson(v) ?? v;
}

/** A decorated tool's input is `{"args": [...], "kwargs": {...}}`; the call's arguments are inside. */
function argumentsOf(v: AttributeValue | undefined): AttributeValue | undefined {
  if (v === undefined) return undefined;
  const unwrapped = unwrapTraceloopArgs(entityValue(v));
  return unwrapped === undefined ? undefined : payload(unwrapped);
}
