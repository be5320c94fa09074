/**
 * Defensive readers for attribute values as producers really send them: numbers as strings, JSON as
 * strings or as structured AnyValue, wrong types, invalid JSON. Every reader returns undefined for
 * what it cannot use and never throws; nothing here mutates its input. Pure (no Node imports).
 */
import type { AttributeValue, Attributes } from '../../../src-shared/contract';

/** Caps that keep a hostile or broken span from costing more than a normal one (the decoder already cuts values at 64 KiB). */
export const LIMITS = {
  messages: 500,
  partsPerMessage: 200,
  toolDefinitions: 200,
  finishReasons: 64,
  /** Indexed attributes like `gen_ai.prompt.{i}.*`: indexes above this are ignored. */
  index: 10_000,
  /** JSON text longer than this is not parsed (the decoder's per-value cap, with room). */
  jsonChars: 1 << 20,
  /** Nesting of flattened keys (`a.0.b.1.c…`). */
  depth: 12,
};

export type JsonObject = { [key: string]: AttributeValue };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, trimmed; numbers are accepted because some producers send ids as numbers. */
export function str(v: AttributeValue | undefined): string | undefined {
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '' ? undefined : t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** A finite, non-negative count. Decimal strings count too (int64 beyond 2^53 arrives as text). */
export function count(v: AttributeValue | undefined): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) n = Number(v);
  if (n === undefined || !Number.isFinite(n) || n < 0) return undefined;
  return Math.round(n);
}

/** A finite, non-negative amount (USD). */
export function amount(v: AttributeValue | undefined): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(v)) n = Number(v);
  if (n === undefined || !Number.isFinite(n) || n < 0) return undefined;
  return n;
}

/** JSON.parse that returns undefined instead of throwing, and skips text too long to be worth it. */
export function parseJson(text: string): AttributeValue | undefined {
  if (text.length > LIMITS.jsonChars) return undefined;
  try {
    return JSON.parse(text) as AttributeValue;
  } catch {
    return undefined;
  }
}

/**
 * A value that may be structured or a JSON string of a structure (the content attributes are
 * specified as structured, and most SDKs can only send strings). A string that is not a JSON
 * array/object is returned as is.
 */
export function structured(v: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof v !== 'string') return v;
  const t = v.trimStart();
  if (t.startsWith('[') || t.startsWith('{')) {
    const parsed = parseJson(v);
    if (parsed !== undefined) return parsed;
  }
  return v;
}

/** A list of strings from an array, a JSON array string, or a single string. */
export function stringList(v: AttributeValue | undefined, cap: number): string[] | undefined {
  const s = structured(v);
  const items = Array.isArray(s) ? s : s === undefined || s === null ? [] : [s];
  const out: string[] = [];
  for (const item of items) {
    if (out.length >= cap) break;
    const t = str(item);
    if (t !== undefined) out.push(t);
  }
  return out.length > 0 ? out : undefined;
}

/** First value that is not undefined, in the order given: the one precedence rule everything uses. */
export function first<T>(...values: Array<T | undefined>): T | undefined {
  for (const v of values) if (v !== undefined) return v;
  return undefined;
}

/** Does any attribute key start with one of these prefixes? */
export function hasPrefix(attrs: Attributes, prefixes: readonly string[]): boolean {
  for (const key of Object.keys(attrs)) {
    for (const p of prefixes) if (key.startsWith(p)) return true;
  }
  return false;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rebuilds the items of a flattened, indexed attribute family (`{prefix}.{i}.{path}`) as nested
 * values, in index order: numeric path segments become arrays, the rest objects. Keys that would
 * touch an object's prototype are skipped, and indexes and depth are capped.
 */
export function unflattenIndexed(attrs: Attributes, prefix: string, cap: number): JsonObject[] {
  const dotted = prefix + '.';
  const byIndex = new Map<number, JsonObject>();
  for (const [key, value] of Object.entries(attrs)) {
    if (!key.startsWith(dotted)) continue;
    const rest = key.slice(dotted.length).split('.');
    const index = Number(rest[0]);
    if (!Number.isInteger(index) || index < 0 || index > LIMITS.index || rest.length < 2 || rest.length > LIMITS.depth) continue;
    if (!byIndex.has(index) && byIndex.size >= cap) continue;
    let node = byIndex.get(index);
    if (!node) {
      node = {};
      byIndex.set(index, node);
    }
    setPath(node, rest.slice(1), value);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => arraysFromIndexes(v) as JsonObject);
}

function setPath(root: JsonObject, path: string[], value: AttributeValue): void {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (UNSAFE_KEYS.has(seg)) return;
    if (i === path.length - 1) {
      node[seg] = value;
      return;
    }
    const next = node[seg];
    if (isObject(next)) node = next;
    else {
      const fresh: JsonObject = {};
      node[seg] = fresh;
      node = fresh;
    }
  }
}

/** Objects whose keys are all small integers become arrays in index order (gaps closed). */
function arraysFromIndexes(v: AttributeValue): AttributeValue {
  if (!isObject(v)) return v;
  const keys = Object.keys(v);
  const converted: JsonObject = {};
  for (const k of keys) converted[k] = arraysFromIndexes(v[k]!);
  if (keys.length > 0 && keys.every((k) => /^\d{1,5}$/.test(k))) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => converted[String(k)]!);
  }
  return converted;
}

/** The attributes under `{prefix}.` with the prefix removed (for `traceloop.association.properties.*`). */
export function withPrefix(attrs: Attributes, prefix: string): Attributes {
  const out: Attributes = {};
  const dotted = prefix + '.';
  for (const [key, value] of Object.entries(attrs)) {
    const rest = key.slice(dotted.length);
    if (key.startsWith(dotted) && !UNSAFE_KEYS.has(rest)) out[rest] = value;
  }
  return out;
}
