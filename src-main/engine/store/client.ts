/**
 * The engine's handle on the store: starts the store worker and turns its messages into Promises.
 * The store never hands out its database; callers get typed operations only. Pooled reads
 * (handlers.ts kind `read`) go to the reader pool (reader-pool.ts) once the store thread has
 * compacted everything acknowledged before them: at once when read-sequence.ts says so, else
 * after a `barrier` on the store thread (docs/adr/0010-reader-pool.md).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention';
import type { ModelPrice } from '../genai/prices';
import { startWorker } from './start-worker';
import { isPooledRead } from './handlers';
import { ReaderPool } from './reader-pool';
import { ReadSequence } from './read-sequence';
import { settleReply, type Durability, type PendingReply, type StoreRequest, type StoreResponses, type StoreWorkerData, type WorkerEvent, type WorkerReply } from './protocol';

export interface StoreOptions {
  dbPath: string;
  nativeBinding?: string;
  durability?: Durability;
  retention?: Partial<RetentionSettings>;
  retentionIntervalMs?: number;
  hardLimitBytes?: number;
  compactionBacklogLimit?: number;
  /** See EngineOptions.genaiPriceOverrides. */
  genaiPriceOverrides?: Record<string, ModelPrice>;
  /** See EngineOptions.genaiAtIngest. */
  genaiAtIngest?: boolean;
  /** See EngineOptions.spanDecodeWorker. */
  spanDecodeWorker?: boolean;
  /** See EngineOptions.analytics. */
  analytics?: boolean;
  /** Reader threads serving reads beside the store thread (reader-pool.ts); 0: reads run on the store thread. Default 2. */
  readers?: number;
  onEvent?: (event: WorkerEvent) => void;
}

const DEFAULT_READERS = 2;

/** About 1 s of compaction on a 2-core machine (measured ~18k spans/s): reads drain the backlog first. */
const DEFAULT_COMPACTION_BACKLOG = 16_000;


export class StoreClient {
  private nextId = 1;
  private readonly pending = new Map<number, PendingReply>();
  private closed = false;
  private pool: ReaderPool | null = null;
  /** The barrier on its way, and the acknowledged sequence it covers at least. */
  private barrierInFlight: { covers: number; done: Promise<unknown> } | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly sequence: ReadSequence,
  ) {}

  /** Resolves once the database is open, migrated and every unfinished log record replayed. */
  static async open(options: StoreOptions): Promise<{ store: StoreClient; ready: Extract<WorkerEvent, { event: 'ready' }> }> {
    const sequence = new ReadSequence();
    const data: StoreWorkerData = {
      dbPath: options.dbPath,
      nativeBinding: options.nativeBinding,
      durability: options.durability ?? 'normal',
      retention: { ...DEFAULT_RETENTION, ...options.retention },
      retentionIntervalMs: options.retentionIntervalMs ?? 60_000,
      hardLimitBytes: options.hardLimitBytes,
      compactionBacklogLimit: options.compactionBacklogLimit ?? DEFAULT_COMPACTION_BACKLOG,
      genaiPriceOverrides: options.genaiPriceOverrides,
      genaiAtIngest: options.genaiAtIngest ?? true,
      spanDecodeWorker: options.spanDecodeWorker ?? availableParallelism() > 1,
      analytics: options.analytics ?? true,
      sequence: sequence.buffer,
    };
    const worker = startWorker(import.meta.url, './worker.ts', './store-worker.js', data);
    const store = new StoreClient(worker, sequence);
    const opened = await new Promise<{ store: StoreClient; ready: Extract<WorkerEvent, { event: 'ready' }> }>((resolve, reject) => {
      let ready = false;
      worker.on('message', (msg: WorkerReply | WorkerEvent) => {
        if ('event' in msg) {
          if (msg.event === 'ready' && !ready) {
            ready = true;
            resolve({ store, ready: msg });
          }
          options.onEvent?.(msg);
          return;
        }
        store.settle(msg);
      });
      worker.on('error', (err) => {
        if (!ready) reject(err);
        else options.onEvent?.({ event: 'log', line: `store worker crashed: ${err.message}` });
        store.failAll(err);
      });
      worker.on('exit', (code) => {
        store.failAll(new Error(`store worker exited with code ${code}`));
        if (!ready) reject(new Error(`store worker exited with code ${code} before it was ready`));
      });
    });
    // After the store thread migrated the file and replayed the log: readers never see an old schema.
    const readers = options.readers ?? DEFAULT_READERS;
    if (readers > 0 && !store.closed) {
      const log = (line: string) => options.onEvent?.({ event: 'log', line });
      try {
        store.pool = await ReaderPool.start(
          readers,
          { dbPath: options.dbPath, nativeBinding: options.nativeBinding, genaiPriceOverrides: options.genaiPriceOverrides, sequence: sequence.buffer },
          log,
        );
      } catch (err) {
        log(`store readers could not start, reads run on the store thread: ${(err as Error).message}`);
      }
    }
    return opened;
  }

  request<K extends StoreRequest['op']>(req: Extract<StoreRequest, { op: K }>, transfer?: ArrayBuffer[]): Promise<StoreResponses[K]> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (this.pool && isPooledRead(req.op)) return this.pooledRead(req) as Promise<StoreResponses[K]>;
    return this.toStoreThread(req, transfer);
  }

  /** How many reader threads serve reads (0: the store thread does). */
  get readerCount(): number {
    return this.pool?.size ?? 0;
  }

  /**
   * The read gate's promise across threads: the sequence acknowledged when the read is issued
   * must be compacted before a reader runs it. Usually it already is; else one barrier on the store
   * thread (shared by the reads that arrive meanwhile) compacts it.
   */
  private async pooledRead(req: StoreRequest): Promise<unknown> {
    const acknowledged = this.sequence.appended;
    while (this.sequence.compacted < acknowledged) {
      let barrier = this.barrierInFlight;
      if (!barrier || barrier.covers < acknowledged) {
        const covers = this.sequence.appended;
        const done = this.toStoreThread({ op: 'barrier' }).finally(() => {
          if (this.barrierInFlight?.done === done) this.barrierInFlight = null;
        });
        barrier = this.barrierInFlight = { covers, done };
      }
      await barrier.done;
      // A compaction that failed leaves its entries for a retry; the read then goes on without
      // them, as it did when reads ran on the store thread.
      if (barrier.covers >= acknowledged) break;
    }
    if (!this.pool) return this.toStoreThread(req);
    return this.pool.request(req);
  }

  private toStoreThread<K extends StoreRequest['op']>(req: Extract<StoreRequest, { op: K }>, transfer?: ArrayBuffer[]): Promise<StoreResponses[K]> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req }, transfer ?? []);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Readers first: the store's last checkpoint (TRUNCATE) must find no reader on the WAL.
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
    await this.toStoreThread({ op: 'close' });
    this.closed = true;
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    settleReply(this.pending, reply);
  }

  private failAll(err: Error): void {
    this.closed = true;
    void this.pool?.close();
    this.pool = null;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
