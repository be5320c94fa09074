/**
 * The append log: the durable half of the store. Ingest requests are group-committed: every request
 * that arrived while the previous commit ran is checked, admitted (room on disk, backlog within its
 * bound), appended to `log` in one transaction, and only then acknowledged; the appended requests
 * join the memtable. At start, every log row above the compaction watermark is replayed. The only
 * place that reads or writes `log`, apart from compaction dropping the rows it indexed (compactor.ts).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { statfsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { SpanRecord, StoreNotice } from '../../../src-shared/contract';
import { decodeTraceRequestJson } from '../otlp/decode-json';
import { scanTraceRequest } from '../otlp/scan-protobuf';
import { DecodeError } from '../otlp/wire';
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import { decodeTelemetry, LOG_ENCODING_CODES, logEncodingOf, type DecodedTelemetry } from './log-codes';
import type { Memtable, MemtableEntry } from './memtable';
import type { IngestResult, StoreRequest } from './protocol';
import type { Retention } from './retention';
import type { WorkCounters } from './store-metrics';

/** Indexed rows plus the log row take a few times a request's bytes; 8× is a safe bound. */
const ROOM_PER_PAYLOAD_BYTE = 8;
/**
 * For requests acknowledged but not compacted yet, whose log rows already count as used: their
 * compaction adds the indexed rows and then deletes those log rows.
 */
const ROOM_PER_PENDING_BYTE = 2;
/** Under a storage limit: room for SQLite's own pages, and for the span-block dictionary one compaction writes once (16 KB, block-dictionary.ts). */
const HARD_LIMIT_RESERVE = 128 * 1024;
/** Free space always left on the filesystem, so SQLite itself never meets ENOSPC mid-transaction. */
const DISK_RESERVE = 64 * 1024 * 1024;
const RECOVERY_CHUNK = 64;
/** Appends wait for the span-decode worker once the backlog is this share of its bound… */
const HOLD_AT_BACKLOG = 0.5;
/** …for at most this long at a time. */
const HOLD_LIMIT_MS = 1000;
/**
 * How long a log or metric request is remembered, so an exporter's retry of it is stored once: the
 * Collector gives up retrying after 5 minutes by default, the SDKs sooner.
 */
export const RETRY_WINDOW_MS = 15 * 60_000;
/** Forgetting requests older than the window is done at most this often. */
const FORGET_EVERY_MS = 60_000;

interface PendingIngest {
  id: number;
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  body: Uint8Array;
  /** Logs and metrics: the request's digest (telemetry_requests_seen); null for spans. */
  digest: Buffer | null;
}

interface Checked {
  spans: SpanRecord[] | null;
  telemetry: DecodedTelemetry | null;
  count: number;
  rejected: number;
  rejectReasons: string[];
  warnings: string[];
}

export interface AppendLogLimits {
  /** StoreWorkerData.compactionBacklogLimit. */
  backlogLimit: number;
  /** StoreWorkerData.hardLimitBytes. */
  hardLimitBytes: number | undefined;
  /** The filesystem whose free space admission checks. */
  dataDir: string;
}

/** What the append log tells the rest of the store thread. */
export interface AppendLogEvents {
  answer(id: number, result: IngestResult): void;
  notice(level: StoreNotice['level'], message: string): void;
  log(line: string): void;
  /** Appends fail for lack of space: retention may free some. */
  storageFull(): void;
  /** New entries are in the memtable. */
  appended(): void;
}

export class AppendLog {
  private readonly appendRow: BetterSqlite3.Statement;
  private readonly seen;
  private lastForget = 0;
  /** Copies of a request in its own group, by the request's id: answered as it is (withoutRetries). */
  private readonly copies = new Map<number, number[]>();
  private pending: PendingIngest[] = [];
  private flushScheduled = false;
  /** The newest received_at stored (receivedNow). */
  private lastReceivedAt: number;
  /** Appends held for the span-decode worker (holdForDecoder): since when, and the timer that ends it. */
  private holdingSince = 0;
  private holdTimer: NodeJS.Timeout | null = null;
  /** While set, appends are failing for lack of space; cleared by the next successful append. */
  private diskFull = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly memtable: Memtable,
    private readonly retention: Pick<Retention, 'usedBytes' | 'newestReceivedAt'>,
    private readonly counters: WorkCounters,
    private readonly limits: AppendLogLimits,
    private readonly events: AppendLogEvents,
  ) {
    this.appendRow = db.prepare('INSERT INTO log (received_at, encoding, payload, checksum) VALUES (?, ?, ?, ?)');
    this.seen = {
      has: db.prepare('SELECT 1 FROM telemetry_requests_seen WHERE digest = ?').pluck(),
      add: db.prepare('INSERT OR IGNORE INTO telemetry_requests_seen (digest, received_at) VALUES (?, ?)'),
      forget: db.prepare('DELETE FROM telemetry_requests_seen WHERE received_at < ?'),
    };
    this.lastReceivedAt = retention.newestReceivedAt();
  }

  /** Answered after the COMMIT of the group it joins, or at once when it cannot be admitted. */
  enqueue(id: number, req: Extract<StoreRequest, { op: 'ingest' }>): void {
    const digest = req.signal === 'traces' ? null : createHash('sha256').update(req.signal).update(req.encoding).update(req.body).digest();
    this.pending.push({ id, signal: req.signal, encoding: req.encoding, body: req.body, digest });
    this.scheduleFlush();
  }

  /** Held appends may go on (the memtable shrank, or the span-decode worker answered). */
  resume(): void {
    if (this.pending.length > 0) this.scheduleFlush();
  }

  /** Shutdown: whatever waits is appended now, held or not. */
  close(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.flush(true);
  }

  /**
   * Replays every log row above the watermark (acknowledged before a crash, not yet compacted),
   * a page at a time: a crash under heavy ingest can leave a long backlog.
   */
  replay(watermark: number, compact: (entries: MemtableEntry[]) => void): number {
    const page = this.db.prepare('SELECT seq, received_at, encoding, payload, checksum FROM log WHERE seq > ? ORDER BY seq LIMIT ?');
    let after = watermark;
    let replayed = 0;
    for (;;) {
      const rows = page.all(after, RECOVERY_CHUNK) as Array<{ seq: number; received_at: number; encoding: number; payload: Buffer; checksum: number }>;
      if (rows.length === 0) return replayed;
      const entries: MemtableEntry[] = [];
      for (const row of rows) {
        if (crc32(row.payload) !== row.checksum) {
          this.events.notice('error', `Log record ${row.seq} fails its checksum and was skipped.`);
          continue;
        }
        const kind = logEncodingOf(row.encoding);
        if (!kind) {
          this.events.notice('error', `Log record ${row.seq} has an unknown encoding (${row.encoding}) and was skipped.`);
          continue;
        }
        entries.push({
          seq: row.seq, receivedAt: row.received_at, ...kind, body: row.payload, spans: null, genai: null, decoding: false, telemetry: null, itemCount: 0,
        });
      }
      if (entries.length) compact(entries);
      replayed += entries.length;
      after = rows[rows.length - 1]!.seq;
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Protobuf requests are only scanned here (framing, ids, nesting: everything that could make the
   * later decode fail) and decoded during compaction; JSON has to be parsed to be checked at all,
   * so its decoded spans ride along in the memtable. Logs and metrics are low-volume: decoded whole
   * here (no scanner to keep in step with a second decoder), and ride along too.
   */
  private check(job: PendingIngest): Checked {
    if (job.signal !== 'traces') {
      const t = decodeTelemetry(job.signal, job.encoding, job.body);
      return { spans: null, telemetry: t, count: t.count, rejected: t.rejected, rejectReasons: t.rejectReasons, warnings: t.warnings };
    }
    if (job.encoding === 'protobuf') {
      const scan = scanTraceRequest(job.body);
      return { spans: null, telemetry: null, count: scan.spans, rejected: scan.rejected, rejectReasons: scan.rejectReasons, warnings: scan.warnings };
    }
    const batch = decodeTraceRequestJson(job.body);
    return { spans: batch.spans, telemetry: null, count: batch.spans.length, rejected: batch.rejected, rejectReasons: batch.rejectReasons, warnings: batch.warnings };
  }

  /**
   * Wall-clock time for a new log record, never before the previous one's. Retention deletes the
   * data received longest ago first and the list sorts by it; a VM's clock stepped back (seen in
   * CI: a trace kept while the 200 sent after it were deleted) would otherwise reorder arrival.
   */
  private receivedNow(): number {
    this.lastReceivedAt = Math.max(Date.now(), this.lastReceivedAt);
    return this.lastReceivedAt;
  }

  /**
   * Flow control while the span-decode worker is behind: appending at log speed would fill the
   * backlog, and each exporter turned away waits RETRY_AFTER (5 s) idle. Answering later instead
   * makes each exporter's next request wait for this one, so the inflow slows to what is indexed.
   * Held at most HOLD_LIMIT_MS at a time; then the backlog bound decides, as without the worker.
   */
  private holdForDecoder(): boolean {
    if (!this.memtable.awaitingDecoder || this.memtable.itemCount < this.limits.backlogLimit * HOLD_AT_BACKLOG) {
      this.holdingSince = 0;
      return false;
    }
    const now = performance.now();
    if (this.holdingSince === 0) this.holdingSince = now;
    const left = HOLD_LIMIT_MS - (now - this.holdingSince);
    if (left <= 0) {
      this.holdingSince = 0;
      return false;
    }
    this.holdTimer ??= setTimeout(() => {
      this.holdTimer = null;
      this.scheduleFlush();
    }, left);
    return true;
  }

  /**
   * Accept only what can also be compacted: an appended request whose compaction then fails for
   * lack of space would be acknowledged yet invisible. Indexed rows take a few times the request's
   * bytes, this request's and those acknowledged but not compacted yet (under load, several are
   * admitted before the first is compacted); a fixed reserve keeps the filesystem itself from ever
   * reaching ENOSPC.
   */
  private hasRoomFor(payloadBytes: number): boolean {
    const need = ROOM_PER_PAYLOAD_BYTE * payloadBytes + ROOM_PER_PENDING_BYTE * this.memtable.bytes;
    const { hardLimitBytes, dataDir } = this.limits;
    if (hardLimitBytes !== undefined && this.retention.usedBytes() + need + HARD_LIMIT_RESERVE > hardLimitBytes) return false;
    try {
      const fs = statfsSync(dataDir);
      if (fs.bavail * fs.bsize < need + DISK_RESERVE) return false;
    } catch {
      // statfs unsupported here: rely on SQLITE_FULL alone
    }
    return true;
  }

  /**
   * A log or metric request stored within RETRY_WINDOW_MS is an exporter's retry (its answer was
   * lost, or came too late): answered as accepted, stored once. A copy of one in this same group
   * waits for that one's fate: it is answered exactly as the first is (accepted, or told to retry
   * when the first could not be stored), never accepted for data that was not.
   */
  private withoutRetries<T extends { job: PendingIngest; result: Checked }>(checked: T[]): T[] {
    const firstOf = new Map<string, number>();
    return checked.filter(({ job, result }) => {
      if (job.digest === null) return true;
      if (this.seen.has.get(job.digest) !== undefined) {
        this.counters.retriesAnswered++;
        this.events.answer(job.id, { status: 'accepted', accepted: result.count, rejected: result.rejected, rejectReasons: result.rejectReasons, warnings: result.warnings });
        return false;
      }
      const key = job.digest.toString('base64');
      const first = firstOf.get(key);
      if (first === undefined) {
        firstOf.set(key, job.id);
        return true;
      }
      this.counters.retriesAnswered++;
      this.copies.set(first, [...(this.copies.get(first) ?? []), job.id]);
      return false;
    });
  }

  /** Answers a request, and the copies of it in its group (withoutRetries) alike. */
  private answer(id: number, result: IngestResult): void {
    this.events.answer(id, result);
    const copies = this.copies.get(id);
    if (copies === undefined) return;
    this.copies.delete(id);
    for (const copy of copies) this.events.answer(copy, result);
  }

  private forgetOldRequests(now: number): void {
    if (now - this.lastForget < FORGET_EVERY_MS) return;
    this.lastForget = now;
    this.seen.forget.run(now - RETRY_WINDOW_MS);
  }

  /** One transaction for every request that is waiting; each is answered after COMMIT returns. */
  private flush(force = false): void {
    this.flushScheduled = false;
    const jobs = this.pending;
    if (jobs.length === 0) return;
    if (!force && this.holdForDecoder()) return;
    this.pending = [];

    let checked: Array<{ job: PendingIngest; result: Checked }> = [];
    const scanStart = performance.now();
    for (const job of jobs) {
      try {
        checked.push({ job, result: this.check(job) });
      } catch (err) {
        const message = err instanceof DecodeError ? err.message : `could not decode request: ${(err as Error).message}`;
        this.events.answer(job.id, { status: 'invalid', message });
      }
    }
    this.counters.scanMs += performance.now() - scanStart;
    checked = this.withoutRetries(checked);
    if (checked.length === 0) return;

    // Compaction is behind: taking more would only queue it in memory and delay every read.
    // Counted per request, so one large group cannot overshoot the bound.
    let backlog = this.memtable.itemCount;
    const admitted = checked.filter(({ job, result }) => {
      if (backlog > 0 && backlog + result.count > this.limits.backlogLimit) {
        const message = `compaction is ${backlog} spans behind; retry later`;
        this.answer(job.id, { status: 'unavailable', message });
        return false;
      }
      backlog += result.count;
      return true;
    });
    if (admitted.length === 0) return;
    checked = admitted;

    const appendStart = performance.now();
    const receivedAt = this.receivedNow();
    let accepted: MemtableEntry[];
    try {
      const payloadBytes = checked.reduce((n, d) => n + d.job.body.length, 0);
      if (!this.hasRoomFor(payloadBytes)) throw Object.assign(new Error('no room left for compaction'), { code: 'SQLITE_FULL' });
      accepted = this.db.transaction(() => {
        this.forgetOldRequests(receivedAt);
        return checked.map(({ job, result }) => {
          const info = this.appendRow.run(receivedAt, LOG_ENCODING_CODES[job.signal][job.encoding], job.body, crc32(job.body));
          if (job.digest) this.seen.add.run(job.digest, receivedAt);
          const entry: MemtableEntry = {
            seq: Number(info.lastInsertRowid), receivedAt, signal: job.signal, encoding: job.encoding, body: job.body,
            spans: result.spans, genai: null, decoding: false, telemetry: result.telemetry, itemCount: result.count,
          };
          return entry;
        });
      })();
    } catch (err) {
      // Nothing was committed (disk full, I/O error): the exporter must retry, not lose data.
      const full = (err as { code?: string }).code === 'SQLITE_FULL';
      const message = full
        ? 'the disk (or the storage limit) is full; retry later'
        : `store unavailable: ${(err as Error).message}`;
      if (full && !this.diskFull) {
        this.diskFull = true;
        this.events.notice('error', 'Storage is full: exporters are being told to retry (503). Ingest resumes by itself when space is freed; nothing stored was touched.');
        this.events.storageFull();
      } else if (!full) this.events.log(message);
      for (const { job } of checked) this.answer(job.id, { status: 'unavailable', message });
      return;
    }
    if (this.diskFull) {
      this.diskFull = false;
      this.events.notice('warning', 'Storage has room again: ingest resumed.');
    }
    this.counters.appendMs += performance.now() - appendStart;
    this.counters.appendedRequests += accepted.length;
    for (const { job, result } of checked) if (job.signal === 'traces') this.counters.appendedSpans += result.count;
    // Into the memtable before the answers leave: appended() publishes the acknowledged sequence
    // (read-sequence.ts), which a read issued after an answer must find.
    this.memtable.add(accepted);
    this.events.appended();
    for (const { job, result } of checked) {
      this.answer(job.id, {
        status: 'accepted',
        accepted: result.count,
        rejected: result.rejected,
        rejectReasons: result.rejectReasons,
        warnings: result.warnings,
      });
    }
  }
}
