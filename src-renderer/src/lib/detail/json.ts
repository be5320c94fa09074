// Structured values (tool arguments, tool results, log bodies) as indented text for a <pre>. A
// string that holds a JSON object or array is parsed first, so producers that send JSON text and
// producers that send structure read the same; anything else stays exactly as sent.
import type { AttributeValue } from '../../../../src-shared/contract';

export interface ValueText {
  text: string;
  /** True when `text` is pretty-printed JSON (shown in monospace), false for plain text. */
  json: boolean;
}

export function valueText(value: AttributeValue | undefined): ValueText {
  if (value === undefined) return { text: '', json: false };
  if (typeof value === 'string') {
    const parsed = parseStructured(value);
    return parsed === undefined ? { text: value, json: false } : { text: JSON.stringify(parsed, null, 2), json: true };
  }
  return { text: JSON.stringify(value, null, 2), json: value !== null && typeof value === 'object' };
}

/** The object or array a string encodes; undefined for plain text (including bare JSON scalars like "42"). */
function parseStructured(text: string): AttributeValue | undefined {
  const t = text.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try {
    return JSON.parse(t) as AttributeValue;
  } catch {
    return undefined;
  }
}
