/**
 * OpenInference (Arize): `openinference.span.kind`, `llm.*` (flattened `llm.input_messages.{i}.message.*`),
 * `input.value`/`output.value`, `tool.*`/`tool_call.*`, `session.id`, `user.id`, `llm.token_count.*`,
 * `llm.cost.*`. Flattened messages win over `input.value`, which is often the whole request body.
 */
import type { Attributes, GenAiKind, GenAiMessage } from '../../../../src-shared/contract';
import { messageFromOpenInference, messagesFromValue, normalizeFinishReason, toolDefinitions } from '../messages';
import { defined, type DialectContext, type Reading } from '../reading';
import { LIMITS, amount, count, first, isObject, str, stringList, structured, unflattenIndexed } from '../values';

const KIND_OF_SPAN_KIND: Record<string, GenAiKind> = {
  LLM: 'llm',
  EMBEDDING: 'embedding',
  CHAIN: 'chain',
  RETRIEVER: 'retriever',
  RERANKER: 'reranker',
  TOOL: 'tool',
  AGENT: 'agent',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
  DECISION: 'chain',
  PROMPT: 'other',
  UNKNOWN: 'other',
};

export function openInferenceKind(attrs: Attributes): GenAiKind | undefined {
  const k = str(attrs['openinference.span.kind'])?.toUpperCase();
  if (k === undefined) return undefined;
  return KIND_OF_SPAN_KIND[k] ?? 'other';
}

function flattenedMessages(attrs: Attributes, prefix: string, role: string): GenAiMessage[] | undefined {
  const out: GenAiMessage[] = [];
  for (const item of unflattenIndexed(attrs, prefix, LIMITS.messages)) {
    const msg = messageFromOpenInference(item, role);
    if (msg) out.push(msg);
  }
  return out.length > 0 ? out : undefined;
}

/** `llm.invocation_parameters` is JSON text of the request parameters; its `model` is the requested one. */
function invocationModel(attrs: Attributes): string | undefined {
  const params = structured(attrs['llm.invocation_parameters']);
  return isObject(params) ? str(params.model) : undefined;
}

/**
 * An embedding span's inputs as user text messages: the `embedding.embeddings.{i}.embedding.text`
 * family, else `input.value` when it is plain text or an embeddings request body (`{"input": …}`,
 * as the Python instrumentation records it). Never the body itself: it is a request, not a message.
 */
function embeddingInputs(attrs: Attributes): GenAiMessage[] | undefined {
  const texts = unflattenIndexed(attrs, 'embedding.embeddings', LIMITS.messages)
    .map((item) => (isObject(item.embedding) ? str(item.embedding.text) : undefined))
    .filter((t): t is string => t !== undefined);
  const body = structured(attrs['input.value']);
  const input = isObject(body) ? body.input : body;
  const list = texts.length > 0 ? texts : typeof input === 'string' ? [input] : Array.isArray(input) ? input.filter((t): t is string => typeof t === 'string') : [];
  const out = list.slice(0, LIMITS.messages).map((content): GenAiMessage => ({ role: 'user', parts: [{ type: 'text', content }] }));
  return out.length > 0 ? out : undefined;
}

export function readOpenInference({ span, kind }: DialectContext): Reading {
  const a = span.attributes;
  const isTool = kind === 'tool';
  // Embedding spans: `output.value` is the response body with the vectors, which is no message.
  const isEmbedding = kind === 'embedding';
  const modelName = first(str(a['llm.model_name']), str(a['embedding.model_name']));
  const costTotal = amount(a['llm.cost.total']);
  const costPrompt = amount(a['llm.cost.prompt']);
  const costCompletion = amount(a['llm.cost.completion']);
  return defined<Reading>({
    provider: first(str(a['llm.provider']), str(a['llm.system'])),
    requestModel: first(str(a['llm.request.model_name']), invocationModel(a), modelName),
    responseModel: first(str(a['llm.response.model_name']), modelName),
    inputTokens: count(a['llm.token_count.prompt']),
    outputTokens: count(a['llm.token_count.completion']),
    totalTokens: count(a['llm.token_count.total']),
    cacheReadTokens: count(a['llm.token_count.prompt_details.cache_read']),
    reasoningTokens: count(a['llm.token_count.completion_details.reasoning']),
    reportedCostUsd: first(costTotal, costPrompt !== undefined && costCompletion !== undefined ? costPrompt + costCompletion : undefined),
    agentName: str(a['agent.name']),
    toolName: first(str(a['tool.name']), str(a['tool_call.function.name'])),
    toolCallId: str(a['tool_call.id']),
    sessionId: str(a['session.id']),
    userId: str(a['user.id']),
    finishReasons: stringList(a['llm.finish_reason'], LIMITS.finishReasons)?.map((r) => normalizeFinishReason(r) ?? r),
    inputMessages: first(
      flattenedMessages(a, 'llm.input_messages', 'user'),
      isEmbedding ? embeddingInputs(a) : isTool ? undefined : messagesFromValue(a['input.value'], 'user'),
    ),
    outputMessages: first(flattenedMessages(a, 'llm.output_messages', 'assistant'), isTool || isEmbedding ? undefined : messagesFromValue(a['output.value'], 'assistant')),
    toolDefinitions: toolDefinitions(unflattenIndexed(a, 'llm.tools', LIMITS.toolDefinitions).map((t) => (isObject(t.tool) ? (t.tool.json_schema ?? null) : null))),
    toolArguments: isTool ? first(a['tool_call.function.arguments'], a['input.value']) : undefined,
    toolResult: isTool ? a['output.value'] : undefined,
  });
}
