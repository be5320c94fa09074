/**
 * The memory process's entry (docs/memory.md): lowers its own CPU priority first, so the threads
 * it starts (the embedder's) inherit it, then runs the memory until the engine says close or goes.
 */
import { setPriority } from 'node:os';
import type { FromMemory, ToMemory } from './memory-protocol';
import { MemoryRuntime } from './memory-runtime';

const send = (msg: FromMemory) => {
  if (process.connected) process.send!(msg);
};

let runtime: MemoryRuntime | null = null;
const early: ToMemory[] = [];

process.on('message', (msg: ToMemory) => {
  if (msg.type === 'init') {
    if (msg.config.lowPriority) {
      try {
        setPriority(19);
      } catch {
        // Not allowed here (some sandboxes): the memory still works, only without yielding to ingest.
      }
    }
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
