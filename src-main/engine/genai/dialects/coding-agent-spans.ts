/**
 * Coding-agent CLIs' spans whose kind the OTel markers miss (issue 19). Gemini CLI (scope
 * `gemini-cli`) states `gen_ai.operation.name` = `llm_call` / `tool_call` / `schedule_tool_calls`,
 * not the OTel values: its `llm_call` spans are model calls and `tool_call` spans tool calls;
 * `schedule_tool_calls` (the batch around them) stays `other`. Claude Code's spans use the OTel
 * values and Codex's model-call spans (`handle_responses` with `gen_ai.usage.*`) are inferred as
 * llm from their usage, so neither needs a rule here.
 */
import type { GenAiKind, SpanRecord } from '../../../../src-shared/contract';

const GEMINI_CLI_KINDS: Record<string, GenAiKind> = { llm_call: 'llm', tool_call: 'tool' };

export function codingAgentKind(span: SpanRecord, stated: GenAiKind): GenAiKind {
  if (stated !== 'other' || span.scope.name !== 'gemini-cli') return stated;
  const op = span.attributes['gen_ai.operation.name'];
  return (typeof op === 'string' ? GEMINI_CLI_KINDS[op] : undefined) ?? stated;
}
