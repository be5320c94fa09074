/**
 * The memory process's entry (docs/memory.md): lowers its own CPU priority first, so the threads
 * it starts (the embedder's) inherit it, then runs the memory until the engine says close or goes.
 */
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { FromMemory, ToMemory } from './memory-protocol';
import { MemoryRuntime } from './memory-runtime';

/** Electron's utilityProcess gives its child a parentPort; a Node child process has process.send. */
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;

const send = (msg: FromMemory) => {
  if (parentPort) parentPort.postMessage(msg);
  else if (process.connected) process.send!(msg);
};

function onMessage(listener: (msg: ToMemory) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data as ToMemory));
  else process.on('message', listener);
}

/**
 * Niceness 19 for every thread of this process. On Linux a priority belongs to a thread, and V8's
 * and libuv's helper threads (the garbage collector's among them) already run when this code does,
 * so each is lowered by its id; threads started later (the embedder's) inherit it. Elsewhere the
 * process's priority is all there is.
 */
function lowerPriority(): void {
  let tids: number[] = [];
  try {
    tids = readdirSync('/proc/self/task').map(Number).filter(Number.isInteger);
  } catch {
    // No /proc: not Linux.
  }
  for (const tid of tids.length > 0 ? tids : [0]) {
    try {
      setPriority(tid, 19);
    } catch {
      // Not allowed here (some sandboxes): the memory still works, only without yielding to ingest.
    }
  }
}

let runtime: MemoryRuntime | null = null;
const early: ToMemory[] = [];

onMessage((msg) => {
  if (msg.type === 'init') {
    if (msg.config.lowPriority) lowerPriority();
    MemoryRuntime.open(msg.config, send).then(
      (r) => {
        runtime = r;
        for (const m of early.splice(0)) r.handle(m);
      },
      (err: unknown) => {
        send({ type: 'init-failed', message: (err as Error).message });
        process.exit(1);
      },
    );
  } else if (runtime) runtime.handle(msg);
  else early.push(msg);
});

// A terminal's Ctrl-C or a service manager's SIGTERM reaches the whole process group: the engine
// then closes the memory itself (index saved, SQLite closed), so the signal alone must not end it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

// The engine is gone (crashed, killed): nothing is left to serve.
process.on('disconnect', () => {
  void (runtime?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
