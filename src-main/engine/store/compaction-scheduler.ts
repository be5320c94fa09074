/**
 * When and how much of the memtable is compacted, and the decode fallback before it; the SQL is in
 * compactor.ts (spans) and telemetry-compactor.ts (log records, metric points). Compaction keeps log
 * order: it takes entries from the head of the memtable only, and a failed slice goes back to the
 * head (its log rows stay above the watermark, so a restart replays it if no retry succeeds).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { StoreNotice } from '../../../src-shared/contract';
import { decodeTraceRequest } from '../otlp/decode-protobuf';
import { decodeTraceRequestJson } from '../otlp/decode-json';
import type { OtlpEncoding } from '../otlp/responses';
import type { SpanBatch } from '../otlp/span-batch';
import type { AttributeKeys } from './attribute-codec';
import type { AcceptedBatch, CompactionResult, Compactor } from './compactor';
import { decodeTelemetry } from './log-codes';
import type { Memtable, MemtableEntry } from './memtable';
import type { WorkCounters } from './store-metrics';
import type { AcceptedTelemetry, TelemetryCompactor, TelemetryInserted } from './telemetry-compactor';

/** Requests compacted per slice between appends (~4k spans at the usual 512 per request). */
const COMPACTION_SLICE = 8;
const RETRY_MS = 1000;

export type Compacted = CompactionResult & TelemetryInserted;

export interface CompactionEvents {
  compacted(result: Compacted): void;
  notice(level: StoreNotice['level'], message: string): void;
  log(line: string): void;
}

function decode(encoding: OtlpEncoding, body: Uint8Array): SpanBatch {
  return encoding === 'protobuf' ? decodeTraceRequest(body) : decodeTraceRequestJson(body);
}

export class CompactionScheduler {
  private scheduled = false;
  private retry: NodeJS.Timeout | null = null;
  /** Shut down: a failed compaction is left in the log for the next start, not retried on a closed store. */
  private stopped = false;

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly keys: AttributeKeys,
    private readonly compactor: Compactor,
    private readonly telemetryCompactor: TelemetryCompactor,
    private readonly memtable: Memtable,
    private readonly counters: WorkCounters,
    private readonly events: CompactionEvents,
  ) {}

  /**
   * Compaction runs in slices between appends, so acknowledgements keep log speed during a burst
   * instead of waiting for everything before them to be indexed.
   */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // What the span-decode worker is done with; its next answer schedules the next slice.
      this.compact(COMPACTION_SLICE, true);
      if (this.memtable.readyPrefix(1) > 0 && !this.retry) this.schedule();
    });
  }

  /** Everything acknowledged becomes visible, decoded here if need be: shutdown and retries call this. */
  drain(): void {
    this.compact(Infinity, false);
  }

  /** Shutdown: no retry after the last drain. */
  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  /**
   * Compacts up to maxEntries from the head of the memtable, in log order. With waitForDecoder it
   * stops at the first entry the span-decode worker still has; without (reads), such entries are
   * decoded here and the worker's later answer is ignored.
   */
  compact(maxEntries: number, waitForDecoder: boolean): void {
    const n = waitForDecoder ? this.memtable.readyPrefix(maxEntries) : Math.min(maxEntries, this.memtable.length);
    if (n === 0) return;
    const entries = this.memtable.take(n);
    try {
      const start = performance.now();
      const result = this.compactEntries(entries);
      this.counters.compactMs += performance.now() - start;
      for (const e of entries) if (e.signal === 'traces') this.counters.compactedSpans += e.itemCount;
      this.events.compacted(result);
    } catch (err) {
      this.memtable.putBack(entries);
      if (this.stopped) {
        // The last drain at shutdown (a full disk, say): the entries stay acknowledged in the log, replayed at the next start.
        this.events.log(`compaction failed at shutdown; the next start replays it: ${(err as Error).message}`);
        return;
      }
      this.events.log(`compaction failed, retrying in 1 s: ${(err as Error).message}`);
      this.retry ??= setTimeout(() => {
        this.retry = null;
        this.drain();
      }, RETRY_MS);
    }
  }

  /**
   * One transaction for a slice of the log: logs and metric points first, then the span compactor,
   * whose own transaction nests (a savepoint) and advances the watermark past the whole slice.
   * Replay at start calls this directly, with entries that never were in the memtable.
   */
  compactEntries(entries: readonly MemtableEntry[]): Compacted {
    const batches = this.toBatches(entries);
    if (batches.telemetry.length === 0) return { ...this.compactor.compact(batches.spans), insertedLogs: 0, insertedMetricPoints: 0 };
    const keysBefore = this.keys.maxId();
    try {
      return this.db.transaction(() => {
        const telemetry = this.telemetryCompactor.insert(batches.telemetry);
        return { ...this.compactor.compact(batches.spans), ...telemetry };
      })();
    } catch (err) {
      this.keys.forgetAbove(keysBefore);
      throw err;
    }
  }

  /**
   * Decodes what was only scanned (or replayed); a request that fails here (it never should) is
   * reported, not retried forever. Every entry yields a span batch, empty for logs and metrics, so
   * the span compactor's watermark moves past all of them.
   */
  private toBatches(entries: readonly MemtableEntry[]): { spans: AcceptedBatch[]; telemetry: AcceptedTelemetry[] } {
    const start = performance.now();
    const batches: AcceptedBatch[] = [];
    const telemetry: AcceptedTelemetry[] = [];
    for (const e of entries) {
      if (e.signal !== 'traces') {
        let t = e.telemetry;
        if (t === null) {
          try {
            t = decodeTelemetry(e.signal, e.encoding, e.body);
          } catch (err) {
            this.events.notice('error', `Log record ${e.seq} could not be decoded and was skipped: ${(err as Error).message}`);
          }
        }
        if (t) telemetry.push({ receivedAt: e.receivedAt, logs: t.logs, points: t.points });
        batches.push({ seq: e.seq, receivedAt: e.receivedAt, spans: [] });
        continue;
      }
      let spans = e.spans;
      if (spans === null) {
        try {
          spans = decode(e.encoding, e.body).spans;
          this.counters.decodedSpans += spans.length;
        } catch (err) {
          this.events.notice('error', `Log record ${e.seq} could not be decoded and was skipped: ${(err as Error).message}`);
          spans = [];
        }
      }
      batches.push({ seq: e.seq, receivedAt: e.receivedAt, spans, genai: e.genai });
    }
    this.counters.decodeMs += performance.now() - start;
    return { spans: batches, telemetry };
  }
}
