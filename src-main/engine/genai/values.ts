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

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The indexed attribute families (`{prefix}.{i}.{path}`) the dialects rebuild into items. */
export type Family =
  | 'gen_ai.prompt'
  | 'gen_ai.completion'
  | 'gen_ai.tool.definitions'
  | 'llm.input_messages'
  | 'llm.output_messages'
  | 'llm.tools'
  | 'llm.request.functions'
  | 'embedding.embeddings';

/**
 * What normalization needs to know about a span's attribute keys, gathered in one pass over them:
 * every reader used to scan all keys again per family (~8 passes per span, the largest share of
 * normalization's cost); now a family the span does not carry costs one property read.
 */
export interface AttributeIndex {
  /** A key under `gen_ai.`, `llm.`, `openinference.` or `traceloop.`: the span is a GenAI span. */
  marked: boolean;
  /** A key under `gen_ai.usage.`, `llm.token_count.` or `llm.usage.` (kind inference). */
  usage: boolean;
  /** A key under `traceloop.association.properties.` (session and user ids). */
  association: boolean;
  /**
   * An `ai.operationId` naming an `ai.*` operation (the Vercel AI SDK's own telemetry, which also
   * marks the span GenAI), or an `ai.settings.context.*` key (AI SDK 7's runtime context, on spans
   * its `gen_ai.*` names mark): read by dialects/vercel-ai.ts.
   */
  aiSdk: boolean;
  /** The keys of each family the span carries, in attribute order (which decides ties and caps). */
  families: Partial<Record<Family, string[]>>;
}

function addToFamily(index: AttributeIndex, family: Family, key: string): void {
  const keys = index.families[family];
  if (keys === undefined) index.families[family] = [key];
  else keys.push(key);
}

/**
 * One pass over the keys. Dispatch on the first character so a plain span's keys (`http.*`,
 * `db.*`) cost one comparison each. The family prefixes are disjoint, so a key joins at most one.
 */
export function indexAttributes(attrs: Attributes): AttributeIndex {
  const index: AttributeIndex = { marked: false, usage: false, association: false, aiSdk: false, families: {} };
  for (const key of Object.keys(attrs)) {
    switch (key.charCodeAt(0)) {
      case 103: // g
        if (!key.startsWith('gen_ai.')) break;
        index.marked = true;
        // Dispatch on the character after `gen_ai.`: most keys then cost no further comparison.
        switch (key.charCodeAt(7)) {
          case 117: // u
            if (key.startsWith('gen_ai.usage.')) index.usage = true;
            break;
          case 112: // p
            if (key.startsWith('gen_ai.prompt.')) addToFamily(index, 'gen_ai.prompt', key);
            break;
          case 99: // c
            if (key.startsWith('gen_ai.completion.')) addToFamily(index, 'gen_ai.completion', key);
            break;
          case 116: // t
            if (key.startsWith('gen_ai.tool.definitions.')) addToFamily(index, 'gen_ai.tool.definitions', key);
            break;
        }
        break;
      case 108: // l
        if (!key.startsWith('llm.')) break;
        index.marked = true;
        switch (key.charCodeAt(4)) {
          case 116: // t
            if (key.startsWith('llm.token_count.')) index.usage = true;
            else if (key.startsWith('llm.tools.')) addToFamily(index, 'llm.tools', key);
            break;
          case 117: // u
            if (key.startsWith('llm.usage.')) index.usage = true;
            break;
          case 105: // i
            if (key.startsWith('llm.input_messages.')) addToFamily(index, 'llm.input_messages', key);
            break;
          case 111: // o
            if (key.startsWith('llm.output_messages.')) addToFamily(index, 'llm.output_messages', key);
            break;
          case 114: // r
            if (key.startsWith('llm.request.functions.')) addToFamily(index, 'llm.request.functions', key);
            break;
        }
        break;
      case 111: // o
        if (key.startsWith('openinference.')) index.marked = true;
        break;
      case 116: // t
        if (!key.startsWith('traceloop.')) break;
        index.marked = true;
        if (key.startsWith('traceloop.association.properties.')) index.association = true;
        break;
      case 101: // e
        if (key.startsWith('embedding.embeddings.')) addToFamily(index, 'embedding.embeddings', key);
        break;
      case 97: // a
        if (key === 'ai.operationId') {
          const op = attrs[key];
          if (typeof op === 'string' && op.startsWith('ai.')) index.marked = index.aiSdk = true;
        } else if (key.startsWith('ai.settings.context.')) index.aiSdk = true; // AI SDK 7's runtime context (session ids), on gen_ai.* spans
        break;
    }
  }
  return index;
}

const NO_ITEMS: readonly JsonObject[] = Object.freeze([]);

/**
 * Rebuilds the items of a flattened, indexed attribute family (`{prefix}.{i}.{path}`) as nested
 * values, in index order: numeric path segments become arrays, the rest objects. Keys that would
 * touch an object's prototype are skipped, and indexes and depth are capped.
 */
export function unflattenFamily(attrs: Attributes, index: AttributeIndex, family: Family, cap: number): readonly JsonObject[] {
  const keys = index.families[family];
  return keys === undefined ? NO_ITEMS : unflattenKeys(attrs, keys, family.length + 1, cap);
}

/** `keys` all start with the family's prefix and its dot, `skip` characters long. */
function unflattenKeys(attrs: Attributes, keys: readonly string[], skip: number, cap: number): JsonObject[] {
  const byIndex = new Map<number, JsonObject>();
  for (const key of keys) {
    const rest = key.slice(skip).split('.');
    const index = Number(rest[0]);
    if (!Number.isInteger(index) || index < 0 || index > LIMITS.index || rest.length < 2 || rest.length > LIMITS.depth) continue;
    let node = byIndex.get(index);
    if (!node) {
      if (byIndex.size >= cap) continue;
      node = {};
      byIndex.set(index, node);
    }
    setPath(node, rest, attrs[key]!);
  }
  const order = [...byIndex.keys()].sort((a, b) => a - b);
  const out: JsonObject[] = new Array<JsonObject>(order.length);
  for (let i = 0; i < order.length; i++) out[i] = arraysFromIndexes(byIndex.get(order[i]!)!) as JsonObject;
  return out;
}

/** Sets `path[1..]` (path[0] is the item's index) under root. */
function setPath(root: JsonObject, path: readonly string[], value: AttributeValue): void {
  let node = root;
  const last = path.length - 1;
  for (let i = 1; i <= last; i++) {
    const seg = path[i]!;
    if (UNSAFE_KEYS.has(seg)) return;
    if (i === last) {
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

/** `^\d{1,5}$` without a regex: this runs for every key of every rebuilt item. */
function isSmallIndex(k: string): boolean {
  if (k.length === 0 || k.length > 5) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Objects whose keys are all small integers become arrays in index order (gaps closed). */
function arraysFromIndexes(v: AttributeValue): AttributeValue {
  if (!isObject(v)) return v;
  const keys = Object.keys(v);
  const converted: JsonObject = {};
  let indexes = keys.length > 0;
  for (const k of keys) {
    converted[k] = arraysFromIndexes(v[k]!);
    if (indexes && !isSmallIndex(k)) indexes = false;
  }
  if (indexes) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => converted[String(k)]!);
  }
  return converted;
}
