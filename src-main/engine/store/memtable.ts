/**
 * The memtable: requests acknowledged (appended to the log) and not yet compacted, in log order,
 * and which of them the span-decode worker still holds. Entries leave from the head only, so
 * compaction keeps log order; a read waits for the worker's answers by sequence number (read-gate.ts).
 */
import type { SpanRecord } from '../../../src-shared/contract';
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import type { DecodedTelemetry } from './log-codes';
import type { SpanDecoder } from './span-decoder';
import type { DecodeOutcome, ReadGenAi } from './span-decoding';
import type { WorkCounters } from './store-metrics';

/**
 * An acknowledged request awaiting compaction: protobuf traces are decoded by the span-decode worker
 * (or during compaction, when it has not answered or is gone); JSON traces, logs and metrics
 * already were (null only for entries replayed at start).
 */
export interface MemtableEntry {
  seq: number;
  receivedAt: number;
  signal: OtlpSignal;
  encoding: OtlpEncoding;
  body: Uint8Array;
  spans: SpanRecord[] | null;
  /** The spans' GenAI readings, when the span-decode worker took them with the spans. */
  genai: ReadGenAi | null;
  /** Sent to the span-decode worker, answer not yet in: compaction waits for it, reads do not. */
  decoding: boolean;
  telemetry: DecodedTelemetry | null;
  /** Spans, log records or data points: what the backlog bound counts. */
  itemCount: number;
}

export class Memtable {
  private entries: MemtableEntry[] = [];
  /** Items (spans, log records, data points) in the memtable; named for the spans that dominate it. */
  private items = 0;
  /** Request bytes in the memtable: what admission must still leave room to compact (append-log.ts hasRoomFor). */
  private payloadBytes = 0;
  /** Entries the span-decode worker has not answered yet, by log sequence number (ascending). */
  private readonly decoding = new Map<number, MemtableEntry>();
  private lastSeq = 0;

  /** decoder null: decoding stays on the store thread (StoreWorkerData.spanDecodeWorker). */
  constructor(
    private readonly decoder: SpanDecoder | null,
    private readonly counters: WorkCounters,
  ) {}

  get length(): number {
    return this.entries.length;
  }

  /** What the backlog bound (compactionBacklogLimit) and StoreMetrics.memtableSpans count. */
  get itemCount(): number {
    return this.items;
  }

  get bytes(): number {
    return this.payloadBytes;
  }

  /** The last request acknowledged: a read arriving now must see it. */
  get lastAppendedSeq(): number {
    return this.lastSeq;
  }

  /** The last request whose compaction is committed: every one before the memtable's head. */
  get compactedSeq(): number {
    const head = this.entries[0];
    return head === undefined ? this.lastSeq : head.seq - 1;
  }

  /** Whether the span-decode worker still holds any entry: then appends may be held (append-log.ts). */
  get awaitingDecoder(): boolean {
    return this.decoding.size > 0;
  }

  /** The oldest entry the span-decode worker still holds; undefined when it holds none. */
  firstDecodingSeq(): number | undefined {
    return this.decoding.keys().next().value;
  }

  /** Appended and acknowledged, in log order; protobuf span requests go to the span-decode worker when it is up. */
  add(accepted: readonly MemtableEntry[]): void {
    for (const e of accepted) {
      this.lastSeq = e.seq;
      if (e.signal === 'traces' && e.spans === null && this.decoder?.submit({ seq: e.seq, body: e.body })) {
        e.decoding = true;
        this.decoding.set(e.seq, e);
      }
    }
    this.entries.push(...accepted);
    for (const e of accepted) {
      this.items += e.itemCount;
      this.payloadBytes += e.body.length;
    }
  }

  /** How many entries (at most max) at the head the span-decode worker is done with. */
  readyPrefix(max: number): number {
    let n = 0;
    while (n < this.entries.length && n < max && !this.entries[n]!.decoding) n++;
    return n;
  }

  /** The first n entries, out for compaction; the worker's later answer for any of them is ignored. */
  take(n: number): MemtableEntry[] {
    const taken = this.entries.slice(0, n);
    this.entries = this.entries.slice(n);
    for (const e of taken) {
      this.items -= e.itemCount;
      this.payloadBytes -= e.body.length;
      if (!e.decoding) continue;
      e.decoding = false;
      this.decoding.delete(e.seq);
    }
    return taken;
  }

  /** A compaction that failed: its entries go back to the head, to be retried in log order. */
  putBack(entries: readonly MemtableEntry[]): void {
    this.entries = entries.concat(this.entries);
    for (const e of entries) {
      this.items += e.itemCount;
      this.payloadBytes += e.body.length;
    }
  }

  /** The span-decode worker's answer; false when a read already had the entry decoded here. */
  decoded(outcome: DecodeOutcome): boolean {
    const entry = this.decoding.get(outcome.seq);
    if (!entry) return false;
    this.decoding.delete(outcome.seq);
    entry.decoding = false;
    // A failure leaves the spans to compaction, which decodes again and reports the request.
    if (outcome.ok) {
      entry.spans = outcome.spans;
      entry.genai = outcome.genai;
      this.counters.workerDecodedSpans += outcome.spans.length;
    }
    return true;
  }

  /** The span-decode worker is gone: what it held is decoded by compaction. */
  decoderLost(): void {
    for (const entry of this.decoding.values()) entry.decoding = false;
    this.decoding.clear();
  }
}
