/**
 * What the Go peers share: their binaries live in a cache outside the repo (built there by
 * bench/peers/build.sh, or given with a flag), and each run is one process in its own process group
 * with its output in a log file of the run's directory, started on free loopback ports, ready once
 * its API answers, stopped with SIGTERM (SIGKILL after 30 s).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sleep } from '../lib/report';
import { REPO_ROOT } from '../lib/serve';

const BUILD_SCRIPT = join(REPO_ROOT, 'bench/peers/build.sh');

export function peersCacheDir(): string {
  return process.env.FLOWTRACE_PEERS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'flowtrace-peers');
}

/** The last lines of a log file, on one line, for an error message. */
function tail(file: string, lines: number): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join(' | ') : '';
}

export interface BinaryChoice {
  /** The name in messages, and the build script's first argument. */
  what: string;
  /** The flag that gives a binary (`--jaeger-bin`) and its value. */
  flag: string;
  given: string | null;
  /** Where build.sh leaves it. */
  cached: string;
  /** build.sh's further arguments; null: it cannot be built now, for `reason`. */
  buildArgs: string[] | null;
  reason?: string;
  /** How long a build takes, for the message before it. */
  buildTime: string;
}

/**
 * The binary: as given by its flag, else the cached build, else a build now (output to
 * `build-<what>.log` in the cache). Throws with the reason (and the log's tail) when there is none.
 */
export function ensureBinary(c: BinaryChoice, log: (line: string) => void): string {
  if (c.given) {
    if (!existsSync(c.given)) throw new Error(`${c.flag} ${c.given} does not exist`);
    return c.given;
  }
  if (existsSync(c.cached)) {
    log(`${c.what} binary (cached): ${c.cached}`);
    return c.cached;
  }
  if (!c.buildArgs) throw new Error(c.reason ?? `no ${c.what} binary`);
  mkdirSync(peersCacheDir(), { recursive: true });
  const logFile = join(peersCacheDir(), `build-${c.what}.log`);
  log(`building ${c.what} into ${c.cached} (${c.buildTime}); log: ${logFile}`);
  const t0 = performance.now();
  const fd = openSync(logFile, 'a');
  const r = spawnSync('sh', [BUILD_SCRIPT, c.what, ...c.buildArgs], { stdio: ['ignore', fd, fd], timeout: 90 * 60_000 });
  closeSync(fd);
  if (r.status !== 0 || !existsSync(c.cached)) {
    throw new Error(`the ${c.what} build failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${tail(logFile, 5)}`);
  }
  log(`built in ${((performance.now() - t0) / 60_000).toFixed(1)} min`);
  return c.cached;
}

/** A port free on 127.0.0.1 right now (the peer binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PeerProcess {
  pid: number;
  /** ms from spawn until `ready` first answered true. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns `binary args` in `workDir` (output to `<workDir>/<what>.log`) and polls `ready` until it
 * answers true; throws with the log's tail when the process exits first or `timeoutMs` passes.
 */
export async function startPeerProcess(what: string, binary: string, args: string[], workDir: string, ready: () => Promise<boolean>, timeoutMs: number): Promise<PeerProcess> {
  mkdirSync(workDir, { recursive: true });
  const logFile = join(workDir, `${what}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(binary, args, { cwd: workDir, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.once('error', () => undefined);
  const kill = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, signal);
  };
  const t0 = performance.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode ?? 'not started'}) before it was ready: ${tail(logFile, 4) || 'no output'}`);
    }
    if (performance.now() - t0 > timeoutMs) {
      kill('SIGKILL');
      throw new Error(`${what}'s API did not answer in ${timeoutMs} ms: ${tail(logFile, 4)}`);
    }
    if (await ready().catch(() => false)) break;
    await sleep(50);
  }
  return {
    pid: child.pid,
    readyMs: performance.now() - t0,
    async stop() {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `done` until it answers true (then true) or `timeoutMs` passes (then false). */
export async function pollUntil(done: () => Promise<boolean>, timeoutMs: number, everyMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await done()) return true;
    await sleep(everyMs);
  }
  return false;
}
