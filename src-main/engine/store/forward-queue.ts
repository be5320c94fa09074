/**
 * The append log as the forwarding queue (ADR 0012): each upstream endpoint has a position in
 * `log` (forward_state.seq, the last row it was given), and a row is deleted only once it is
 * compacted (compactor.ts's dropLog keeps rows above the lowest position) and every endpoint is
 * past it (trim, after each acknowledgement). The engine thread does the sending (forward/); this
 * is the store thread's half: which rows come next, where each endpoint stands, and the disk bound.
 */
import { crc32 } from 'node:zlib';
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreNotice } from '../../../src-shared/contract';
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import { logEncodingOf } from './log-codes';

/** A stored request, as it arrived (after redaction), to be sent on. */
export interface ForwardRow {
  seq: number;
  receivedAt: number;
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  payload: Uint8Array;
}

/** Where one endpoint stands in the log. */
export interface ForwardPosition {
  endpoint: string;
  /** The last log seq given to it (delivered, or given up on). */
  seq: number;
  /** Requests stored and not delivered yet, and their bytes. */
  lagRequests: number;
  lagBytes: number;
  /** When the oldest of them arrived (unix ms); null when none wait. */
  oldestWaitingAt: number | null;
  /** Requests dropped past the disk bound, ever. */
  droppedRequests: number;
}

export interface ForwardBatch {
  rows: ForwardRow[];
  /** The seq to acknowledge once `rows` are delivered: past rows skipped for a bad checksum too. */
  throughSeq: number;
  /** Rows skipped as damaged. */
  skipped: number;
}

/** What dropOldest gave up on. */
export interface ForwardDrop {
  requests: number;
  bytes: number;
  fromReceivedAt: number;
  toReceivedAt: number;
}

/**
 * The one rule for which log rows may go: those compacted (at or below the watermark) that no
 * endpoint still needs. Compaction runs it after advancing the watermark, the queue after an
 * endpoint moves on.
 */
export const DROP_SPENT_LOG_SQL = `DELETE FROM log WHERE seq <= (SELECT watermark FROM compaction_state WHERE id = 1)
  AND seq <= coalesce((SELECT min(seq) FROM forward_state), 9223372036854775807)`;

export class ForwardQueue {
  private readonly stmts;
  /**
   * Per endpoint, the bytes of the log rows in (from, to] when last measured: the next measure adds
   * what was appended since, and an acknowledgement or a drop takes off what it passed over (before
   * those rows may be deleted), so the lag of a long backlog is not a scan of the whole backlog every
   * time it is asked for (every 2 s, forwarding.ts).
   */
  private readonly measured = new Map<string, { from: number; to: number; bytes: number }>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly notice: (level: StoreNotice['level'], message: string) => void,
  ) {
    this.stmts = {
      endpoints: db.prepare('SELECT endpoint, seq, dropped_requests FROM forward_state ORDER BY endpoint'),
      position: db.prepare('SELECT seq FROM forward_state WHERE endpoint = ?').pluck(),
      // The last seq ever handed out (AUTOINCREMENT keeps it when every row is deleted).
      lastSeq: db.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'log'), 0)").pluck(),
      add: db.prepare('INSERT OR IGNORE INTO forward_state (endpoint, seq) VALUES (?, ?)'),
      remove: db.prepare('DELETE FROM forward_state WHERE endpoint = ?'),
      advance: db.prepare('UPDATE forward_state SET seq = max(seq, ?) WHERE endpoint = ?'),
      drop: db.prepare('UPDATE forward_state SET seq = max(seq, ?), dropped_requests = dropped_requests + ? WHERE endpoint = ?'),
      next: db.prepare('SELECT seq, received_at, encoding, payload, checksum FROM log WHERE seq > ? ORDER BY seq LIMIT ?'),
      oldestAfter: db.prepare('SELECT received_at FROM log WHERE seq > ? ORDER BY seq LIMIT 1').pluck(),
      bytesBetween: db.prepare('SELECT coalesce(sum(length(payload)), 0) FROM log WHERE seq > ? AND seq <= ?').pluck(),
      newestFirst: db.prepare('SELECT seq, received_at, length(payload) AS bytes FROM log WHERE seq > ? ORDER BY seq DESC'),
      trim: db.prepare(DROP_SPENT_LOG_SQL),
    };
  }

  /**
   * The endpoints in use: a new one starts at the end of the log (what arrives from now on). With
   * `forgetOthers` (the user's saved list), one no longer listed lets go of the rows it held; without
   * (a `serve --forward` run, an unreadable forwarding.json) the others keep their place and their
   * rows, within the disk bound, for the next run that forwards to them.
   */
  configure(endpoints: readonly string[], forgetOthers: boolean): ForwardPosition[] {
    this.db.transaction(() => {
      const wanted = new Set(endpoints);
      for (const { endpoint } of this.stmts.endpoints.all() as Array<{ endpoint: string }>) {
        if (!wanted.has(endpoint) && forgetOthers) {
          this.stmts.remove.run(endpoint);
          this.measured.delete(endpoint);
        }
      }
      const last = this.stmts.lastSeq.get() as number;
      for (const endpoint of wanted) this.stmts.add.run(endpoint, last);
      this.stmts.trim.run();
    })();
    return this.positions();
  }

  /** The next rows for an endpoint, in log order, up to `maxRows` or about `maxBytes`. */
  next(endpoint: string, maxRows: number, maxBytes: number): ForwardBatch {
    const after = this.position(endpoint);
    const rows: ForwardRow[] = [];
    let throughSeq = after;
    let bytes = 0;
    let skipped = 0;
    const found = this.stmts.next.all(after, maxRows) as Array<{ seq: number; received_at: number; encoding: number; payload: Buffer; checksum: number }>;
    for (const row of found) {
      if (rows.length > 0 && bytes + row.payload.length > maxBytes) break;
      throughSeq = row.seq;
      const kind = logEncodingOf(row.encoding);
      if (crc32(row.payload) !== row.checksum || !kind) {
        this.notice('error', `Log record ${row.seq} is damaged and was not forwarded to ${endpoint}.`);
        skipped++;
        continue;
      }
      bytes += row.payload.length;
      rows.push({ seq: row.seq, receivedAt: row.received_at, ...kind, payload: row.payload });
    }
    return { rows, throughSeq, skipped };
  }

  /** The endpoint has what is at or below `seq`: rows nobody else needs go. */
  acknowledge(endpoint: string, seq: number): void {
    this.db.transaction(() => {
      const from = this.positionOrNull(endpoint);
      if (from !== null && seq > from) this.passOver(endpoint, from, seq);
      this.stmts.advance.run(seq, endpoint);
      this.stmts.trim.run();
    })();
  }

  /**
   * Keeps at most `keepBytes` of an endpoint's backlog, the newest: the oldest requests past it are
   * given up on (the endpoint's position jumps over them). null when the backlog is within bound.
   */
  dropOldest(endpoint: string, keepBytes: number): ForwardDrop | null {
    const after = this.positionOrNull(endpoint);
    // Removed meanwhile (a settings change): nothing to drop.
    if (after === null) return null;
    let kept = 0;
    let cut = -1;
    let cutReceivedAt = 0;
    // From the newest down to the first row that does not fit: it and everything older go.
    for (const row of this.stmts.newestFirst.iterate(after) as Iterable<{ seq: number; received_at: number; bytes: number }>) {
      if (kept + row.bytes > keepBytes) {
        cut = row.seq;
        cutReceivedAt = row.received_at;
        break;
      }
      kept += row.bytes;
    }
    if (cut < 0) return null;
    const drop: ForwardDrop = {
      requests: cut - after,
      bytes: this.stmts.bytesBetween.get(after, cut) as number,
      fromReceivedAt: (this.stmts.oldestAfter.get(after) as number | undefined) ?? cutReceivedAt,
      toReceivedAt: cutReceivedAt,
    };
    this.db.transaction(() => {
      this.passOver(endpoint, after, cut);
      this.stmts.drop.run(cut, drop.requests, endpoint);
      this.stmts.trim.run();
    })();
    return drop;
  }

  positions(): ForwardPosition[] {
    const last = this.stmts.lastSeq.get() as number;
    return (this.stmts.endpoints.all() as Array<{ endpoint: string; seq: number; dropped_requests: number }>).map((row) => ({
      endpoint: row.endpoint,
      seq: row.seq,
      // Rows are appended with consecutive seqs (AUTOINCREMENT; a rolled-back append takes its seq
      // back) and deleted only at or below every position: none is missing above one.
      lagRequests: Math.max(0, last - row.seq),
      lagBytes: this.lagBytes(row.endpoint, row.seq, last),
      oldestWaitingAt: (this.stmts.oldestAfter.get(row.seq) as number | undefined) ?? null,
      droppedRequests: row.dropped_requests,
    }));
  }

  private lagBytes(endpoint: string, from: number, to: number): number {
    const m = this.measured.get(endpoint);
    const bytes =
      m !== undefined && m.from === from && to >= m.to
        ? m.bytes + (this.stmts.bytesBetween.get(m.to, to) as number)
        : (this.stmts.bytesBetween.get(from, to) as number);
    this.measured.set(endpoint, { from, to, bytes });
    return bytes;
  }

  /** The endpoint's position moves from `from` to `to`: their bytes leave its measured lag (else it is measured afresh). */
  private passOver(endpoint: string, from: number, to: number): void {
    const m = this.measured.get(endpoint);
    if (m === undefined || m.from !== from || to > m.to) {
      this.measured.delete(endpoint);
      return;
    }
    m.bytes -= this.stmts.bytesBetween.get(from, to) as number;
    m.from = to;
  }

  private positionOrNull(endpoint: string): number | null {
    return (this.stmts.position.get(endpoint) as number | undefined) ?? null;
  }

  private position(endpoint: string): number {
    const seq = this.positionOrNull(endpoint);
    if (seq === null) throw new Error(`${endpoint} is not a forwarding endpoint`);
    return seq;
  }
}
