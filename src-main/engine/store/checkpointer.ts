/**
 * Copies the WAL back into the database file beside the store thread: its own connection, a
 * PASSIVE checkpoint every CHECKPOINT_EVERY_MS (never waits for the writer, never blocks it or
 * the readers). Run by the writer itself, every 1,000 pages (SQLite's default), checkpoints stalled
 * the store thread, the ingest bottleneck, the more the more pages a span dirties (a GenAI span's
 * rollups, facets and sessions; ARCHITECTURE.md has the figures). The writer keeps a high bound of
 * its own (worker.ts WRITER_CHECKPOINT_PAGES) for when this thread falls behind or is gone.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { Durability } from './protocol';

export interface CheckpointerData {
  dbPath: string;
  nativeBinding: string | undefined;
  durability: Durability;
}

/** What the checkpointer tells the store thread: a checkpoint that failed (it tries again on the next tick). */
export interface CheckpointerMessage {
  failed: string;
}

const CHECKPOINT_EVERY_MS = 250;

const port = parentPort;
if (!port) throw new Error('the checkpointer must run in a worker thread');
const data = workerData as CheckpointerData;
const db = new Database(data.dbPath, { fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
// As the writer syncs: the WAL before the pages are copied, the database file after.
db.pragma(`synchronous = ${data.durability === 'full' ? 'FULL' : 'NORMAL'}`);
let lastFailure = '';
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    lastFailure = '';
  } catch (err) {
    const message = (err as Error).message;
    // Once per run of failures, not every tick.
    if (message !== lastFailure) port.postMessage({ failed: message } satisfies CheckpointerMessage);
    lastFailure = message;
  }
}, CHECKPOINT_EVERY_MS);
port.on('message', (msg: 'close') => {
  if (msg !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});
