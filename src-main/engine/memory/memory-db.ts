/**
 * The memory's SQLite file (`<data-dir>/memory/memory.sqlite`): every remembered text, its vectors
 * per embedder, the full-text index, the feed's watermark. Apart from the store's file so the
 * memory never takes the ingest store's write lock (docs/memory.md). SQLite is the truth; the HNSW
 * file is derived from the vectors here. All SQL of the memory lives in this file and in
 * memory-query-sql.ts, with bound parameters. Searches get a MemoryReader, which cannot write.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import type { CollectionName, HexId, MemoryCollectionInfo, MemoryItem, MemorySource, NanoString } from '../../../src-shared/contract';
import { isCorruption } from '../store/database';
import { migrateMemory } from './memory-migrate';
import { ftsQuery, itemFilterSql, type ItemFilter } from './memory-query-sql';

export const MEMORY_DIR = 'memory';
export const MEMORY_DB_FILE = 'memory.sqlite';

export function memoryDbFile(dataDir: string): string {
  return join(dataDir, MEMORY_DIR, MEMORY_DB_FILE);
}

/** What an item was: a run's message, tool call or error, or a note written to a collection. */
export type ItemSource = MemorySource | 'note';

/** One text the feed remembers from a span (chunker.ts gives source, text and hash). */
export interface RunItemInput {
  source: MemorySource;
  text: string;
  /** chunker.ts MemoryText.hash: the same text in the same trace is stored once. */
  contentHash: string;
  traceId: HexId;
  spanId: HexId;
  spanName: string;
  /** The span's start, unix nanoseconds. */
  startNs: NanoString;
  sessionId?: string | null;
  agent?: string | null;
  /** Response model, else request model. */
  model?: string | null;
  service?: string | null;
}

/** An item just inserted, to be embedded. */
export interface NewItem {
  id: number;
  text: string;
}

export interface StoredItem {
  id: number;
  /** null: remembered from a run. */
  collection: CollectionName | null;
  source: ItemSource;
  text: string;
  /** Collection items only. */
  metadata: Record<string, unknown> | null;
  traceId: HexId | null;
  spanId: HexId | null;
  sessionId: string | null;
  agent: string | null;
  model: string | null;
  service: string | null;
  spanName: string | null;
  startTimeUnixNano: NanoString | null;
  /** ms since epoch. */
  createdAt: number;
}

export interface TextHit {
  id: number;
  /** −bm25: higher is better, comparable within one search only. */
  score: number;
  /** The text around the match (FTS5 snippet()), `…` where it was cut. */
  snippet: string;
}

export interface VectorRow {
  id: number;
  vector: Float32Array;
}

/** What the HNSW file's meta is checked against: a file built from other vectors disagrees. */
export interface VectorStats {
  count: number;
  /** 0 when there are none. */
  maxId: number;
  /** Sum of the ids: with count and maxId, catches a swap (one deleted, one embedded late). */
  idSum: number;
}

export interface FeedState {
  /** The last store span row the feed has read (spans are walked in insert order). */
  watermark: number;
  /** Spans passed over because the backlog was over its bound, in all. */
  skipped: number;
}

/** One step of the feed, stored with its items in one transaction. */
export interface FeedStep {
  watermark: number;
  /** Spans this step passed over: added to FeedState.skipped. */
  skipped: number;
}

export interface CollectionPage {
  /** Newest first. */
  items: MemoryItem[];
  nextCursor: string | null;
}

export interface MemoryCounts {
  runItems: number;
  collectionItems: number;
  /** Items with a vector of the given index key. */
  embedded: number;
  /** Items waiting for one. */
  unembedded: number;
}

export interface MemoryDbOptions {
  /** A better-sqlite3 build for this runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
}

/** The reads: what search and recall get, so a search cannot write. */
export interface MemoryReader {
  getItems(ids: readonly number[]): StoredItem[];
  runItemIds(traceId: HexId, spanId?: HexId | null): number[];
  runTraceIds(after: HexId | null, limit: number): HexId[];
  collectionItemIds(): number[];
  idsMatching(filter: ItemFilter, limit?: number): number[];
  textSearch(q: string, filter: ItemFilter, limit: number): TextHit[];
  listItems(collection: CollectionName, limit?: number, cursor?: string | null): CollectionPage;
  listCollections(): MemoryCollectionInfo[];
  counts(indexKey: string): MemoryCounts;
  itemsWithoutVector(indexKey: string, limit: number, afterId?: number): NewItem[];
  vectorsOf(indexKey: string, ids: readonly number[]): VectorRow[];
  meanVectorOf(indexKey: string, traceId: HexId, spanId?: HexId | null): Float32Array | null;
  vectorPages(indexKey: string, pageSize?: number): Generator<VectorRow[]>;
  vectorStats(indexKey: string): VectorStats;
  feedState(): FeedState;
}

/** Ids per statement when a list travels as one JSON parameter. */
const IDS_PER_STATEMENT = 2000;
/** Distinct traces per call of purgeTraces' `existing`. */
const PURGE_BATCH = 500;
const SNIPPET_TOKENS = 24;

const ITEM_COLUMNS = `id, collection, source, text, metadata, lower(hex(trace_id)) AS trace_id, lower(hex(span_id)) AS span_id,
  session_id, agent, model, service, span_name, CAST(start_ns AS TEXT) AS start_ns, created_at`;

interface ItemRow {
  id: number;
  collection: string | null;
  source: ItemSource;
  text: string;
  metadata: string | null;
  trace_id: string | null;
  span_id: string | null;
  session_id: string | null;
  agent: string | null;
  model: string | null;
  service: string | null;
  span_name: string | null;
  start_ns: string | null;
  created_at: number;
}

function storedItemOf(r: ItemRow): StoredItem {
  return {
    id: r.id,
    collection: r.collection,
    source: r.source,
    text: r.text,
    metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Record<string, unknown>),
    // hex(NULL) is '' rather than NULL.
    traceId: r.trace_id || null,
    spanId: r.span_id || null,
    sessionId: r.session_id,
    agent: r.agent,
    model: r.model,
    service: r.service,
    spanName: r.span_name,
    startTimeUnixNano: r.start_ns,
    createdAt: r.created_at,
  };
}

export function memoryItemOf(item: StoredItem): MemoryItem {
  return { id: String(item.id), collection: item.collection ?? '', text: item.text, metadata: item.metadata ?? {}, createdAt: item.createdAt };
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float32 little-endian, whatever the host's byte order (a plain copy on the little-endian hosts we ship on). */
export function encodeVector(vector: ArrayLike<number>): Buffer {
  if (LITTLE_ENDIAN_HOST) {
    const f = vector instanceof Float32Array ? vector : Float32Array.from(vector);
    return Buffer.from(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));
  }
  const buf = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) buf.writeFloatLE(vector[i]!, i * 4);
  return buf;
}

export function decodeVector(blob: Uint8Array): Float32Array {
  if (LITTLE_ENDIAN_HOST) {
    const n = blob.byteLength >>> 2;
    // A view, not a copy, when aligned (better-sqlite3 gives each blob its own buffer); a blob's
    // bytes at an odd offset of a shared buffer are copied.
    if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, n);
    return new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + n * 4));
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const out = new Float32Array(blob.byteLength >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function openAndMigrate(file: string, options: MemoryDbOptions): BetterSqlite3.Database {
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    // As the store: WAL so reads run beside the writer; NORMAL survives a process crash, and what a
    // power loss could cost here is re-remembered from the store by the feed.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = OFF');
    db.pragma('temp_store = MEMORY');
    // 64 MB rather than the default 2: a filtered search scans a few thousand 1.5 KB vectors.
    db.pragma('cache_size = -65536');
    migrateMemory(db, file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Moves a damaged file aside with its -wal/-shm (kept for a later `.recover`), never deletes it. */
function quarantine(file: string, now: number): string {
  const target = `${file}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  return target;
}

export class MemoryDb implements MemoryReader {
  /** Prepared statements whose SQL depends on the filters given: a handful of shapes, kept. */
  private readonly planned = new Map<string, BetterSqlite3.Statement>();

  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly file: string,
    /** Said once at open: a damaged file was moved aside and a fresh one started. */
    readonly notices: readonly string[],
  ) {}

  /**
   * Opens (creating the folder and file) and migrates. A damaged file never crash-loops the memory
   * process: it is moved aside and a fresh one started, with a notice. Collections written by
   * people and agents are in it, so it is kept, not deleted.
   */
  static open(file: string, options: MemoryDbOptions = {}): MemoryDb {
    mkdirSync(dirname(file), { recursive: true });
    try {
      return new MemoryDb(openAndMigrate(file, options), file, []);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      const movedTo = quarantine(file, Date.now());
      const notice = `The memory database ${file} was damaged (${(err as Error).message}). It was moved, unchanged, to ${movedTo} and a fresh one was started.`;
      return new MemoryDb(openAndMigrate(file, options), file, [notice]);
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs fn in one transaction (a nested call becomes a savepoint), e.g. items and the feed's watermark together. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private stmt(sql: string): BetterSqlite3.Statement {
    let s = this.planned.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.planned.set(sql, s);
    }
    return s;
  }

  // ---- writes ----

  /**
   * Inserts the texts of runs; a text already stored for its trace is skipped. With `feed`, the
   * feed's watermark moves in the same transaction, so a crash never loses or repeats a batch.
   * Returns the new items (to embed).
   */
  insertRunItems(items: readonly RunItemInput[], feed?: FeedStep, now = Date.now()): NewItem[] {
    const insert = this.stmt(
      `INSERT INTO items (collection, source, text, metadata, trace_id, span_id, session_id, agent, model, service, span_name, start_ns, content_hash, created_at)
       VALUES (NULL, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING RETURNING id`,
    ).pluck();
    return this.transaction(() => {
      const added: NewItem[] = [];
      for (const it of items) {
        const id = insert.get(
          it.source,
          it.text,
          Buffer.from(it.traceId, 'hex'),
          Buffer.from(it.spanId, 'hex'),
          it.sessionId ?? null,
          it.agent ?? null,
          it.model ?? null,
          it.service ?? null,
          it.spanName,
          BigInt(it.startNs),
          it.contentHash,
          now,
        ) as number | undefined;
        if (id !== undefined) added.push({ id, text: it.text });
      }
      if (feed) {
        this.stmt('UPDATE feed_state SET watermark = ?, skipped = skipped + ? WHERE id = 1').run(feed.watermark, feed.skipped);
      }
      return added;
    });
  }

  /** A note written to a collection (validated at the boundary: name, text and metadata sizes). Returns its id. */
  insertCollectionItem(collection: CollectionName, text: string, metadata: Record<string, unknown> = {}, now = Date.now()): number {
    return this.stmt(`INSERT INTO items (collection, source, text, metadata, created_at) VALUES (?, 'note', ?, ?, ?) RETURNING id`)
      .pluck()
      .get(collection, text, JSON.stringify(metadata), now) as number;
  }

  /**
   * Stores vectors of `indexKey`, replacing any there. An item deleted while its text was being
   * embedded gets none. Returns the ids that got their vector: the ones to add to the index.
   */
  setVectors(indexKey: string, entries: readonly VectorRow[]): number[] {
    const upsert = this.stmt(
      `INSERT INTO vectors (index_key, item_id, vector) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM items WHERE id = ?)
       ON CONFLICT (index_key, item_id) DO UPDATE SET vector = excluded.vector`,
    );
    return this.transaction(() => {
      const set: number[] = [];
      for (const { id, vector } of entries) if (upsert.run(indexKey, id, encodeVector(vector), id).changes > 0) set.push(id);
      return set;
    });
  }

  /** Drops every vector of an index key (an embedder no longer used). Returns how many. */
  deleteVectors(indexKey: string): number {
    return this.stmt('DELETE FROM vectors WHERE index_key = ?').run(indexKey).changes;
  }

  /** Deletes a collection's item with its vectors; false when the collection has no such item. */
  deleteItem(collection: CollectionName, id: number): boolean {
    return this.stmt('DELETE FROM items WHERE collection = ? AND id = ?').run(collection, id).changes > 0;
  }

  /** Deletes the run items of these traces with their vectors. Returns the deleted ids (to remove from the index). */
  deleteTraces(traceIds: readonly HexId[]): number[] {
    const del = this.stmt(
      'DELETE FROM items WHERE collection IS NULL AND trace_id IN (SELECT unhex(value) FROM json_each(?)) RETURNING id',
    ).pluck();
    return this.transaction(() => chunks(traceIds, IDS_PER_STATEMENT).flatMap((part) => del.all(JSON.stringify(part)) as number[]));
  }

  /**
   * Deletes the run items whose trace the store no longer has (after a retention pass). `existing`
   * answers which of a batch of trace ids the store still holds: the engine asks the store worker,
   * which alone knows flowtrace.sqlite's schema. Rejected: ATTACHing the store's file read-only
   * here, which would tie the two schemas together and put one more reader on the store's WAL.
   * Batches are keyset-paged on trace id, so the deletes between them do not disturb the walk.
   * Returns the deleted ids (to remove from the index).
   */
  async purgeTraces(existing: (traceIds: HexId[]) => ReadonlySet<HexId> | Promise<ReadonlySet<HexId>>, batchSize = PURGE_BATCH): Promise<number[]> {
    const deleted: number[] = [];
    let after: HexId | null = null;
    for (;;) {
      const ids = this.runTraceIds(after, batchSize);
      if (ids.length === 0) return deleted;
      const kept = await existing(ids);
      const gone = ids.filter((t) => !kept.has(t));
      if (gone.length > 0) deleted.push(...this.deleteTraces(gone));
      after = ids[ids.length - 1]!;
    }
  }

  /** Sets the feed's state outright (a reset; the feed's steps go through insertRunItems). */
  setFeedState(state: FeedState): void {
    this.stmt('UPDATE feed_state SET watermark = ?, skipped = ? WHERE id = 1').run(state.watermark, state.skipped);
  }

  // ---- reads ----

  getItems(ids: readonly number[]): StoredItem[] {
    const get = this.stmt(`SELECT ${ITEM_COLUMNS} FROM items WHERE id IN (SELECT value FROM json_each(?))`);
    const byId = new Map<number, StoredItem>();
    for (const part of chunks(ids, IDS_PER_STATEMENT)) {
      for (const row of get.all(JSON.stringify(part)) as ItemRow[]) byId.set(row.id, storedItemOf(row));
    }
    // In the order asked for; ids no longer stored are left out.
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** A run's items, or one span's: what similarTo searches with. */
  runItemIds(traceId: HexId, spanId: HexId | null = null): number[] {
    const trace = Buffer.from(traceId, 'hex');
    if (spanId === null) return this.stmt('SELECT id FROM items WHERE collection IS NULL AND trace_id = ? ORDER BY id').pluck().all(trace) as number[];
    return this.stmt('SELECT id FROM items WHERE collection IS NULL AND trace_id = ? AND span_id = ? ORDER BY id')
      .pluck()
      .all(trace, Buffer.from(spanId, 'hex')) as number[];
  }

  /** Distinct trace ids of run items after `after` (null: from the start), in id order: retention's walk. */
  runTraceIds(after: HexId | null, limit: number): HexId[] {
    const rows = this.stmt('SELECT DISTINCT trace_id FROM items WHERE collection IS NULL AND trace_id > ? ORDER BY trace_id LIMIT ?')
      .pluck()
      .all(after === null ? Buffer.alloc(0) : Buffer.from(after, 'hex'), limit) as Buffer[];
    return rows.map((b) => b.toString('hex'));
  }

  collectionItemIds(): number[] {
    return this.stmt('SELECT id FROM items WHERE collection IS NOT NULL').pluck().all() as number[];
  }

  /** Ids of the items the filter lets through, up to `limit` (the vector side's plan asks "at most N?"). */
  idsMatching(filter: ItemFilter, limit = -1): number[] {
    const f = itemFilterSql(filter);
    // Named: without statistics the planner scanned items_once_per_trace and read every row.
    const from = filter.kind === 'runs' ? 'items i INDEXED BY items_run_facets' : 'items i';
    return this.stmt(`SELECT i.id FROM ${from} WHERE ${f.sql} LIMIT ?`).pluck().all(...f.params, limit) as number[];
  }

  /** Items holding every word of q (memory-query-sql.ts ftsQuery), best BM25 first. */
  textSearch(q: string, filter: ItemFilter, limit: number): TextHit[] {
    const match = ftsQuery(q);
    if (match === null || limit <= 0) return [];
    const f = itemFilterSql(filter);
    return this.stmt(
      `SELECT i.id AS id, -bm25(items_fts) AS score, snippet(items_fts, 0, '', '', '…', ${SNIPPET_TOKENS}) AS snippet
       FROM items_fts JOIN items i ON i.id = items_fts.rowid
       WHERE items_fts MATCH ? AND ${f.sql}
       ORDER BY score DESC LIMIT ?`,
    ).all(match, ...f.params, limit) as TextHit[];
  }

  /** A collection's items newest first; `cursor` from the previous page. */
  listItems(collection: CollectionName, limit = 50, cursor: string | null = null): CollectionPage {
    const n = Math.max(1, Math.min(Math.floor(limit), 500));
    const before = cursor ? Number(cursor) : Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(before)) throw new RangeError('cursor is not one this memory issued');
    const rows = this.stmt(`SELECT ${ITEM_COLUMNS} FROM items WHERE collection = ? AND id < ? ORDER BY id DESC LIMIT ?`).all(
      collection,
      before,
      n + 1,
    ) as ItemRow[];
    const items = rows.slice(0, n).map((r) => memoryItemOf(storedItemOf(r)));
    return { items, nextCursor: rows.length > n ? items[items.length - 1]!.id : null };
  }

  /** Every collection with its item count and newest item's time, by name. */
  listCollections(): MemoryCollectionInfo[] {
    return this.stmt(
      `SELECT collection AS name, count(*) AS count, max(created_at) AS updatedAt FROM items
       WHERE collection IS NOT NULL GROUP BY collection ORDER BY collection`,
    ).all() as MemoryCollectionInfo[];
  }

  counts(indexKey: string): MemoryCounts {
    const c = this.stmt(
      `SELECT count(*) FILTER (WHERE collection IS NULL) AS runItems, count(*) FILTER (WHERE collection IS NOT NULL) AS collectionItems FROM items`,
    ).get() as { runItems: number; collectionItems: number };
    // Vectors exist only for stored items (setVectors checks, deletes cascade), so the rest wait.
    const embedded = this.vectorStats(indexKey).count;
    return { ...c, embedded, unembedded: c.runItems + c.collectionItems - embedded };
  }

  /** Items with no vector of `indexKey` yet, oldest first: the embedding queue, also after an embedder switch. */
  itemsWithoutVector(indexKey: string, limit: number, afterId = 0): NewItem[] {
    return this.stmt(
      `SELECT i.id, i.text FROM items i
       WHERE i.id > ? AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.index_key = ? AND v.item_id = i.id)
       ORDER BY i.id LIMIT ?`,
    ).all(afterId, indexKey, limit) as NewItem[];
  }

  vectorsOf(indexKey: string, ids: readonly number[]): VectorRow[] {
    const get = this.stmt('SELECT item_id AS id, vector FROM vectors WHERE index_key = ? AND item_id IN (SELECT value FROM json_each(?))');
    const out: VectorRow[] = [];
    for (const part of chunks(ids, IDS_PER_STATEMENT)) {
      for (const r of get.all(indexKey, JSON.stringify(part)) as Array<{ id: number; vector: Buffer }>) out.push({ id: r.id, vector: decodeVector(r.vector) });
    }
    return out;
  }

  /** The normalized mean of a span's (or run's) vectors: what it is "about", for similarTo. null without any. */
  meanVectorOf(indexKey: string, traceId: HexId, spanId: HexId | null = null): Float32Array | null {
    const rows = this.vectorsOf(indexKey, this.runItemIds(traceId, spanId));
    if (rows.length === 0) return null;
    const mean = new Float32Array(rows[0]!.vector.length);
    for (const { vector } of rows) for (let i = 0; i < mean.length; i++) mean[i]! += vector[i] ?? 0;
    let norm = 0;
    for (const x of mean) norm += x * x;
    if (norm === 0) return null;
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < mean.length; i++) mean[i]! *= inv;
    return mean;
  }

  /**
   * Every vector of `indexKey` in id order, a page at a time. Each page is its own statement, so
   * no query stays open between pages: the caller may await between them and other reads and
   * writes of this connection go on (an open better-sqlite3 iterator would refuse them).
   */
  *vectorPages(indexKey: string, pageSize = 1024): Generator<VectorRow[]> {
    const page = this.stmt('SELECT item_id AS id, vector FROM vectors WHERE index_key = ? AND item_id > ? ORDER BY item_id LIMIT ?');
    let after = 0;
    for (;;) {
      const rows = page.all(indexKey, after, pageSize) as Array<{ id: number; vector: Buffer }>;
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.id;
      yield rows.map((r) => ({ id: r.id, vector: decodeVector(r.vector) }));
    }
  }

  vectorStats(indexKey: string): VectorStats {
    return this.stmt(
      'SELECT count(*) AS count, coalesce(max(item_id), 0) AS maxId, coalesce(sum(item_id), 0) AS idSum FROM vectors WHERE index_key = ?',
    ).get(indexKey) as VectorStats;
  }

  feedState(): FeedState {
    return this.stmt('SELECT watermark, skipped FROM feed_state WHERE id = 1').get() as FeedState;
  }
}
