/**
 * The engine's handle on its memory process (docs/memory.md): starts it at low priority, answers
 * what it asks of the store, forwards the API's memory calls, and restarts it if it dies. Ingest
 * never waits on any of this; a memory that is down only makes memory calls fail with a clear error.
 */
import type { MemoryStatus } from '../../../src-shared/contract';
import { ArgumentError } from '../../../src-shared/validate';
import type { StoreClient } from '../store/client';
import { forkMemoryChild, memoryProcessEntry, type MemoryChild, type MemoryChildLauncher } from './memory-child';
import type { FromMemory, MemoryOp, MemoryOps, MemoryProcessConfig, ToMemory } from './memory-protocol';

/** A call waits this long for a starting (or restarting) memory before it fails. */
const READY_WAIT_MS = 60_000;
const RESTART_DELAYS_MS = [1_000, 5_000, 30_000];
const CLOSE_WAIT_MS = 5_000;
/** At most one "new spans" nudge per this many ms. */
const NUDGE_INTERVAL_MS = 250;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class MemoryService {
  private child: MemoryChild | null = null;
  private ready = false;
  private closing = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private waiters: Array<() => void> = [];
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private nudgeTimer: NodeJS.Timeout | null = null;
  private lastError: string | null = null;
  /** It could not start (a missing or damaged model, a refused endpoint): starting again would not help. */
  private failed = false;
  private embedder: MemoryStatus['embedder'] = null;

  constructor(
    private readonly config: MemoryProcessConfig,
    private readonly store: StoreClient,
    private readonly log: (line: string) => void,
    private readonly launch: MemoryChildLauncher = forkMemoryChild,
  ) {}

  start(): void {
    if (this.closing) return;
    // The events name the child they came from: one that was replaced by a restart is ignored.
    const child: MemoryChild = this.launch(memoryProcessEntry(), {
      message: (msg) => this.onMessage(child, msg),
      exit: (why) => this.onExit(child, why),
      error: (err) => this.log(`memory process: ${err.message}`),
    });
    this.child = child;
    this.ready = false;
    child.send({ type: 'init', config: this.config } satisfies ToMemory);
  }

  async call<K extends MemoryOp>(op: K, ...args: MemoryOps[K]['args']): Promise<MemoryOps[K]['result']> {
    await this.whenReady();
    const child = this.child!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (!child.send({ type: 'request', id, op, args } as ToMemory)) {
        this.pending.delete(id);
        reject(new Error('memory is not available: its process is exiting'));
      }
    });
  }

  async status(): Promise<MemoryStatus> {
    if (!this.ready) {
      return { enabled: true, embedder: this.embedder, items: 0, backlogSpans: 0, skippedSpans: 0, lastError: this.lastError ?? 'memory is starting' };
    }
    // It may exit while asked; a status read never throws.
    try {
      const s = await this.call('status');
      return { enabled: true, ...s, lastError: s.lastError ?? this.lastError };
    } catch (err) {
      return { enabled: true, embedder: this.embedder, items: 0, backlogSpans: 0, skippedSpans: 0, lastError: (err as Error).message };
    }
  }

  /** New spans were stored: the feed may have work (coalesced). */
  nudge(): void {
    if (!this.ready || this.nudgeTimer) return;
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = null;
      this.send({ type: 'ingested' });
    }, NUDGE_INTERVAL_MS);
  }

  retained(): void {
    this.send({ type: 'retained' });
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.nudgeTimer) clearTimeout(this.nudgeTimer);
    const child = this.child;
    if (!child || child.exited) return;
    // It saves its index and closes SQLite on `close`; one that cannot be told, or takes too long, is killed.
    if (!child.send({ type: 'close' })) child.kill();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        child.kill();
        resolve();
      }, CLOSE_WAIT_MS);
    });
    await Promise.race([child.exit, late]);
    clearTimeout(timer);
  }

  private whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.closing) return Promise.reject(new Error('memory is shutting down'));
    if (this.failed) return Promise.reject(new Error(`memory is not available: ${this.lastError ?? 'it could not start'}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`memory is not available: ${this.lastError ?? 'still starting'}`));
      }, READY_WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        if (this.ready) resolve();
        else reject(new Error(`memory is not available: ${this.lastError ?? 'it could not start'}`));
      };
      this.waiters.push(done);
    });
  }

  private onMessage(child: MemoryChild, msg: FromMemory): void {
    if (child !== this.child) return;
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.restarts = 0;
        this.embedder = msg.embedder;
        if (msg.indexNote) this.log(`memory: ${msg.indexNote}`);
        for (const w of this.waiters.splice(0)) w();
        return;
      case 'init-failed':
        this.lastError = msg.message;
        this.failed = true;
        this.log(`memory could not start: ${msg.message}`);
        for (const w of this.waiters.splice(0)) w();
        return;
      case 'response': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(msg.argument ? new ArgumentError(msg.message) : new Error(msg.message));
        return;
      }
      case 'feed-request':
        this.store.request({ op: 'memoryFeed', afterRowId: msg.afterRowId, limit: msg.limit }).then(
          (batch) => child.send({ type: 'feed', id: msg.id, batch }),
          (err: unknown) => child.send({ type: 'feed', id: msg.id, batch: null, error: (err as Error).message }),
        );
        return;
      case 'traces-exist-request':
        this.store.request({ op: 'tracesExist', traceIds: msg.traceIds }).then(
          (existing) => child.send({ type: 'traces-exist', id: msg.id, existing }),
          (err: unknown) => child.send({ type: 'traces-exist', id: msg.id, existing: null, error: (err as Error).message }),
        );
        return;
      case 'log':
        this.log(`memory: ${msg.line}`);
        return;
      case 'closed':
        return;
    }
  }

  private onExit(child: MemoryChild, how: string): void {
    if (child !== this.child) return;
    this.child = null;
    this.ready = false;
    const why = `memory process exited (${how})`;
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
    if (this.closing || this.failed) return;
    this.lastError ??= why;
    const delay = RESTART_DELAYS_MS[Math.min(this.restarts, RESTART_DELAYS_MS.length - 1)]!;
    this.restarts++;
    this.log(`${why}; restarting in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.start();
    }, delay);
  }

  private send(msg: ToMemory): void {
    this.child?.send(msg);
  }
}
