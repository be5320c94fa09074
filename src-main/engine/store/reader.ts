/**
 * A reader thread of the pool (reader-pool.ts): its own read-only connection to the store's file,
 * which WAL lets read beside the store thread's writes, and its own query objects, so a click's
 * span read never queues behind a long read on another reader, nor behind compaction. It serves
 * only the `read` ops of handlers.ts; the engine sends one here only once the store thread has
 * compacted everything acknowledged before it (read-sequence.ts). It never writes: the connection
 * is opened read-only, and its attribute keys reload on a miss instead of inserting.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { ArgumentError } from '../../../src-shared/validate';
import { AttributeKeys } from './attribute-codec';
import { Queries } from './queries';
import { TelemetryQueries } from './telemetry-queries';
import { SessionQueries } from './session-queries';
import { pricingKey } from './session-summaries';
import { FunnelQueries } from './funnel-queries';
import { Annotations } from './annotations';
import { ReadSequence } from './read-sequence';
import { handlers, type Handler, type PoolReadHandle, type StoreOp } from './handlers';
import type { ModelPrice } from '../genai/prices';
import type { StoreRequest, WorkerReply } from './protocol';

export interface ReaderData {
  dbPath: string;
  nativeBinding: string | undefined;
  /** The same prices the store thread reads with, so a session's cost is the same on either. */
  genaiPriceOverrides: Record<string, ModelPrice> | undefined;
  sequence: SharedArrayBuffer;
}

export type ReaderMessage = { id: number; req: StoreRequest } | { close: true };

/** Statement cache per reader (16 MB); the store thread keeps 64 MB for its random index inserts. */
const READER_CACHE_KIB = 16 * 1024;

function buildReads(db: BetterSqlite3.Database, data: ReaderData): PoolReadHandle {
  const normalizeOptions = data.genaiPriceOverrides ? { overrides: data.genaiPriceOverrides } : {};
  const keys = new AttributeKeys(db, true);
  const queries = new Queries(db, keys, normalizeOptions);
  const telemetry = new TelemetryQueries(db, keys, queries);
  queries.genAiLogs = telemetry;
  return {
    traces: queries,
    sessions: new SessionQueries(db, telemetry, normalizeOptions, pricingKey(data.genaiPriceOverrides)),
    telemetry,
    funnels: new FunnelQueries(db),
    annotations: new Annotations(db),
  };
}

function startReader(port: NonNullable<typeof parentPort>, data: ReaderData): (msg: ReaderMessage) => void {
  const db = new Database(data.dbPath, { readonly: true, fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${READER_CACHE_KIB}`);
  db.pragma('temp_store = MEMORY');
  const sequence = new ReadSequence(data.sequence);
  let epoch = sequence.epoch;
  let reads = buildReads(db, data);

  /**
   * Clearing all data empties the interned keys, resources and scopes, and new ones reuse their
   * ids: a read that overlapped the epoch's change runs again on fresh caches.
   */
  const run = (req: StoreRequest): unknown => {
    const handler = handlers[req.op] as Handler<StoreOp>;
    if (handler.kind !== 'read') throw new Error(`${req.op} is not served by a reader`);
    for (;;) {
      const before = sequence.epoch;
      if (before !== epoch) {
        epoch = before;
        reads = buildReads(db, data);
      }
      // One read transaction: a read of several statements sees one snapshot, as it did on the store thread.
      const value = db.transaction(() => handler.run(reads, req))();
      if (sequence.epoch === before) return value;
    }
  };

  return (msg) => {
    if ('close' in msg) {
      db.close();
      port.postMessage({ closed: true });
      return;
    }
    try {
      port.postMessage({ id: msg.id, ok: true, value: run(msg.req) } satisfies WorkerReply);
    } catch (err) {
      const kind = err instanceof ArgumentError ? 'argument' : 'internal';
      port.postMessage({ id: msg.id, ok: false, kind, message: (err as Error).message } satisfies WorkerReply);
    }
  };
}

const port = parentPort;
if (!port) throw new Error('a store reader must run in a worker thread');
const handle = startReader(port, workerData as ReaderData);
port.on('message', handle);
port.postMessage({ ready: true });
