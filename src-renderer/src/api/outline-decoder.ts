// Decodes binary trace outlines (src-shared/trace-outline-binary.ts) in a Web Worker, so a
// 1M-span outline never blocks the page's thread; both transports (HTTP and Electron IPC) use it.
// Falls back to decoding here when no worker can start (a test without Worker, a blocked script).
import type { TraceOutline } from '../../../src-shared/trace-outline';
import { assembleTraceOutline, decodeTraceOutline, TraceOutlineDecodeError, type TraceOutlineParts } from '../../../src-shared/trace-outline-binary';

export interface DecodeRequest {
  id: number;
  bytes: Uint8Array;
}

export type DecodeReply = { id: number; parts: TraceOutlineParts } | { id: number; error: string };

interface Pending {
  resolve: (outline: TraceOutline) => void;
  reject: (err: Error) => void;
  /** Kept only to decode here if the worker dies before it answers (its copy was transferred away). */
  fallback: Uint8Array | null;
}

let worker: Worker | null | undefined;
/** The worker has answered once: it loads, so later decodes keep no fallback copy. */
let proven = false;
let nextId = 1;
const pending = new Map<number, Pending>();

function startWorker(): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    const w = new Worker(new URL('./outline-decode.worker.ts', import.meta.url), { type: 'module', name: 'outline-decode' });
    w.onmessage = (event: MessageEvent<DecodeReply>) => {
      const reply = event.data;
      proven = true;
      const job = pending.get(reply.id);
      if (!job) return;
      pending.delete(reply.id);
      if ('error' in reply) job.reject(new TraceOutlineDecodeError(reply.error));
      else job.resolve(assembleTraceOutline(reply.parts));
    };
    // The worker script failed to load or crashed: decode what it held here, and stop using it.
    w.onerror = (event) => {
      event.preventDefault();
      worker = null;
      w.terminate();
      for (const [id, job] of pending) {
        pending.delete(id);
        decodeHere(job);
      }
    };
    return w;
  } catch {
    return null;
  }
}

function decodeHere(job: Pending): void {
  try {
    if (!job.fallback) throw new Error('the outline decode worker stopped before it answered');
    job.resolve(decodeTraceOutline(job.fallback));
  } catch (err) {
    job.reject(err as Error);
  }
}

/**
 * The outline in `bytes`. `bytes` is transferred to the worker, so the caller must not read it
 * afterwards; a copy is kept only while the worker has not yet proven it can start.
 */
export function decodeOutline(bytes: Uint8Array): Promise<TraceOutline> {
  if (worker === undefined) worker = startWorker();
  return new Promise<TraceOutline>((resolve, reject) => {
    const w = worker;
    const job: Pending = { resolve, reject, fallback: null };
    if (!w) return decodeHere({ ...job, fallback: bytes });
    const id = nextId++;
    // Until one answer comes back the worker may yet fail to load: keep a copy to decode here then.
    if (!proven) job.fallback = bytes.slice();
    pending.set(id, job);
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const message: DecodeRequest = { id, bytes: own ? bytes : bytes.slice() };
    w.postMessage(message, [message.bytes.buffer as ArrayBuffer]);
  });
}
