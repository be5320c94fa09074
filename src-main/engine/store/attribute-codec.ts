/**
 * How span attributes are stored: keys interned in `attribute_keys`, values as JSON, the pair list
 * flattened to `[keyId, value, keyId, value, …]`. The same dozen keys repeat on every span, so this
 * saves most of the bytes a JSON object spends on keys. Also derives the full-text document of a span.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { setAttribute } from '../otlp/limits';
import type { AttributeValue, Attributes, SpanRecord } from '../../../src-shared/contract';

/**
 * Longest part of one value that is indexed (a long transcript is stored whole, searchable in its
 * first 8 KB). Per value, not per document: a total cap silently dropped text from big traces.
 */
const MAX_INDEXED_VALUE = 8 * 1024;
/** Attribute values longer than this get no exact-match token (nobody filters on a prompt). */
const MAX_KV_VALUE = 256;

export class AttributeKeys {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly insert: BetterSqlite3.Statement | null;
  private readonly keysAfter: BetterSqlite3.Statement;

  /**
   * readOnly: on a reader's connection (reader.ts), which never inserts; a span compacted after the
   * reader started may name a key it has not seen, so a miss reloads the keys added since.
   */
  constructor(db: BetterSqlite3.Database, readOnly = false) {
    this.keysAfter = db.prepare('SELECT id, key FROM attribute_keys WHERE id > ?');
    this.load(-1);
    this.insert = readOnly ? null : db.prepare('INSERT INTO attribute_keys (key) VALUES (?)');
  }

  private load(afterId: number): void {
    for (const row of this.keysAfter.all(afterId) as Array<{ id: number; key: string }>) {
      this.ids.set(row.key, row.id);
      this.keys[row.id] = row.key;
    }
  }

  /** Only inside a write transaction: a new key is inserted. */
  idOf(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      if (!this.insert) throw new Error(`attribute key ${JSON.stringify(key)} is not stored, and a reader cannot add it`);
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

  /** After every table that used a key was emptied and attribute_keys with them (Deletion.clearAll). */
  forgetAll(): void {
    this.ids.clear();
    this.keys.length = 0;
  }

  maxId(): number {
    return this.keys.length - 1;
  }

  keyOf(id: number): string {
    let key = this.keys[id];
    if (key === undefined && !this.insert) {
      // Ids only grow between two clearAlls (and a clearAll makes the reader start over), so the
      // keys above the highest known one are all a reader can be missing.
      this.load(this.keys.length - 1);
      key = this.keys[id];
    }
    return key ?? `unknown_key_${id}`;
  }

  encode(attributes: Attributes): string {
    const flat: AttributeValue[] = [];
    for (const key in attributes) flat.push(this.idOf(key), attributes[key]!);
    return JSON.stringify(flat);
  }

  decode(encoded: string): Attributes {
    const flat = JSON.parse(encoded) as AttributeValue[];
    const out: Attributes = {};
    for (let i = 0; i < flat.length; i += 2) setAttribute<AttributeValue>(out, this.keyOf(flat[i] as number), flat[i + 1] ?? null);
    return out;
  }
}

/** key → value → token. Most values repeat (models, operations, providers); bounded per key. */
const kvCache = new Map<string, Map<string, string>>();
const KV_CACHE_PER_KEY = 4096;

/** 'k' + two 32-bit FNV-style hashes of key, NUL, value in base 36: letters and digits only. */
export function kvToken(key: string, value: string): string {
  let byValue = kvCache.get(key);
  if (byValue === undefined) {
    byValue = new Map();
    kvCache.set(key, byValue);
  }
  const cached = byValue.get(value);
  if (cached !== undefined) return cached;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i <= key.length + value.length; i++) {
    const c = i < key.length ? key.charCodeAt(i) : i === key.length ? 0 : value.charCodeAt(i - key.length - 1);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
  }
  const token = `k${(a >>> 0).toString(36)}x${(b >>> 0).toString(36)}`;
  if (byValue.size >= KV_CACHE_PER_KEY) byValue.clear();
  byValue.set(value, token);
  return token;
}

/** The token SearchDocument.addKv indexes for a derived value; null when the value is too long to get one. */
export function derivedKvToken(key: string, value: string): string | null {
  return value.length <= MAX_KV_VALUE ? kvToken(key, value) : null;
}

function scalarText(v: AttributeValue): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

/**
 * The full-text document of the spans of one trace in one compaction batch. Values repeat across a
 * trace's spans (models, providers, tool names), so each distinct string and token is added once.
 */
export class SearchDocument {
  private readonly names = new Set<string>();
  private readonly texts = new Set<string>();
  private readonly kv = new Set<string>();

  add(span: SpanRecord): void {
    this.names.add(span.name);
    for (const key in span.attributes) {
      const value = span.attributes[key]!;
      const scalar = scalarText(value);
      if (scalar !== null && scalar.length <= MAX_KV_VALUE) this.kv.add(kvToken(key, scalar));
      if (typeof value === 'string') this.addText(value);
    }
    if (span.status.message) this.addText(span.status.message);
    for (const ev of span.events) {
      this.addText(ev.name);
      for (const key in ev.attributes) {
        const v = ev.attributes[key];
        if (typeof v === 'string') this.addText(v);
      }
    }
  }

  /** An exact-match token for a value the store derived (GenAI facets), filtered like `key=value`. */
  addKv(key: string, value: string): void {
    const token = derivedKvToken(key, value);
    if (token !== null) this.kv.add(token);
  }

  /** Tokens derivedKvToken gave elsewhere (the span-decode worker's facets of a trace). */
  addKvTokens(tokens: readonly string[], from: number, to: number): void {
    for (let i = from; i < to; i++) this.kv.add(tokens[i]!);
  }

  private addText(s: string): void {
    this.texts.add(s.length > MAX_INDEXED_VALUE ? s.slice(0, MAX_INDEXED_VALUE) : s);
  }

  columns(): { name: string; text: string; kv: string } {
    return { name: [...this.names].join('\n'), text: [...this.texts].join('\n'), kv: [...this.kv].join(' ') };
  }
}
