/**
 * Coding-agent log events → one agent model (issue 19). Claude Code, Codex CLI and Gemini CLI send
 * their turns as OTLP log records: a prompt, a record per model call with its usage (and, for
 * Claude Code, its cost), a record per tool call with its input and result, sometimes the answer.
 * Each CLI's names are read in its own file (dialects/claude-code.ts, codex.ts, gemini-cli.ts);
 * this file holds the shapes they read into and the dispatch. Pure and never throws: a record no
 * dialect knows is null, and stays a plain log record.
 *
 * These CLIs put the event name in the `event.name` attribute, not in the record's event-name field
 * (Codex fills that with a source location), so `event.name` is read first.
 */
import type { Attributes, AttributeValue, LogRecordView } from '../../../src-shared/contract';
import { count, str, structured } from './values';
import { readClaudeCodeEvent } from './dialects/claude-code';
import { readCodexEvent } from './dialects/codex';
import { readGeminiCliEvent } from './dialects/gemini-cli';

/** Usage and cost of one model call as the CLI accounted it. Tokens follow GenAiSpan's rules. */
export interface ModelCallReading {
  model?: string;
  /** All input, cache reads and writes included (OTel's rule; Claude Code sends them apart). */
  inputTokens?: number;
  /** Reasoning included (Gemini CLI sends thoughts apart). */
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** USD the CLI computed itself. */
  costUsd?: number;
  durationMs?: number;
  /** The model's text, when the event carries the response (Gemini CLI). */
  text?: string;
  /** The provider's response or request id, when sent (matches the span's `gen_ai.response.id`). */
  responseId?: string;
}

export interface ToolCallReading {
  name: string;
  callId?: string;
  /** JSON text is parsed; anything else stays as sent. */
  input?: AttributeValue;
  result?: AttributeValue;
  success?: boolean;
  durationMs?: number;
}

interface EventBase {
  /** Record time (observed time when unset), unix ns. */
  at: bigint;
  traceId: string | null;
  /** The CLI's id of the turn (`prompt.id`, `prompt_id`), when it sends one. */
  turnKey: string | null;
  /** Which dialect read it: `claude-code`, `codex`, `gemini-cli`. */
  source: string;
}

export type AgentEvent =
  | (EventBase & { type: 'prompt'; text?: string })
  | (EventBase & { type: 'answer'; text: string })
  | (EventBase & { type: 'llm'; call: ModelCallReading })
  | (EventBase & { type: 'tool'; call: ToolCallReading })
  /** A record that only ties its trace to its turn (a request sent, a tool approved). */
  | (EventBase & { type: 'link' });

/** What a dialect returns: the event without the fields every record has. */
export type AgentEventBody =
  | { type: 'prompt'; text?: string; turnKey?: string }
  | { type: 'answer'; text: string; turnKey?: string }
  | { type: 'llm'; call: ModelCallReading; turnKey?: string }
  | { type: 'tool'; call: ToolCallReading; turnKey?: string }
  | { type: 'link'; turnKey?: string };

export type AgentEventReader = (name: string, log: LogRecordView) => AgentEventBody | null;

/** The record's event name: the `event.name` attribute, else the event-name field. */
export function eventNameOf(log: LogRecordView): string {
  return str(log.attributes['event.name']) ?? log.eventName;
}

function timeOf(log: LogRecordView): bigint {
  const t = /^\d{1,20}$/.test(log.timeUnixNano) && log.timeUnixNano !== '0' ? log.timeUnixNano : log.observedTimeUnixNano;
  return /^\d{1,20}$/.test(t) ? BigInt(t) : 0n;
}

/** Each dialect answers only for its own names (prefixes and scopes), so the order does not matter. */
const READERS: ReadonlyArray<[source: string, read: AgentEventReader]> = [
  ['claude-code', readClaudeCodeEvent],
  ['codex', readCodexEvent],
  ['gemini-cli', readGeminiCliEvent],
];

export function readAgentEvent(log: LogRecordView): AgentEvent | null {
  const name = eventNameOf(log);
  if (name === '') return null;
  for (const [source, read] of READERS) {
    let body: AgentEventBody | null;
    try {
      body = read(name, log);
    } catch {
      body = null;
    }
    if (body === null) continue;
    const { turnKey, ...rest } = body;
    return { ...rest, at: timeOf(log), traceId: log.traceId, turnKey: turnKey ?? null, source } as AgentEvent;
  }
  return null;
}

/** `"true"`, `true` → true; `"false"`, `false` → false. */
export function flag(v: AttributeValue | undefined): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** Where a CLI's tool event keeps each field (attribute names; the first present wins for input). */
export interface ToolEventNames {
  name: string;
  callId: string;
  input: readonly string[];
  result?: string;
}

/** A tool call event read by its CLI's attribute names: null without a tool name. */
export function toolEvent(a: Attributes, turnKey: string | undefined, names: ToolEventNames): AgentEventBody | null {
  const name = str(a[names.name]);
  if (name === undefined) return null;
  let input: AttributeValue | undefined;
  for (const key of names.input) if ((input = a[key]) !== undefined) break;
  return defined({
    type: 'tool' as const,
    turnKey,
    call: defined({
      name,
      callId: str(a[names.callId]),
      input: structured(input),
      result: names.result === undefined ? undefined : a[names.result],
      success: flag(a['success']),
      durationMs: count(a['duration_ms']),
    }),
  });
}

/** Drops undefined fields, so readings compare and serialize cleanly. */
export function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}
