/**
 * Loads the trace-view benchmark's data into a running `flowtrace serve` over OTLP/HTTP protobuf, as
 * exporters do: a few requests in flight, 429/503 answers resent after the server's Retry-After
 * (else an exponential back-off), anything else fatal. Then waits until /api/v1/stats counts every
 * span sent, printing progress, since ingest (~10k spans/s here) trails the acknowledgements.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { encodeSpans } from '../gen/agent-spans';
import { HttpClient } from '../lib/http';
import { RequestPool } from '../lib/otlp-requests';
import { httpTransport, type Transport } from '../lib/otlp-transports';
import { sleep } from '../lib/report';

const REQUEST_TIMEOUT_MS = 120_000;
const MAX_RETRIES = 200;

export interface SendProgress {
  (line: string): void;
}

export class OtlpSender {
  private readonly transport: Transport;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: Error | null = null;
  sentSpans = 0;
  retries = 0;
  retryWaitMs = 0;

  constructor(endpoint: string, private readonly window = 3) {
    this.transport = httpTransport(endpoint, 'protobuf', window);
  }

  close(): void {
    this.transport.close();
  }

  /** Queues one request; resolves once it is in flight (waits while `window` requests are). `sentSpans` counts acknowledged spans. */
  async send(body: Uint8Array, spans: number): Promise<void> {
    while (this.inFlight.size >= this.window) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    const p: Promise<void> = this.deliver(body, spans).then(
      () => void this.inFlight.delete(p),
      (err: unknown) => {
        this.inFlight.delete(p);
        this.failure ??= err instanceof Error ? err : new Error(String(err));
      },
    );
    this.inFlight.add(p);
  }

  /** Waits for every request in flight; throws the first failure. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
  }

  private async deliver(body: Uint8Array, spans: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const o = await this.transport.send(body, REQUEST_TIMEOUT_MS);
      if (o.ok) {
        if (o.rejected > 0) throw new Error(`the server rejected ${o.rejected} span(s): ${o.detail}`);
        this.sentSpans += spans;
        return;
      }
      if (!o.retryable || attempt >= MAX_RETRIES) throw new Error(`OTLP export answered ${o.status}${o.detail ? `: ${o.detail}` : ''}`);
      const wait = o.retryAfterMs ?? Math.min(5000, 100 * 2 ** attempt);
      this.retries++;
      this.retryWaitMs += wait;
      await sleep(wait);
    }
  }
}

/**
 * Encodes and sends every chunk a trace generator hands out; returns the generator's result.
 * `progress` gets the spans acknowledged so far in this call: 0 first, then after each request is
 * handed over, and the total at the end.
 */
export async function sendTrace<R>(sender: OtlpSender, chunks: Generator<ReadableSpan[], R>, progress?: (acked: number) => void): Promise<R> {
  const base = sender.sentSpans;
  progress?.(0);
  for (;;) {
    const next = chunks.next();
    if (next.done) {
      await sender.flush();
      progress?.(sender.sentSpans - base);
      return next.value;
    }
    await sender.send(encodeSpans(next.value), next.value.length);
    progress?.(sender.sentSpans - base);
  }
}

/**
 * Many ordinary agent traces (the load generator's, ~10 spans each, 512-span requests with unique
 * trace ids per request) until at least `spans` spans are sent; returns the count acknowledged.
 */
export async function sendManyTraces(sender: OtlpSender, spans: number, seed: number, progress?: (acked: number) => void): Promise<number> {
  const pool = new RequestPool({ encoding: 'protobuf', spansPerRequest: 512, poolSize: 32, seed });
  const base = sender.sentSpans;
  progress?.(0);
  for (let sent = 0; sent < spans; ) {
    const { body, spans: n } = pool.next();
    await sender.send(body, n);
    sent += n;
    progress?.(sender.sentSpans - base);
  }
  await sender.flush();
  progress?.(sender.sentSpans - base);
  return sender.sentSpans - base;
}

export async function storedSpans(http: HttpClient, api: string): Promise<number> {
  return (await http.getJson<{ spans: number }>(`${api}/api/v1/stats`)).spans;
}

/**
 * Polls /api/v1/stats until it counts `target` spans; prints progress every `everyMs`. Throws when
 * the count stops moving for `stallMs`.
 */
export async function waitForStored(api: string, target: number, log: SendProgress, everyMs = 5000, stallMs = 120_000): Promise<number> {
  const http = new HttpClient(1);
  const t0 = performance.now();
  let lastLog = t0;
  let lastCount = -1;
  let lastMove = t0;
  try {
    for (;;) {
      const n = await storedSpans(http, api);
      const now = performance.now();
      if (n >= target) {
        log(`stored ${n.toLocaleString('en-US')} spans (${((now - t0) / 1000).toFixed(1)} s after the last ack)`);
        return n;
      }
      if (n !== lastCount) {
        lastCount = n;
        lastMove = now;
      } else if (now - lastMove > stallMs) {
        throw new Error(`stats stuck at ${n.toLocaleString('en-US')} of ${target.toLocaleString('en-US')} spans for ${stallMs / 1000} s`);
      }
      if (now - lastLog >= everyMs) {
        lastLog = now;
        log(`  stored ${n.toLocaleString('en-US')} / ${target.toLocaleString('en-US')} spans`);
      }
      await sleep(250);
    }
  } finally {
    http.close();
  }
}
