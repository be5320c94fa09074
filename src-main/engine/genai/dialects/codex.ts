/**
 * Codex CLI's log events (scope `codex_otel.log_only`; event in `event.name`, the record's event-name
 * field holds a Rust source location): `codex.user_prompt`, `codex.sse_event` of kind
 * `response.completed` (one per model call, with its usage; the session's model is on every event),
 * `codex.tool_result` (name, call id, arguments, output). Counts arrive as decimal strings. No turn
 * id on the events: the turn is their trace (the `turn/start` trace). No cost in Codex's telemetry.
 */
import type { LogRecordView } from '../../../../src-shared/contract';
import { count, str } from '../values';
import { defined, toolEvent, type AgentEventBody } from '../agent-events';

export function readCodexEvent(name: string, log: LogRecordView): AgentEventBody | null {
  if (!name.startsWith('codex.')) return null;
  const a = log.attributes;
  const turnKey = str(a['turn.id']);
  switch (name) {
    case 'codex.user_prompt':
      return defined({ type: 'prompt' as const, text: str(a['prompt']), turnKey });
    case 'codex.api_request':
    case 'codex.tool_decision':
      return defined({ type: 'link' as const, turnKey });
    case 'codex.agent_response': {
      const text = str(a['response']) ?? str(a['text']);
      return text === undefined ? null : defined({ type: 'answer' as const, text, turnKey });
    }
    case 'codex.sse_event': {
      if (a['event.kind'] !== 'response.completed' || a['input_token_count'] === undefined) return null;
      return defined({
        type: 'llm' as const,
        turnKey,
        call: defined({
          model: str(a['model']) ?? str(a['slug']),
          inputTokens: count(a['input_token_count']),
          outputTokens: count(a['output_token_count']),
          cacheReadTokens: count(a['cached_token_count']),
          cacheWriteTokens: count(a['cache_write_token_count']),
          reasoningTokens: count(a['reasoning_token_count']),
          durationMs: count(a['duration_ms']),
        }),
      });
    }
    case 'codex.tool_result':
      return toolEvent(a, turnKey, { name: 'tool_name', callId: 'call_id', input: ['arguments'], result: 'output' });
    default:
      return null;
  }
}
