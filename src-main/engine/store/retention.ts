/**
 * Retention: whole traces go, oldest `received_at` first, when they are older than the age limit
 * or while the database uses more than the size limit. Deleted pages stay in the file and are
 * reused by new data, so "size" here is the bytes in use, not the file's length.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface RetentionSettings {
  /** Traces last written to longer ago than this are deleted. Default 30 days. */
  maxAgeMs: number;
  /** While more bytes than this are in use, the oldest traces are deleted. Default 10 GB. */
  maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { maxAgeMs: 30 * 24 * 3600 * 1000, maxBytes: 10 * 1024 ** 3 };

/** Traces deleted per transaction, so retention never holds the writer for long. */
const CHUNK = 200;

export interface RetentionResult {
  deletedTraces: number;
  deletedSpans: number;
}

export class Retention {
  private readonly stmts;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.stmts = {
      expired: db.prepare('SELECT trace_id FROM traces WHERE last_received_at < ? ORDER BY last_received_at LIMIT ?').pluck(),
      oldest: db.prepare('SELECT trace_id FROM traces ORDER BY last_received_at LIMIT ?').pluck(),
      spanRows: db.prepare('SELECT id FROM spans WHERE trace_id = ?').pluck(),
      deleteSearch: db.prepare('DELETE FROM trace_search WHERE rowid IN (SELECT doc_id FROM search_docs WHERE trace_id = ?)'),
      deleteDocs: db.prepare('DELETE FROM search_docs WHERE trace_id = ?'),
      deleteEvents: db.prepare('DELETE FROM span_events WHERE span_row = ?'),
      deleteLinks: db.prepare('DELETE FROM span_links WHERE span_row = ?'),
      deleteSpans: db.prepare('DELETE FROM spans WHERE trace_id = ?'),
      deleteTrace: db.prepare('DELETE FROM traces WHERE trace_id = ?'),
      addCounter: db.prepare('UPDATE counters SET value = value + ? WHERE name = ?'),
    };
  }

  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  /** Deletes until both limits hold (or nothing is left). */
  enforce(settings: RetentionSettings, now = Date.now()): RetentionResult {
    const total: RetentionResult = { deletedTraces: 0, deletedSpans: 0 };
    for (;;) {
      const ids = this.stmts.expired.all(now - settings.maxAgeMs, CHUNK) as Buffer[];
      if (ids.length === 0) break;
      this.add(total, this.deleteTraces(ids));
    }
    while (this.usedBytes() > settings.maxBytes) {
      const ids = this.stmts.oldest.all(CHUNK) as Buffer[];
      if (ids.length === 0) break;
      this.add(total, this.deleteTraces(ids));
    }
    return total;
  }

  private add(total: RetentionResult, r: RetentionResult): void {
    total.deletedTraces += r.deletedTraces;
    total.deletedSpans += r.deletedSpans;
  }

  private deleteTraces(ids: Buffer[]): RetentionResult {
    return this.db.transaction(() => {
      let spans = 0;
      for (const id of ids) {
        this.stmts.deleteSearch.run(id);
        this.stmts.deleteDocs.run(id);
        for (const row of this.stmts.spanRows.all(id) as number[]) {
          this.stmts.deleteEvents.run(row);
          this.stmts.deleteLinks.run(row);
        }
        spans += this.stmts.deleteSpans.run(id).changes;
        this.stmts.deleteTrace.run(id);
      }
      this.stmts.addCounter.run(-spans, 'spans');
      this.stmts.addCounter.run(-ids.length, 'traces');
      return { deletedTraces: ids.length, deletedSpans: spans };
    })();
  }
}
