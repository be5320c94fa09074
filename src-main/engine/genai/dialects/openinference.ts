/**
 * OpenInference (Arize): `openinference.span.kind`, `llm.*` (flattened `llm.input_messages.{i}.message.*`),
 * `input.value`/`output.value`, `tool.*`/`tool_call.*`, `session.id`, `user.id`, `llm.token_count.*`,
 * `llm.cost.*`. Flattened messages win over `input.value`, which is often the whole request body.
 */
import type { AttributeValue, Attributes, GenAiKind, GenAiMessage } from '../../../../src-shared/contract';
import { messageFromOpenInference, messagesFromValue, normalizeFinishReason, toolDefinitions } from '../messages';
import type { DialectContext, DialectReader } from '../reading';
import { LIMITS, amount, count, isObject, str, stringList, structured, unflattenFamily, type Family } from '../values';

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

function flattenedMessages(ctx: DialectContext, family: Family, role: string): GenAiMessage[] | undefined {
  if (ctx.index.families[family] === undefined) return undefined;
  const out: GenAiMessage[] = [];
  for (const item of unflattenFamily(ctx.span.attributes, ctx.index, family, LIMITS.messages)) {
    const msg = messageFromOpenInference(item, role);
    if (msg) out.push(msg);
  }
  return out.length > 0 ? out : undefined;
}

/** `llm.invocation_parameters` is JSON text of the request parameters; its `model` is the requested one. */
function invocationModel(attrs: Attributes): string | undefined {
  const raw = attrs['llm.invocation_parameters'];
  if (raw === undefined) return undefined;
  const params = structured(raw);
  return isObject(params) ? str(params.model) : undefined;
}

/**
 * An embedding span's inputs as user text messages: the `embedding.embeddings.{i}.embedding.text`
 * family, else `input.value` when it is plain text or an embeddings request body (`{"input": …}`,
 * as the Python instrumentation records it). Never the body itself: it is a request, not a message.
 */
function embeddingInputs(ctx: DialectContext): GenAiMessage[] | undefined {
  const attrs = ctx.span.attributes;
  const texts: string[] = [];
  for (const item of unflattenFamily(attrs, ctx.index, 'embedding.embeddings', LIMITS.messages)) {
    const t = isObject(item.embedding) ? str(item.embedding.text) : undefined;
    if (t !== undefined) texts.push(t);
  }
  let list: string[] = texts;
  if (texts.length === 0) {
    const body = structured(attrs['input.value']);
    const input = isObject(body) ? body.input : body;
    list = typeof input === 'string' ? [input] : Array.isArray(input) ? input.filter((t): t is string => typeof t === 'string') : [];
  }
  const out = list.slice(0, LIMITS.messages).map((content): GenAiMessage => ({ role: 'user', parts: [{ type: 'text', content }] }));
  return out.length > 0 ? out : undefined;
}

function modelName(attrs: Attributes): string | undefined {
  return str(attrs['llm.model_name']) ?? str(attrs['embedding.model_name']);
}

function reportedCost(attrs: Attributes): number | undefined {
  const total = amount(attrs['llm.cost.total']);
  if (total !== undefined) return total;
  const prompt = amount(attrs['llm.cost.prompt']);
  const completion = amount(attrs['llm.cost.completion']);
  return prompt !== undefined && completion !== undefined ? prompt + completion : undefined;
}

function inputMessages(ctx: DialectContext): GenAiMessage[] | undefined {
  const flattened = flattenedMessages(ctx, 'llm.input_messages', 'user');
  if (flattened !== undefined) return flattened;
  if (ctx.kind === 'embedding') return embeddingInputs(ctx);
  return ctx.kind === 'tool' ? undefined : messagesFromValue(ctx.span.attributes['input.value'], 'user');
}

function outputMessages(ctx: DialectContext): GenAiMessage[] | undefined {
  const flattened = flattenedMessages(ctx, 'llm.output_messages', 'assistant');
  if (flattened !== undefined) return flattened;
  // Embedding spans: `output.value` is the response body with the vectors, which is no message.
  return ctx.kind === 'tool' || ctx.kind === 'embedding' ? undefined : messagesFromValue(ctx.span.attributes['output.value'], 'assistant');
}

function toolArguments(ctx: DialectContext): AttributeValue | undefined {
  if (ctx.kind !== 'tool') return undefined;
  const a = ctx.span.attributes;
  const args = a['tool_call.function.arguments'];
  return args !== undefined ? args : a['input.value'];
}

export const OPENINFERENCE: DialectReader = {
  provider: (c) => str(c.span.attributes['llm.provider']) ?? str(c.span.attributes['llm.system']),
  requestModel: (c) => str(c.span.attributes['llm.request.model_name']) ?? invocationModel(c.span.attributes) ?? modelName(c.span.attributes),
  responseModel: (c) => str(c.span.attributes['llm.response.model_name']) ?? modelName(c.span.attributes),
  inputTokens: (c) => count(c.span.attributes['llm.token_count.prompt']),
  outputTokens: (c) => count(c.span.attributes['llm.token_count.completion']),
  totalTokens: (c) => count(c.span.attributes['llm.token_count.total']),
  cacheReadTokens: (c) => count(c.span.attributes['llm.token_count.prompt_details.cache_read']),
  reasoningTokens: (c) => count(c.span.attributes['llm.token_count.completion_details.reasoning']),
  reportedCostUsd: (c) => reportedCost(c.span.attributes),
  // An AGENT span's graph node id names its agent when `agent.name` is missing (the JS openai-agents
  // instrumentation sends only `graph.node.id`; the Python one sends both, equal).
  agentName: (c) => str(c.span.attributes['agent.name']) ?? (c.kind === 'agent' ? str(c.span.attributes['graph.node.id']) : undefined),
  toolName: (c) => str(c.span.attributes['tool.name']) ?? str(c.span.attributes['tool_call.function.name']),
  toolCallId: (c) => str(c.span.attributes['tool_call.id']),
  sessionId: (c) => str(c.span.attributes['session.id']),
  userId: (c) => str(c.span.attributes['user.id']),
  finishReasons: (c) => stringList(c.span.attributes['llm.finish_reason'], LIMITS.finishReasons)?.map((r) => normalizeFinishReason(r) ?? r),
  inputMessages,
  outputMessages,
  toolDefinitions: (c) => {
    if (c.index.families['llm.tools'] === undefined) return undefined;
    return toolDefinitions(unflattenFamily(c.span.attributes, c.index, 'llm.tools', LIMITS.toolDefinitions).map((t) => (isObject(t.tool) ? (t.tool.json_schema ?? null) : null)));
  },
  toolArguments,
  toolResult: (c) => (c.kind === 'tool' ? c.span.attributes['output.value'] : undefined),
};
