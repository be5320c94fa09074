/**
 * Retention: whole traces, log records and metric points go, oldest `received_at` first, when they
 * are older than the age limit or while the database uses more than the size limit. Deleted pages
 * stay in the file and are reused by new data, so "size" here is the bytes in use, not the file's length.
 * The sessions whose data went get their summaries' bounds recomputed, or lose their row with the
 * last of it (session-summaries.ts), in the pass that deleted it.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_SETTINGS, type Settings } from '../../../src-shared/settings';
import { ANALYTICS_DIMS } from './analytics-rollups';
import { TIERS } from './analytics-tiers';
import { mergeTier } from './analytics-tier-merge';
import { TraceBlocks } from './trace-blocks';
import type { SessionSummaries } from './session-summaries';

export interface RetentionSettings {
  /** Traces last written to longer ago than this are deleted. Default 30 days. */
  maxAgeMs: number;
  /** While more bytes than this are in use, the oldest traces are deleted. Default 10 GB. */
  maxBytes: number;
}

const DAY_MS = 24 * 3600 * 1000;

/** The limits the settings' days and GB stand for. */
export function retentionOf(settings: Pick<Settings, 'retentionDays' | 'retentionGb'>): RetentionSettings {
  return { maxAgeMs: settings.retentionDays * DAY_MS, maxBytes: settings.retentionGb * 1024 ** 3 };
}

export const DEFAULT_RETENTION: RetentionSettings = retentionOf(DEFAULT_SETTINGS);

/** Traces deleted per transaction, so retention never holds the writer for long. */
const CHUNK = 200;
/** Expired log records or metric points per statement. */
const ROW_CHUNK = 2000;
/**
 * Log records or metric points given up per step while over the size limit: small, so trimming stops
 * near the limit instead of emptying the table in one step.
 */
const SIZE_ROW_CHUNK = 200;

export interface RetentionResult {
  deletedTraces: number;
  deletedSpans: number;
  deletedLogs: number;
  deletedMetricPoints: number;
  /** Rollup minutes went, and the hour and day holding the cutoff were merged again (the compactor's copies are stale). */
  rebuiltRollups: boolean;
}

type Family = 'traces' | 'logs' | 'metric_points';

/**
 * The `counters` row holding the highest span row a delete took. The compactor numbers new spans
 * from the highest stored row + 1, so deleting the newest spans would hand their rows to the next
 * ones, and the memory's feed, which reads spans after the last row it saw (Queries.memoryFeed),
 * would pass over them. The compactor numbers from above this too (Compactor.nextRow).
 */
export const SPAN_ROW_FLOOR = 'span_row_floor';

export class Retention {
  private readonly stmts;
  private readonly blocks: TraceBlocks;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly summaries: SessionSummaries,
  ) {
    this.blocks = new TraceBlocks(db);
    this.stmts = {
      expired: db.prepare('SELECT trace_id FROM traces WHERE last_received_at < ? ORDER BY last_received_at LIMIT ?').pluck(),
      oldest: db.prepare('SELECT trace_id FROM traces ORDER BY last_received_at LIMIT ?').pluck(),
      deleteSearch: db.prepare('DELETE FROM trace_search WHERE rowid IN (SELECT doc_id FROM search_docs WHERE trace_id = ?)'),
      deleteDocs: db.prepare('DELETE FROM search_docs WHERE trace_id = ?'),
      deleteBlocks: db.prepare('DELETE FROM span_blocks WHERE trace_id = ? RETURNING span_count').pluck(),
      deleteFreshBlocks: db.prepare('DELETE FROM span_blocks_fresh WHERE trace_id = ? RETURNING span_count').pluck(),
      deleteName: db.prepare('DELETE FROM trace_span_names WHERE name_id = (SELECT id FROM span_names WHERE name = ?) AND trace_id = ?'),
      deleteTrace: db.prepare('DELETE FROM traces WHERE trace_id = ?'),
      // Feedback on runs (migration 0006) lives exactly as long as its trace.
      deleteAnnotations: db.prepare('DELETE FROM annotations WHERE trace_id = ?'),
      addCounter: db.prepare('UPDATE counters SET value = value + ? WHERE name = ?'),
      traceCount: db.prepare("SELECT value FROM counters WHERE name = 'traces'").pluck(),
      // See SPAN_ROW_FLOOR: kept as the highest row id a delete ever took, never lowered.
      keepSpanRowFloor: db.prepare(`INSERT INTO counters (name, value) VALUES ('${SPAN_ROW_FLOOR}', ?)
        ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`),
      expiredLogs: db
        .prepare('DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE received_at < ? ORDER BY received_at LIMIT ?) RETURNING session_id')
        .pluck(),
      expiredPoints: db
        .prepare('DELETE FROM metric_points WHERE id IN (SELECT id FROM metric_points WHERE received_at < ? ORDER BY received_at LIMIT ?) RETURNING session_id')
        .pluck(),
      // Rollup rows (migrations 0007, 0009) by the spans' start under the age limit; per dim, the
      // primary key's prefix. An hour or a day goes once it ends before the cutoff; the one holding
      // the cutoff is rebuilt from what its finer tier kept (expireRollups).
      // Not under the size limit: a few hundred bytes per group and period.
      expiredRollups: TIERS.map((t) => ({ minutes: t.minutes, stmt: db.prepare(`DELETE FROM ${t.table} WHERE dim = ? AND ${t.column} < ?`) })),
      oldestLogs: db.prepare('DELETE FROM logs WHERE id IN (SELECT id FROM logs ORDER BY received_at LIMIT ?) RETURNING session_id').pluck(),
      // The retry digests (append-log.ts) of requests received before every log record and data
      // point still kept: their data is gone, and the digests would otherwise hold room retention
      // cannot free (a store at its size limit would then give up its newest records for them).
      forgetSeen: db.prepare(`DELETE FROM telemetry_requests_seen WHERE received_at < coalesce(
        (SELECT min(at) FROM (SELECT min(received_at) AS at FROM logs UNION ALL SELECT min(received_at) FROM metric_points)), 9e18)`),
      oldestPoints: db
        .prepare('DELETE FROM metric_points WHERE id IN (SELECT id FROM metric_points ORDER BY received_at LIMIT ?) RETURNING session_id')
        .pluck(),
      sessionOfTrace: db.prepare('SELECT session_id FROM traces WHERE trace_id = ? AND session_id IS NOT NULL').pluck(),
      // A sessions row goes with the last log record or metric point naming it (migration 0005): two
      // index probes per row, and only after a pass that deleted something.
      orphanSessions: db.prepare(`DELETE FROM sessions WHERE session_id IN (SELECT s.session_id FROM sessions s
        WHERE NOT EXISTS (SELECT 1 FROM logs l WHERE l.session_id = s.session_id)
          AND NOT EXISTS (SELECT 1 FROM metric_points m WHERE m.session_id = s.session_id))`),
      // Each an index lookup (traces_by_received, logs_by_received, metric_points_by_received).
      firstReceived: db.prepare(`SELECT 'traces' AS family, min(last_received_at) AS at FROM traces
        UNION ALL SELECT 'logs', min(received_at) FROM logs
        UNION ALL SELECT 'metric_points', min(received_at) FROM metric_points`),
      // The same lookups the other way, plus the newest log record (acknowledged, maybe not compacted).
      lastReceived: db
        .prepare(`SELECT max(coalesce((SELECT max(last_received_at) FROM traces), 0), coalesce((SELECT max(received_at) FROM logs), 0),
          coalesce((SELECT max(received_at) FROM metric_points), 0), coalesce((SELECT received_at FROM log ORDER BY seq DESC LIMIT 1), 0))`)
        .pluck(),
    };
  }

  /** The newest received_at anything stored carries; 0 for an empty store. */
  newestReceivedAt(): number {
    return this.stmts.lastReceived.get() as number;
  }

  usedBytes(): number {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  /**
   * Traces to delete in one step over the size limit: about the share of them the excess is (and a
   * fifth more), at most CHUNK. A fixed CHUNK took a small store's last 200 traces, the newest with
   * them, for an excess of a few kilobytes (seen in CI).
   */
  private sizeChunk(used: number, maxBytes: number): number {
    const traces = (this.stmts.traceCount.get() as number | undefined) ?? 0;
    return Math.min(CHUNK, Math.max(1, Math.ceil((traces * 1.2 * (used - maxBytes)) / used)));
  }

  /** Deletes until both limits hold (or nothing is left). */
  enforce(settings: RetentionSettings, now = Date.now()): RetentionResult {
    const total: RetentionResult = { deletedTraces: 0, deletedSpans: 0, deletedLogs: 0, deletedMetricPoints: 0, rebuiltRollups: false };
    const cutoff = now - settings.maxAgeMs;
    const touched = new Set<string>();
    for (;;) {
      const ids = this.stmts.expired.all(cutoff, CHUNK) as Buffer[];
      if (ids.length === 0) break;
      this.add(total, this.deleteTraces(ids, touched));
    }
    total.deletedLogs += this.deleteInChunks(this.stmts.expiredLogs, cutoff, touched);
    total.deletedMetricPoints += this.deleteInChunks(this.stmts.expiredPoints, cutoff, touched);
    this.stmts.forgetSeen.run();
    total.rebuiltRollups = this.expireRollups(Math.floor(cutoff / 60_000));
    // Over the size limit: whichever family holds the data received longest ago gives up a chunk.
    // A chunk whose rows shared pages with rows still kept may free no page yet: the next trace
    // chunk is twice as large, and once a full CHUNK, or a chunk of log records or data points
    // (always full), freed nothing, this round stops rather than deleting on until the newest data
    // is gone too (seen under heavy load: every log record went); the next round measures again.
    let traceChunk = 0;
    let family: Family | null = null;
    for (let used = this.usedBytes(), before = Infinity; used > settings.maxBytes; used = this.usedBytes()) {
      if (used >= before && (family !== 'traces' || traceChunk >= CHUNK)) break;
      traceChunk = used < before ? this.sizeChunk(used, settings.maxBytes) : Math.min(CHUNK, traceChunk * 2);
      before = used;
      family = this.oldestFamily();
      if (family === null) break;
      if (family === 'traces') {
        this.add(total, this.deleteTraces(this.stmts.oldest.all(traceChunk) as Buffer[], touched));
      } else if (family === 'logs') {
        total.deletedLogs += this.deleteNaming(this.stmts.oldestLogs, [SIZE_ROW_CHUNK], touched);
        this.stmts.forgetSeen.run();
      } else {
        total.deletedMetricPoints += this.deleteNaming(this.stmts.oldestPoints, [SIZE_ROW_CHUNK], touched);
        this.stmts.forgetSeen.run();
      }
    }
    if (total.deletedTraces + total.deletedLogs + total.deletedMetricPoints > 0) {
      this.db.transaction(() => {
        this.stmts.orphanSessions.run();
        this.summaries.reconcile(touched);
      })();
    }
    return total;
  }

  /**
   * Deletes rollup rows before the cutoff minute in every tier; where minutes went, the hour and the
   * day holding the cutoff are merged again from the tier below, so each stays the merge of its minutes.
   */
  private expireRollups(cutoffMinute: number): boolean {
    const [minutes, ...coarser] = this.stmts.expiredRollups;
    let rebuilt = false;
    for (let dim = 0; dim < ANALYTICS_DIMS.length; dim++) {
      this.db.transaction(() => {
        const deleted = minutes!.stmt.run(dim, cutoffMinute).changes;
        rebuilt ||= deleted > 0;
        coarser.forEach(({ minutes: width, stmt }, i) => {
          stmt.run(dim, Math.floor(cutoffMinute / width));
          if (deleted > 0) mergeTier(this.db, TIERS[i]!, TIERS[i + 1]!, { dim, period: Math.floor(cutoffMinute / width) });
        });
      })();
    }
    return rebuilt;
  }

  /**
   * A `DELETE … RETURNING session_id`, and the summaries of the sessions it named reconciled in the
   * same transaction; those sessions are added to `touched` for the pass's last reconcile.
   */
  private deleteNaming(stmt: BetterSqlite3.Statement, params: unknown[], touched: Set<string>): number {
    return this.db.transaction(() => {
      const rows = stmt.all(...params) as Array<string | null>;
      const named = new Set(rows.filter((s): s is string => s !== null));
      this.summaries.reconcile(named);
      for (const s of named) touched.add(s);
      return rows.length;
    })();
  }

  /** Runs a chunked `DELETE … LIMIT … RETURNING session_id` until it deletes less than a chunk; returns the rows deleted. */
  private deleteInChunks(stmt: BetterSqlite3.Statement, cutoff: number, touched: Set<string>): number {
    let total = 0;
    for (;;) {
      const n = this.deleteNaming(stmt, [cutoff, ROW_CHUNK], touched);
      total += n;
      if (n < ROW_CHUNK) return total;
    }
  }

  private oldestFamily(): Family | null {
    let best: { family: Family; at: number } | null = null;
    for (const row of this.stmts.firstReceived.all() as Array<{ family: Family; at: number | null }>) {
      if (row.at !== null && (best === null || row.at < best.at)) best = { family: row.family, at: row.at };
    }
    return best?.family ?? null;
  }

  private add(total: RetentionResult, r: Pick<RetentionResult, 'deletedTraces' | 'deletedSpans'>): void {
    total.deletedTraces += r.deletedTraces;
    total.deletedSpans += r.deletedSpans;
  }

  /** Before deleting spans wholesale (Deletion.clearAll): their highest row id becomes the floor. */
  keepSpanRowFloor(): void {
    this.stmts.keepSpanRowFloor.run(this.blocks.maxRow());
  }

  /**
   * Deletes whole traces (span blocks, span names, full text, annotations, counters) in one transaction: retention's
   * chunks, and deletes asked for by the user (deletion.ts). The traces' log records are not touched.
   * The summaries of the sessions the traces belonged to (named, or logged events inside) are
   * reconciled in the same transaction, and those sessions added to `touchedSessions`.
   */
  deleteTraces(ids: Buffer[], touchedSessions?: Set<string>): Pick<RetentionResult, 'deletedTraces' | 'deletedSpans'> {
    return this.db.transaction(() => {
      const top = this.blocks.maxRow();
      let spans = 0;
      const sessions = new Set<string>();
      for (const id of ids) {
        const own = this.stmts.sessionOfTrace.get(id) as string | undefined;
        if (own !== undefined) sessions.add(own);
        for (const s of this.summaries.sessionsLoggedIn(id)) sessions.add(s);
        this.stmts.deleteSearch.run(id);
        this.stmts.deleteDocs.run(id);
        const names = new Set<string>();
        for (const b of this.blocks.ofTrace(id)) for (let i = 0; i < b.n; i++) names.add(b.name(i));
        for (const name of names) this.stmts.deleteName.run(name, id);
        for (const n of this.stmts.deleteBlocks.all(id) as number[]) spans += n;
        for (const n of this.stmts.deleteFreshBlocks.all(id) as number[]) spans += n;
        this.stmts.deleteTrace.run(id);
        this.stmts.deleteAnnotations.run(id);
      }
      if (this.blocks.maxRow() < top) this.stmts.keepSpanRowFloor.run(top);
      this.stmts.addCounter.run(-spans, 'spans');
      this.stmts.addCounter.run(-ids.length, 'traces');
      this.summaries.reconcile(sessions);
      for (const s of sessions) touchedSessions?.add(s);
      return { deletedTraces: ids.length, deletedSpans: spans };
    })();
  }
}
