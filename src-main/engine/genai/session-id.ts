/**
 * The session a log record, metric point or span names: `session.id` (Claude Code, Gemini CLI,
 * OpenInference), `conversation.id` (Codex CLI), `gen_ai.conversation.id` (OTel GenAI), on the
 * record first, then on its resource (Gemini CLI sets it there). Pure; the migration 0005 SQL
 * applies the same order to stored rows.
 */
import type { Attributes } from '../../../src-shared/contract';

export const SESSION_KEYS = ['session.id', 'conversation.id', 'gen_ai.conversation.id'] as const;

/** Longer ids are not ids (parseSessionId refuses them too). */
const MAX_SESSION_ID = 1000;

function idIn(attributes: Attributes): string | null {
  for (const key of SESSION_KEYS) {
    const v = attributes[key];
    if (typeof v === 'string' && v !== '' && v.length <= MAX_SESSION_ID) return v;
  }
  return null;
}

export function sessionIdOf(attributes: Attributes, resource: Attributes): string | null {
  return idIn(attributes) ?? idIn(resource);
}
