/**
 * The memory process as the engine sees it, however it was started: a Node child process (`serve`,
 * tests), or Electron's utilityProcess in the desktop app, which needs no ELECTRON_RUN_AS_NODE and
 * so lets the installers turn the runAsNode fuse off.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromMemory, ToMemory } from './memory-protocol';

export interface MemoryChild {
  /** False when it has exited or its channel is closing. */
  send(msg: ToMemory): boolean;
  /** Ends it at once, without the goodbye of a `close` message. */
  kill(): void;
  readonly exited: boolean;
  /** Settles once it has exited. */
  readonly exit: Promise<void>;
}

export interface MemoryChildEvents {
  message(msg: FromMemory): void;
  /** `why` as a person reads it: "code 1", "SIGKILL". */
  exit(why: string): void;
  error(err: Error): void;
}

export type MemoryChildLauncher = (entry: string, events: MemoryChildEvents) => MemoryChild;

/**
 * Under tsx (tests) the process runs from source with tsx loaded; in the built app the entry sits in
 * out/main beside this chunk (electron.vite.config.ts).
 */
export function memoryProcessEntry(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? './memory-process.ts' : './memory-process.js', import.meta.url));
}

/** A Node child process; inside Electron it runs as plain Node. */
export const forkMemoryChild: MemoryChildLauncher = (entry, events) => {
  const child = fork(entry, [], {
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      events.exit(signal ?? `code ${code}`);
      resolve();
    });
  });
  child.on('message', (msg: FromMemory) => events.message(msg));
  child.on('error', (err) => events.error(err));
  return {
    send(msg) {
      if (exited || !child.connected) return false;
      try {
        child.send(msg);
        return true;
      } catch {
        return false; // it is exiting; the exit event handles the rest
      }
    },
    kill: () => void child.kill('SIGKILL'),
    get exited() {
      return exited;
    },
    exit,
  };
};
