/**
 * OpenLLMetry / Traceloop: the names it does not share with OTel GenAI. `traceloop.span.kind`,
 * `traceloop.entity.*` (name, input, output), `traceloop.association.properties.*` (session and user
 * ids, under names the application chooses), `llm.request.type`, `llm.usage.*`,
 * `gen_ai.usage.total_tokens` and its legacy usage names. The `gen_ai.*` names OpenLLMetry shares
 * with OTel (models, input/output tokens, indexed prompts) are read by the OTel reader.
 */
import type { AttributeValue, Attributes, GenAiKind } from '../../../../src-shared/contract';
import { messagesFromValue, payload, toolDefinitions, unwrapTraceloopArgs } from '../messages';
import { defined, type DialectContext, type Reading } from '../reading';
import { LIMITS, count, first, parseJson, str, unflattenIndexed, withPrefix } from '../values';

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

/** Association property names seen in the wild for a session/conversation and for a user, best first. */
const SESSION_KEYS = ['session_id', 'sessionId', 'session.id', 'conversation_id', 'conversationId', 'thread_id', 'threadId', 'chat_id', 'session'];
const USER_KEYS = ['user_id', 'userId', 'user.id', 'user'];

function firstOf(props: Attributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = str(props[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

export function readOpenLLMetry({ span, kind }: DialectContext): Reading {
  const a = span.attributes;
  const props = withPrefix(a, 'traceloop.association.properties');
  const entityName = str(a['traceloop.entity.name']);
  const isTool = kind === 'tool';
  const requestType = str(a['llm.request.type'])?.toLowerCase();
  const legacyFunctions = unflattenIndexed(a, 'llm.request.functions', LIMITS.toolDefinitions);
  const indexedDefinitions = unflattenIndexed(a, 'gen_ai.tool.definitions', LIMITS.toolDefinitions);
  return defined<Reading>({
    operation: requestType === undefined ? undefined : OPERATION_OF_REQUEST_TYPE[requestType],
    inputTokens: count(a['llm.usage.prompt_tokens']),
    outputTokens: count(a['llm.usage.completion_tokens']),
    totalTokens: first(count(a['gen_ai.usage.total_tokens']), count(a['llm.usage.total_tokens'])),
    cacheReadTokens: count(a['gen_ai.usage.cache_read_input_tokens']),
    reasoningTokens: first(count(a['gen_ai.usage.reasoning_tokens']), count(a['llm.usage.reasoning_tokens'])),
    agentName: kind === 'agent' ? entityName : undefined,
    toolName: isTool ? entityName : undefined,
    sessionId: firstOf(props, SESSION_KEYS),
    userId: firstOf(props, USER_KEYS),
    inputMessages: isTool ? undefined : messagesFromValue(entityValue(a['traceloop.entity.input']), 'user'),
    outputMessages: isTool ? undefined : messagesFromValue(entityValue(a['traceloop.entity.output']), 'assistant'),
    toolDefinitions: first(toolDefinitions(indexedDefinitions), toolDefinitions(legacyFunctions)),
    toolArguments: isTool ? argumentsOf(a['traceloop.entity.input']) : undefined,
    toolResult: isTool ? entityValue(a['traceloop.entity.output']) : undefined,
  });
}

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
