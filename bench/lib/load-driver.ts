/**
 * Drives one load phase through a transport: closed loop (each of `connections` senders sends its
 * next request as soon as the last one is answered) or open loop at a fixed rate of spans/s
 * (requests issued on schedule whatever the answers, so a slow server cannot slow the offered load
 * and hide its own latency). Retryable answers are resent after the delay the server asks for
 * (503 Retry-After, gRPC RetryInfo), as an OTLP exporter would, and counted.
 */
import { sleep } from './report';
import type { RequestPool } from './otlp-requests';
import type { ExportOutcome, Transport } from './otlp-transports';

export interface PhaseOptions {
  transport: Transport;
  pool: RequestPool;
  connections: number;
  durationMs: number;
  /** Offered spans/s (open loop); null = closed loop. */
  rate: number | null;
  timeoutMs: number;
  /** Wait this long before a resend instead of what the server asked; null = honour the server. */
  retryDelayMs: number | null;
  maxRetries: number;
  /** Open loop: requests allowed in flight before scheduled sends are skipped (and counted). */
  maxInFlight: number;
  /** Called for every acknowledged request, in the order the answers arrive (`send`: its RequestBody.send). */
  onAck?: (spans: number, at: number, send: number) => void;
}

export interface PhaseStats {
  /** performance.now() at the first send and when the last answer of the phase arrived. */
  startedAt: number;
  endedAt: number;
  /** Requests issued (first attempts). */
  issued: number;
  attempts: number;
  ackedRequests: number;
  ackedSpans: number;
  /** partial_success.rejected_spans summed over acknowledged requests. */
  rejectedSpans: number;
  /** Resends after a retryable answer, and the time spent waiting before them. */
  retries: number;
  retryWaitMs: number;
  /** Retryable answers not resent: the phase was over or --max-retries reached. */
  abandoned: number;
  /** Non-retryable refusals (400, gRPC INVALID_ARGUMENT, …). */
  failed: number;
  /** Open loop: scheduled sends skipped because `maxInFlight` were already waiting. */
  skipped: number;
  /** Per answer received, by status ('200', '503', 'grpc 14 UNAVAILABLE', 'error ECONNRESET', …). */
  statuses: Map<string, number>;
  /** The first detail seen per non-OK status. */
  details: Map<string, string>;
  /** ms from the request's first send (open loop: its scheduled time) to its acknowledgement, retries included. */
  ackLatencies: number[];
  /** ms of each successful attempt alone (send → 200). */
  attemptLatencies: number[];
}

function newStats(): PhaseStats {
  return {
    startedAt: performance.now(), endedAt: 0, issued: 0, attempts: 0, ackedRequests: 0, ackedSpans: 0, rejectedSpans: 0,
    retries: 0, retryWaitMs: 0, abandoned: 0, failed: 0, skipped: 0, statuses: new Map(), details: new Map(), ackLatencies: [], attemptLatencies: [],
  };
}

function count(stats: PhaseStats, o: ExportOutcome): void {
  stats.statuses.set(o.status, (stats.statuses.get(o.status) ?? 0) + 1);
  if (!o.ok && o.detail && !stats.details.has(o.status)) stats.details.set(o.status, o.detail);
}

/** Without a delay from the server (a reset connection), back off exponentially up to 5 s. */
function backoffMs(attempt: number): number {
  return Math.min(5000, 100 * 2 ** attempt);
}

/** Runs a phase; `stats` is live while it runs (for periodic reports) and final once resolved. */
export function runPhase(options: PhaseOptions): { stats: PhaseStats; done: Promise<PhaseStats> } {
  const stats = newStats();
  const deadline = stats.startedAt + options.durationMs;

  const exportOne = async (issuedAt: number): Promise<void> => {
    const { body, spans, send } = options.pool.next();
    stats.issued++;
    for (let attempt = 0; ; attempt++) {
      const t = performance.now();
      stats.attempts++;
      const o = await options.transport.send(body, options.timeoutMs);
      const now = performance.now();
      count(stats, o);
      if (o.ok) {
        stats.ackedRequests++;
        stats.ackedSpans += spans - o.rejected;
        stats.rejectedSpans += o.rejected;
        stats.attemptLatencies.push(now - t);
        stats.ackLatencies.push(now - issuedAt);
        options.onAck?.(spans - o.rejected, now, send);
        return;
      }
      if (!o.retryable) {
        stats.failed++;
        return;
      }
      const wait = options.retryDelayMs ?? o.retryAfterMs ?? backoffMs(attempt);
      if (attempt >= options.maxRetries || now + wait > deadline) {
        stats.abandoned++;
        return;
      }
      stats.retries++;
      stats.retryWaitMs += wait;
      await sleep(wait);
    }
  };

  const closedLoop = async (): Promise<void> => {
    const sender = async (): Promise<void> => {
      while (performance.now() < deadline) await exportOne(performance.now());
    };
    await Promise.all(Array.from({ length: options.connections }, sender));
  };

  const openLoop = async (rate: number): Promise<void> => {
    const intervalMs = (1000 * options.pool.options.spansPerRequest) / rate;
    const pending = new Set<Promise<void>>();
    for (let k = 0; ; k++) {
      const at = stats.startedAt + k * intervalMs;
      if (at >= deadline) break;
      const wait = at - performance.now();
      if (wait > 1) await sleep(wait);
      if (pending.size >= options.maxInFlight) {
        stats.skipped++;
        continue;
      }
      const p: Promise<void> = exportOne(at).finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all([...pending]);
  };

  const done = (options.rate === null ? closedLoop() : openLoop(options.rate)).then(() => {
    stats.endedAt = performance.now();
    return stats;
  });
  return { stats, done };
}
