/**
 * How span attributes are stored: keys interned in `attribute_keys`, values as JSON, the pair list
 * flattened to `[keyId, value, keyId, value, …]`. The same dozen keys repeat on every span, so this
 * saves most of the bytes a JSON object spends on keys. Also derives the full-text document of a span.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { AttributeValue, Attributes, SpanRecord } from '../../../src-shared/contract';

/** Longest text indexed per span; an LLM transcript beyond this is stored but not searchable. */
const MAX_INDEXED_TEXT = 32 * 1024;
/** Attribute values longer than this get no exact-match token (nobody filters on a prompt). */
const MAX_KV_VALUE = 256;

export class AttributeKeys {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly insert: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    for (const row of db.prepare('SELECT id, key FROM attribute_keys').all() as Array<{ id: number; key: string }>) {
      this.ids.set(row.key, row.id);
      this.keys[row.id] = row.key;
    }
    this.insert = db.prepare('INSERT INTO attribute_keys (key) VALUES (?)');
  }

  /** Only inside a write transaction: a new key is inserted. */
  idOf(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = Number(this.insert.run(key).lastInsertRowid);
      this.ids.set(key, id);
      this.keys[id] = key;
    }
    return id;
  }

  /** Forgets keys added by a transaction that rolled back. */
  forgetAbove(maxId: number): void {
    for (let id = maxId + 1; id < this.keys.length; id++) {
      const key = this.keys[id];
      if (key !== undefined) this.ids.delete(key);
    }
    this.keys.length = Math.min(this.keys.length, maxId + 1);
  }

  maxId(): number {
    return this.keys.length - 1;
  }

  keyOf(id: number): string {
    return this.keys[id] ?? `unknown_key_${id}`;
  }

  encode(attributes: Attributes): string {
    const flat: AttributeValue[] = [];
    for (const key in attributes) flat.push(this.idOf(key), attributes[key]!);
    return JSON.stringify(flat);
  }

  decode(encoded: string): Attributes {
    const flat = JSON.parse(encoded) as AttributeValue[];
    const out: Attributes = {};
    for (let i = 0; i < flat.length; i += 2) out[this.keyOf(flat[i] as number)] = flat[i + 1]!;
    return out;
  }
}

const kvCache = new Map<string, string>();
const KV_CACHE_MAX = 100_000;

/** 'k' + two 32-bit FNV-1a hashes in base 36: one FTS token per key=value, letters and digits only. */
export function kvToken(key: string, value: string): string {
  const cacheKey = `${key}\u0000${value}`;
  const cached = kvCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const token = hashToken(cacheKey);
  // Most values repeat (models, operations, providers): a bounded memo saves most of the hashing.
  if (kvCache.size >= KV_CACHE_MAX) kvCache.clear();
  kvCache.set(cacheKey, token);
  return token;
}

function hashToken(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
  }
  return `k${(a >>> 0).toString(36)}x${(b >>> 0).toString(36)}`;
}

function scalarText(v: AttributeValue): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

export interface SearchDocument {
  name: string;
  text: string;
  kv: string;
}

/** `text` leaves out the name: full-text queries search the `name` and `text` columns together. */
export function searchDocument(span: SpanRecord): SearchDocument {
  const parts: string[] = [];
  const kv: string[] = [];
  let length = 0;
  const addText = (s: string) => {
    if (length >= MAX_INDEXED_TEXT) return;
    parts.push(s.length + length > MAX_INDEXED_TEXT ? s.slice(0, MAX_INDEXED_TEXT - length) : s);
    length += s.length;
  };
  for (const key in span.attributes) {
    const value = span.attributes[key]!;
    const scalar = scalarText(value);
    if (scalar !== null && scalar.length <= MAX_KV_VALUE) kv.push(kvToken(key, scalar));
    if (typeof value === 'string') addText(value);
  }
  if (span.status.message) addText(span.status.message);
  for (const ev of span.events) {
    addText(ev.name);
    for (const key in ev.attributes) {
      const v = ev.attributes[key];
      if (typeof v === 'string') addText(v);
    }
  }
  return { name: span.name, text: parts.join('\n'), kv: kv.join(' ') };
}
