import { Worker } from 'node:worker_threads';

/**
 * Starts one of the engine's worker threads. Under tsx (tests) the engine runs from source and the
 * worker is `sourceFile` next to the caller; in the built app every main chunk sits in out/main
 * beside the worker entries (`builtFile`, see electron.vite.config.ts).
 */
export function startWorker(callerUrl: string, sourceFile: string, builtFile: string, workerData: unknown): Worker {
  if (callerUrl.endsWith('.ts')) {
    // Node 20 does not carry `--import tsx` into workers; register tsx inside the worker first.
    const source = new URL(sourceFile, callerUrl).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(new URL(builtFile, callerUrl), { workerData });
}
