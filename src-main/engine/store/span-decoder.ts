/**
 * The store thread's handle on its span-decode worker. Decoding a protobuf request and reading its
 * GenAI semantics took about half of the store thread's time per span, on a thread that is the
 * ingest bottleneck while the machine's other core sat mostly idle; the worker does it in parallel
 * with the appends and the indexing, and the store thread receives ready spans.
 *
 * Best effort by design: until the worker is up (it starts with the first protobuf span request),
 * once it is gone, or when a read cannot wait for it, requests are decoded on the store thread as
 * before, so nothing ever depends on it.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from './start-worker';
import type { DecodeJob, DecodeOutcome, SpanDecodeWorkerData, SpanDecodeWorkerMessage } from './span-decoding';

/** idle: not started (no protobuf span request yet); gone: failed, exited, or closed. */
export type SpanDecoderState = 'idle' | 'starting' | 'ready' | 'gone';

export class SpanDecoder {
  private worker: Worker | null = null;
  private state: SpanDecoderState = 'idle';

  constructor(
    private readonly data: SpanDecodeWorkerData,
    private readonly onOutcome: (outcome: DecodeOutcome) => void,
    /** The worker is gone: everything it had not answered must be decoded elsewhere. */
    private readonly onLost: (reason: string) => void,
  ) {}

  /** false when the worker is not up (yet, or any more): the caller decodes the request itself. */
  submit(job: DecodeJob): boolean {
    if (this.state === 'idle') this.start();
    if (this.state !== 'ready') return false;
    // Copied, not transferred: the store thread keeps the body to decode it itself if a read
    // needs the spans before the worker answers.
    this.worker!.postMessage(job);
    return true;
  }

  get status(): SpanDecoderState {
    return this.state;
  }

  close(): void {
    const worker = this.worker;
    this.worker = null;
    this.state = 'gone';
    void worker?.terminate();
  }

  private start(): void {
    this.state = 'starting';
    const worker = startWorker(import.meta.url, './span-decode-worker.ts', './span-decode-worker.js', this.data);
    this.worker = worker;
    // The store thread's life decides the worker's, never the other way round.
    worker.unref();
    worker.on('message', (msg: SpanDecodeWorkerMessage) => {
      if ('ready' in msg) {
        if (this.state === 'starting') this.state = 'ready';
      } else this.onOutcome(msg);
    });
    const lose = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.state = 'gone';
      this.onLost(reason);
    };
    worker.on('error', (err) => lose(`span-decode worker failed: ${err.message}`));
    worker.on('exit', (code) => lose(`span-decode worker exited with code ${code}`));
  }
}
