/**
 * The store's thread: owns the only SQLite connection that writes, so no SQL ever runs on the
 * engine's event loop; the reader pool's threads read beside it (reader-pool.ts, ADR 0010). This
 * file wires the LSM's parts and carries messages to them: the append log (group commit, ack after
 * COMMIT, replay at start: append-log.ts), the memtable (acknowledged, not yet compacted:
 * memtable.ts), compaction in slices between appends (compaction-scheduler.ts), the read gate (a
 * read sees everything acknowledged before it: read-gate.ts), the sequences it publishes for the
 * readers (read-sequence.ts), and the table from operation to handler (handlers.ts). Protobuf span requests are decoded by the span-decode worker beside this thread
 * (span-decoder.ts, docs/adr/0005-span-decode-worker.md); see docs/adr/0009-store-thread-in-parts.md.
 */
import { parentPort, workerData, type Worker } from 'node:worker_threads';
import { dirname } from 'node:path';
import type { StoreNotice } from '../../../src-shared/contract';
import { ArgumentError } from '../../../src-shared/validate';
import { isCorruption, markClean, markDamaged, openDatabase } from './database';
import type { IntegrityCheckData } from './integrity-check';
import type { CheckpointerData, CheckpointerMessage } from './checkpointer';
import { startWorker } from './start-worker';
import { Compactor } from './compactor';
import { Queries } from './queries';
import { AttributeKeys } from './attribute-codec';
import { ResourceScopes } from './resource-scopes';
import { TelemetryCompactor } from './telemetry-compactor';
import { TelemetryQueries } from './telemetry-queries';
import { AnalyticsQueries } from './analytics-queries';
import { SessionQueries } from './session-queries';
import { pricingKey, SessionSummaries } from './session-summaries';
import { SessionRefresh } from './session-refresh';
import { BlockCompression } from './block-compression';
import { FunnelQueries } from './funnel-queries';
import { Retention } from './retention';
import { Deletion } from './deletion';
import { Annotations } from './annotations';
import { SpanDecoder } from './span-decoder';
import { ingestNormalizeOptions } from './span-decoding';
import { AppendLog } from './append-log';
import { ForwardQueue } from './forward-queue';
import { Memtable } from './memtable';
import { CompactionScheduler } from './compaction-scheduler';
import { ReadGate } from './read-gate';
import { StoreWrites } from './store-writes';
import { ReadSequence } from './read-sequence';
import { handlers, type Handler, type ReadHandle, type ShutdownHandle, type StoreOp } from './handlers';
import { currentMetrics, newWorkCounters } from './store-metrics';
import type { StoreRequest, StoreWorkerData, WorkerEvent, WorkerReply } from './protocol';

/**
 * The WAL's pages past which the writer checkpoints itself (64 MB at 4 KB pages, the WAL's size
 * limit after a checkpoint): normally the checkpointer thread has copied them back long before.
 */
const WRITER_CHECKPOINT_PAGES = 16_000;

/** How long after the last append ingest still counts as flowing for the session summaries' rebuild. */
const INGEST_SETTLE_MS = 2000;

function startStoreThread(port: NonNullable<typeof parentPort>, data: StoreWorkerData): (id: number, req: StoreRequest) => void {
  const emit = (event: WorkerEvent) => port.postMessage(event);
  const log = (line: string) => emit({ event: 'log', line });
  const notice = (level: StoreNotice['level'], message: string) => emit({ event: 'notice', notice: { level, message, at: Date.now() } });
  const reply = (id: number, value: unknown) => port.postMessage({ id, ok: true, value } satisfies WorkerReply);
  let damageReported = false;
  const fail = (id: number, err: unknown) => {
    if (isCorruption(err) && !damageReported) {
      damageReported = true;
      markDamaged(data.dbPath, (err as Error).message);
      notice('error', `The database is damaged (${(err as Error).message}). Restart Flowtrace: it will move the file aside, unchanged, and start a fresh one.`);
    }
    const kind = err instanceof ArgumentError ? 'argument' : 'internal';
    port.postMessage({ id, ok: false, kind, message: (err as Error).message } satisfies WorkerReply);
  };

  const opened = openDatabase(data.dbPath, data.nativeBinding, data.durability);
  const db = opened.db;
  // The checkpointer thread copies the WAL back; the writer checkpoints itself only past this bound.
  db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
  const checkpointer = startWorker(import.meta.url, './checkpointer.ts', './store-checkpointer.js', {
    dbPath: data.dbPath,
    nativeBinding: data.nativeBinding,
    durability: data.durability,
  } satisfies CheckpointerData);
  checkpointer.unref();
  const fallback = `the store checkpoints itself past ${WRITER_CHECKPOINT_PAGES} pages`;
  checkpointer.on('message', (msg: CheckpointerMessage) => log(`WAL checkpoint beside the store failed (${fallback}): ${msg.failed}`));
  checkpointer.on('error', (err) => log(`the WAL checkpointer stopped (${fallback}): ${err.message}`));
  const keys = new AttributeKeys(db);
  const resourceScopes = new ResourceScopes(db);
  // The shipped price table is bundled with the code (a static JSON import in prices.ts); only
  // the user's overrides travel here.
  const normalizeOptions = data.genaiPriceOverrides ? { overrides: data.genaiPriceOverrides } : {};
  const summaries = new SessionSummaries(db);
  const compactor = new Compactor(db, keys, resourceScopes, summaries, ingestNormalizeOptions(data.genaiPriceOverrides, data.genaiAtIngest), data.analytics);
  const counters = newWorkCounters();
  const spanDecoder = data.spanDecodeWorker
    ? new SpanDecoder(
        { priceOverrides: data.genaiPriceOverrides, genaiAtIngest: data.genaiAtIngest },
        (outcome) => {
          if (memtable.decoded(outcome)) afterDecoderProgress();
        },
        (reason) => {
          log(`${reason}; spans are decoded on the store thread from now on`);
          memtable.decoderLost();
          afterDecoderProgress();
        },
      )
    : null;
  const memtable = new Memtable(spanDecoder, counters);
  const telemetryCompactor = new TelemetryCompactor(db, keys, resourceScopes, summaries);
  const queries = new Queries(db, keys, normalizeOptions);
  const telemetryQueries = new TelemetryQueries(db, keys, queries);
  queries.genAiLogs = telemetryQueries;
  const pricedWith = pricingKey(data.genaiPriceOverrides);
  summaries.markMispriced(pricedWith);
  const sessionQueries = new SessionQueries(db, telemetryQueries, normalizeOptions, pricedWith);
  // Ingest counts as flowing for a while after each append, not only while entries wait: under a
  // steady load the memtable is empty between requests, and at the idle share the summaries of
  // sessions still being fed were rebuilt over and over, each stale again a pass later (a
  // throughput run's store thread: rebuilds 78 → 52 ms per 100k spans). Block deflating keeps the
  // instant test: its work is never wasted.
  let lastAppendAt = Number.NEGATIVE_INFINITY;
  const ingestFlowing = () => memtable.length > 0 || performance.now() - lastAppendAt < INGEST_SETTLE_MS;
  const sessionRefresh = new SessionRefresh(db, sessionQueries, ingestFlowing, log);
  const blockCompression = new BlockCompression(db, compactor.dictionary, () => memtable.length > 0, log);
  const analyticsQueries = new AnalyticsQueries(db);
  const retention = new Retention(db, summaries);
  const annotations = new Annotations(db);
  if (data.hardLimitBytes !== undefined) {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`max_page_count = ${Math.max(1, Math.floor(data.hardLimitBytes / pageSize))}`);
  }

  const sequence = new ReadSequence(data.sequence);
  const publish = () => sequence.publish(memtable.lastAppendedSeq, memtable.compactedSeq);
  const compaction = new CompactionScheduler(db, keys, compactor, telemetryCompactor, memtable, counters, {
    compacted: (result) => {
      publish();
      emit({ event: 'compacted', ...result });
      sessionRefresh.schedule();
      blockCompression.schedule();
      // Appends held while the span-decode worker was behind (append-log.ts) may go on now.
      appendLog.resume();
    },
    notice,
    log,
  });
  const writes = new StoreWrites(
    { db, keys, resourceScopes, queries, compactor, compaction, retention, deletion: new Deletion(db, retention, summaries), annotations, sessionRefresh, sequence },
    data.retention,
    data.retentionIntervalMs,
    emit,
  );
  const appendLog = new AppendLog(
    db,
    memtable,
    retention,
    counters,
    { backlogLimit: data.compactionBacklogLimit, hardLimitBytes: data.hardLimitBytes, dataDir: dirname(data.dbPath) },
    {
      answer: reply,
      notice,
      log,
      storageFull: () => writes.runRetention(),
      appended: () => {
        lastAppendAt = performance.now();
        publish();
        compaction.schedule();
      },
    },
  );
  const gate = new ReadGate(memtable, compaction);
  const forwardQueue = new ForwardQueue(db, notice);

  /** Entries became ready: reads waiting for them, compaction and held appends can go on. */
  function afterDecoderProgress(): void {
    gate.serveWaiting();
    compaction.schedule();
    appendLog.resume();
  }

  const funnels = new FunnelQueries(db);
  const reads: ReadHandle = {
    traces: queries,
    sessions: sessionQueries,
    telemetry: telemetryQueries,
    // The hour and day rollups are written behind compaction: out with them before reading.
    analytics: {
      latency: (query) => (compactor.writeAnalytics(), analyticsQueries.latency(query)),
      timeseries: (query) => (compactor.writeAnalytics(), analyticsQueries.timeseries(query)),
    },
    funnels,
    annotations,
    metrics: () => currentMetrics(db, data.dbPath, counters, { memtableSpans: memtable.itemCount, spanDecodeWorker: spanDecoder?.status ?? 'off' }),
  };
  let integrityCheck: Worker | null = null;
  // Damage it finds is handled as damage met while running: marked, told, moved aside at the next start.
  const checkBesideTheStore = (): Worker => {
    const started = performance.now();
    const worker = startWorker(import.meta.url, './integrity-check.ts', './store-integrity-check.js', { dbPath: data.dbPath, nativeBinding: data.nativeBinding } satisfies IntegrityCheckData);
    worker.once('message', (result: string) => {
      integrityCheck = null;
      void worker.terminate();
      if (result === 'ok') {
        log(`full check after an unclean shutdown: ok (${Math.round(performance.now() - started)} ms)`);
        return;
      }
      const found = result.split('\n').filter((l) => !l.startsWith('***')).slice(0, 3).join('; ').slice(0, 300);
      markDamaged(data.dbPath, `quick_check: ${found}`);
      notice('error', `The database failed its full check after an unclean shutdown (${found}). Restart Flowtrace: it will move the file aside, unchanged, and start a fresh one.`);
    });
    worker.once('error', (err) => log(`the full check after an unclean shutdown could not run: ${err.message}`));
    return worker;
  };
  const shutdown: ShutdownHandle = {
    close: () => {
      if (integrityCheck) void integrityCheck.terminate();
      checkpointer.postMessage('close');
      writes.stop();
      sessionRefresh.close();
      blockCompression.close();
      compaction.stop();
      appendLog.close();
      compaction.drain();
      compactor.writeAnalytics();
      spanDecoder?.close();
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      markClean(data.dbPath);
    },
  };

  const recovered = appendLog.replay(compactor.watermark(), (entries) => compaction.compactEntries(entries));
  publish();
  // Summaries left stale by a crash, a migration (0008 carries sessions over stale) or new prices.
  sessionRefresh.schedule(0);
  // Blocks a stop left as they were written.
  blockCompression.schedule(0);
  emit({ event: 'ready', recovered, notices: opened.notices, ...queries.counters() });
  if (opened.checkAfterReady) integrityCheck = checkBesideTheStore();

  const serve = (id: number, run: () => unknown) => {
    try {
      reply(id, run());
    } catch (err) {
      fail(id, err);
    }
  };
  return (id, req) => {
    // One cast: TypeScript cannot follow that the entry looked up by req.op takes that same req.
    const handler = handlers[req.op] as Handler<StoreOp>;
    switch (handler.kind) {
      case 'append':
        return appendLog.enqueue(id, req as Extract<StoreRequest, { op: 'ingest' }>);
      case 'observe':
        return serve(id, () => handler.run(reads, req));
      case 'read':
      case 'store-read':
        return gate.enter(() => serve(id, () => handler.run(reads, req)));
      case 'write':
        return gate.enter(() => serve(id, () => handler.run(writes, req)));
      case 'queue':
        return serve(id, () => handler.run(forwardQueue, req));
      case 'shutdown':
        return gate.enter(() => serve(id, () => handler.run(shutdown, req)), true);
    }
  };
}

const port = parentPort;
if (!port) throw new Error('store worker must run in a worker thread');
const handle = startStoreThread(port, workerData as StoreWorkerData);
port.on('message', (msg: { id: number; req: StoreRequest }) => handle(msg.id, msg.req));
