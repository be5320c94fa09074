/**
 * The full check of a large store after an unclean shutdown (database.ts), in a thread of its own
 * beside the running store: its own read-only connection, one `quick_check`, one answer ("ok", or
 * what SQLite found), then it ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface IntegrityCheckData {
  dbPath: string;
  nativeBinding: string | undefined;
}

const data = workerData as IntegrityCheckData;
let result: string;
try {
  const db = new Database(data.dbPath, { readonly: true, fileMustExist: true, ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}) });
  try {
    db.pragma('busy_timeout = 5000');
    result = db.pragma('quick_check', { simple: true }) as string;
  } finally {
    db.close();
  }
} catch (err) {
  result = (err as Error).message;
}
parentPort!.postMessage(result);
