/**
 * Every message shape the dialects use, converted to the one GenAiMessage shape (OTel parts):
 * OTel parts JSON, OpenAI-style chat messages (old `gen_ai.prompt` JSON, indexed `gen_ai.prompt.{i}.*`,
 * deprecated message events, request bodies in `input.value`), and OpenInference's flattened
 * `message.*` items. Converters return undefined for what is not a message; they never throw.
 */
import type { AttributeValue, Attributes, GenAiMessage, GenAiPart, GenAiToolDefinition } from '../../../src-shared/contract';
import { LIMITS, isObject, str, structured, type JsonObject } from './values';

/** Tool arguments and results: parsed when they are JSON text, so a string and an object compare equal. */
export function payload(v: AttributeValue | undefined): AttributeValue {
  if (v === undefined) return null;
  return structured(v) ?? null;
}

function text(v: AttributeValue | undefined): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (v === undefined || v === null) return undefined;
  return JSON.stringify(v);
}

const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  complete: 'stop',
  length: 'length',
  max_tokens: 'length',
  content_filter: 'content_filter',
  'content-filter': 'content_filter',
  safety: 'content_filter',
  tool_calls: 'tool_call',
  'tool-calls': 'tool_call',
  tool_call: 'tool_call',
  tool_use: 'tool_call',
  function_call: 'tool_call',
  error: 'error',
};

/** Provider finish reasons mapped onto the OTel enum where one fits; others kept, lowercased. */
export function normalizeFinishReason(v: AttributeValue | undefined): string | undefined {
  const s = str(v)?.toLowerCase();
  if (s === undefined) return undefined;
  return FINISH_REASONS[s] ?? s;
}

// ---------------------------------------------------------------- OTel parts

function modalityOf(o: JsonObject): string {
  return str(o.modality) ?? 'unknown';
}

function mimeOf(o: JsonObject): string | null {
  return str(o.mime_type) ?? str(o.mimeType) ?? null;
}

/** One part of the OTel schema; unknown types are kept as `other` rather than dropped. */
export function partFromOtel(raw: AttributeValue): GenAiPart | undefined {
  if (typeof raw === 'string') return raw === '' ? undefined : { type: 'text', content: raw };
  if (!isObject(raw)) return undefined;
  const type = str(raw.type);
  switch (type) {
    case 'text': {
      const content = text(raw.content);
      return content === undefined ? undefined : { type: 'text', content };
    }
    case 'reasoning': {
      const content = text(raw.content);
      return content === undefined ? undefined : { type: 'reasoning', content };
    }
    case 'tool_call': {
      const name = str(raw.name);
      if (name === undefined) break;
      return { type: 'tool_call', id: str(raw.id) ?? null, name, arguments: payload(raw.arguments) };
    }
    case 'tool_call_response':
      return { type: 'tool_call_response', id: str(raw.id) ?? null, response: payload(raw.response ?? raw.result) };
    case 'blob': {
      const content = str(raw.content);
      if (content === undefined) break;
      return { type: 'blob', mimeType: mimeOf(raw), modality: modalityOf(raw), content };
    }
    case 'uri': {
      const uri = str(raw.uri);
      if (uri === undefined) break;
      return { type: 'uri', mimeType: mimeOf(raw), modality: modalityOf(raw), uri };
    }
    case 'file': {
      const fileId = str(raw.file_id) ?? str(raw.fileId);
      if (fileId === undefined) break;
      return { type: 'file', mimeType: mimeOf(raw), modality: modalityOf(raw), fileId };
    }
  }
  const data: Attributes = {};
  // defineProperty: an own `__proto__` key (JSON.parse makes those) must stay data, not become a prototype.
  for (const [k, v] of Object.entries(raw)) if (k !== 'type') Object.defineProperty(data, k, { value: v, enumerable: true, writable: true, configurable: true });
  return { type: 'other', originalType: type ?? 'unknown', data };
}

function partsFromOtel(raw: AttributeValue | undefined): GenAiPart[] | undefined {
  const list = structured(raw);
  if (typeof list === 'string') return [{ type: 'text', content: list }];
  if (!Array.isArray(list)) return undefined;
  const parts: GenAiPart[] = [];
  for (const item of list) {
    if (parts.length >= LIMITS.partsPerMessage) break;
    const part = partFromOtel(item);
    if (part) parts.push(part);
  }
  return parts;
}

function withName(msg: GenAiMessage, o: JsonObject): GenAiMessage {
  const name = str(o.name);
  if (name !== undefined) msg.name = name;
  return msg;
}

/** The `finish_reason` of each item of a list of choices/messages (raw or JSON text), normalized. */
export function finishReasonsOf(v: AttributeValue | undefined, key = 'finish_reason'): string[] | undefined {
  const list = structured(v);
  if (!Array.isArray(list)) return undefined;
  const out: string[] = [];
  for (const item of list) {
    if (out.length >= LIMITS.finishReasons) break;
    const r = isObject(item) ? normalizeFinishReason(item[key]) : undefined;
    if (r !== undefined) out.push(r);
  }
  return out.length > 0 ? out : undefined;
}

// ---------------------------------------------------------------- OpenAI-style messages

function toolCallFromOpenAi(raw: AttributeValue): GenAiPart | undefined {
  if (!isObject(raw)) return undefined;
  const fn = isObject(raw.function) ? raw.function : raw;
  const name = str(fn.name);
  if (name === undefined) return undefined;
  return { type: 'tool_call', id: str(raw.id) ?? null, name, arguments: payload(fn.arguments ?? fn.args) };
}

/** An item of an OpenAI `content` array (or Anthropic-style block). */
function partFromContentItem(raw: AttributeValue): GenAiPart | undefined {
  if (typeof raw === 'string') return raw === '' ? undefined : { type: 'text', content: raw };
  if (!isObject(raw)) return undefined;
  const type = str(raw.type);
  if (type === 'text' || type === 'input_text' || type === 'output_text') {
    const t = text(raw.text ?? raw.content);
    return t === undefined ? undefined : { type: 'text', content: t };
  }
  if (type === 'image_url') {
    const url = isObject(raw.image_url) ? str(raw.image_url.url) : str(raw.image_url);
    if (url !== undefined) return { type: 'uri', mimeType: null, modality: 'image', uri: url };
  }
  if (type === 'thinking' || type === 'reasoning') {
    const t = text(raw.thinking ?? raw.content ?? raw.text);
    if (t !== undefined) return { type: 'reasoning', content: t };
  }
  return partFromOtel(raw);
}

/**
 * An OpenAI chat message (`{role, content, tool_calls, tool_call_id, function_call}`); also the
 * body of the deprecated message events, which use the same fields.
 */
export function messageFromOpenAi(o: JsonObject, defaultRole: string): GenAiMessage {
  const role = str(o.role)?.toLowerCase() ?? defaultRole;
  const parts: GenAiPart[] = [];
  const toolCallId = str(o.tool_call_id);
  if (role === 'tool' || toolCallId !== undefined) {
    parts.push({ type: 'tool_call_response', id: toolCallId ?? null, response: payload(o.content) });
  } else {
    const content = structured(o.content);
    if (Array.isArray(content) && typeof o.content !== 'string') {
      for (const item of content) {
        if (parts.length >= LIMITS.partsPerMessage) break;
        const part = partFromContentItem(item);
        if (part) parts.push(part);
      }
    } else {
      const t = text(o.content);
      if (t !== undefined) parts.push({ type: 'text', content: t });
    }
  }
  const calls = structured(o.tool_calls);
  if (Array.isArray(calls)) {
    for (const call of calls) {
      if (parts.length >= LIMITS.partsPerMessage) break;
      const part = toolCallFromOpenAi(call);
      if (part) parts.push(part);
    }
  }
  const legacyCall = structured(o.function_call);
  if (isObject(legacyCall)) {
    const part = toolCallFromOpenAi(legacyCall);
    if (part) parts.push(part);
  }
  return withName({ role, parts }, o);
}

/** A message in either OTel (`parts`) or OpenAI (`content`) shape. */
export function messageFromAny(raw: AttributeValue, defaultRole: string): GenAiMessage | undefined {
  if (!isObject(raw)) return undefined;
  if (Array.isArray(structured(raw.parts))) {
    const role = str(raw.role)?.toLowerCase() ?? defaultRole;
    return withName({ role, parts: partsFromOtel(raw.parts) ?? [] }, raw);
  }
  if (!('role' in raw) && !('content' in raw) && !('tool_calls' in raw)) return undefined;
  return messageFromOpenAi(raw, defaultRole);
}

/** A list of messages from an array (or JSON text of one); undefined if it is not one. */
export function messageList(v: AttributeValue | undefined, defaultRole: string): GenAiMessage[] | undefined {
  const list = structured(v);
  if (!Array.isArray(list)) return undefined;
  const out: GenAiMessage[] = [];
  for (const item of list) {
    if (out.length >= LIMITS.messages) break;
    const msg = messageFromAny(item, defaultRole);
    if (msg) out.push(msg);
  }
  return out.length > 0 || list.length === 0 ? out : undefined;
}

/** `gen_ai.system_instructions`: an array of parts, JSON text of one, or plain text. */
export function systemInstructions(v: AttributeValue | undefined): GenAiPart[] | undefined {
  const s = structured(v);
  if (isObject(s) && Array.isArray(s.parts)) return partsFromOtel(s.parts);
  if (Array.isArray(s) && s.every((item) => isObject(item) && Array.isArray(item.parts))) {
    return s.flatMap((item) => (isObject(item) ? (partsFromOtel(item.parts) ?? []) : [])).slice(0, LIMITS.partsPerMessage);
  }
  const parts = partsFromOtel(s);
  return parts && parts.length > 0 ? parts : undefined;
}

// ---------------------------------------------------------------- free-form input/output values

/**
 * `input.value`, `output.value`, `traceloop.entity.input/output`: a message list, a request body
 * with `messages`, a Traceloop `{args, kwargs}` wrapper, or plain text (one message of `role`).
 */
export function messagesFromValue(v: AttributeValue | undefined, role: string): GenAiMessage[] | undefined {
  const parsed = structured(v);
  const s = unwrapTraceloopArgs(parsed);
  if (s === undefined || s === null || s === '') return undefined;
  const list = messageList(s, role);
  if (list && list.length > 0) return list;
  if (isObject(s)) {
    const inner = messageList(s.messages, role);
    if (inner && inner.length > 0) return inner;
    // An OpenAI response body: the first choice's message.
    if (Array.isArray(s.choices)) {
      const out: GenAiMessage[] = [];
      for (const c of s.choices.slice(0, LIMITS.messages)) {
        if (isObject(c) && isObject(c.message)) out.push(messageFromOpenAi(c.message, 'assistant'));
      }
      if (out.length > 0) return out;
    }
  }
  // Text that merely parsed as some other JSON stays exactly as sent.
  const t = typeof v === 'string' && s === parsed ? v : text(s);
  return t === undefined ? undefined : [{ role, parts: [{ type: 'text', content: t }] }];
}

/** Traceloop's decorators record `{"args": [...], "kwargs": {...}}`; a single argument is the value. */
export function unwrapTraceloopArgs(s: AttributeValue | undefined): AttributeValue | undefined {
  if (!isObject(s)) return s;
  const keys = Object.keys(s);
  if (!keys.every((k) => k === 'args' || k === 'kwargs') || keys.length === 0) return s;
  const args = Array.isArray(s.args) ? s.args : [];
  const kwargs = isObject(s.kwargs) ? s.kwargs : {};
  const nKw = Object.keys(kwargs).length;
  if (args.length === 1 && nKw === 0) return args[0];
  if (args.length === 0 && nKw > 0) return kwargs;
  if (args.length === 0 && nKw === 0) return undefined;
  return s;
}

// ---------------------------------------------------------------- OpenInference flattened messages

/** One rebuilt `llm.{input,output}_messages.{i}` item: `{message: {role, content, contents, tool_calls, …}}`. */
export function messageFromOpenInference(item: JsonObject, defaultRole: string): GenAiMessage | undefined {
  const m = isObject(item.message) ? item.message : item;
  const role = str(m.role)?.toLowerCase() ?? defaultRole;
  const parts: GenAiPart[] = [];
  const toolCallId = str(m.tool_call_id);
  if (role === 'tool' || toolCallId !== undefined) {
    parts.push({ type: 'tool_call_response', id: toolCallId ?? null, response: payload(m.content) });
  } else {
    const t = text(m.content);
    if (t !== undefined) parts.push({ type: 'text', content: t });
    if (Array.isArray(m.contents)) {
      // `content` and `contents` are alternatives; the openai-agents instrumentation sends both
      // (the text, and the same text as a part): the plain copy gives way to the parts.
      const texts = m.contents.map((c) => {
        const mc = isObject(c) && isObject(c.message_content) ? c.message_content : c;
        return isObject(mc) ? text(mc.text) : undefined;
      });
      if (t !== undefined && texts.some((x) => x !== undefined) && texts.join('') === t) parts.pop();
      for (const c of m.contents) {
        if (parts.length >= LIMITS.partsPerMessage) break;
        const mc = isObject(c) && isObject(c.message_content) ? c.message_content : c;
        if (!isObject(mc)) continue;
        const type = str(mc.type);
        const image = isObject(mc.image) && isObject(mc.image.image) ? str(mc.image.image.url) : undefined;
        if (type === 'image' && image !== undefined) parts.push({ type: 'uri', mimeType: null, modality: 'image', uri: image });
        else {
          const tt = text(mc.text);
          if (tt !== undefined) parts.push({ type: 'text', content: tt });
        }
      }
    }
  }
  if (Array.isArray(m.tool_calls)) {
    for (const c of m.tool_calls) {
      if (parts.length >= LIMITS.partsPerMessage) break;
      const tc = isObject(c) && isObject(c.tool_call) ? c.tool_call : c;
      const part = toolCallFromOpenAi(tc);
      if (part) parts.push(part);
    }
  }
  const fnName = str(m.function_call_name);
  if (fnName !== undefined) parts.push({ type: 'tool_call', id: null, name: fnName, arguments: payload(m.function_call_arguments_json) });
  // OpenInference's AutoGen instrumentation: a `function` message's results as AutoGen's own
  // FunctionExecutionResult objects, `{index}.function.{j}` = `{"name", "content", "call_id", "is_error"}`.
  if (Array.isArray(item.function)) {
    for (const raw of item.function) {
      const r = structured(raw);
      if (parts.length >= LIMITS.partsPerMessage || !isObject(r) || r.content === undefined) continue;
      parts.push({ type: 'tool_call_response', id: str(r.call_id) ?? null, response: payload(r.content) });
    }
  }
  if (parts.length === 0 && str(m.role) === undefined) return undefined;
  return withName({ role, parts }, m);
}

// ---------------------------------------------------------------- tool definitions

/** `{type, name, description, parameters}` (OTel) or `{type: "function", function: {…}}` (OpenAI, OpenInference's json_schema). */
export function toolDefinition(raw: AttributeValue): GenAiToolDefinition | undefined {
  const s = structured(raw);
  if (!isObject(s)) return undefined;
  const fn = isObject(s.function) ? s.function : s;
  const name = str(fn.name);
  if (name === undefined) return undefined;
  const def: GenAiToolDefinition = { name };
  const type = str(s.type);
  if (type !== undefined) def.type = type;
  const description = str(fn.description);
  if (description !== undefined) def.description = description;
  if (fn.parameters !== undefined) def.parameters = payload(fn.parameters);
  return def;
}

export function toolDefinitions(list: readonly AttributeValue[] | undefined): GenAiToolDefinition[] | undefined {
  if (!list) return undefined;
  const out: GenAiToolDefinition[] = [];
  for (const item of list) {
    if (out.length >= LIMITS.toolDefinitions) break;
    const def = toolDefinition(item);
    if (def) out.push(def);
  }
  return out.length > 0 ? out : undefined;
}
