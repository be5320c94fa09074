/**
 * The span-decode worker: decodes acknowledged protobuf trace requests and reads their GenAI
 * semantics off the store thread, which then only indexes (store/span-decoder.ts). Jobs are
 * answered in the order they came.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  decodeAndNormalize,
  ingestNormalizeOptions,
  type DecodeJob,
  type DecodeOutcome,
  type SpanDecodeWorkerData,
  type SpanDecodeWorkerMessage,
} from './span-decoding';

const port = parentPort;
if (!port) throw new Error('the span-decode worker must run in a worker thread');
const data = workerData as SpanDecodeWorkerData;
const options = ingestNormalizeOptions(data.priceOverrides, data.genaiAtIngest);

port.on('message', (job: DecodeJob) => {
  let outcome: DecodeOutcome;
  try {
    outcome = { seq: job.seq, ok: true, ...decodeAndNormalize(job.body, options) };
  } catch (err) {
    outcome = { seq: job.seq, ok: false, message: (err as Error).message };
  }
  port.postMessage(outcome satisfies SpanDecodeWorkerMessage);
});
port.postMessage({ ready: true } satisfies SpanDecodeWorkerMessage);
