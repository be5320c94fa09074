/**
 * Spawns the real `flowtrace serve` (the built CLI, started the way bin/flowtrace.mjs starts it) in
 * its own process group and times its start precisely: the moment `ready` appears on stdout and the
 * moment /api/v1/health first answers 200. The child is the server itself (no npx wrapper), so
 * /proc/<pid>/status is the engine's memory, store worker thread included.
 *
 * By default the benchmark builds its own copy (`electron-vite build --outDir bench/results/build`),
 * so it always measures the current sources and never touches out/; `--serve-build out` uses out/.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HttpClient } from './http';
import { sleep } from './report';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const BENCH_BUILD_DIR = join(REPO_ROOT, 'bench/results/build');
const LAUNCHER = join(REPO_ROOT, 'bench/lib/serve-launcher.mjs');

export interface SpawnedServe {
  child: ChildProcess;
  pid: number;
  otlpHttp: string;
  /** `host:port` of the OTLP/gRPC receiver, or null when this build did not start one. */
  otlpGrpc: string | null;
  api: string;
  /** ms from spawn() to `ready` on stdout. */
  readyMs: number;
  /** ms from spawn() to the first 200 from /api/v1/health. */
  healthMs: number;
  output: () => string;
  stop: () => Promise<void>;
  /** SIGKILL, as a crash or a power cut would end it; resolves once it is gone. */
  kill9: () => Promise<void>;
}

function newestMtime(dir: string, pattern: RegExp, depth = 0): number {
  let newest = 0;
  if (depth > 6 || !existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p, pattern, depth + 1));
    else if (pattern.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export interface BuildNeeds {
  /** The UI is measured too: the renderer build must be newer than src-renderer/ and src-shared/. */
  ui?: boolean;
}

/** null when `<buildDir>` is newer than every source file it is built from; else why not. */
export function buildProblem(buildDir: string, needs: BuildNeeds = {}): string | null {
  const cli = join(buildDir, 'main/cli.js');
  if (!existsSync(cli)) return `${cli} is missing`;
  const engineSources = /\.(ts|tsx|sql)$/;
  const src = Math.max(newestMtime(join(REPO_ROOT, 'src-main'), engineSources), newestMtime(join(REPO_ROOT, 'src-shared'), engineSources));
  if (src > statSync(cli).mtimeMs) return `${buildDir} is older than src-main/ or src-shared/`;
  if (!needs.ui) return null;
  // Engine-only benchmarks skip this: a renderer edit would rebuild for nothing they measure.
  const index = join(buildDir, 'renderer/index.html');
  if (!existsSync(index)) return `${index} is missing`;
  const uiSources = /\.(ts|tsx|css|html|svg)$/;
  const ui = Math.max(newestMtime(join(REPO_ROOT, 'src-renderer'), uiSources), newestMtime(join(REPO_ROOT, 'src-shared'), uiSources));
  return ui > statSync(index).mtimeMs ? `${buildDir}/renderer is older than src-renderer/ or src-shared/` : null;
}

/** Builds the app into bench/results/build when that build is missing or stale; returns the build dir. */
export function ensureBenchBuild(log: (line: string) => void, needs: BuildNeeds = {}): string {
  const problem = buildProblem(BENCH_BUILD_DIR, needs);
  if (problem === null) return BENCH_BUILD_DIR;
  log(`${problem}: building with electron-vite into ${BENCH_BUILD_DIR}`);
  const t0 = performance.now();
  // An absolute --outDir: electron-vite resolves a relative one against each part's root.
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', BENCH_BUILD_DIR, '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
  log(`built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return BENCH_BUILD_DIR;
}

/**
 * The build a benchmark spawns (`--serve-build`): out/ as it is, refused when stale (the benchmark
 * never rebuilds out/), or its own build, rebuilt when stale.
 */
export function serveBuildDir(serveBuild: 'bench' | 'out', log: (line: string) => void, needs: BuildNeeds = {}): string {
  if (serveBuild === 'bench') return ensureBenchBuild(log, needs);
  const dir = join(REPO_ROOT, 'out');
  const problem = buildProblem(dir, needs);
  if (problem) throw new Error(`${problem}: run \`npx electron-vite build\`, or drop --serve-build out`);
  return dir;
}

/**
 * Node flags for the spawned server, from FLOWTRACE_BENCH_NODE_ARGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile every thread of it: Node refuses --cpu-prof in
 * NODE_OPTIONS.
 */
function nodeArgsFromEnv(): string[] {
  return (process.env.FLOWTRACE_BENCH_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '');
}

export async function spawnServe(buildDir: string, dataDir: string, timeoutMs = 60_000, extraArgs: readonly string[] = []): Promise<SpawnedServe> {
  const args = [
    ...nodeArgsFromEnv(),
    LAUNCHER, buildDir, 'serve',
    '--data-dir', dataDir,
    '--otlp-http-port', '0',
    '--otlp-grpc-port', '0',
    '--port', '0',
    ...extraArgs,
  ];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let readyMs = -1;
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (readyMs < 0 && /^ready$/m.test(out)) readyMs = performance.now() - t0;
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const kill = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(-child.pid, signal);
  };

  const deadline = t0 + timeoutMs;
  while (readyMs < 0) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`flowtrace serve exited before ready:\n${out}`);
    if (performance.now() > deadline) {
      kill('SIGKILL');
      throw new Error(`flowtrace serve not ready in ${timeoutMs} ms:\n${out}`);
    }
    await sleep(2);
  }
  const otlpHttp = /OTLP\/HTTP\s+(http:\/\/\S+)/.exec(out)?.[1];
  const api = /UI \+ REST\s+(http:\/\/\S+)/.exec(out)?.[1];
  if (!otlpHttp || !api) {
    kill('SIGKILL');
    throw new Error(`could not read listener addresses from:\n${out}`);
  }
  const http = new HttpClient(1);
  let healthMs = -1;
  try {
    while (healthMs < 0 && performance.now() < deadline) {
      try {
        const res = await http.send(`${api.replace(/\/$/, '')}/api/v1/health`, 'GET', undefined, undefined, 5000);
        if (res.status === 200) healthMs = performance.now() - t0;
      } catch {
        await sleep(2);
      }
    }
  } finally {
    http.close();
  }
  if (healthMs < 0) {
    kill('SIGKILL');
    throw new Error(`/api/v1/health never answered 200:\n${out}`);
  }
  return {
    child,
    pid: child.pid!,
    otlpHttp,
    otlpGrpc: /OTLP\/gRPC\s+(?:[a-z]+:\/\/)?((?:127\.0\.0\.1|localhost|\[::1\]):\d+)/.exec(out)?.[1] ?? null,
    api: api.replace(/\/$/, ''),
    readyMs,
    healthMs,
    output: () => out,
    kill9: async () => {
      kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface ProcessMemory {
  /** VmRSS: everything resident, file-backed pages of the SQLite memory map included. */
  rssMiB: number;
  /** VmHWM: the peak VmRSS so far. */
  hwmMiB: number;
  /** RssAnon: heap, stacks, caches: memory the process really owns. */
  anonMiB: number;
  /** RssFile: resident file-backed pages (mmap'ed database, code), reclaimable by the kernel. */
  fileMiB: number;
}

/** Memory of a process, in MiB, from /proc/<pid>/status. */
export function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, hwmMiB: kb('VmHWM') / 1024, anonMiB: kb('RssAnon') / 1024, fileMiB: kb('RssFile') / 1024 };
  } catch {
    return null;
  }
}

/** Samples VmRSS every `intervalMs` until stopped; returns the peak seen. */
export function sampleRss(pid: number, intervalMs = 100): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    const m = processMemory(pid);
    if (m && m.rssMiB > peak) peak = m.rssMiB;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      const m = processMemory(pid);
      if (m && m.rssMiB > peak) peak = m.rssMiB;
      return peak;
    },
  };
}
