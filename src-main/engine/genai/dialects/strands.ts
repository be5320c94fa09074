/**
 * AWS Strands Agents' own tracing (`strands.telemetry.tracer`) in its default mode, the deprecated
 * GenAI events with a body of its own: every span says `gen_ai.system: strands-agents`, and the
 * events' `content` / `message` attributes are JSON text of Bedrock Converse content blocks
 * (`[{"text": …}]`, `[{"toolUse": {toolUseId, name, input}}]`,
 * `[{"toolResult": {toolUseId, status, content}}]`), which the generic event reader would keep as
 * text. A tool span states its call as events too: `gen_ai.tool.message` carries the arguments
 * (not a result) and `gen_ai.choice` the result. Read before OTel, only on spans with that mark;
 * with `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` Strands sends standard messages
 * instead (no `gen_ai.system`), which the OTel reader takes.
 */
import type { AttributeValue, GenAiMessage, GenAiPart, SpanEvent } from '../../../../src-shared/contract';
import type { DialectContext, DialectReader } from '../reading';
import { LIMITS, isObject, str, structured, type JsonObject } from '../values';

const ROLE_OF_EVENT: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

function isStrands(c: DialectContext): boolean {
  return c.span.events.length > 0 && c.span.attributes['gen_ai.system'] === 'strands-agents';
}

/** One Converse content block as a part (the mapping Strands itself uses in its latest mode). */
function partOf(block: AttributeValue): GenAiPart | undefined {
  if (!isObject(block)) return undefined;
  if (typeof block.text === 'string') return { type: 'text', content: block.text };
  const use = block.toolUse;
  if (isObject(use)) return { type: 'tool_call', id: str(use.toolUseId) ?? null, name: str(use.name) ?? 'unknown', arguments: use.input ?? null };
  const result = block.toolResult;
  if (isObject(result)) return { type: 'tool_call_response', id: str(result.toolUseId) ?? null, response: result.content ?? null };
  const reasoning = block.reasoningContent;
  if (isObject(reasoning) && isObject(reasoning.reasoningText) && typeof reasoning.reasoningText.text === 'string') {
    return { type: 'reasoning', content: reasoning.reasoningText.text };
  }
  const [type] = Object.keys(block);
  return type === undefined ? undefined : { type: 'other', originalType: type, data: block };
}

/** An event's content: JSON text of a block list (else the text itself, as one text part). */
function partsOf(v: AttributeValue | undefined): GenAiPart[] {
  const blocks = structured(v);
  if (Array.isArray(blocks)) {
    const parts: GenAiPart[] = [];
    for (const b of blocks) {
      if (parts.length >= LIMITS.partsPerMessage) break;
      const p = partOf(b);
      if (p) parts.push(p);
    }
    return parts;
  }
  const t = str(v);
  return t === undefined ? [] : [{ type: 'text', content: t.replace(/\n+$/, '') }];
}

/** A message whose parts are tool results answers as `tool`, as the conventions pair them. */
function message(role: string, parts: GenAiPart[]): GenAiMessage {
  return { role: parts.length > 0 && parts.every((p) => p.type === 'tool_call_response') ? 'tool' : role, parts };
}

function toolCallPart(c: DialectContext, ev: SpanEvent): GenAiPart {
  const a = c.span.attributes;
  return { type: 'tool_call', id: str(ev.attributes.id) ?? str(a['gen_ai.tool.call.id']) ?? null, name: str(a['gen_ai.tool.name']) ?? 'unknown', arguments: structured(ev.attributes.content) ?? null };
}

function inputMessages(c: DialectContext): GenAiMessage[] | undefined {
  if (!isStrands(c)) return undefined;
  const out: GenAiMessage[] = [];
  for (const ev of c.span.events) {
    if (out.length >= LIMITS.messages) break;
    const role = ROLE_OF_EVENT[ev.name];
    if (role === undefined) continue;
    // On a tool span the tool message is the call's input: its arguments.
    if (c.kind === 'tool' && role === 'tool') out.push({ role: 'assistant', parts: [toolCallPart(c, ev)] });
    else out.push(message(role, partsOf(ev.attributes.content)));
  }
  return out.length > 0 ? out : undefined;
}

function outputMessages(c: DialectContext): GenAiMessage[] | undefined {
  if (!isStrands(c)) return undefined;
  const out: GenAiMessage[] = [];
  for (const ev of c.span.events) {
    if (ev.name !== 'gen_ai.choice' || out.length >= LIMITS.messages) continue;
    const a: JsonObject = ev.attributes;
    if (c.kind === 'tool') {
      const id = str(a.id) ?? str(c.span.attributes['gen_ai.tool.call.id']) ?? null;
      out.push({ role: 'tool', parts: [{ type: 'tool_call_response', id, response: structured(a.message) ?? null }] });
      continue;
    }
    out.push(message('assistant', partsOf(a.message)));
    // An event-loop cycle's choice also carries the results of the tools it ran.
    if (a['tool.result'] !== undefined) out.push(message('tool', partsOf(a['tool.result'])));
  }
  return out.length > 0 ? out : undefined;
}

export const STRANDS: DialectReader = { inputMessages, outputMessages };
