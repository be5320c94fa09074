/**
 * The vector index of one embedder (hnswlib's HNSW, cosine space), labelled by item id. Derived
 * data: SQLite holds every vector, and openOrRebuild rebuilds the file whenever it is missing,
 * stale, or damaged, without ever handing hnswlib's native reader a file whose checksum is wrong
 * (a garbage header can make it allocate or read out of bounds). Never a crash: the worst case is
 * a rebuild. Vectors are unit length (Embedder), so score = 1 − cosine distance = cosine similarity.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import hnswlib, { type HierarchicalNSW } from 'hnswlib-node';
import type { EmbedderInfo } from '../../../src-shared/contract';
import type { MemoryReader, VectorStats } from './memory-db';

/**
 * Chosen by measurement at 100k clustered 384-d vectors on the 2-core machine, where hnswlib-node
 * is built without AVX (bench/memory-index.ts): M 16 / efConstruction 48 adds ~3,100 vectors/s
 * (a 100k rebuild in 30 s) and gives recall@10 0.997 at ef 100, p50 0.3 ms. Rejected:
 * efConstruction 100 or 200 (recall 1.0, but 900–1,900 adds/s: a rebuild of 1–2 minutes), M 12
 * (recall stops at 0.987), M 24 (0.9995, 15 % slower to build), ef 64 (0.99: too little margin
 * for real embeddings, which cluster less cleanly than the benchmark's).
 */
export const HNSW_PARAMS = { m: 16, efConstruction: 48, efSearch: 100 } as const;

const INITIAL_CAPACITY = 1024;
const GROWTH = 1.5;
const META_FORMAT = 1;
/** hnswlib-node passes labels as uint32. */
const MAX_LABEL = 0xffff_ffff;

export interface VectorHit {
  id: number;
  /** Cosine similarity, −1..1. */
  score: number;
}

/** The sidecar `<file>.meta.json`, written after the index file; what a load is checked against. */
export interface IndexMeta {
  format: number;
  indexKey: string;
  dim: number;
  count: number;
  maxId: number;
  idSum: number;
  /** Labels still in the file but marked deleted (hnswlib keeps them until their slot is reused). */
  deleted: number[];
  bytes: number;
  sha256: string;
  m: number;
  efConstruction: number;
}

export interface OpenedIndex {
  index: VectorIndex;
  rebuilt: boolean;
  /** Why it was rebuilt: missing, stale, damaged. */
  reason?: string;
}

/** `<provider>-<model>-<dim>.hnsw`, safe as a file name; the meta keeps the exact index key. */
export function indexFileName(info: EmbedderInfo): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(info.provider)}-${safe(info.model)}-${info.dim}.hnsw`;
}

export function metaFileOf(indexFile: string): string {
  return `${indexFile}.meta.json`;
}

function hashFile(file: string): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(4 << 20);
  const fd = openSync(file, 'r');
  let bytes = 0;
  try {
    for (let n: number; (n = readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}

function writeAtomically(file: string, write: (tmp: string) => void): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    write(tmp);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function isMeta(v: unknown): v is IndexMeta {
  const m = v as IndexMeta;
  return (
    typeof m === 'object' && m !== null && m.format === META_FORMAT && typeof m.indexKey === 'string' &&
    [m.dim, m.count, m.maxId, m.idSum, m.bytes].every(Number.isSafeInteger) && typeof m.sha256 === 'string' &&
    Array.isArray(m.deleted) && m.deleted.every(Number.isSafeInteger)
  );
}

function sameStats(a: VectorStats, b: VectorStats): boolean {
  return a.count === b.count && a.maxId === b.maxId && a.idSum === b.idSum;
}

function describe(s: VectorStats): string {
  return `${s.count} vectors up to id ${s.maxId}`;
}

export class VectorIndex {
  /** Labels searchable now. */
  private readonly live = new Set<number>();
  /** Labels this index marked deleted (or the file said were): re-adding one unmarks it. */
  private readonly removed = new Set<number>();
  private idSum = 0;
  private maxIdCache: number | null = 0;

  private constructor(
    private readonly hnsw: HierarchicalNSW,
    readonly indexKey: string,
    readonly dim: number,
    private efSearch: number = HNSW_PARAMS.efSearch,
  ) {}

  static create(indexKey: string, dim: number, capacity = INITIAL_CAPACITY): VectorIndex {
    const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
    // allowReplaceDeleted: retention deletes old items and the feed adds new ones, so new vectors
    // take the slots of deleted ones and the file does not grow with churn.
    hnsw.initIndex({ maxElements: Math.max(INITIAL_CAPACITY, capacity), m: HNSW_PARAMS.m, efConstruction: HNSW_PARAMS.efConstruction, randomSeed: 100, allowReplaceDeleted: true });
    return new VectorIndex(hnsw, indexKey, dim);
  }

  /**
   * Every vector of `indexKey` in SQLite, a page at a time (never all of them in memory at once).
   * Synchronous: ~30 s for 100k on the 2-core machine, during which the memory process answers
   * nothing; it happens only when the file is missing, stale or damaged.
   */
  static rebuild(db: MemoryReader, indexKey: string, dim: number): VectorIndex {
    const index = VectorIndex.create(indexKey, dim, Math.ceil(db.vectorStats(indexKey).count * 1.1));
    for (const page of db.vectorPages(indexKey)) {
      // A vector of another length cannot be indexed; it stays in SQLite, unsearchable, rather
      // than failing every rebuild.
      for (const row of page) if (row.vector.length === dim) index.add(row.id, row.vector);
    }
    return index;
  }

  /** The saved index when it matches SQLite's vectors of `indexKey`; else rebuilt from them. Never throws for a bad file. */
  static openOrRebuild(file: string, db: MemoryReader, indexKey: string, dim: number): OpenedIndex {
    const loaded = VectorIndex.tryLoad(file, indexKey, dim, db.vectorStats(indexKey));
    if (loaded instanceof VectorIndex) return { index: loaded, rebuilt: false };
    return { index: VectorIndex.rebuild(db, indexKey, dim), rebuilt: true, reason: loaded };
  }

  /** The index in `file` if its meta, checksum and contents agree with `expected`; else why not. */
  static tryLoad(file: string, indexKey: string, dim: number, expected: VectorStats): VectorIndex | string {
    if (!existsSync(file)) return 'missing';
    let meta: unknown;
    try {
      meta = JSON.parse(readFileSync(metaFileOf(file), 'utf8'));
    } catch (err) {
      return `meta unreadable: ${(err as Error).message}`;
    }
    if (!isMeta(meta)) return 'meta malformed';
    if (meta.indexKey !== indexKey || meta.dim !== dim) return `built for ${meta.indexKey}, not ${indexKey}`;
    if (!sameStats(meta, expected)) return `stale: file has ${describe(meta)}, SQLite ${describe(expected)}`;
    try {
      // Before hnswlib reads a byte: its loader trusts the header's sizes.
      const { bytes, sha256 } = hashFile(file);
      if (bytes !== meta.bytes || sha256 !== meta.sha256) return 'damaged: checksum differs from its meta';
      const hnsw = new hnswlib.HierarchicalNSW('cosine', dim);
      hnsw.readIndexSync(file, true);
      const index = new VectorIndex(hnsw, indexKey, dim);
      const deleted = new Set(meta.deleted);
      for (const id of hnsw.getIdsList()) {
        if (deleted.has(id)) index.removed.add(id);
        else index.track(id);
      }
      if (!sameStats(index.stats(), expected)) return `damaged: labels disagree with its meta (${describe(index.stats())})`;
      return index;
    } catch (err) {
      return `unreadable: ${(err as Error).message}`;
    }
  }

  /** Searchable vectors. */
  get size(): number {
    return this.live.size;
  }

  has(id: number): boolean {
    return this.live.has(id);
  }

  stats(): VectorStats {
    if (this.maxIdCache === null) {
      let max = 0;
      for (const id of this.live) if (id > max) max = id;
      this.maxIdCache = max;
    }
    return { count: this.live.size, maxId: this.maxIdCache, idSum: this.idSum };
  }

  /** Adds a unit vector under `id`, or replaces the one there. */
  add(id: number, vector: ArrayLike<number>): void {
    if (!Number.isInteger(id) || id < 0 || id > MAX_LABEL) throw new RangeError(`id ${id} is not a uint32 label`);
    if (vector.length !== this.dim) throw new RangeError(`vector has ${vector.length} dimensions, the index ${this.dim}`);
    const point = Array.from(vector);
    if (this.live.has(id)) {
      this.hnsw.addPoint(point, id); // an update in place
      return;
    }
    if (this.removed.delete(id) && this.readd(id, point)) return;
    this.ensureCapacity();
    this.hnsw.addPoint(point, id, true);
    this.track(id);
  }

  /** Unmarks a deleted label and updates it; false when hnswlib already gave its slot to another. */
  private readd(id: number, point: number[]): boolean {
    try {
      this.hnsw.unmarkDelete(id);
    } catch {
      return false;
    }
    this.hnsw.addPoint(point, id);
    this.track(id);
    return true;
  }

  private track(id: number): void {
    this.live.add(id);
    this.idSum += id;
    if (this.maxIdCache !== null && id > this.maxIdCache) this.maxIdCache = id;
  }

  private ensureCapacity(): void {
    const used = this.hnsw.getCurrentCount();
    const vacant = used - this.live.size; // slots of deleted labels, reused first
    if (vacant > 0 || used < this.hnsw.getMaxElements()) return;
    this.hnsw.resizeIndex(Math.ceil(Math.max(INITIAL_CAPACITY, used * GROWTH)));
  }

  /** Marks `id` deleted; false when it is not in the index. */
  remove(id: number): boolean {
    if (!this.live.has(id)) return false;
    this.hnsw.markDelete(id);
    this.live.delete(id);
    this.removed.add(id);
    this.idSum -= id;
    if (id === this.maxIdCache) this.maxIdCache = null;
    return true;
  }

  /**
   * The k nearest, best first. `filter` is asked about candidates during the graph walk (hnswlib
   * keeps walking until k pass it), so a filter does not starve the answer the way cutting a
   * plain top-k afterwards would; a very selective filter is better served by an exact scan
   * (hybrid-search.ts decides).
   */
  search(vector: ArrayLike<number>, k: number, filter?: (id: number) => boolean): VectorHit[] {
    if (this.live.size === 0 || k <= 0) return [];
    if (vector.length !== this.dim) throw new RangeError(`query has ${vector.length} dimensions, the index ${this.dim}`);
    const n = Math.min(Math.floor(k), this.hnsw.getMaxElements());
    this.hnsw.setEf(Math.max(this.efSearch, n));
    const r = filter ? this.hnsw.searchKnn(Array.from(vector), n, filter) : this.hnsw.searchKnn(Array.from(vector), n);
    return r.neighbors.map((id, i) => ({ id, score: 1 - r.distances[i]! }));
  }

  /** For the benchmark's recall/latency sweep. */
  setEfSearch(ef: number): void {
    this.efSearch = ef;
  }

  /**
   * Writes the index to a temporary file, renames it over `file`, then writes the meta the same
   * way. A crash between the two leaves a meta whose checksum disagrees: the next open rebuilds.
   * No fsync: a torn write is caught the same way, and the data is in SQLite.
   */
  save(file: string): IndexMeta {
    let digest = { bytes: 0, sha256: '' };
    writeAtomically(file, (tmp) => {
      this.hnsw.writeIndexSync(tmp);
      digest = hashFile(tmp);
    });
    const deleted = this.hnsw.getIdsList().filter((id) => !this.live.has(id));
    const meta: IndexMeta = {
      format: META_FORMAT,
      indexKey: this.indexKey,
      dim: this.dim,
      ...this.stats(),
      deleted,
      ...digest,
      m: HNSW_PARAMS.m,
      efConstruction: HNSW_PARAMS.efConstruction,
    };
    writeAtomically(metaFileOf(file), (tmp) => writeFileSync(tmp, JSON.stringify(meta)));
    return meta;
  }
}
