// The chat a GenAI span carries, in reading order: system instructions, then the input messages,
// then the output. Tool calls and their results are paired by call id across the whole span, so a
// result names the tool that produced it and a call says whether its result is in view.
import type { AttributeValue, GenAiMessage, GenAiPart, GenAiSpan } from '../../../../src-shared/contract';

export type ChatSide = 'system' | 'input' | 'output';

export interface ChatEntry {
  side: ChatSide;
  role: string;
  name?: string;
  parts: GenAiPart[];
}

export function chatEntries(genai: GenAiSpan): ChatEntry[] {
  const entries: ChatEntry[] = [];
  if (genai.systemInstructions && genai.systemInstructions.length > 0) {
    entries.push({ side: 'system', role: 'system', parts: genai.systemInstructions });
  }
  const add = (side: ChatSide, messages: readonly GenAiMessage[] | undefined) => {
    for (const m of messages ?? []) entries.push({ side, role: m.role, ...(m.name ? { name: m.name } : {}), parts: m.parts });
  };
  add('input', genai.inputMessages);
  add('output', genai.outputMessages);
  return entries;
}

export interface ToolCallIndex {
  /** Call id → tool name, for every tool call in the chat. */
  names: ReadonlyMap<string, string>;
  /** Call ids that have a result in the chat. */
  answered: ReadonlySet<string>;
}

export function indexToolCalls(entries: readonly ChatEntry[]): ToolCallIndex {
  const names = new Map<string, string>();
  const answered = new Set<string>();
  for (const e of entries) {
    for (const p of e.parts) {
      if (p.type === 'tool_call' && p.id) names.set(p.id, p.name);
      else if (p.type === 'tool_call_response' && p.id) answered.add(p.id);
    }
  }
  return { names, answered };
}

export interface ToolInvocation {
  name: string | null;
  callId: string | null;
  /** undefined when the span carries no arguments. */
  args: AttributeValue | undefined;
  /** undefined when the span carries no result. */
  result: AttributeValue | undefined;
}

/**
 * What a tool span did: its call (from the input, where the normalizer puts the arguments) and its
 * result (from the output). Prefers the parts whose id is the span's own call id. null when the
 * span names no tool and carries neither arguments nor a result.
 */
export function toolInvocation(genai: GenAiSpan): ToolInvocation | null {
  const id = genai.toolCallId ?? null;
  const calls = partsOf(genai.inputMessages, 'tool_call');
  const results = partsOf(genai.outputMessages, 'tool_call_response');
  const call = (id ? calls.find((c) => c.id === id) : undefined) ?? calls[0];
  const result = (id ? results.find((r) => r.id === id) : undefined) ?? results[0];
  const name = genai.toolName ?? call?.name ?? null;
  if (name === null && !call && !result) return null;
  return { name, callId: id ?? call?.id ?? result?.id ?? null, args: call?.arguments, result: result?.response };
}

function partsOf<T extends GenAiPart['type']>(messages: readonly GenAiMessage[] | undefined, type: T): Extract<GenAiPart, { type: T }>[] {
  const out: Extract<GenAiPart, { type: T }>[] = [];
  for (const m of messages ?? []) for (const p of m.parts) if (p.type === type) out.push(p as Extract<GenAiPart, { type: T }>);
  return out;
}

/** True when the span has anything for the chat view to show. */
export function hasConversation(genai: GenAiSpan): boolean {
  return Boolean(genai.systemInstructions?.length || genai.inputMessages?.length || genai.outputMessages?.length);
}
