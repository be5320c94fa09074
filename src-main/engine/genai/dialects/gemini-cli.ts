/**
 * Gemini CLI's log events (scope `gemini-cli`; event in `event.name`, a sentence in the body):
 * `gemini_cli.user_prompt`, `gemini_cli.api_response` (one per model call, the routing classifier's
 * included, with its usage), `gemini_cli.tool_call` (name and arguments). The turn is `prompt_id`.
 * `output_token_count` leaves the thoughts out: they are added back, so output includes reasoning as
 * everywhere else. The answer is the text of the turn's last response (`response_text`, the raw
 * response or its streamed chunks as JSON). No cost in Gemini CLI's telemetry.
 */
import type { AttributeValue, LogRecordView } from '../../../../src-shared/contract';
import { count, isObject, parseJson, str } from '../values';
import { defined, toolEvent, type AgentEventBody } from '../agent-events';

export function readGeminiCliEvent(name: string, log: LogRecordView): AgentEventBody | null {
  if (!name.startsWith('gemini_cli.')) return null;
  const a = log.attributes;
  const turnKey = str(a['prompt_id']);
  switch (name) {
    case 'gemini_cli.user_prompt':
      return defined({ type: 'prompt' as const, text: str(a['prompt']), turnKey });
    // The request's record carries the call's trace id (a streamed response's record does not).
    case 'gemini_cli.api_request':
      return defined({ type: 'link' as const, turnKey });
    case 'gemini_cli.api_response': {
      const candidates = count(a['output_token_count']);
      const thoughts = count(a['thoughts_token_count']);
      return defined({
        type: 'llm' as const,
        turnKey,
        call: defined({
          model: str(a['model']),
          inputTokens: count(a['input_token_count']),
          outputTokens: candidates === undefined ? undefined : candidates + (thoughts ?? 0),
          cacheReadTokens: count(a['cached_content_token_count']),
          reasoningTokens: thoughts,
          durationMs: count(a['duration_ms']),
          responseId: responseIdOf(a['response_text']),
          text: geminiResponseText(a['response_text']),
        }),
      });
    }
    case 'gemini_cli.tool_call':
      return toolEvent(a, turnKey, { name: 'function_name', callId: 'call_id', input: ['function_args'] });
    default:
      return null;
  }
}

/** The response chunks of `response_text`: one response object, or the streamed list of them. */
function chunksOf(v: AttributeValue | undefined): AttributeValue[] {
  if (typeof v !== 'string') return [];
  const parsed = parseJson(v);
  if (Array.isArray(parsed)) return parsed;
  return parsed === undefined || parsed === null ? [] : [parsed];
}

function responseIdOf(v: AttributeValue | undefined): string | undefined {
  for (const chunk of chunksOf(v)) if (isObject(chunk) && typeof chunk['responseId'] === 'string') return chunk['responseId'];
  return undefined;
}

/** The model's text in a response (all chunks), or undefined when it only called tools. */
export function geminiResponseText(v: AttributeValue | undefined): string | undefined {
  let text = '';
  for (const chunk of chunksOf(v)) {
    if (!isObject(chunk) || !Array.isArray(chunk['candidates'])) continue;
    const first = chunk['candidates'][0];
    if (!isObject(first) || !isObject(first['content']) || !Array.isArray(first['content']['parts'])) continue;
    for (const part of first['content']['parts']) if (isObject(part) && typeof part['text'] === 'string') text += part['text'];
  }
  return text === '' ? undefined : text;
}
