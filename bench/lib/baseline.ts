/** Starts bench/lib/baseline-server.mjs (the do-nothing OTLP/HTTP receiver) as a child process. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './serve';
import { sleep } from './report';

export interface Baseline {
  pid: number;
  endpoint: string;
  stop: () => Promise<void>;
}

export async function spawnBaseline(timeoutMs = 10_000): Promise<Baseline> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bench/lib/baseline-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const deadline = performance.now() + timeoutMs;
  let port: string | undefined;
  while (!(port = /^listening (\d+)$/m.exec(out)?.[1])) {
    if (child.exitCode !== null || performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`baseline server did not start: ${out}`);
    }
    await sleep(5);
  }
  return {
    pid: child.pid!,
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
