/**
 * A fuzz worker: runs a range of cases of one stream and reports progress. Before each case it
 * stores the case's index in shared memory, so the main thread can name the case that hangs (a
 * synchronous decoder that loops forever cannot report anything itself) and terminate the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildCorpus } from './corpus';
import { emptyTotals, runCases, type CaseKind, type RunTotals } from './oracle';

export interface FuzzWorkerData {
  seed: number;
  kind: CaseKind;
  from: number;
  to: number;
  /** [0]: index of the case running now; [1]: cases finished (the heartbeat). */
  shared: SharedArrayBuffer;
  keepFailures: number;
}

export type FuzzWorkerMessage =
  | { type: 'ready'; corpusMs: number }
  | { type: 'progress'; totals: RunTotals; next: number }
  | { type: 'done'; totals: RunTotals };

const CHUNK = 2000;

function run(data: FuzzWorkerData): void {
  const port = parentPort!;
  const t0 = performance.now();
  const corpus = buildCorpus(data.seed);
  port.postMessage({ type: 'ready', corpusMs: performance.now() - t0 } satisfies FuzzWorkerMessage);
  const shared = new Int32Array(data.shared);
  const beforeCase = (index: number): void => {
    Atomics.store(shared, 0, index);
    Atomics.add(shared, 1, 1);
  };
  for (let from = data.from; from < data.to; from += CHUNK) {
    // Totals per chunk: the main thread adds them up, and a hang loses at most one chunk's counts.
    const totals = emptyTotals();
    const to = Math.min(data.to, from + CHUNK);
    runCases(corpus, data.kind, data.seed, from, to, totals, { keepFailures: data.keepFailures, beforeCase });
    port.postMessage({ type: 'progress', totals, next: to } satisfies FuzzWorkerMessage);
  }
  port.postMessage({ type: 'done', totals: emptyTotals() } satisfies FuzzWorkerMessage);
}

run(workerData as FuzzWorkerData);
