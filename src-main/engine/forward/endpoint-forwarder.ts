/**
 * One upstream endpoint's sender: takes the stored requests it has not been given, in log order,
 * one at a time (so each signal arrives in order), and moves its position in the log on once the
 * upstream has them (at-least-once: a crash between the answer and the position's commit sends a
 * request again). An upstream that is down or asks to wait is retried with exponential backoff
 * and jitter, or after the delay it gave (Retry-After, RetryInfo); what it refuses outright is
 * not sent again, and is named in the log.
 */
import type { ForwardEndpoint, ForwardEndpointStatus } from '../../../src-shared/forwarding';
import type { ForwardBatch } from '../store/forward-queue';
import { GrpcSender } from './grpc-sender';
import { HttpSender } from './http-sender';
import type { SendOutcome } from './send-outcome';

/** The store's half of the queue, as this sender uses it. */
export interface ForwardQueueAccess {
  next(endpoint: string, maxRows: number, maxBytes: number): Promise<ForwardBatch>;
  acknowledge(endpoint: string, seq: number): Promise<void>;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000 };
/** An upstream's own delay is honoured up to this; a longer one is taken as this. */
const MAX_ASKED_DELAY_MS = 10 * 60_000;
const MIN_ASKED_DELAY_MS = 100;
const BATCH_ROWS = 64;
const BATCH_BYTES = 8 * 1024 * 1024;
/** With nothing to send, the log is looked at again after this even without a nudge. */
const IDLE_POLL_MS = 5000;

interface Sender {
  send(signal: ForwardBatch['rows'][number]['signal'], encoding: ForwardBatch['rows'][number]['encoding'], payload: Uint8Array): Promise<SendOutcome>;
  close(): void;
}

export class EndpointForwarder {
  private readonly sender: Sender;
  private stopped = false;
  private wake: (() => void) | null = null;
  private nudged = false;
  private running: Promise<void> | null = null;
  private state: ForwardEndpointStatus['state'] = 'idle';
  private delivered = 0;
  private refused = 0;
  private lastDeliveredAt: number | null = null;
  private lastError: ForwardEndpointStatus['lastError'] = null;
  private nextAttemptAt: number | null = null;
  /** The last seq of the batch in hand delivered (or refused) and not acknowledged to the store yet; 0: none. */
  private unacknowledged = 0;

  constructor(
    readonly endpoint: ForwardEndpoint,
    private readonly queue: ForwardQueueAccess,
    private readonly log: (line: string) => void,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {
    this.sender = endpoint.url.startsWith('grpc') ? new GrpcSender(endpoint) : new HttpSender(endpoint);
  }

  start(): void {
    this.running ??= this.run().catch((err: Error) => {
      this.lastError = { message: `forwarding stopped: ${err.message}`, at: Date.now() };
      if (!this.stopped) this.log(`forwarding to ${this.endpoint.url} stopped: ${err.message}`);
    });
  }

  /** Something was appended: look at the log now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops now: a request in flight is abandoned, its position not moved (it is sent again next time). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.sender.close();
    await this.running;
  }

  /** This run's counters and state; the store adds the lag (forwarding.ts). */
  progress(): Pick<ForwardEndpointStatus, 'state' | 'deliveredRequests' | 'refusedRequests' | 'lastDeliveredAt' | 'lastError' | 'nextAttemptAt'> {
    return {
      state: this.state,
      deliveredRequests: this.delivered,
      refusedRequests: this.refused,
      lastDeliveredAt: this.lastDeliveredAt,
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt,
    };
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.nudged = false;
      const batch = await this.queue.next(this.endpoint.url, BATCH_ROWS, BATCH_BYTES);
      if (batch.rows.length === 0) {
        // Rows skipped as damaged still move the position on.
        if (batch.skipped > 0) await this.queue.acknowledge(this.endpoint.url, batch.throughSeq);
        else if (!this.nudged) {
          this.state = 'idle';
          await this.sleep(IDLE_POLL_MS, true);
        }
        continue;
      }
      this.state = 'delivering';
      this.unacknowledged = 0;
      for (const row of batch.rows) {
        if (!(await this.deliver(row))) break;
        this.unacknowledged = row.seq;
      }
      if (this.unacknowledged === batch.rows[batch.rows.length - 1]!.seq) this.unacknowledged = batch.throughSeq;
      await this.acknowledgeDelivered();
    }
  }

  /** true once the row is delivered or refused for good; false when stopped first. */
  private async deliver(row: ForwardBatch['rows'][number]): Promise<boolean> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const outcome = await this.sender.send(row.signal, row.encoding, row.payload);
      if (this.stopped && outcome.kind !== 'delivered') return false;
      if (outcome.kind === 'delivered') {
        this.delivered++;
        this.lastDeliveredAt = Date.now();
        this.nextAttemptAt = null;
        if (outcome.rejected > 0) this.log(`forwarding to ${this.endpoint.url}: the upstream rejected ${outcome.rejected} items of log record ${row.seq}${outcome.message ? `: ${outcome.message}` : ''}`);
        return true;
      }
      this.lastError = { message: outcome.message, at: Date.now() };
      if (outcome.kind === 'refused') {
        this.refused++;
        this.log(`forwarding to ${this.endpoint.url}: log record ${row.seq} (${row.signal}, ${row.payload.length} bytes) was refused and will not be sent again: ${outcome.message}`);
        return true;
      }
      // An asked-for delay of 0 still waits a little: an upstream answering "now" at once would be a busy loop.
      const delay = outcome.afterMs !== null ? Math.min(Math.max(outcome.afterMs, MIN_ASKED_DELAY_MS), MAX_ASKED_DELAY_MS) : this.backoffMs(attempt);
      if (attempt === 0) {
        this.log(`forwarding to ${this.endpoint.url} is retrying: ${outcome.message}`);
        // What this batch delivered so far is kept, however long the upstream stays away.
        await this.acknowledgeDelivered();
      }
      this.state = 'retrying';
      this.nextAttemptAt = Date.now() + delay;
      await this.sleep(delay, false);
    }
    return false;
  }

  private async acknowledgeDelivered(): Promise<void> {
    if (this.unacknowledged === 0) return;
    const seq = this.unacknowledged;
    this.unacknowledged = 0;
    await this.queue.acknowledge(this.endpoint.url, seq);
  }

  /** Exponential, with full jitter above half: many laptops behind one Collector do not retry in step. */
  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(attempt, 20));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  /** Ends early on stop, and on a nudge when `wakeOnNudge`. */
  private sleep(ms: number, wakeOnNudge: boolean): Promise<void> {
    // A stop that came while the loop awaited the store finds no sleep to wake: none must start.
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = () => {
        if (this.stopped || wakeOnNudge) done();
      };
    });
  }
}
