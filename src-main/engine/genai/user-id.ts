/**
 * The end user a log record or metric point names: `user.id`, else `enduser.id` (general OTel
 * attributes; Claude Code puts `user.id` on every event), on the record first, then on
 * its resource. Spans get theirs from their GenAI reading (normalize.ts `userId`), which also knows
 * each dialect's own keys. Pure.
 */
import type { Attributes } from '../../../src-shared/contract';

const USER_KEYS = ['user.id', 'enduser.id'] as const;

/** Longer values are not ids (a pasted document in an attribute). */
const MAX_USER_ID = 200;

function idIn(attributes: Attributes): string | null {
  for (const key of USER_KEYS) {
    const v = attributes[key];
    if (typeof v === 'string' && v !== '' && v.length <= MAX_USER_ID) return v;
  }
  return null;
}

export function userIdOf(attributes: Attributes, resource: Attributes): string | null {
  return idIn(attributes) ?? idIn(resource);
}
