/**
 * The desktop app starts the memory process with Electron's utilityProcess: a Node process of the
 * app's own, which needs no ELECTRON_RUN_AS_NODE, so the installers can turn the runAsNode fuse off
 * (electron-builder.json). It speaks to memory-process.ts over its parentPort.
 */
import { utilityProcess } from 'electron';
import type { MemoryChildLauncher } from '../engine/memory/memory-child';
import type { FromMemory } from '../engine/memory/memory-protocol';

export const utilityProcessMemoryChild: MemoryChildLauncher = (entry, events) => {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Flowtrace memory', stdio: 'inherit' });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = true;
      events.exit(`code ${code}`);
      resolve();
    });
  });
  child.on('message', (msg: unknown) => events.message(msg as FromMemory));
  return {
    send(msg) {
      if (exited) return false;
      try {
        child.postMessage(msg);
        return true;
      } catch {
        return false; // it is exiting; the exit event handles the rest
      }
    },
    kill: () => void child.kill(),
    get exited() {
      return exited;
    },
    exit,
  };
};
