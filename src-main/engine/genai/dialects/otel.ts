/**
 * OTel GenAI semantic conventions, both generations: the current `gen_ai.*` names (content in
 * `gen_ai.input.messages` etc., or on a `gen_ai.client.inference.operation.details` event) and the
 * deprecated ones (`gen_ai.system`, `prompt_tokens`/`completion_tokens`, the `gen_ai.*.message` /
 * `gen_ai.choice` events as span events or log records, indexed `gen_ai.prompt.{i}.*`). Within this
 * dialect the current name wins over the deprecated one; content sources are tried in the order of
 * INPUT_SOURCES / OUTPUT_SOURCES below.
 */
import type { AttributeValue, Attributes, GenAiKind, GenAiMessage, LogRecordView, SpanEvent } from '../../../../src-shared/contract';
import { finishReasonsOf, messageFromOpenAi, messageList, normalizeFinishReason, systemInstructions, toolDefinitions } from '../messages';
import { defined, type DialectContext, type Reading } from '../reading';
import { LIMITS, count, first, isObject, str, stringList, structured, unflattenIndexed, type JsonObject } from '../values';

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
  return events.filter((ev) => ev.name === CHOICE_EVENT).map((ev) => ev.body);
}

/** The indexed `gen_ai.prompt.{i}.*` / `gen_ai.completion.{i}.*` family (OpenLLMetry, LangSmith). */
function indexedMessages(attrs: Attributes, prefix: string, role: string): GenAiMessage[] | undefined {
  const items = unflattenIndexed(attrs, prefix, LIMITS.messages);
  const out = items.map((item) => messageFromOpenAi(item, role));
  return out.length > 0 ? out : undefined;
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

export function readOtel({ span, logs }: DialectContext): Reading {
  const a = span.attributes;
  const spanEvents = span.events.map(fromSpanEvent);
  const logEvents = logs.map(fromLog);
  const details = (key: string) => eventAttribute(span.events, logs, DETAILS_EVENT, key);
  const legacyContent = (event: string, key: string) => first(a[key], eventAttribute(span.events, logs, event, key));

  // INPUT_SOURCES, best first.
  const inputMessages = first(
    messageList(a['gen_ai.input.messages'], 'user'),
    messageList(details('gen_ai.input.messages'), 'user'),
    inputFromEvents(spanEvents),
    inputFromEvents(logEvents),
    indexedMessages(a, 'gen_ai.prompt', 'user'),
    messageList(legacyContent('gen_ai.content.prompt', 'gen_ai.prompt'), 'user'),
  );
  // OUTPUT_SOURCES, best first.
  const outputMessages = first(
    messageList(a['gen_ai.output.messages'], 'assistant'),
    messageList(details('gen_ai.output.messages'), 'assistant'),
    choicesFromEvents(spanEvents),
    choicesFromEvents(logEvents),
    indexedMessages(a, 'gen_ai.completion', 'assistant'),
    messageList(legacyContent('gen_ai.content.completion', 'gen_ai.completion'), 'assistant'),
  );
  const definitions = structured(a['gen_ai.tool.definitions']);

  return defined<Reading>({
    operation: str(a['gen_ai.operation.name'])?.toLowerCase(),
    provider: first(str(a['gen_ai.provider.name']), str(a['gen_ai.system'])),
    requestModel: str(a['gen_ai.request.model']),
    responseModel: str(a['gen_ai.response.model']),
    inputTokens: first(count(a['gen_ai.usage.input_tokens']), count(a['gen_ai.usage.prompt_tokens'])),
    outputTokens: first(count(a['gen_ai.usage.output_tokens']), count(a['gen_ai.usage.completion_tokens'])),
    cacheReadTokens: count(a['gen_ai.usage.cache_read.input_tokens']),
    reasoningTokens: count(a['gen_ai.usage.reasoning.output_tokens']),
    agentName: str(a['gen_ai.agent.name']),
    toolName: str(a['gen_ai.tool.name']),
    toolCallId: str(a['gen_ai.tool.call.id']),
    sessionId: str(a['gen_ai.conversation.id']),
    // General OTel attributes (OpenInference uses `user.id` too).
    userId: first(str(a['user.id']), str(a['enduser.id'])),
    finishReasons: first(
      stringList(a['gen_ai.response.finish_reasons'], LIMITS.finishReasons)?.map((r) => normalizeFinishReason(r) ?? r),
      stringList(details('gen_ai.response.finish_reasons'), LIMITS.finishReasons)?.map((r) => normalizeFinishReason(r) ?? r),
      finishReasonsOf(a['gen_ai.output.messages']),
      finishReasonsOf(details('gen_ai.output.messages')),
      finishReasonsOf(choiceBodies(spanEvents)),
      finishReasonsOf(choiceBodies(logEvents)),
      finishReasonsOf(unflattenIndexed(a, 'gen_ai.completion', LIMITS.messages)),
      finishReasonsOf(legacyContent('gen_ai.content.completion', 'gen_ai.completion')),
    ),
    inputMessages,
    outputMessages,
    systemInstructions: first(systemInstructions(a['gen_ai.system_instructions']), systemInstructions(details('gen_ai.system_instructions'))),
    toolDefinitions: toolDefinitions(Array.isArray(definitions) ? definitions : undefined),
    toolArguments: a['gen_ai.tool.call.arguments'],
    toolResult: a['gen_ai.tool.call.result'],
  });
}
