/**
 * What the memory remembers from one span (docs/memory.md): each input and output message of a
 * model call as `role: text` (system prompts aside), a tool call with its result as `tool NAME(arguments) → result`, and
 * a failed span's status message and exceptions. Texts are cut near 200 words (MiniLM was trained
 * on 256 tokens) with a little overlap. Each text carries a hash of its source and words, so the
 * chat history every later call of a run resends is stored, and embedded, once per trace.
 * Pure: no Node, so tests and any other side can run it.
 */
import type { AttributeValue, GenAiMessage, GenAiPart, GenAiSpan, MemorySource, SpanRecord } from '../../../src-shared/contract';

export interface MemoryText {
  source: MemorySource;
  text: string;
  /** Of source and text; unique within a trace (the memory's key with the trace id). */
  hash: string;
}

/**
 * MiniLM reads 256 tokens and agent text (JSON, ids, numbers) runs about two tokens a word
 * (bench/memory-embed.ts): a 200-word chunk lost its last third to truncation.
 */
export const CHUNK_WORDS = 120;
/** A text up to CHUNK_WORDS + this stays whole, rather than leaving a stub chunk of a few words. */
const CHUNK_SLACK = 25;
/** Words shared by consecutive chunks, so a sentence cut at a boundary is whole in one of them. */
const CHUNK_OVERLAP = 15;
/** ~256 MiniLM tokens; minified JSON or a long identifier counts by characters instead. */
const CHUNK_MAX_CHARS = 1000;
/** A "word" longer than this (base64, minified JSON) is cut into pieces of it. */
const WORD_MAX_CHARS = 400;
/**
 * At most this many chunks (~3,000 words) of one text: embedding costs 10–100 ms of CPU a chunk,
 * and a tool that returns a whole file would otherwise cost minutes; a text's start says most.
 */
const MAX_CHUNKS = 16;

/**
 * The agent's standing instructions are left out, like `systemInstructions`: the same prompt in
 * every run of an agent tells no run apart, and a long one would be most of what is embedded
 * (up to 16 chunks a trace). Measured on the memory eval set (64 runs, 67 paraphrased queries,
 * MiniLM): with them recall@1 0.716, MRR 0.812, recall@5 0.955, 413 texts; without them 0.746,
 * 0.837, 0.940, 349 texts. The trace list's full-text search still finds words of a prompt.
 */
const INSTRUCTION_ROLES = new Set(['system', 'developer']);

export function memoryTextsOf(span: SpanRecord, genai: GenAiSpan | null): MemoryText[] {
  const out: MemoryText[] = [];
  const seen = new Set<string>();
  const add = (source: MemorySource, label: string, body: string) => {
    for (const text of chunked(label, body)) {
      const hash = textHash(source, text);
      if (seen.has(hash)) continue;
      seen.add(hash);
      out.push({ source, text, hash });
    }
  };
  if (genai?.kind === 'tool') {
    const call = toolCallText(span, genai);
    if (call) add('tool', call.label, call.body);
  } else if (genai) {
    for (const m of [...(genai.inputMessages ?? []), ...(genai.outputMessages ?? [])]) {
      if (INSTRUCTION_ROLES.has(m.role)) continue;
      const body = messageBody(m);
      if (body) add('message', `${m.role}: `, body);
    }
  }
  const error = errorText(span);
  if (error) add('error', '', error);
  return out;
}

function messageBody(m: GenAiMessage): string {
  return m.parts
    .map(partText)
    .filter((t) => t.trim() !== '')
    .join('\n');
}

/** Text as said; tool calls and results as the model saw them. Reasoning, media and files are left out. */
function partText(p: GenAiPart): string {
  switch (p.type) {
    case 'text':
      return p.content;
    case 'tool_call':
      return `call ${p.name}(${valueText(p.arguments)})`;
    case 'tool_call_response':
      return valueText(p.response);
    default:
      return '';
  }
}

function valueText(v: AttributeValue | undefined): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * The normalizer gives a tool span its arguments as an assistant tool_call and its result as a
 * tool_call_response (normalize.ts toolInput/toolOutput). Nothing when neither was captured: a
 * bare tool name is in the trace list's index already.
 */
function toolCallText(span: SpanRecord, genai: GenAiSpan): { label: string; body: string } | null {
  const parts = (messages: GenAiMessage[] | undefined) => (messages ?? []).flatMap((m) => m.parts);
  const call = parts(genai.inputMessages).find((p) => p.type === 'tool_call');
  const outputs = parts(genai.outputMessages);
  const response = outputs.find((p) => p.type === 'tool_call_response');
  const args = call ? valueText(call.arguments) : '';
  const result = response ? valueText(response.response) : outputs.map(partText).filter((t) => t.trim() !== '').join('\n');
  if (args.trim() === '' && result.trim() === '') return null;
  const name = genai.toolName ?? call?.name ?? span.name;
  return { label: `tool ${name}`, body: `(${args})${result.trim() === '' ? '' : ` → ${result}`}` };
}

/** Status message, then each exception event as `type: message` unless the status already says it. */
function errorText(span: SpanRecord): string {
  if (span.status.code !== 'error') return '';
  const lines: string[] = [];
  const status = span.status.message.trim();
  if (status) lines.push(status);
  for (const ev of span.events) {
    if (ev.name !== 'exception') continue;
    const type = valueText(ev.attributes['exception.type']).trim();
    const message = valueText(ev.attributes['exception.message']).trim();
    if (!type && !message) continue;
    if (message && lines.some((l) => l.includes(message))) continue;
    const line = type && message ? `${type}: ${message}` : type || message;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines.join('\n');
}

/**
 * label + body cut near CHUNK_WORDS words; chunks after the first say whose they are
 * (`user: … words`). Whitespace inside a chunk is kept as written; empty texts give none.
 */
export function chunked(label: string, body: string): string[] {
  const words = (body.match(/\S+\s*/g) ?? []).flatMap(splitLongWord);
  if (words.length === 0) return [];
  const out: string[] = [];
  const continuation = label.trimEnd() === '' ? '… ' : `${label.trimEnd()} … `;
  let start = 0;
  while (out.length < MAX_CHUNKS) {
    const stop = words.length - start <= CHUNK_WORDS + CHUNK_SLACK ? words.length : start + CHUNK_WORDS;
    let end = start;
    let chars = 0;
    while (end < stop && (end === start || chars + words[end]!.length <= CHUNK_MAX_CHARS)) chars += words[end++]!.length;
    const text = words.slice(start, end).join('').trim();
    out.push(start === 0 ? `${label}${text}` : `${continuation}${text}`);
    if (end >= words.length) break;
    // Overlap in proportion, so chunks of a few long pieces still move forward.
    start = end - Math.min(CHUNK_OVERLAP, Math.floor((end - start) / 10));
  }
  return out;
}

function splitLongWord(word: string): string[] {
  if (word.length <= WORD_MAX_CHARS) return [word];
  const pieces: string[] = [];
  for (let i = 0; i < word.length; i += WORD_MAX_CHARS) pieces.push(word.slice(i, i + WORD_MAX_CHARS));
  return pieces;
}

/**
 * Two 53-bit cyrb53 hashes (106 bits) of source and text, as hex. Not cryptographic, and need not
 * be: a hash only has to tell texts apart within one trace. Pure, so no node:crypto here.
 */
export function textHash(source: MemorySource, text: string): string {
  const s = `${source}\n${text}`;
  return cyrb53(s, 0x9e3779b1).toString(16).padStart(14, '0') + cyrb53(s, 0x85ebca77).toString(16).padStart(14, '0');
}

function cyrb53(str: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
