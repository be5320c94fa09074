/**
 * lag: a real engine (startEngine, OTLP/HTTP on a free loopback port) fed real protobuf POSTs of
 * 512 spans at a steady rate. A separate loop polls `getTrace` for the last trace of every acked
 * request and records when it first answers; lag = visible − acked (and visible − sent).
 */
import { startEngine } from '../../src-main/engine/index';
import { HttpClient } from '../lib/http';
import { atMost, errorMessage, percentile, sleep } from '../lib/report';
import { buildWorkload } from '../lib/workload';
import type { BenchContext } from './context';

interface Tracked {
  traceId: string;
  sentAt: number;
  ackedAt: number;
  visibleAt: number;
}

export async function runLag(ctx: BenchContext): Promise<void> {
  const { report, options } = ctx;
  const rate = options.lagRate;
  const seconds = options.lagSeconds;
  const spans = Math.ceil(rate * seconds);
  // ~10 spans per trace, so rate/10 traces per second, starting about now.
  const work = buildWorkload(spans, { seed: options.seed + 7, startTimeMs: Date.now(), traceIntervalMs: 10_000 / rate });
  ctx.log(`lag: ${work.batches.length} requests of up to 512 spans pre-encoded in ${(work.genMs / 1000).toFixed(1)} s; sending at ${rate} spans/s for ${seconds} s`);

  const dir = ctx.tempDir('flowtrace-bench-lag-');
  const engineLog: string[] = [];
  const engine = await startEngine({ memory: false, dataDir: dir, otlpHttpPort: 0, otlpGrpcPort: 0, log: (l) => engineLog.push(l) });
  const http = new HttpClient(64);
  const tracked: Tracked[] = [];
  let sendErrors = 0;
  let firstError = '';
  let pollErrors = 0;
  let polls = 0;
  let done = false;
  try {
    const t0 = performance.now();
    const intervalMs = (512 / rate) * 1000;
    const inflight = new Set<Promise<void>>();

    // Polls every acked, not yet visible request at once (up to 64), so that under overload one slow
    // round trip through the store's queue does not delay the polls of the others.
    const graceMs = 60_000;
    const poller = (async () => {
      let cursor = 0; // every request before this one is visible (or failed)
      const deadline = t0 + seconds * 1000 + graceMs;
      while (performance.now() < deadline && !(done && cursor >= tracked.length)) {
        while (cursor < tracked.length && tracked[cursor]!.visibleAt !== 0) cursor++;
        const due: Tracked[] = [];
        for (let i = cursor; i < tracked.length && due.length < 64; i++) {
          const t = tracked[i]!;
          if (t.ackedAt > 0 && t.visibleAt === 0) due.push(t);
        }
        await Promise.all(
          due.map(async (t) => {
            polls++;
            try {
              if (await engine.getTrace(t.traceId)) t.visibleAt = performance.now();
            } catch (err) {
              pollErrors++;
              firstError ||= `getTrace: ${errorMessage(err)}`;
            }
          }),
        );
        await sleep(2);
      }
    })();

    for (let k = 0; k < work.batches.length; k++) {
      const due = t0 + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      // Bounded: never more than 256 requests outstanding.
      while (inflight.size >= 256) await Promise.race(inflight);
      const b = work.batches[k]!;
      const t: Tracked = { traceId: b.lastTraceId, sentAt: performance.now(), ackedAt: 0, visibleAt: 0 };
      tracked.push(t);
      const p = http.postOtlp(engine.info.otlpHttpEndpoint, b.body).then(
        () => {
          t.ackedAt = performance.now();
        },
        (err: unknown) => {
          sendErrors++;
          firstError ||= `POST: ${errorMessage(err)}`;
          t.visibleAt = -1;
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await Promise.all(inflight);
    const sendMs = performance.now() - t0;
    done = true;
    await poller;

    // Acked but never seen within the grace period: counted with the lag they had when polling stopped
    // (a lower bound), so they push the percentiles up instead of vanishing from them.
    const stoppedAt = performance.now();
    const acked = tracked.filter((t) => t.ackedAt > 0);
    const never = acked.filter((t) => t.visibleAt === 0);
    for (const t of never) t.visibleAt = stoppedAt;
    const ok = acked;
    const lag = ok.map((t) => t.visibleAt - t.ackedAt);
    const sentToVisible = ok.map((t) => t.visibleAt - t.sentAt);
    const ackLatency = ok.map((t) => t.ackedAt - t.sentAt);
    const note = `${ok.length}/${tracked.length} requests acked, ${polls} polls${sendErrors ? `, ${sendErrors} send errors` : ''}${pollErrors ? `, ${pollErrors} poll errors` : ''}${never.length ? `, ${never.length} not visible after ${graceMs / 1000} s grace (counted as ≥ that lag)` : ''}${firstError ? `; first error: ${firstError}` : ''}`;
    report.add('lag', 'achieved ingest rate', work.spans / (sendMs / 1000), 'spans/s', { note: `target pace ${rate} spans/s, ${work.spans} spans` });
    if (ok.length === 0) {
      report.unavailable('lag', 'ack → visible p99', 'ms', note, atMost(1000));
      return;
    }
    report.add('lag', 'ack → visible p50', percentile(lag, 50), 'ms', { note });
    report.add('lag', 'ack → visible p99', percentile(lag, 99), 'ms', { target: atMost(1000) });
    report.add('lag', 'ack → visible max', Math.max(...lag), 'ms');
    report.add('lag', 'sent → visible p50', percentile(sentToVisible, 50), 'ms');
    report.add('lag', 'sent → visible p99', percentile(sentToVisible, 99), 'ms', { target: atMost(1000) });
    report.add('lag', 'sent → acked (POST latency) p50', percentile(ackLatency, 50), 'ms');
    report.add('lag', 'sent → acked (POST latency) p99', percentile(ackLatency, 99), 'ms');
  } finally {
    done = true;
    http.close();
    await engine.close();
    for (const l of engineLog) ctx.log(`engine: ${l}`);
  }
}
