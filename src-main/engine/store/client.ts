/**
 * The engine's handle on the store: starts the store worker and turns its messages into Promises.
 * The store never hands out its database; callers get typed operations only.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { ArgumentError } from '../../../src-shared/validate';
import { DEFAULT_RETENTION, type RetentionSettings } from './retention';
import type { ModelPrice } from '../genai/prices';
import { startWorker } from './start-worker';
import type { Durability, StoreRequest, StoreResponses, StoreWorkerData, WorkerEvent, WorkerReply } from './protocol';

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
  onEvent?: (event: WorkerEvent) => void;
}

/** About 1 s of compaction on a 2-core machine (measured ~18k spans/s): reads drain the backlog first. */
const DEFAULT_COMPACTION_BACKLOG = 16_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class StoreClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  private constructor(private readonly worker: Worker) {}

  /** Resolves once the database is open, migrated and every unfinished log record replayed. */
  static open(options: StoreOptions): Promise<{ store: StoreClient; ready: Extract<WorkerEvent, { event: 'ready' }> }> {
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
    };
    const worker = startWorker(import.meta.url, './worker.ts', './store-worker.js', data);
    const store = new StoreClient(worker);
    return new Promise((resolve, reject) => {
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
  }

  request<K extends StoreRequest['op']>(req: Extract<StoreRequest, { op: K }>, transfer?: ArrayBuffer[]): Promise<StoreResponses[K]> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req }, transfer ?? []);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.request({ op: 'close' });
    this.closed = true;
    await this.worker.terminate();
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve(reply.value);
    else p.reject(reply.kind === 'argument' ? new ArgumentError(reply.message) : new Error(reply.message));
  }

  private failAll(err: Error): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
