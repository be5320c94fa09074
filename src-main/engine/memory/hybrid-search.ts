/**
 * Search over what runs said and did, and recall from collections. Words (FTS5, BM25) and meaning
 * (HNSW over sentence vectors) each rank candidates; hybrid mode fuses the two rankings by
 * reciprocal rank, which needs no calibration between BM25 scores and cosine similarities. When
 * vectors are not ready the search answers from words alone and says so (mode `text`).
 */
import type { HexId, RecalledItem, SearchMode, SearchQuery, SearchResult } from '../../../src-shared/contract';
import type { VectorHit, VectorIndex } from './hnsw-index';
import { memoryItemOf, type MemoryReader, type StoredItem, type VectorRow } from './memory-db';
import { hasFacets, runFilterOf, type CollectionFilter, type ItemFilter, type MetadataScalar } from './memory-query-sql';
import { tokens } from '../store/trace-list-sql';

/** The k of reciprocal rank fusion (Cormack et al. 2009): damps the weight of the very top ranks. */
export const RRF_K = 60;
/**
 * A filter letting at most this many items through is answered by an exact scan of their vectors
 * from SQLite; above it, by the HNSW walk with the filter (hnswlib walks on until k candidates
 * pass, so the fewer pass, the more of the graph it visits). Measured at 100k items, 100 nearest
 * (bench/memory-index.ts): 2,000 allowed, scan 12.5 ms vs walk 18 ms; 4,000, 19.5 ms vs 11 ms
 * but the walk's recall@10 is 0.92 there; 8,000, 43 ms vs 6.7 ms at recall 0.97.
 */
export const EXACT_SCAN_MAX = 4096;
const EXCERPT_CHARS = 160;

export interface Fused {
  id: number;
  score: number;
}

/**
 * Reciprocal rank fusion: an id scores Σ 1 / (k + rank) over the lists it is in (rank from 1).
 * Ties keep the order in which ids first appear (lists in the order given).
 */
export function fuse(lists: readonly (readonly number[])[], k = RRF_K): Fused[] {
  const scores = new Map<number, number>();
  for (const list of lists) list.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1)));
  const order = [...scores.keys()];
  const first = new Map(order.map((id, i) => [id, i]));
  return order
    .map((id) => ({ id, score: scores.get(id)! }))
    .sort((a, b) => b.score - a.score || first.get(a.id)! - first.get(b.id)!);
}

export interface HybridSearchInput {
  db: MemoryReader;
  /** The running embedder's index; null while vectors are not ready (loading, rebuilding, no embedder). */
  index: VectorIndex | null;
  /**
   * q embedded by the caller, or for `similarTo` the span's own mean vector
   * (MemoryReader.meanVectorOf); null: words only.
   */
  vector: Float32Array | null;
  query: SearchQuery;
  /** A run left out of the results; by default similarTo's own. */
  excludeTraceId?: HexId | null;
}

export interface SearchOutcome {
  results: SearchResult[];
  /** The mode actually used: `text` when vectors were asked for but are not ready. */
  mode: SearchMode;
}

/**
 * One search over the runs, with the trace list's filters. One result per span and source (a
 * span's best message, its tool call, its error): a span's several messages do not crowd the
 * answer, and a failed tool call shows as the call and as the error.
 */
export function hybridSearch(input: HybridSearchInput): SearchOutcome {
  const { db, index, vector, query } = input;
  const limit = Math.max(1, Math.min(Math.floor(query.limit ?? 20), 100));
  // Results collapse by span and source, and the two rankings overlap: fetch more than asked.
  const candidates = Math.min(limit * 4 + 20, 400);
  const asked = query.mode ?? 'hybrid';
  const mode: SearchMode = asked !== 'text' && (index === null || vector === null) ? 'text' : asked;
  const q = query.q ?? '';
  const exclude = input.excludeTraceId ?? query.similarTo?.traceId ?? null;
  const filter = runFilterOf(query, exclude === null ? undefined : [exclude]);
  const textHits = mode === 'semantic' ? [] : db.textSearch(q, filter, candidates);
  const vectorHits = mode === 'text' ? [] : vectorSearch(db, index!, vector!, filter, candidates);
  const snippets = new Map(textHits.map((h) => [h.id, h.snippet]));
  const ranked =
    mode === 'semantic' ? vectorHits : fuse(mode === 'text' ? [textHits.map((h) => h.id)] : [textHits.map((h) => h.id), vectorHits.map((h) => h.id)]);
  return { results: resultsOf(db, ranked, snippets, q, limit), mode };
}

/** The k items of a collection nearest `vector` (cosine) whose metadata has each `filter` value. */
export function recallCollection(
  db: MemoryReader,
  index: VectorIndex,
  collection: string,
  vector: Float32Array,
  k: number,
  filter?: Readonly<Record<string, MetadataScalar>>,
): RecalledItem[] {
  if (k <= 0) return [];
  const f: CollectionFilter = { kind: 'collection', collection, ...(filter && Object.keys(filter).length > 0 ? { metadata: filter } : {}) };
  const hits = vectorSearch(db, index, vector, f, Math.floor(k));
  const score = new Map(hits.map((h) => [h.id, h.score]));
  return db.getItems(hits.map((h) => h.id)).map((item) => ({ ...memoryItemOf(item), score: score.get(item.id)! }));
}

/**
 * The nearest items the filter lets through, planned by how many it lets through: "every run
 * item" leaves out the (few) collection items during the graph walk; a narrow filter (a session,
 * a collection) is an exact scan of its vectors from SQLite; a wide one walks the graph with the
 * allowed set.
 */
function vectorSearch(db: MemoryReader, index: VectorIndex, vector: Float32Array, filter: ItemFilter, k: number): VectorHit[] {
  if (filter.kind === 'runs' && !hasFacets(filter)) {
    const excluded = new Set(db.collectionItemIds());
    for (const traceId of filter.excludeTraceIds ?? []) for (const id of db.runItemIds(traceId)) excluded.add(id);
    return index.search(vector, k, excluded.size > 0 ? (id) => !excluded.has(id) : undefined);
  }
  const few = db.idsMatching(filter, EXACT_SCAN_MAX + 1);
  if (few.length <= EXACT_SCAN_MAX) return exactSearch(db.vectorsOf(index.indexKey, few), vector, k);
  const allowed = new Set(db.idsMatching(filter));
  return index.search(vector, k, (id) => allowed.has(id));
}

/** Cosine by dot product (unit vectors), best first. */
export function exactSearch(rows: readonly VectorRow[], vector: Float32Array, k: number): VectorHit[] {
  const hits: VectorHit[] = [];
  for (const { id, vector: v } of rows) {
    if (v.length !== vector.length) continue;
    let dot = 0;
    for (let i = 0; i < v.length; i++) dot += v[i]! * vector[i]!;
    hits.push({ id, score: dot });
  }
  return hits.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

function resultsOf(db: MemoryReader, ranked: readonly Fused[], snippets: ReadonlyMap<number, string>, q: string, limit: number): SearchResult[] {
  const score = new Map(ranked.map((r) => [r.id, r.score]));
  const results: SearchResult[] = [];
  const seen = new Set<string>();
  for (const item of db.getItems(ranked.map((r) => r.id))) {
    if (results.length >= limit) break;
    if (item.collection !== null || item.traceId === null || item.spanId === null || item.source === 'note') continue;
    const key = `${item.traceId}:${item.spanId}:${item.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    results.push(resultOf(item, score.get(item.id)!, oneLine(snippets.get(item.id) ?? excerpt(item.text, q))));
  }
  return results;
}

function resultOf(item: StoredItem, score: number, snippet: string): SearchResult {
  const r: SearchResult = {
    traceId: item.traceId as HexId,
    spanId: item.spanId as HexId,
    score,
    snippet,
    source: item.source as SearchResult['source'],
    spanName: item.spanName ?? '',
    startTimeUnixNano: item.startTimeUnixNano ?? '0',
  };
  if (item.sessionId !== null) r.sessionId = item.sessionId;
  if (item.agent !== null) r.agent = item.agent;
  if (item.model !== null) r.model = item.model;
  if (item.service !== null) r.service = item.service;
  return r;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * ~160 characters of a text found by meaning alone: around the first query word it contains,
 * else its start; cut at word boundaries, `…` where cut.
 */
export function excerpt(text: string, q = '', max = EXCERPT_CHARS): string {
  const flat = oneLine(text);
  if (flat.length <= max) return flat;
  const lower = flat.toLowerCase();
  const at = tokens(q)
    .filter((w) => w.length >= 3)
    .map((w) => lower.indexOf(w.toLowerCase()))
    .filter((i) => i >= 0)
    .sort((a, b) => a - b)[0];
  let start = at === undefined ? 0 : Math.max(0, Math.min(at - Math.floor(max / 3), flat.length - max));
  if (start > 0) {
    const space = flat.indexOf(' ', start);
    start = space >= 0 && space < start + 20 ? space + 1 : start;
  }
  let end = Math.min(flat.length, start + max);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start + max / 2) end = space;
  }
  return `${start > 0 ? '…' : ''}${flat.slice(start, end)}${end < flat.length ? '…' : ''}`;
}
