/**
 * Vercel AI SDK (`ai` package) telemetry, `experimental_telemetry: { isEnabled: true }`: spans named
 * by their `ai.operationId` (`ai.generateText` → `ai.generateText.doGenerate` per model call,
 * `ai.toolCall` per tool run; the `stream*`, `*Object`, `embed*` and `rerank` families alike), with
 * the SDK's own `ai.*` names: `ai.model.*`, `ai.usage.*`, `ai.prompt` / `ai.prompt.messages` /
 * `ai.prompt.tools`, `ai.response.*`, `ai.toolCall.*`, `ai.telemetry.metadata.*` (what the
 * application passes as `metadata`, where session and user ids go). The model-call spans also
 * carry a few `gen_ai.*` names (`gen_ai.system` is the SDK's provider id, e.g. `openai.chat`).
 *
 * AI SDK 7 moved telemetry to `@ai-sdk/otel`, which sends OTel GenAI names (the OTel reader's);
 * of its spans only the runtime context (`ai.settings.context.*`, session and user ids) is read here.
 *
 * Only a span marked by `ai.operationId` or carrying `ai.settings.context.*` (values.ts
 * indexAttributes sets `index.aiSdk`) is read here; every reader answers nothing for other spans
 * after one property check. The outer span of a
 * call (`ai.generateText`) is the SDK's agent loop and repeats the sum of its steps' usage: it reads
 * as an `agent` named by its `functionId` (as AI SDK 7's OTel integration names it), never as an
 * LLM call, and the rollup counts the model calls (its innermost usage) once.
 */
import type { AttributeValue, Attributes, GenAiKind, GenAiMessage, GenAiPart, GenAiToolDefinition } from '../../../../src-shared/contract';
import { normalizeFinishReason, payload, toolDefinition } from '../messages';
import type { DialectContext, DialectReader } from '../reading';
import { LIMITS, count, isObject, str, structured, type JsonObject } from '../values';

/** The SDK's span names are its operation ids; the inner `do*` span is the provider call. */
const KIND_OF_OPERATION: Record<string, GenAiKind> = {
  // The SDK's loop over model calls and tool runs: AI SDK 7's own OTel integration names this span
  // `invoke_agent`, with the functionId as gen_ai.agent.name.
  'ai.generateText': 'agent',
  'ai.streamText': 'agent',
  'ai.generateObject': 'agent',
  'ai.streamObject': 'agent',
  'ai.embed': 'chain',
  'ai.embedMany': 'chain',
  'ai.rerank': 'chain',
  'ai.generateText.doGenerate': 'llm',
  'ai.streamText.doStream': 'llm',
  'ai.generateObject.doGenerate': 'llm',
  'ai.streamObject.doStream': 'llm',
  'ai.embed.doEmbed': 'embedding',
  'ai.embedMany.doEmbed': 'embedding',
  'ai.rerank.doRerank': 'reranker',
  'ai.toolCall': 'tool',
};

/**
 * The kind the SDK's operation id states; `other` for an `ai.*` operation we do not know. Only
 * asked for a span indexAttributes marked `aiSdk` (an `ai.operationId` starting with `ai.`).
 */
export function aiSdkKind(attrs: Attributes): GenAiKind | undefined {
  const op = str(attrs['ai.operationId']);
  if (op === undefined) return undefined;
  return KIND_OF_OPERATION[op] ?? 'other';
}

/** AI SDK provider prefixes whose OTel provider name differs. */
const PROVIDERS: Record<string, string> = {
  google: 'gcp.gemini',
  'google.vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  'amazon-bedrock': 'aws.bedrock',
  azure: 'azure.ai.openai',
  mistral: 'mistral_ai',
  xai: 'x_ai',
};

/** The API part of an AI SDK provider id (`openai.chat`, `openai.responses`, `anthropic.messages`, `google.generative-ai`). */
const AI_SDK_APIS = new Set(['chat', 'responses', 'completion', 'messages', 'embedding', 'image', 'transcription', 'speech', 'generative-ai']);

/**
 * An AI SDK provider id (`<provider>.<api>`) in OTel's provider names (`openai.chat` → `openai`,
 * `google.vertex.chat` → `gcp.vertex_ai`); undefined for a value without a known API suffix, so
 * OTel names such as `azure.ai.openai` are left alone. Frameworks built on the AI SDK (Mastra) send
 * these ids as `gen_ai.provider.name` too, so normalize.ts asks this for every provider value.
 */
export function aiSdkProvider(lower: string): string | undefined {
  const dot = lower.lastIndexOf('.');
  if (dot <= 0 || !AI_SDK_APIS.has(lower.slice(dot + 1))) return undefined;
  const head = lower.slice(0, dot);
  return PROVIDERS[head] ?? head;
}

/** `ai.model.provider`: an AI SDK provider id, or a bare provider (`amazon-bedrock`). */
function provider(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const lower = raw.toLowerCase();
  return aiSdkProvider(lower) ?? PROVIDERS[lower] ?? lower;
}

/**
 * Session and user ids as applications name them, best first, as full keys: in v4–6 `metadata`
 * (`ai.telemetry.metadata.*`), in v7 the runtime context the call marks for telemetry
 * (`ai.settings.context.*`, sent by `@ai-sdk/otel` with `runtimeContext: true`).
 */
const SESSION_NAMES = ['sessionId', 'session_id', 'session.id', 'conversationId', 'conversation_id', 'threadId', 'thread_id', 'chatId', 'chat_id'];
const USER_NAMES = ['userId', 'user_id', 'user.id'];
const PREFIXES = ['ai.telemetry.metadata.', 'ai.settings.context.'];
const SESSION_KEYS = PREFIXES.flatMap((p) => SESSION_NAMES.map((k) => p + k));
const USER_KEYS = PREFIXES.flatMap((p) => USER_NAMES.map((k) => p + k));

function firstOf(a: Attributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = str(a[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

// ---------------------------------------------------------------- messages

function textOf(v: AttributeValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (v === undefined || v === null) return undefined;
  return JSON.stringify(v);
}

/** A tool result's `output` (`{type: 'json' | 'text' | 'error-json' | 'error-text' | 'content', value}`; v4: `result`). */
function toolOutput(p: JsonObject): AttributeValue {
  const out = p.output;
  if (isObject(out) && 'value' in out && typeof out.type === 'string') return payload(out.value);
  return payload(out ?? p.result);
}

/** A media part's data: a URL is a `uri` part, other data (base64) a `blob`. */
function mediaPart(p: JsonObject, modality: string): GenAiPart | undefined {
  const data = p.image ?? p.data ?? p.url;
  const mimeType = str(p.mediaType) ?? str(p.mimeType) ?? null;
  const s = str(data);
  if (s === undefined) return undefined;
  if (/^(https?|gs|s3|data):/i.test(s)) return { type: 'uri', mimeType, modality, uri: s };
  return { type: 'blob', mimeType, modality, content: s };
}

/** One part of an AI SDK message (`text`, `reasoning`, `image`, `file`, `tool-call`, `tool-result`). */
function part(raw: AttributeValue): GenAiPart | undefined {
  if (typeof raw === 'string') return raw === '' ? undefined : { type: 'text', content: raw };
  if (!isObject(raw)) return undefined;
  const type = str(raw.type);
  switch (type) {
    case 'text':
    case 'reasoning': {
      const content = textOf(raw.text);
      return content === undefined ? undefined : { type, content };
    }
    case 'tool-call': {
      const name = str(raw.toolName);
      if (name === undefined) break;
      return { type: 'tool_call', id: str(raw.toolCallId) ?? null, name, arguments: payload(raw.input ?? raw.args) };
    }
    case 'tool-result':
      return { type: 'tool_call_response', id: str(raw.toolCallId) ?? null, response: toolOutput(raw) };
    case 'image':
      return mediaPart(raw, 'image') ?? other(raw, type);
    case 'file': {
      const mime = str(raw.mediaType) ?? str(raw.mimeType) ?? '';
      const modality = mime.startsWith('image/') ? 'image' : mime.startsWith('audio/') ? 'audio' : mime.startsWith('video/') ? 'video' : 'unknown';
      return mediaPart(raw, modality) ?? other(raw, type);
    }
  }
  return other(raw, type ?? 'unknown');
}

function other(raw: JsonObject, type: string): GenAiPart {
  const data: Attributes = {};
  // defineProperty: an own `__proto__` key (JSON.parse makes those) must stay data.
  for (const [k, v] of Object.entries(raw)) if (k !== 'type') Object.defineProperty(data, k, { value: v, enumerable: true, writable: true, configurable: true });
  return { type: 'other', originalType: type, data };
}

/** An AI SDK message (`{role, content}`, content a string or a list of parts). */
function message(raw: AttributeValue, defaultRole: string): GenAiMessage | undefined {
  if (!isObject(raw)) return undefined;
  const role = str(raw.role)?.toLowerCase() ?? defaultRole;
  const parts: GenAiPart[] = [];
  if (Array.isArray(raw.content)) {
    for (const item of raw.content) {
      if (parts.length >= LIMITS.partsPerMessage) break;
      const p = part(item);
      if (p) parts.push(p);
    }
  } else {
    const t = textOf(raw.content);
    if (t !== undefined) parts.push({ type: 'text', content: t });
  }
  return { role, parts };
}

function messages(v: AttributeValue | undefined, defaultRole: string): GenAiMessage[] | undefined {
  const list = structured(v);
  if (!Array.isArray(list)) return undefined;
  const out: GenAiMessage[] = [];
  for (const item of list) {
    if (out.length >= LIMITS.messages) break;
    const m = message(item, defaultRole);
    if (m) out.push(m);
  }
  return out.length > 0 ? out : undefined;
}

/** The outer span's `ai.prompt`: `{system?, prompt?: string | messages, messages?}`. */
function prompt(v: AttributeValue | undefined): GenAiMessage[] | undefined {
  const p = structured(v);
  if (typeof p === 'string') return p === '' ? undefined : [{ role: 'user', parts: [{ type: 'text', content: p }] }];
  if (!isObject(p)) return undefined;
  const out: GenAiMessage[] = [];
  const system = textOf(p.system);
  if (system !== undefined) out.push({ role: 'system', parts: [{ type: 'text', content: system }] });
  const listed = messages(p.messages, 'user') ?? messages(p.prompt, 'user');
  if (listed) out.push(...listed.slice(0, LIMITS.messages - out.length));
  else {
    const t = textOf(p.prompt);
    if (t !== undefined) out.push({ role: 'user', parts: [{ type: 'text', content: t }] });
  }
  return out.length > 0 ? out : undefined;
}

/** What the model answered: `ai.response.text` (or `.object`), `ai.response.reasoning`, `ai.response.toolCalls`. */
function response(a: Attributes): GenAiMessage[] | undefined {
  const parts: GenAiPart[] = [];
  const reasoning = textOf(a['ai.response.reasoning']);
  if (reasoning !== undefined) parts.push({ type: 'reasoning', content: reasoning });
  const text = textOf(a['ai.response.text']) ?? textOf(a['ai.response.object']);
  if (text !== undefined) parts.push({ type: 'text', content: text });
  const calls = structured(a['ai.response.toolCalls']);
  if (Array.isArray(calls)) {
    for (const c of calls) {
      if (parts.length >= LIMITS.partsPerMessage) break;
      const p = isObject(c) ? part({ ...c, type: 'tool-call' }) : undefined;
      if (p) parts.push(p);
    }
  }
  return parts.length > 0 ? [{ role: 'assistant', parts }] : undefined;
}

/** `ai.prompt.tools`: JSON text per tool, `{type, name, description, inputSchema}` (v4: `parameters`). */
function definitions(v: AttributeValue | undefined): GenAiToolDefinition[] | undefined {
  const list = structured(v);
  if (!Array.isArray(list)) return undefined;
  const out: GenAiToolDefinition[] = [];
  for (const item of list) {
    if (out.length >= LIMITS.toolDefinitions) break;
    const s = structured(item);
    const def = toolDefinition(s ?? null);
    if (!def) continue;
    if (def.parameters === undefined && isObject(s) && s.inputSchema !== undefined) def.parameters = payload(s.inputSchema);
    out.push(def);
  }
  return out.length > 0 ? out : undefined;
}

// ---------------------------------------------------------------- readers

/** Reads `key` when the span is the SDK's; nothing otherwise. */
function own<T>(read: (a: Attributes, c: DialectContext) => T | undefined): (c: DialectContext) => T | undefined {
  return (c) => (c.index.aiSdk ? read(c.span.attributes, c) : undefined);
}

const isTool = (c: DialectContext): boolean => c.kind === 'tool';

export const VERCEL_AI: DialectReader = {
  provider: own((a) => provider(str(a['ai.model.provider']))),
  requestModel: own((a) => str(a['ai.model.id'])),
  responseModel: own((a) => str(a['ai.response.model'])),
  // v5+ names, then v4's (`promptTokens`/`completionTokens`); embeddings report `ai.usage.tokens`.
  inputTokens: own((a) => count(a['ai.usage.inputTokens']) ?? count(a['ai.usage.promptTokens']) ?? count(a['ai.usage.tokens'])),
  outputTokens: own((a) => count(a['ai.usage.outputTokens']) ?? count(a['ai.usage.completionTokens'])),
  totalTokens: own((a) => count(a['ai.usage.totalTokens'])),
  cacheReadTokens: own((a) => count(a['ai.usage.inputTokenDetails.cacheReadTokens']) ?? count(a['ai.usage.cachedInputTokens'])),
  reasoningTokens: own((a) => count(a['ai.usage.outputTokenDetails.reasoningTokens']) ?? count(a['ai.usage.reasoningTokens'])),
  agentName: own((a, c) => (c.kind === 'agent' ? str(a['ai.telemetry.functionId']) : undefined)),
  toolName: own((a, c) => (isTool(c) ? str(a['ai.toolCall.name']) : undefined)),
  toolCallId: own((a, c) => (isTool(c) ? str(a['ai.toolCall.id']) : undefined)),
  toolArguments: own((a, c) => (isTool(c) ? (a['ai.toolCall.args'] ?? a['ai.toolCall.input']) : undefined)),
  toolResult: own((a, c) => (isTool(c) ? (a['ai.toolCall.result'] ?? a['ai.toolCall.output']) : undefined)),
  sessionId: own((a) => firstOf(a, SESSION_KEYS)),
  userId: own((a) => firstOf(a, USER_KEYS)),
  finishReasons: own((a) => {
    const r = normalizeFinishReason(a['ai.response.finishReason']);
    return r === undefined ? undefined : [r];
  }),
  inputMessages: own((a, c) => (isTool(c) ? undefined : (messages(a['ai.prompt.messages'], 'user') ?? prompt(a['ai.prompt'])))),
  outputMessages: own((a, c) => (isTool(c) ? undefined : response(a))),
  toolDefinitions: own((a) => definitions(a['ai.prompt.tools'])),
};
