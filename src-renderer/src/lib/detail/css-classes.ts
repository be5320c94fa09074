// Class-name suffixes for GenAI kinds and message roles. Both come from span data, so they are
// mapped onto a fixed set: nothing a producer sends becomes a class name of its own choosing.
import { isGenAiKind } from '../../../../src-shared/contract';

export function kindClass(kind: string): string {
  return isGenAiKind(kind) ? kind : 'other';
}

// A Map, not an object literal: a role named "constructor" must not find Object.prototype's.
const ROLES = new Map<string, string>([
  ['system', 'system'],
  ['developer', 'system'],
  ['user', 'user'],
  ['human', 'user'],
  ['assistant', 'assistant'],
  ['ai', 'assistant'],
  ['model', 'assistant'],
  ['tool', 'tool'],
  ['function', 'tool'],
  ['ipython', 'tool'],
]);

export function roleClass(role: string): string {
  return ROLES.get(role.toLowerCase()) ?? 'other';
}
