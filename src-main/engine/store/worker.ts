/**
 * The store's thread: owns the only SQLite connection, so no SQL ever runs on the engine's event
 * loop. Ingest requests are group-committed: every request that arrived while the previous commit
 * ran is decoded, appended to the log in one transaction, and only then acknowledged. Compaction
 * into the indexed tables follows in log order, before the next read is served, so every query
 * sees every acknowledged span.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import type BetterSqlite3 from 'better-sqlite3';
import { decodeTraceRequest } from '../otlp/decode-protobuf';
import { decodeTraceRequestJson } from '../otlp/decode-json';
import { DecodeError } from '../otlp/wire';
import type { OtlpEncoding } from '../otlp/responses';
import type { SpanBatch } from '../otlp/span-batch';
import { ArgumentError } from '../../../src-shared/validate';
import { openDatabase } from './database';
import { Compactor, type AcceptedBatch } from './compactor';
import { Queries } from './queries';
import type { IngestResult, StoreRequest, StoreWorkerData, WorkerEvent, WorkerReply } from './protocol';

const ENCODING_CODE: Record<OtlpEncoding, number> = { protobuf: 1, json: 2 };

function decode(encoding: OtlpEncoding, body: Uint8Array): SpanBatch {
  return encoding === 'protobuf' ? decodeTraceRequest(body) : decodeTraceRequestJson(body);
}

interface PendingIngest {
  id: number;
  encoding: OtlpEncoding;
  body: Uint8Array;
}

class StoreWorker {
  private readonly db: BetterSqlite3.Database;
  private readonly compactor: Compactor;
  private readonly queries: Queries;
  private readonly appendLog: BetterSqlite3.Statement;
  private pendingIngest: PendingIngest[] = [];
  private flushScheduled = false;
  /** Acknowledged but not yet compacted: the memtable. Drained before any read. */
  private memtable: AcceptedBatch[] = [];

  constructor(private readonly port: NonNullable<typeof parentPort>, data: StoreWorkerData) {
    this.db = openDatabase(data.dbPath, data.nativeBinding, data.durability);
    this.compactor = new Compactor(this.db);
    this.queries = new Queries(this.db);
    this.appendLog = this.db.prepare('INSERT INTO log (received_at, encoding, payload, checksum) VALUES (?, ?, ?, ?)');
    const recovered = this.recover();
    const counts = this.queries.counters();
    this.emit({ event: 'ready', recovered, ...counts });
  }

  handle(id: number, req: StoreRequest): void {
    if (req.op === 'ingest') {
      this.pendingIngest.push({ id, encoding: req.encoding, body: req.body });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushIngest());
      }
      return;
    }
    try {
      this.reply(id, this.read(req));
    } catch (err) {
      this.fail(id, err);
    }
  }

  private read(req: Exclude<StoreRequest, { op: 'ingest' }>): unknown {
    this.drainMemtable();
    switch (req.op) {
      case 'listTraces':
        return this.queries.listTraces(req.query);
      case 'getTrace':
        return this.queries.getTrace(req.traceId);
      case 'counters':
        return this.queries.counters();
      case 'close':
        this.flushIngest();
        this.drainMemtable();
        this.db.pragma('wal_checkpoint(TRUNCATE)');
        this.db.close();
        return null;
    }
  }

  /** One transaction for every request that is waiting; each is answered after COMMIT returns. */
  private flushIngest(): void {
    this.flushScheduled = false;
    const jobs = this.pendingIngest;
    if (jobs.length === 0) return;
    this.pendingIngest = [];

    const decoded: Array<{ job: PendingIngest; batch: SpanBatch }> = [];
    for (const job of jobs) {
      try {
        decoded.push({ job, batch: decode(job.encoding, job.body) });
      } catch (err) {
        const message = err instanceof DecodeError ? err.message : `could not decode request: ${(err as Error).message}`;
        this.reply(job.id, { status: 'invalid', message } satisfies IngestResult);
      }
    }
    if (decoded.length === 0) return;

    const receivedAt = Date.now();
    let accepted: AcceptedBatch[];
    try {
      accepted = this.db.transaction(() =>
        decoded.map(({ job, batch }) => {
          const info = this.appendLog.run(receivedAt, ENCODING_CODE[job.encoding], job.body, crc32(job.body));
          return { seq: Number(info.lastInsertRowid), receivedAt, spans: batch.spans };
        }),
      )();
    } catch (err) {
      // Nothing was committed (disk full, I/O error): the exporter must retry, not lose data.
      const message = `store unavailable: ${(err as Error).message}`;
      this.emit({ event: 'log', line: message });
      for (const { job } of decoded) this.reply(job.id, { status: 'unavailable', message } satisfies IngestResult);
      return;
    }
    decoded.forEach(({ job, batch }) =>
      this.reply(job.id, {
        status: 'accepted',
        accepted: batch.spans.length,
        rejected: batch.rejected,
        rejectReasons: batch.rejectReasons,
      } satisfies IngestResult),
    );
    this.memtable.push(...accepted);
    setImmediate(() => this.drainMemtable());
  }

  private drainMemtable(): void {
    if (this.memtable.length === 0) return;
    const batches = this.memtable;
    this.memtable = [];
    try {
      const result = this.compactor.compact(batches);
      this.emit({ event: 'compacted', ...result });
    } catch (err) {
      // The log rows stay above the watermark; they are replayed on the next start.
      this.emit({ event: 'log', line: `compaction failed, will retry at next start: ${(err as Error).message}` });
    }
  }

  /** Replays every log record above the watermark (acknowledged before a crash, not yet compacted). */
  private recover(): number {
    const rows = this.db
      .prepare('SELECT seq, received_at, encoding, payload, checksum FROM log WHERE seq > ? ORDER BY seq')
      .all(this.compactor.watermark()) as Array<{ seq: number; received_at: number; encoding: number; payload: Buffer; checksum: number }>;
    const batches: AcceptedBatch[] = [];
    for (const row of rows) {
      if (crc32(row.payload) !== row.checksum) {
        this.emit({ event: 'log', line: `log record ${row.seq} fails its checksum; skipped` });
        continue;
      }
      const encoding: OtlpEncoding = row.encoding === 2 ? 'json' : 'protobuf';
      batches.push({ seq: row.seq, receivedAt: row.received_at, spans: decode(encoding, row.payload).spans });
    }
    if (batches.length) this.compactor.compact(batches);
    return batches.length;
  }

  private reply(id: number, value: unknown): void {
    this.port.postMessage({ id, ok: true, value } satisfies WorkerReply);
  }

  private fail(id: number, err: unknown): void {
    const kind = err instanceof ArgumentError ? 'argument' : 'internal';
    this.port.postMessage({ id, ok: false, kind, message: (err as Error).message } satisfies WorkerReply);
  }

  private emit(event: WorkerEvent): void {
    this.port.postMessage(event);
  }
}

const port = parentPort;
if (!port) throw new Error('store worker must run in a worker thread');
const worker = new StoreWorker(port, workerData as StoreWorkerData);
port.on('message', (msg: { id: number; req: StoreRequest }) => worker.handle(msg.id, msg.req));
