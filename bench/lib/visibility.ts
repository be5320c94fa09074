/**
 * "Readable within 2 s": how long after its acknowledgement a span can be read. Polls
 * `GET /api/v1/stats` (its `spans` counter counts indexed spans, and a read first indexes
 * everything acknowledged) and matches the counter against the running total of acknowledged
 * spans: ack k is visible at the first poll answer whose count reaches the total as of ack k.
 * The answer's arrival time is used, so a lag is never understated by the poll's own duration; a
 * span counted before its acknowledgement reached the client has lag 0.
 */
import type { Stats } from '../../src-shared/contract';
import { HttpClient } from './http';
import { sleep } from './report';

export interface VisibilityResult {
  /** ms from ack to visible, per acknowledged request, in ack order. */
  lags: number[];
  /** Acks never seen within the final wait. */
  unseen: number;
  /** stats.spans minus its value when tracking began. */
  storedSinceStart: number;
  ackedSinceStart: number;
  /** Longest a stats poll took, ms. */
  maxPollMs: number;
}

export class VisibilityTracker {
  private readonly http = new HttpClient(1);
  private readonly acks: Array<{ total: number; at: number }> = [];
  private ackedTotal = 0;
  private nextUnseen = 0;
  private lastCount = 0;
  private running = true;
  private maxPollMs = 0;
  readonly lags: number[] = [];
  /** Ack time of each entry of `lags`. */
  readonly lagAckTimes: number[] = [];
  private loop: Promise<void> | null = null;

  private constructor(
    private readonly api: string,
    private readonly pollMs: number,
    private readonly base: number,
  ) {}

  /** Starts tracking; everything stored so far is the baseline. */
  static async start(api: string, pollMs: number): Promise<VisibilityTracker> {
    const probe = new HttpClient(1);
    try {
      const stats = await probe.getJson<Stats>(`${api}/api/v1/stats`);
      const t = new VisibilityTracker(api, pollMs, stats.spans);
      t.loop = t.run();
      return t;
    } finally {
      probe.close();
    }
  }

  ack(spans: number, at: number): void {
    this.ackedTotal += spans;
    this.acks.push({ total: this.ackedTotal, at });
  }

  get acked(): number {
    return this.ackedTotal;
  }

  private async poll(): Promise<number> {
    const t0 = performance.now();
    const stats = await this.http.getJson<Stats>(`${this.api}/api/v1/stats`);
    const at = performance.now();
    this.maxPollMs = Math.max(this.maxPollMs, at - t0);
    this.lastCount = stats.spans - this.base;
    while (this.nextUnseen < this.acks.length && this.acks[this.nextUnseen]!.total <= this.lastCount) {
      const a = this.acks[this.nextUnseen++]!;
      this.lags.push(Math.max(0, at - a.at));
      this.lagAckTimes.push(a.at);
    }
    return this.lastCount;
  }

  private async run(): Promise<void> {
    // pollMs 0: no polling while loading (reads drain the backlog, so polling is itself load); only the final check.
    while (this.running && this.pollMs > 0) {
      try {
        await this.poll();
      } catch {
        // A failed poll (server busy or gone) just delays visibility; the final check reports it.
      }
      await sleep(this.pollMs);
    }
  }

  /** Stops polling after waiting (at most `finalWaitMs`) until everything acked is counted. */
  async finish(finalWaitMs: number): Promise<VisibilityResult> {
    this.running = false;
    await this.loop;
    const deadline = performance.now() + finalWaitMs;
    for (;;) {
      try {
        if ((await this.poll()) >= this.ackedTotal) break;
      } catch {
        // retried below until the deadline
      }
      if (performance.now() > deadline) break;
      await sleep(50);
    }
    this.http.close();
    return {
      lags: this.lags,
      unseen: this.acks.length - this.nextUnseen,
      storedSinceStart: this.lastCount,
      ackedSinceStart: this.ackedTotal,
      maxPollMs: this.maxPollMs,
    };
  }
}
