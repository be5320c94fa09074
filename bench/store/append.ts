/**
 * append + commit, and compaction: the store alone (StoreClient, no HTTP) on a fresh directory,
 * fed pre-encoded 512-span requests with a bounded window in flight.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { StoreClient } from '../../src-main/engine/store/client';
import type { StoreMetrics } from '../../src-main/engine/store/protocol';
import { atLeast, sleep } from '../lib/report';
import type { BenchContext } from './context';

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export async function runAppend(ctx: BenchContext, sections: { append: boolean; compaction: boolean }): Promise<void> {
  const { report, options } = ctx;
  const work = ctx.workload();
  const dir = ctx.tempDir('flowtrace-bench-append-');
  const dbPath = join(dir, 'flowtrace.sqlite');
  const { store } = await StoreClient.open({ dbPath });
  let closed = false;
  try {
    const before = await store.request({ op: 'metrics' });
    // Acked spans per 250 ms slice, to show whether throughput holds over the run.
    const slices: number[] = [];
    let acked = 0;
    let rejected = 0;
    let inFlight = 0;
    let next = 0;
    const t0 = performance.now();
    // The memtable backlog over the run (metrics only observe; they do not force a compaction).
    let peakBacklog = 0;
    let retries = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const s = await store.request({ op: 'metrics' }).catch(() => null);
        if (s && s.memtableSpans > peakBacklog) peakBacklog = s.memtableSpans;
        await sleep(250);
      }
    })();
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: Error): void => {
        failed = true;
        reject(err);
      };
      const send = (b: (typeof work.batches)[number]): void => {
        // Send a copy: transferring detaches the buffer, and the workload is reused by other sections.
        const body = b.body.slice();
        inFlight++;
        store.request({ op: 'ingest', signal: 'traces', encoding: 'protobuf', body }, [body.buffer as ArrayBuffer]).then(
          (r) => {
            inFlight--;
            if (r.status === 'unavailable') {
              // Back-pressure (compaction behind): retry shortly, as an exporter honouring Retry-After would.
              retries++;
              inFlight++;
              setTimeout(() => {
                inFlight--;
                send(b);
              }, 20);
              return;
            }
            if (r.status !== 'accepted') return fail(new Error(`ingest answered ${r.status}: ${'message' in r ? r.message : ''}`));
            acked += r.accepted;
            rejected += r.rejected;
            const slice = Math.floor((performance.now() - t0) / 250);
            while (slices.length <= slice) slices.push(0);
            slices[slice]! += r.accepted;
            if (inFlight === 0 && next >= work.batches.length) resolve();
            else pump();
          },
          (err: unknown) => fail(err instanceof Error ? err : new Error(String(err))),
        );
      };
      const pump = (): void => {
        while (!failed && inFlight < options.window && next < work.batches.length) send(work.batches[next++]!);
      };
      pump();
    });
    const ackedMs = performance.now() - t0;
    // Wait (at most 10 minutes) until everything acked is compacted.
    let m: StoreMetrics = await store.request({ op: 'metrics' });
    const deadline = performance.now() + 600_000;
    while ((m.memtableSpans > 0 || m.compactedSpans - before.compactedSpans < acked) && performance.now() < deadline) {
      await sleep(20);
      m = await store.request({ op: 'metrics' });
    }
    const compactedMs = performance.now() - t0;
    sampling = false;
    await sampler;
    const allCompacted = m.memtableSpans === 0 && m.compactedSpans - before.compactedSpans >= acked;

    // Fields added to StoreMetrics later (scanMs) read as 0 from an engine without them.
    type Counter = { [K in keyof StoreMetrics]: StoreMetrics[K] extends number ? K : never }[keyof StoreMetrics];
    const d = (k: Counter): number => (m[k] ?? 0) - (before[k] ?? 0);
    if (rejected) ctx.log(`the store rejected ${rejected} spans`);
    const rates = slices.slice(0, -1).map((n) => n * 4);
    const steady = rates.length ? `per 250 ms slice: min ${Math.round(Math.min(...rates))}, max ${Math.round(Math.max(...rates))} spans/s` : '';
    if (sections.append) {
      report.add('append', 'wall-clock acked (StoreClient, window ' + options.window + ')', acked / (ackedMs / 1000), 'spans/s', {
        target: atLeast(250_000),
        note: `${acked} spans in ${(ackedMs / 1000).toFixed(2)} s; ${steady}; ${retries} requests retried after 503 (compaction behind)`,
      });
      report.add('append', 'in-worker append (appendedSpans / appendMs)', d('appendedSpans') / (d('appendMs') / 1000), 'spans/s', {
        target: atLeast(250_000),
        note: `${d('appendedRequests')} requests, ${(d('appendedSpans') / Math.max(1, d('appendedRequests'))).toFixed(0)} spans per request; appendMs ${Math.round(d('appendMs'))}`,
      });
      if (d('scanMs') > 0) {
        report.add('append', 'in-worker check before append (appendedSpans / scanMs)', d('appendedSpans') / (d('scanMs') / 1000), 'spans/s', {
          note: `scanMs ${Math.round(d('scanMs'))}`,
        });
      }
      report.add('append', 'in-worker ack path (appendedSpans / (scanMs + appendMs))', d('appendedSpans') / ((d('scanMs') + d('appendMs')) / 1000), 'spans/s');
      report.add('append', 'in-worker decode (decodedSpans / decodeMs)', d('decodedSpans') / (d('decodeMs') / 1000), 'spans/s', {
        note: `decodeMs ${Math.round(d('decodeMs'))}${d('scanMs') > 0 ? ', counted inside compactMs' : ''}; ${d('workerDecodedSpans')} spans decoded by the span-decode worker (${m.spanDecodeWorker ?? 'n/a'})`,
      });
    }
    if (sections.compaction) {
      report.add('compaction', 'in-worker compaction (compactedSpans / compactMs)', d('compactedSpans') / (d('compactMs') / 1000), 'spans/s', {
        target: atLeast(50_000),
        note: `${d('compactedSpans')} spans, compactMs ${Math.round(d('compactMs'))}`,
      });
      report.add('compaction', 'wall-clock first send → all compacted', allCompacted ? compactedMs / 1000 : null, 's', {
        note: allCompacted
          ? `acked after ${(ackedMs / 1000).toFixed(2)} s; ${Math.round(acked / (compactedMs / 1000))} spans/s end to end`
          : `n/a: ${m.memtableSpans} spans still in the memtable after 10 minutes`,
      });
      report.add('compaction', 'memtable backlog, peak (sampled every 250 ms)', peakBacklog, 'spans', {
        note: 'engines where metrics drain the memtable always show 0',
      });
      // Engines with scanMs decode inside compaction (compactMs includes decodeMs); older ones decoded before the append.
      const decodeInCompact = d('scanMs') > 0;
      const busy = d('scanMs') + d('appendMs') + d('compactMs') + (decodeInCompact ? 0 : d('decodeMs'));
      const pct = (ms: number): number => Math.round((ms / busy) * 100);
      report.add('compaction', 'store thread busy / wall-clock', (busy / compactedMs) * 100, '%', {
        note: decodeInCompact
          ? `scan ${pct(d('scanMs'))}%, append ${pct(d('appendMs'))}%, compaction ${pct(d('compactMs'))}% (of which decode ${pct(d('decodeMs'))}%) of busy time`
          : `decode ${pct(d('decodeMs'))}%, append ${pct(d('appendMs'))}%, compaction ${pct(d('compactMs'))}% of busy time`,
      });
    }
    const live = fileSize(dbPath) + fileSize(`${dbPath}-wal`);
    await store.close();
    closed = true;
    const after = fileSize(dbPath) + fileSize(`${dbPath}-wal`);
    report.add('append', 'on disk after close, per span (this run)', after / acked, 'B/span', {
      note: `${(after / 1e6).toFixed(1)} MB after close (${(live / 1e6).toFixed(1)} MB db+wal before close)`,
    });
  } finally {
    if (!closed) await store.close().catch(() => undefined);
  }
}
