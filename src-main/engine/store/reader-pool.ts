/**
 * The reader pool (docs/adr/0010-reader-pool.md): N reader threads (reader.ts), each with its own
 * read-only connection, serve the store's `read` ops, so a click's span read is not queued behind a
 * long read (a 1M-span outline, a funnel over every trace) or behind compaction on the store thread.
 * A request goes to the reader with the fewest in flight. A reader that dies is started again; the
 * requests it held fail with an error naming it (reads are pure, but retrying one that killed a
 * reader could kill the next). Started after the store thread opened and migrated the file; closed
 * before it, so the store's last checkpoint finds no reader holding the WAL.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from './start-worker';
import { settleReply, type PendingReply, type StoreRequest, type WorkerReply } from './protocol';
import type { ReaderData, ReaderMessage } from './reader';

interface Reader {
  worker: Worker;
  pending: Map<number, PendingReply>;
  ready: Promise<void>;
  exited: boolean;
}

export class ReaderPool {
  private readonly readers: Reader[] = [];
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly data: ReaderData,
    private readonly log: (line: string) => void,
  ) {}

  /** Resolves once every reader has opened its connection. */
  static async start(size: number, data: ReaderData, log: (line: string) => void): Promise<ReaderPool> {
    const pool = new ReaderPool(data, log);
    for (let i = 0; i < size; i++) pool.readers.push(pool.spawn(i));
    try {
      await Promise.all(pool.readers.map((r) => r.ready));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.readers.length;
  }

  request(req: StoreRequest): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    let reader = this.readers[0]!;
    for (const r of this.readers) if (r.pending.size < reader.pending.size) reader = r;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      reader.pending.set(id, { resolve, reject });
      reader.worker.postMessage({ id, req } satisfies ReaderMessage);
    });
  }

  /** Closes every reader's connection, then ends its thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.readers.map(async (r) => {
        if (r.exited) return;
        const closed = new Promise<void>((resolve) => {
          r.worker.on('message', (msg: { closed?: true }) => msg.closed && resolve());
          r.worker.once('exit', () => resolve());
        });
        r.worker.postMessage({ close: true } satisfies ReaderMessage);
        await closed;
        await r.worker.terminate();
      }),
    );
  }

  private spawn(index: number): Reader {
    const worker = startWorker(import.meta.url, './reader.ts', './store-reader.js', this.data);
    const pending = new Map<number, PendingReply>();
    let started!: () => void;
    let failedToStart!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failedToStart = reject;
    });
    const reader: Reader = { worker, pending, ready, exited: false };
    let isReady = false;
    worker.on('message', (msg: WorkerReply | { ready: true } | { closed: true }) => {
      if ('ready' in msg) {
        isReady = true;
        started();
        return;
      }
      if ('id' in msg) settleReply(pending, msg);
    });
    let lost: Error | null = null;
    worker.on('error', (err) => {
      lost = err;
    });
    worker.on('exit', (code) => {
      reader.exited = true;
      const why = lost ? lost.message : `exited with code ${code}`;
      if (!isReady) failedToStart(new Error(`store reader ${index} could not start: ${why}`));
      for (const p of pending.values()) p.reject(new Error(`store reader ${index} stopped (${why}) while serving this read; retry it`));
      pending.clear();
      if (this.closed || !isReady) return;
      this.log(`store reader ${index} stopped (${why}); starting it again`);
      const at = this.readers.indexOf(reader);
      if (at >= 0) this.readers[at] = this.spawn(index);
    });
    return reader;
  }
}
