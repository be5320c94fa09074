/**
 * The store thread's work counters: each part (append log, memtable, compaction) adds to the one
 * object, and the `metrics` operation reads them with the sizes of the moment. Metrics only observe:
 * reading them never waits and never changes what they measure.
 */
import { statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreMetrics } from './protocol';

/** What the parts count as they work; the rest of StoreMetrics is read when asked. */
export type WorkCounters = Omit<StoreMetrics, 'memtableSpans' | 'dbBytes' | 'spanDecodeWorker'>;

export function newWorkCounters(): WorkCounters {
  return {
    scanMs: 0,
    decodedSpans: 0,
    decodeMs: 0,
    workerDecodedSpans: 0,
    appendedRequests: 0,
    retriesAnswered: 0,
    appendedSpans: 0,
    appendMs: 0,
    compactedSpans: 0,
    compactMs: 0,
  };
}

export function currentMetrics(
  db: BetterSqlite3.Database,
  dbPath: string,
  counters: WorkCounters,
  now: Pick<StoreMetrics, 'memtableSpans' | 'spanDecodeWorker'>,
): StoreMetrics {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  let walBytes = 0;
  try {
    walBytes = statSync(`${dbPath}-wal`).size;
  } catch {
    // no WAL right now
  }
  return { ...counters, ...now, dbBytes: pageSize * pages + walBytes };
}
