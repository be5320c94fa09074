/**
 * The memory itself, inside its process (docs/memory.md): one loop that answers calls first, then
 * embeds what is waiting, then takes the next feed batch from the engine. Everything it writes
 * goes to memory.sqlite first; the vector index follows and is saved now and then (it is rebuilt
 * from SQLite if it is ever missing or stale).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryFeedBatch } from '../store/protocol';
import { ArgumentError } from '../../../src-shared/validate';
import type { SearchAnswer, SearchQuery } from '../../../src-shared/contract';
import { indexKey, type Embedder } from './embedder-types';
import { createLocalEmbedder } from './embedder/local-minilm';
import { createOpenAiCompatibleEmbedder } from './embedder/openai-compatible';
import { createHashingEmbedder } from './embedder/hashing';
import { MemoryDb, type RunItemInput } from './memory-db';
import { VectorIndex } from './hnsw-index';
import { memoryTextsOf } from './chunker';
import { hybridSearch, recallCollection } from './hybrid-search';
import type { EmbedderConfig, FromMemory, MemoryOp, MemoryOps, MemoryProcessConfig, ToMemory } from './memory-protocol';

/** Spans asked for per feed batch, and texts embedded per step (calls wait at most one step). */
const FEED_BATCH_SPANS = 64;
const EMBED_BATCH_TEXTS = 8;
/** At most one feed batch per this many ms: ≤ 256 spans/s read for the memory (it embeds ~100 texts/s). */
const FEED_INTERVAL_MS = 250;
/** Texts remembered but not embedded beyond which the feed pauses (they are in SQLite meanwhile). */
const MAX_UNEMBEDDED = 2_000;
/** With nothing to do, the feed looks again after this long even without a nudge. */
const IDLE_POLL_MS = 2_000;
const INDEX_SAVE_INTERVAL_MS = 30_000;
const PURGE_PAGE = 500;

type Request = Extract<ToMemory, { type: 'request' }>;

export async function createEmbedder(config: EmbedderConfig): Promise<Embedder> {
  switch (config.kind) {
    case 'local':
      return createLocalEmbedder({ modelDir: config.modelDir, threads: 1 });
    case 'openai':
      return createOpenAiCompatibleEmbedder({ baseUrl: config.baseUrl, model: config.model, ...(config.apiKey ? { apiKey: config.apiKey } : {}) });
    case 'hashing':
      return createHashingEmbedder(config.dim);
  }
}

export class MemoryRuntime {
  private readonly requests: Request[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  private purgeWanted = true;
  private feedIdle = false;
  private nextCallId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private lastError: string | null = null;
  private backlogRows = 0;
  private indexDirty = false;
  private lastSave = Date.now();
  private loopDone: Promise<void> = Promise.resolve();
  private lastFeedAt = 0;

  private constructor(
    private readonly config: MemoryProcessConfig,
    private readonly db: MemoryDb,
    private readonly embedder: Embedder,
    private readonly index: VectorIndex,
    private readonly indexFile: string,
    private readonly send: (msg: FromMemory) => void,
  ) {}

  static async open(config: MemoryProcessConfig, send: (msg: FromMemory) => void): Promise<MemoryRuntime> {
    mkdirSync(config.dir, { recursive: true });
    const db = MemoryDb.open(join(config.dir, 'memory.sqlite'), config.nativeBinding ? { nativeBinding: config.nativeBinding } : {});
    let embedder: Embedder;
    try {
      embedder = await createEmbedder(config.embedder);
    } catch (err) {
      db.close();
      throw err;
    }
    const key = indexKey(embedder.info);
    const file = join(config.dir, `${key.replace(/[^A-Za-z0-9.-]+/g, '_')}.hnsw`);
    const opened = VectorIndex.openOrRebuild(file, db, key, embedder.info.dim);
    const rt = new MemoryRuntime(config, db, embedder, opened.index, file, send);
    // A first start has no index and nothing to rebuild it from: not worth a line.
    const rebuiltSomething = opened.rebuilt && opened.index.size > 0;
    send({ type: 'ready', embedder: embedder.info, indexNote: rebuiltSomething ? `vector index rebuilt from SQLite (${opened.reason ?? 'no index file'})` : null });
    rt.loopDone = rt.loop();
    return rt;
  }

  handle(msg: ToMemory): void {
    switch (msg.type) {
      case 'request':
        this.requests.push(msg);
        break;
      case 'feed':
      case 'traces-exist': {
        const call = this.calls.get(msg.id);
        if (!call) return;
        this.calls.delete(msg.id);
        const value = msg.type === 'feed' ? msg.batch : msg.existing;
        if (value === null) call.reject(new Error(msg.error ?? 'the store did not answer'));
        else call.resolve(value);
        break;
      }
      case 'ingested':
        this.feedIdle = false;
        break;
      case 'retained':
        this.purgeWanted = true;
        break;
      case 'close':
        void this.close().then(() => {
          this.send({ type: 'closed' });
          process.exit(0);
        });
        return;
      case 'init':
        return;
    }
    this.wake?.();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await this.loopDone;
    this.saveIndex();
    await this.embedder.close();
    this.db.close();
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      try {
        const request = this.requests.shift();
        if (request) await this.serve(request);
        else if (this.purgeWanted) await this.purge();
        else if (await this.embedWaiting()) continue;
        else if (!this.feedIdle) {
          // The store thread reads the feed's spans: paced, so a memory far behind does not turn a
          // niced process's appetite into work on the ingest's busiest thread.
          const wait = this.lastFeedAt + FEED_INTERVAL_MS - Date.now();
          if (wait > 0) await this.sleep(wait);
          else await this.feed();
        } else await this.sleep();
        if (this.indexDirty && Date.now() - this.lastSave > INDEX_SAVE_INTERVAL_MS) this.saveIndex();
      } catch (err) {
        this.lastError = (err as Error).message;
        this.send({ type: 'log', line: this.lastError });
        await this.sleep();
      }
    }
  }

  private sleep(ms = IDLE_POLL_MS): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.feedIdle = false;
        done();
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      this.wake = done;
    });
  }

  private async serve(req: Request): Promise<void> {
    try {
      const value = await this.run(req.op, req.args);
      this.send({ type: 'response', id: req.id, ok: true, value });
    } catch (err) {
      this.send({ type: 'response', id: req.id, ok: false, message: (err as Error).message, argument: err instanceof ArgumentError });
    }
  }

  private async run<K extends MemoryOp>(op: K, args: MemoryOps[K]['args']): Promise<MemoryOps[K]['result']> {
    type R = MemoryOps[K]['result'];
    switch (op) {
      case 'search':
        return (await this.search(...(args as MemoryOps['search']['args']))) as R;
      case 'listCollections':
        return this.db.listCollections() as R;
      case 'remember': {
        const [collection, item] = args as MemoryOps['remember']['args'];
        const id = this.db.insertCollectionItem(collection, item.text, item.metadata ?? {});
        const [vector] = await this.embedder.embed([item.text]);
        this.addVectors([{ id, vector: vector! }]);
        return { id: String(id) } as R;
      }
      case 'recall': {
        const [collection, query] = args as MemoryOps['recall']['args'];
        const [vector] = await this.embedder.embed([query.query]);
        return { items: recallCollection(this.db, this.index, collection, vector!, query.k ?? 5, query.filter ?? {}) } as R;
      }
      case 'listItems': {
        const [collection, page] = args as MemoryOps['listItems']['args'];
        return this.db.listItems(collection, page.limit, page.cursor) as R;
      }
      case 'forget': {
        const [collection, id] = args as MemoryOps['forget']['args'];
        const n = Number(id);
        if (!Number.isSafeInteger(n) || n <= 0) return false as R;
        const gone = this.db.deleteItem(collection, n);
        if (gone) this.removeVectors([n]);
        return gone as R;
      }
      case 'status': {
        const counts = this.db.counts(indexKey(this.embedder.info));
        return {
          embedder: this.embedder.info,
          items: counts.embedded,
          backlogSpans: this.backlogRows + counts.unembedded,
          skippedSpans: this.db.feedState().skipped,
          lastError: this.lastError,
        } as R;
      }
    }
    throw new ArgumentError(`unknown memory operation ${String(op)}`);
  }

  private async search(query: SearchQuery): Promise<SearchAnswer> {
    const mode = query.mode ?? 'hybrid';
    let vector: Float32Array | null = null;
    let exclude: string | null = null;
    if (query.similarTo) {
      const like = this.db.meanVectorOf(indexKey(this.embedder.info), query.similarTo.traceId, query.similarTo.spanId ?? null);
      if (like === null) return { results: [], embedder: this.embedder.info, mode: 'semantic' };
      vector = like;
      exclude = query.similarTo.traceId;
    } else if (mode !== 'text' && query.q) {
      [vector] = (await this.embedder.embed([query.q])) as [Float32Array];
    }
    const answer = hybridSearch({ db: this.db, index: this.index, vector, query: query.similarTo ? { ...query, mode: 'semantic' } : query, excludeTraceId: exclude });
    return { ...answer, embedder: this.embedder.info };
  }

  /** Embeds a few texts that have no vector yet; false when none wait. */
  private async embedWaiting(): Promise<boolean> {
    const waiting = this.db.itemsWithoutVector(indexKey(this.embedder.info), EMBED_BATCH_TEXTS);
    if (waiting.length === 0) return false;
    const vectors = await this.embedder.embed(waiting.map((w) => w.text));
    this.addVectors(waiting.map((w, i) => ({ id: w.id, vector: vectors[i]! })));
    return true;
  }

  private addVectors(entries: Array<{ id: number; vector: Float32Array }>): void {
    // Only items that still exist: one deleted while it was being embedded must not become a label.
    const kept = new Set(this.db.setVectors(indexKey(this.embedder.info), entries));
    for (const e of entries) if (kept.has(e.id)) this.index.add(e.id, e.vector);
    this.indexDirty = true;
  }

  private removeVectors(ids: readonly number[]): void {
    for (const id of ids) this.index.remove(id);
    this.indexDirty = true;
  }

  private saveIndex(): void {
    if (!this.indexDirty) return;
    this.index.save(this.indexFile);
    this.indexDirty = false;
    this.lastSave = Date.now();
  }

  /** The next feed batch into memory.sqlite (texts only: embedWaiting gives them vectors). */
  private async feed(): Promise<void> {
    if (this.db.counts(indexKey(this.embedder.info)).unembedded >= MAX_UNEMBEDDED) {
      this.feedIdle = true;
      return;
    }
    this.lastFeedAt = Date.now();
    const state = this.db.feedState();
    const batch = await this.ask<MemoryFeedBatch>((id) => ({ type: 'feed-request', id, afterRowId: state.watermark, limit: FEED_BATCH_SPANS }));
    const items: RunItemInput[] = [];
    for (const { span } of batch.spans) {
      const g = span.genai ?? null;
      const service = span.resource.attributes['service.name'];
      for (const t of memoryTextsOf(span, g)) {
        items.push({
          source: t.source,
          text: t.text,
          contentHash: t.hash,
          traceId: span.traceId,
          spanId: span.spanId,
          sessionId: g?.sessionId ?? null,
          agent: g?.agentName ?? null,
          model: g?.responseModel ?? g?.requestModel ?? null,
          service: typeof service === 'string' ? service : null,
          spanName: span.name,
          startNs: span.startTimeUnixNano,
        });
      }
    }
    // Over its bound, the backlog's oldest rows are passed over (and counted), so the memory stays
    // near the present instead of ever further behind.
    const over = Math.max(0, batch.rowsAfter - this.config.backlogMaxRows);
    this.db.insertRunItems(items, { watermark: batch.nextRowId + over, skipped: over });
    this.backlogRows = batch.rowsAfter - over;
    if (batch.spans.length === 0 && this.backlogRows === 0) this.feedIdle = true;
  }

  /** After retention: items of traces that are gone go too, with their vectors. */
  private async purge(): Promise<void> {
    this.purgeWanted = false;
    let after: string | null = null;
    for (;;) {
      const ids = this.db.runTraceIds(after, PURGE_PAGE);
      if (ids.length === 0) return;
      const existing = new Set(await this.ask<string[]>((id) => ({ type: 'traces-exist-request', id, traceIds: ids })));
      const gone = ids.filter((t) => !existing.has(t));
      if (gone.length > 0) this.removeVectors(this.db.deleteTraces(gone));
      after = ids[ids.length - 1]!;
    }
  }

  private ask<T>(make: (id: number) => FromMemory): Promise<T> {
    const id = this.nextCallId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send(make(id));
    });
  }
}
