/**
 * The memory's vector index at scale: N synthetic 384-d unit vectors (default 100k) stored through
 * MemoryDb and indexed by VectorIndex; build time, recall@10 against brute force, query latency,
 * save/load, the rebuild from SQLite that a missing or damaged file costs, file sizes, and hybrid
 * search end to end (words + vectors + filters) over the same items.
 *
 *   node --import tsx bench/memory-index.ts [--n 100000] [--queries 200] [--clusters 1000] [--seed 42] [--keep]
 *
 * The vectors are clustered, not uniform: uniform random vectors in 384-d are all nearly
 * orthogonal, which no sentence embedding is. Each vector is one of `--clusters` random unit
 * centroids plus gaussian noise (σ 0.06 a dimension, noise norm ≈ 1.2), normalized: cosine to its
 * centroid ≈ 0.65, to a neighbour in its cluster ≈ 0.4, to other clusters ≈ 0, roughly how MiniLM
 * places texts on a few hundred topics. Queries are fresh points drawn the same way. Texts are a
 * few words of a cluster's own vocabulary and of a shared one, so BM25 has work to do.
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intArg } from './lib/args';
import { runMeta, writeResults } from './lib/meta';
import { atLeast, atMost, Report } from './lib/report';
import { MemoryDb, memoryDbFile, type RunItemInput } from '../src-main/engine/memory/memory-db';
import { HNSW_PARAMS, indexFileName, metaFileOf, VectorIndex } from '../src-main/engine/memory/hnsw-index';
import { EXACT_SCAN_MAX, exactSearch, hybridSearch } from '../src-main/engine/memory/hybrid-search';
import { textHash } from '../src-main/engine/memory/chunker';

const DIM = 384;
const SIGMA = 0.06;
const K = 10;
const INFO = { provider: 'bench', model: 'clustered', dim: DIM };
const KEY = `${INFO.provider}/${INFO.model}/${INFO.dim}`;
const SERVICES = ['checkout', 'support', 'travel', 'coding', 'search'];

interface Options {
  n: number;
  queries: number;
  clusters: number;
  seed: number;
  keep: boolean;
}

function usage(message?: string): never {
  if (message) console.error(`memory-index: ${message}`);
  console.error('usage: node --import tsx bench/memory-index.ts [--n 100000] [--queries 200] [--clusters 1000] [--seed 42] [--keep]');
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { n: 100_000, queries: 200, clusters: 1000, seed: 42, keep: false };
  const int = intArg(usage);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--keep') o.keep = true;
    else if (a === '--n') o.n = int(a, argv[++i], 100, 2_000_000);
    else if (a === '--queries') o.queries = int(a, argv[++i], 10, 10_000);
    else if (a === '--clusters') o.clusters = int(a, argv[++i], 1, 100_000);
    else if (a === '--seed') o.seed = int(a, argv[++i], 0, 2 ** 31);
    else usage(`unknown argument ${a}`);
  }
  return o;
}

/** Seeded: same seed, same vectors, same answers. */
class Rng {
  private s: number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    this.s ^= this.s << 13;
    this.s ^= this.s >>> 17;
    this.s ^= this.s << 5;
    return (this.s >>> 0) / 2 ** 32;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  gauss(): number {
    if (this.spare !== null) {
      const g = this.spare;
      this.spare = null;
      return g;
    }
    const u = this.next() || 1e-12;
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

class Corpus {
  readonly centroids: Float32Array[];
  private readonly words: string[];
  constructor(
    private readonly rng: Rng,
    clusters: number,
  ) {
    this.centroids = Array.from({ length: clusters }, () => normalize(Float32Array.from({ length: DIM }, () => rng.gauss())));
    this.words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  }
  point(cluster: number): Float32Array {
    const c = this.centroids[cluster]!;
    const v = new Float32Array(DIM);
    for (let i = 0; i < DIM; i++) v[i] = c[i]! + SIGMA * this.rng.gauss();
    return normalize(v);
  }
  /** Four words of the cluster's own, eight of a shared vocabulary skewed to its start. */
  text(cluster: number): string {
    const own = Array.from({ length: 4 }, () => `topic${cluster}x${this.rng.int(8)}`);
    const shared = Array.from({ length: 8 }, () => this.words[Math.floor(this.words.length * this.rng.next() ** 3)]!);
    return [...own, ...shared].join(' ');
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

function size(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

function bruteForce(vectors: readonly Float32Array[], ids: readonly number[], q: Float32Array, k: number): Set<number> {
  const best: Array<{ id: number; s: number }> = [];
  for (let j = 0; j < vectors.length; j++) {
    const v = vectors[j]!;
    let s = 0;
    for (let i = 0; i < DIM; i++) s += v[i]! * q[i]!;
    if (best.length < k || s > best[best.length - 1]!.s) {
      best.push({ id: ids[j]!, s });
      best.sort((a, b) => b.s - a.s);
      if (best.length > k) best.pop();
    }
  }
  return new Set(best.map((b) => b.id));
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const report = new Report({ ...runMeta(started), tool: 'memory-index', options: o, hnsw: HNSW_PARAMS, dim: DIM, sigma: SIGMA });
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-bench-memory-'));
  console.log(`node ${process.version}, ${o.n.toLocaleString('en-US')} vectors of ${DIM} dims in ${o.clusters} clusters, ${o.queries} queries, seed ${o.seed}`);
  console.log(`HNSW M ${HNSW_PARAMS.m}, efConstruction ${HNSW_PARAMS.efConstruction}, ef ${HNSW_PARAMS.efSearch}; data in ${dir}\n`);
  const db = MemoryDb.open(memoryDbFile(dir));
  const indexFile = join(dir, 'memory', indexFileName(INFO));
  try {
    const rng = new Rng(o.seed);
    const corpus = new Corpus(rng, o.clusters);
    const vectors: Float32Array[] = [];
    const ids: number[] = [];

    // ---- build: items and vectors through MemoryDb, each vector added to the index as the memory does ----
    const index = VectorIndex.create(KEY, DIM);
    let sqliteMs = 0;
    let indexMs = 0;
    const BATCH = 1000;
    for (let done = 0; done < o.n; done += BATCH) {
      const batch: RunItemInput[] = [];
      const batchVectors: Float32Array[] = [];
      for (let i = done; i < Math.min(o.n, done + BATCH); i++) {
        const cluster = rng.int(o.clusters);
        const text = corpus.text(cluster);
        batch.push({
          source: 'message',
          text,
          contentHash: textHash('message', text),
          traceId: (Math.floor(i / 8) + 1).toString(16).padStart(32, '0'),
          spanId: (i + 1).toString(16).padStart(16, '0'),
          spanName: 'chat model',
          startNs: String(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n),
          service: SERVICES[i % SERVICES.length]!,
          model: 'gpt-4o',
          agent: `agent-${cluster % 20}`,
          sessionId: `session-${Math.floor(i / 40)}`,
        });
        batchVectors.push(corpus.point(cluster));
      }
      const t0 = performance.now();
      const added = db.insertRunItems(batch);
      db.setVectors(KEY, added.map((a, i) => ({ id: a.id, vector: batchVectors[i]! })));
      const t1 = performance.now();
      for (let i = 0; i < added.length; i++) index.add(added[i]!.id, batchVectors[i]!);
      indexMs += performance.now() - t1;
      sqliteMs += t1 - t0;
      for (let i = 0; i < added.length; i++) {
        ids.push(added[i]!.id);
        vectors.push(batchVectors[i]!);
      }
    }
    report.add('build', `SQLite: items + vectors (${ids.length.toLocaleString('en-US')})`, sqliteMs / 1000, 's');
    report.add('build', 'HNSW: add every vector', indexMs / 1000, 's', { note: `${Math.round(ids.length / (indexMs / 1000))} vectors/s` });

    // ---- recall and latency ----
    const queries = Array.from({ length: o.queries }, () => corpus.point(rng.int(o.clusters)));
    const [truth, bruteMs] = timed(() => queries.map((q) => bruteForce(vectors, ids, q, K)));
    report.add('query', 'brute force (JS, one query)', bruteMs / o.queries, 'ms');
    for (const ef of [32, 64, HNSW_PARAMS.efSearch, 200]) {
      index.setEfSearch(ef);
      let found = 0;
      const times: number[] = [];
      queries.forEach((q, i) => {
        const [hits, ms] = timed(() => index.search(q, K));
        times.push(ms);
        for (const h of hits) if (truth[i]!.has(h.id)) found++;
      });
      times.sort((a, b) => a - b);
      const chosen = ef === HNSW_PARAMS.efSearch;
      const recall = found / (o.queries * K);
      const label = `ef ${ef}${chosen ? ' (shipped)' : ''}`;
      report.add('query', `recall@10, ${label}`, recall, '', chosen ? { target: atLeast(0.95) } : {});
      report.add('query', `latency p50, ${label}`, percentile(times, 0.5), 'ms', chosen ? { target: atMost(5) } : {});
      report.add('query', `latency p99, ${label}`, percentile(times, 0.99), 'ms');
    }
    index.setEfSearch(HNSW_PARAMS.efSearch);

    // ---- filtered search: an exact scan of the allowed vectors or the graph walk with the filter,
    // by how many items the filter lets through (EXACT_SCAN_MAX is where the first stops paying) ----
    for (const allowedCount of [500, 1000, 2000, 4000, 8000, 20000].filter((c) => c < ids.length)) {
      const step = ids.length / allowedCount;
      const allowedIds = Array.from({ length: allowedCount }, (_, i) => ids[Math.floor(i * step)]!);
      const allowed = new Set(allowedIds);
      const exactTimes: number[] = [];
      const walkTimes: number[] = [];
      let agree = 0;
      for (const q of queries.slice(0, 50)) {
        const [exact, exactMs] = timed(() => exactSearch(db.vectorsOf(KEY, allowedIds), q, 100));
        const [walk, walkMs] = timed(() => index.search(q, 100, (id) => allowed.has(id)));
        exactTimes.push(exactMs);
        walkTimes.push(walkMs);
        const top = new Set(exact.slice(0, K).map((h) => h.id));
        agree += walk.slice(0, K).filter((h) => top.has(h.id)).length;
      }
      exactTimes.sort((a, b) => a - b);
      walkTimes.sort((a, b) => a - b);
      const plan = allowedCount <= EXACT_SCAN_MAX ? 'exact scan' : 'graph walk';
      const name = `${allowedCount.toLocaleString('en-US')} allowed (${plan} shipped)`;
      report.add('filter', `${name}: exact scan p50`, percentile(exactTimes, 0.5), 'ms');
      report.add('filter', `${name}: graph walk p50`, percentile(walkTimes, 0.5), 'ms');
      report.add('filter', `${name}: graph walk recall@10`, agree / (50 * K), '');
    }

    // ---- hybrid search end to end over the same items: words + vectors + filters ----
    const hybridTimes: Record<string, number[]> = { 'hybrid, no filter': [], 'hybrid, service filter (1 in 5)': [], 'hybrid, session filter (40 items)': [], 'text only': [] };
    queries.slice(0, 100).forEach((q, i) => {
      const words = corpus.text(rng.int(o.clusters)).split(' ').slice(0, 2).join(' ');
      const run = (name: string, query: Parameters<typeof hybridSearch>[0]['query'], vector: Float32Array | null) =>
        hybridTimes[name]!.push(timed(() => hybridSearch({ db, index, vector, query: { q: words, limit: 20, ...query } }))[1]);
      run('hybrid, no filter', {}, q);
      run('hybrid, service filter (1 in 5)', { service: SERVICES[i % SERVICES.length]! }, q);
      run('hybrid, session filter (40 items)', { session: `session-${i * 7}` }, q);
      run('text only', { mode: 'text' }, null);
    });
    for (const [name, times] of Object.entries(hybridTimes)) {
      times.sort((a, b) => a - b);
      report.add('search', `${name}, p50`, percentile(times, 0.5), 'ms');
      report.add('search', `${name}, p99`, percentile(times, 0.99), 'ms');
    }

    // ---- the file: save, load, rebuild ----
    const [, saveMs] = timed(() => index.save(indexFile));
    report.add('file', 'save (write + sha256, atomic)', saveMs / 1000, 's');
    const [opened, loadMs] = timed(() => VectorIndex.openOrRebuild(indexFile, db, KEY, DIM));
    if (opened.rebuilt) report.note(`load rebuilt instead: ${opened.reason}`);
    report.add('file', 'load (sha256 check + read)', loadMs / 1000, 's');
    let same = 0;
    queries.forEach((q) => {
      const a = index.search(q, K).map((h) => h.id);
      const b = opened.index.search(q, K).map((h) => h.id);
      if (a.join() === b.join()) same++;
    });
    report.add('file', 'loaded index answers as before', same / o.queries, '', { target: atLeast(1) });
    const [rebuilt, rebuildMs] = timed(() => VectorIndex.rebuild(db, KEY, DIM));
    report.add('file', `rebuild from SQLite (${rebuilt.size.toLocaleString('en-US')} vectors)`, rebuildMs / 1000, 's', { target: atMost(60) });
    let rebuiltFound = 0;
    queries.forEach((q, i) => {
      for (const h of rebuilt.search(q, K)) if (truth[i]!.has(h.id)) rebuiltFound++;
    });
    report.add('file', 'recall@10 of the rebuilt index', rebuiltFound / (o.queries * K), '', { target: atLeast(0.95) });
    db.close();
    const sqliteFile = memoryDbFile(dir);
    report.add('size', 'memory.sqlite (+ WAL)', (size(sqliteFile) + size(`${sqliteFile}-wal`)) / 2 ** 20, 'MiB');
    report.add('size', 'index file', size(indexFile) / 2 ** 20, 'MiB');
    report.add('size', 'index meta', size(metaFileOf(indexFile)) / 1024, 'KiB');
    report.add('size', 'peak resident memory', process.resourceUsage().maxRSS / 1024, 'MiB');
  } finally {
    try {
      db.close();
    } catch {
      // closed above
    }
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  const below = writeResults(report, 'memory-index', started);
  process.exitCode = below > 0 ? 1 : 0;
}

main();
