/**
 * The read gate: a read sees everything acknowledged before it arrived. It waits (briefly) for the
 * span-decode worker to answer for those requests, rather than decoding them a second time here,
 * and then compacts the memtable before it runs. Reads leave in arrival order; requests acknowledged
 * after a read arrived never hold it back, so a steady inflow cannot starve it.
 */
import type { CompactionScheduler } from './compaction-scheduler';
import type { Memtable } from './memtable';

/**
 * How long a read waits for the span-decode worker before the store thread decodes the rest itself.
 * A read normally waits for up to the whole backlog (compactionBacklogLimit, ~1 s of decoding):
 * decoding it here instead would not be faster, and the worker would decode it all again. This
 * only bounds a read when the worker is starved or stuck.
 */
const READ_WAIT_LIMIT_MS = 5000;

interface WaitingRead {
  /** The last request acknowledged before the read came. */
  afterSeq: number;
  /** Served without waiting for the span-decode worker (shutdown). */
  forced: boolean;
  run: () => void;
}

export class ReadGate {
  private waiting: WaitingRead[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly memtable: Pick<Memtable, 'lastAppendedSeq' | 'firstDecodingSeq'>,
    private readonly compaction: Pick<CompactionScheduler, 'compact'>,
  ) {}

  /** Runs `run` once everything acknowledged until now is compacted; forced: without waiting for the worker. */
  enter(run: () => void, forced = false): void {
    this.waiting.push({ afterSeq: this.memtable.lastAppendedSeq, forced, run });
    this.serveWaiting();
  }

  /** Serves, in arrival order, every waiting read whose acknowledged requests are all decoded. */
  serveWaiting(force = false): void {
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!;
      const firstDecoding = this.memtable.firstDecodingSeq();
      const ready = force || next.forced || firstDecoding === undefined || firstDecoding > next.afterSeq;
      if (!ready) {
        this.timer ??= setTimeout(() => {
          this.timer = null;
          this.serveWaiting(true);
        }, READ_WAIT_LIMIT_MS);
        return;
      }
      this.waiting.shift();
      // A read that had to wait too long (or shutdown) decodes what the worker still has, here.
      this.compaction.compact(Infinity, !(force || next.forced));
      next.run();
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}
