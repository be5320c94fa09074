/**
 * Claude Code's log events (scope `com.anthropic.claude_code.events`; event in `event.name`, the body
 * `claude_code.<event>`): `user_prompt`, `api_request` (one per model call, with usage and the cost
 * Claude Code computed), `tool_result` (name, id, input with OTEL_LOG_TOOL_DETAILS), and
 * `assistant_response`. The turn is `prompt.id`. `api_request.input_tokens` is the uncached input
 * only: the cache reads and writes are added back, so input counts all input as everywhere else.
 * Fixture and field table: test/fixtures/coding-agents/README.md.
 */
import type { LogRecordView } from '../../../../src-shared/contract';
import { amount, count, str } from '../values';
import { defined, toolEvent, type AgentEventBody } from '../agent-events';

function isClaudeCode(log: LogRecordView): boolean {
  return log.scope.name.startsWith('com.anthropic.claude_code') || log.resource.attributes['service.name'] === 'claude-code';
}

export function readClaudeCodeEvent(name: string, log: LogRecordView): AgentEventBody | null {
  if (!isClaudeCode(log)) return null;
  const a = log.attributes;
  const event = name.startsWith('claude_code.') ? name.slice('claude_code.'.length) : name;
  const turnKey = str(a['prompt.id']);
  switch (event) {
    case 'user_prompt':
      return defined({ type: 'prompt' as const, text: str(a['prompt']) ?? str(a['prompt_text']), turnKey });
    case 'tool_decision':
      return defined({ type: 'link' as const, turnKey });
    case 'assistant_response': {
      const text = str(a['response']);
      return text === undefined ? null : defined({ type: 'answer' as const, text, turnKey });
    }
    case 'api_request': {
      const uncached = count(a['input_tokens']);
      const cacheRead = count(a['cache_read_tokens']);
      const cacheWrite = count(a['cache_creation_tokens']);
      const input = uncached === undefined ? undefined : uncached + (cacheRead ?? 0) + (cacheWrite ?? 0);
      return defined({
        type: 'llm' as const,
        turnKey,
        call: defined({
          model: str(a['model']),
          inputTokens: input,
          outputTokens: count(a['output_tokens']),
          cacheReadTokens: cacheRead,
          cacheWriteTokens: cacheWrite,
          costUsd: amount(a['cost_usd']),
          durationMs: count(a['duration_ms']),
          responseId: str(a['request_id']),
        }),
      });
    }
    case 'tool_result':
      return toolEvent(a, turnKey, { name: 'tool_name', callId: 'tool_use_id', input: ['tool_input', 'tool_parameters'] });
    default:
      return null;
  }
}
