/**
 * OTel GenAI semantic conventions, both generations: the current `gen_ai.*` names (content in
 * `gen_ai.input.messages` etc., or on a `gen_ai.client.inference.operation.details` event) and the
 * deprecated ones (`gen_ai.system`, `prompt_tokens`/`completion_tokens`, the `gen_ai.*.message` /
 * `gen_ai.choice` events as span events or log records, indexed `gen_ai.prompt.{i}.*`). Within this
 * dialect the current name wins over the deprecated one; content sources are tried in the order of
 * INPUT_SOURCES / OUTPUT_SOURCES below. Each source is read only when every better one came up empty.
 */
import type { AttributeValue, Attributes, GenAiKind, GenAiMessage, LogRecordView, SpanEvent } from '../../../../src-shared/contract';
import { finishReasonsOf, messageFromOpenAi, messageList, normalizeFinishReason, systemInstructions, toolDefinitions } from '../messages';
import { memo, type DialectContext, type DialectReader } from '../reading';
import { LIMITS, count, isObject, str, stringList, structured, unflattenFamily, type JsonObject } from '../values';

const KIND_OF_OPERATION: Record<string, GenAiKind> = {
  chat: 'llm',
  generate_content: 'llm',
  text_completion: 'llm',
  completion: 'llm',
  embeddings: 'embedding',
  embedding: 'embedding',
  retrieval: 'retriever',
  create_agent: 'agent',
  invoke_agent: 'agent',
  execute_tool: 'tool',
  invoke_workflow: 'workflow',
  plan: 'chain',
  // Not in the spec: one turn of an agent's loop, as AI SDK 7's @ai-sdk/otel and Mastra name it.
  agent_step: 'chain',
  create_memory_store: 'memory',
  delete_memory_store: 'memory',
  create_memory: 'memory',
  update_memory: 'memory',
  upsert_memory: 'memory',
  delete_memory: 'memory',
  search_memory: 'memory',
};

/** The kind `gen_ai.operation.name` states; `other` for an operation we do not know. */
export function otelKind(attrs: Attributes): GenAiKind | undefined {
  const op = str(attrs['gen_ai.operation.name'])?.toLowerCase();
  if (op === undefined) return undefined;
  return KIND_OF_OPERATION[op] ?? 'other';
}

const ROLE_OF_EVENT: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};
const CHOICE_EVENT = 'gen_ai.choice';
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

/** A deprecated GenAI event, from a span event or a log record, with its body as an object. */
interface GenAiEvent {
  name: string;
  body: JsonObject;
}

/**
 * Span events carry the body either JSON-encoded in `gen_ai.event.content` (Azure SDKs) or spread
 * over the event's attributes (`content`, `role`, `tool_calls`, …).
 */
function fromSpanEvent(ev: SpanEvent): GenAiEvent {
  const packed = structured(ev.attributes['gen_ai.event.content']);
  return { name: ev.name, body: isObject(packed) ? packed : ev.attributes };
}

/** Log-based events carry the body as the record's body (an AnyValue map, or JSON text, or bare text). */
function fromLog(log: LogRecordView): GenAiEvent {
  const name = log.eventName !== '' ? log.eventName : (str(log.attributes['event.name']) ?? '');
  const body = structured(log.body);
  return { name, body: isObject(body) ? body : typeof body === 'string' ? { content: body } : {} };
}

function inputFromEvents(events: readonly GenAiEvent[]): GenAiMessage[] | undefined {
  const out: GenAiMessage[] = [];
  for (const ev of events) {
    const role = ROLE_OF_EVENT[ev.name];
    if (role === undefined || out.length >= LIMITS.messages) continue;
    const body = role === 'tool' ? { ...ev.body, tool_call_id: ev.body.tool_call_id ?? ev.body.id ?? null } : ev.body;
    out.push(messageFromOpenAi(body, role));
  }
  return out.length > 0 ? out : undefined;
}

function choicesFromEvents(events: readonly GenAiEvent[]): GenAiMessage[] | undefined {
  const out: GenAiMessage[] = [];
  for (const ev of events) {
    if (ev.name !== CHOICE_EVENT || out.length >= LIMITS.messages) continue;
    out.push(messageFromOpenAi(isObject(ev.body.message) ? ev.body.message : ev.body, 'assistant'));
  }
  return out.length > 0 ? out : undefined;
}

function choiceBodies(events: readonly GenAiEvent[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const ev of events) if (ev.name === CHOICE_EVENT) out.push(ev.body);
  return out;
}

/** The indexed `gen_ai.prompt.{i}.*` / `gen_ai.completion.{i}.*` items (OpenLLMetry, LangSmith). */
function indexedMessages(items: readonly JsonObject[], role: string): GenAiMessage[] | undefined {
  if (items.length === 0) return undefined;
  const out: GenAiMessage[] = [];
  for (const item of items) out.push(messageFromOpenAi(item, role));
  return out;
}

/** An attribute of the first event (span event or log record) with this name that has it. */
function eventAttribute(spanEvents: readonly SpanEvent[], logs: readonly LogRecordView[], name: string, key: string): AttributeValue | undefined {
  for (const ev of spanEvents) if (ev.name === name && ev.attributes[key] !== undefined) return ev.attributes[key];
  for (const log of logs) {
    const logName = log.eventName !== '' ? log.eventName : str(log.attributes['event.name']);
    if (logName === name && log.attributes[key] !== undefined) return log.attributes[key];
  }
  return undefined;
}

// ---------------------------------------------------------------- shared by several fields, read once

const NO_EVENTS: readonly GenAiEvent[] = Object.freeze([]);
const NO_COMPLETIONS: readonly JsonObject[] = Object.freeze([]);

/** Neither span events nor log records: every event-based source is empty, without a search. */
function noEvents(ctx: DialectContext): boolean {
  return ctx.span.events.length === 0 && ctx.logs.length === 0;
}

function readSpanEvents(ctx: DialectContext): readonly GenAiEvent[] {
  return ctx.span.events.map(fromSpanEvent);
}

function readLogEvents(ctx: DialectContext): readonly GenAiEvent[] {
  return ctx.logs.map(fromLog);
}

const spanEvents = (ctx: DialectContext) => (ctx.span.events.length === 0 ? NO_EVENTS : memo(ctx, 'otel.spanEvents', readSpanEvents));
const logEvents = (ctx: DialectContext) => (ctx.logs.length === 0 ? NO_EVENTS : memo(ctx, 'otel.logEvents', readLogEvents));

/** An attribute of the operation-details event. */
function details(ctx: DialectContext, key: string): AttributeValue | undefined {
  return noEvents(ctx) ? undefined : eventAttribute(ctx.span.events, ctx.logs, DETAILS_EVENT, key);
}

/** The deprecated whole-content JSON: the attribute, else the same key on its legacy event. */
function legacyContent(ctx: DialectContext, event: string, key: string): AttributeValue | undefined {
  const v = ctx.span.attributes[key];
  if (v !== undefined || noEvents(ctx)) return v;
  return eventAttribute(ctx.span.events, ctx.logs, event, key);
}

// Output content is read for the messages and again for the finish reasons: JSON text is parsed
// once. Only text needs it (structured() returns anything else as is), so only text is memoized.
function readOutputValue(c: DialectContext): AttributeValue | undefined {
  return structured(c.span.attributes['gen_ai.output.messages']);
}
function readDetailsOutputValue(c: DialectContext): AttributeValue | undefined {
  return structured(details(c, 'gen_ai.output.messages'));
}
function readLegacyCompletionValue(c: DialectContext): AttributeValue | undefined {
  return structured(legacyContent(c, 'gen_ai.content.completion', 'gen_ai.completion'));
}
function readCompletionItems(c: DialectContext): readonly JsonObject[] {
  return unflattenFamily(c.span.attributes, c.index, 'gen_ai.completion', LIMITS.messages);
}
function outputMessagesValue(ctx: DialectContext): AttributeValue | undefined {
  const v = ctx.span.attributes['gen_ai.output.messages'];
  return typeof v !== 'string' ? v : memo(ctx, 'otel.output', readOutputValue);
}
function detailsOutputValue(ctx: DialectContext): AttributeValue | undefined {
  return noEvents(ctx) ? undefined : memo(ctx, 'otel.detailsOutput', readDetailsOutputValue);
}
function legacyCompletionValue(ctx: DialectContext): AttributeValue | undefined {
  const v = ctx.span.attributes['gen_ai.completion'];
  return v === undefined && noEvents(ctx) ? undefined : memo(ctx, 'otel.legacyCompletion', readLegacyCompletionValue);
}
function completionItems(ctx: DialectContext): readonly JsonObject[] {
  return ctx.index.families['gen_ai.completion'] === undefined ? NO_COMPLETIONS : memo(ctx, 'otel.completions', readCompletionItems);
}

function finishReasonList(v: AttributeValue | undefined): string[] | undefined {
  const list = stringList(v, LIMITS.finishReasons);
  if (list === undefined) return undefined;
  for (let i = 0; i < list.length; i++) list[i] = normalizeFinishReason(list[i]) ?? list[i]!;
  return list;
}

// INPUT_SOURCES, best first.
function inputMessages(ctx: DialectContext): GenAiMessage[] | undefined {
  const a = ctx.span.attributes;
  return (
    messageList(a['gen_ai.input.messages'], 'user') ??
    messageList(details(ctx, 'gen_ai.input.messages'), 'user') ??
    inputFromEvents(spanEvents(ctx)) ??
    inputFromEvents(logEvents(ctx)) ??
    indexedMessages(unflattenFamily(a, ctx.index, 'gen_ai.prompt', LIMITS.messages), 'user') ??
    messageList(legacyContent(ctx, 'gen_ai.content.prompt', 'gen_ai.prompt'), 'user')
  );
}

// OUTPUT_SOURCES, best first.
function outputMessages(ctx: DialectContext): GenAiMessage[] | undefined {
  return (
    messageList(outputMessagesValue(ctx), 'assistant') ??
    messageList(detailsOutputValue(ctx), 'assistant') ??
    choicesFromEvents(spanEvents(ctx)) ??
    choicesFromEvents(logEvents(ctx)) ??
    indexedMessages(completionItems(ctx), 'assistant') ??
    messageList(legacyCompletionValue(ctx), 'assistant')
  );
}

function finishReasons(ctx: DialectContext): string[] | undefined {
  return (
    finishReasonList(ctx.span.attributes['gen_ai.response.finish_reasons']) ??
    finishReasonList(details(ctx, 'gen_ai.response.finish_reasons')) ??
    finishReasonsOf(outputMessagesValue(ctx)) ??
    finishReasonsOf(detailsOutputValue(ctx)) ??
    finishReasonsOf(choiceBodies(spanEvents(ctx))) ??
    finishReasonsOf(choiceBodies(logEvents(ctx))) ??
    finishReasonsOf(completionItems(ctx) as JsonObject[]) ??
    finishReasonsOf(legacyCompletionValue(ctx))
  );
}

export const OTEL: DialectReader = {
  operation: (c) => str(c.span.attributes['gen_ai.operation.name'])?.toLowerCase(),
  provider: (c) => str(c.span.attributes['gen_ai.provider.name']) ?? str(c.span.attributes['gen_ai.system']),
  requestModel: (c) => str(c.span.attributes['gen_ai.request.model']),
  responseModel: (c) => str(c.span.attributes['gen_ai.response.model']),
  inputTokens: (c) => count(c.span.attributes['gen_ai.usage.input_tokens']) ?? count(c.span.attributes['gen_ai.usage.prompt_tokens']),
  outputTokens: (c) => count(c.span.attributes['gen_ai.usage.output_tokens']) ?? count(c.span.attributes['gen_ai.usage.completion_tokens']),
  cacheReadTokens: (c) => count(c.span.attributes['gen_ai.usage.cache_read.input_tokens']),
  cacheWriteTokens: (c) => count(c.span.attributes['gen_ai.usage.cache_write.input_tokens'] ?? c.span.attributes['gen_ai.usage.cache_creation.input_tokens']),
  reasoningTokens: (c) => count(c.span.attributes['gen_ai.usage.reasoning.output_tokens']),
  agentName: (c) => str(c.span.attributes['gen_ai.agent.name']),
  toolName: (c) => str(c.span.attributes['gen_ai.tool.name']),
  toolCallId: (c) => str(c.span.attributes['gen_ai.tool.call.id']),
  sessionId: (c) => str(c.span.attributes['gen_ai.conversation.id']),
  // General OTel attributes (OpenInference uses `user.id` too).
  userId: (c) => str(c.span.attributes['user.id']) ?? str(c.span.attributes['enduser.id']),
  finishReasons,
  inputMessages,
  outputMessages,
  systemInstructions: (c) => systemInstructions(c.span.attributes['gen_ai.system_instructions']) ?? systemInstructions(details(c, 'gen_ai.system_instructions')),
  toolDefinitions: (c) => {
    const definitions = structured(c.span.attributes['gen_ai.tool.definitions']);
    return toolDefinitions(Array.isArray(definitions) ? definitions : undefined);
  },
  toolArguments: (c) => c.span.attributes['gen_ai.tool.call.arguments'],
  toolResult: (c) => c.span.attributes['gen_ai.tool.call.result'],
};
