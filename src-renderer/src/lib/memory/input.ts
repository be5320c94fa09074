// What the Memory page's forms accept, checked before anything is sent, with a message that says
// what to change. The limits are the contract's (MemoryItemInput, RecallQuery, CollectionName); the
// engine checks them again.
export const MAX_TEXT_CHARS = 32_768;
export const MAX_METADATA_BYTES = 16 * 1024;
export const MAX_K = 100;
export const DEFAULT_K = 5;

const COLLECTION = /^[A-Za-z0-9._-]{1,64}$/;

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export function checkCollectionName(raw: string): Checked<string> {
  const name = raw.trim();
  if (name === '') return { ok: false, message: 'Name the collection, e.g. notes or agent.decisions.' };
  if (!COLLECTION.test(name)) return { ok: false, message: 'A collection name is 1 to 64 letters, digits, “-”, “_” or “.” (no spaces).' };
  return { ok: true, value: name };
}

export function checkItemText(raw: string): Checked<string> {
  if (raw.trim() === '') return { ok: false, message: 'Write the text to remember.' };
  if (raw.length > MAX_TEXT_CHARS) return { ok: false, message: `The text is ${raw.length.toLocaleString('en-US')} characters; at most ${MAX_TEXT_CHARS.toLocaleString('en-US')} fit in one item.` };
  return { ok: true, value: raw };
}

/** Empty: no metadata. Otherwise a JSON object of at most 16 KB. */
export function parseMetadata(raw: string): Checked<Record<string, unknown> | undefined> {
  const text = raw.trim();
  if (text === '') return { ok: true, value: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `Metadata is not valid JSON (${(err as Error).message}). Write an object, like {"source": "notes"}.` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, message: 'Metadata must be a JSON object, like {"source": "notes"}, not a list or a single value.' };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(parsed)).length;
  if (bytes > MAX_METADATA_BYTES) return { ok: false, message: `Metadata is ${bytes.toLocaleString('en-US')} bytes as JSON; at most 16 KB.` };
  return { ok: true, value: parsed as Record<string, unknown> };
}

/** How many items to recall: a whole number 1..100; empty means the default (5). */
export function parseK(raw: string): Checked<number> {
  const text = raw.trim();
  if (text === '') return { ok: true, value: DEFAULT_K };
  if (!/^\d+$/.test(text)) return { ok: false, message: `How many: a whole number from 1 to ${MAX_K}.` };
  const k = Number(text);
  if (k < 1 || k > MAX_K) return { ok: false, message: `How many: a whole number from 1 to ${MAX_K}.` };
  return { ok: true, value: k };
}
