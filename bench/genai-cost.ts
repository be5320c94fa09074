/**
 * What a feature costs ingest, measured end to end with the load generator: the same throughput run
 * (bench/otlp-load.ts: 8 connections × 512 agent spans over HTTP/protobuf, every trace GenAI)
 * against `flowtrace serve` with and without it, alternated so drift in the machine's load hits
 * both alike. Prints each run and the median cost.
 * - `--feature genai` (default): GenAI normalization at ingest (`--no-genai-ingest`), memory off in
 *   both arms so its feed does not tilt them; target ≤ 15 %.
 * - `--feature analytics`: the dashboard's per-minute rollups at compaction (`--no-analytics`), memory
 *   off in both arms; target ≤ 10 %.
 * - `--feature redaction`: redaction at ingest with the default rules (`--no-redaction`), memory off
 *   in both arms; target ≤ 10 %. The load's spans hold no secrets: what is measured is the search of
 *   every request that finds nothing, the common case.
 * - `--feature forward`: forwarding everything received to an upstream (`--forward`, gzip) that
 *   takes it and keeps nothing (bench/lib/discard-upstream.mjs, its own process), memory off in both
 *   arms; no target of its own (reported; ≤ 10 % expected). What the upstream took is printed, so a
 *   forwarder that fell behind is seen.
 * - `--feature memory`: the memory (its niced process remembering the runs, `--no-memory`);
 *   target ≤ 10 %. Server CPU here is the engine process's; the memory process is not counted.
 * A pair during which the VM's CPU steal passed --max-steal % is set aside and run again (at most
 * as many extra pairs as asked for), since the neighbours' load then decides the figure.
 *
 *   node --import tsx bench/genai-cost.ts [--feature genai|analytics|redaction|forward|memory] [--pairs 3] [--duration 20] [--transport http-protobuf] [--max-steal 15]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { intArg } from './lib/args';
import { REPO_ROOT, ensureBenchBuild } from './lib/serve';
import { cpuTimes, stealPercent } from './lib/steal';

interface Feature {
  title: string;
  /** serve arguments of the arm with the feature, and of the arm without it. */
  on: string[];
  off: string[];
  labels: [on: string, off: string];
  target: number;
}

const FEATURES: Record<string, Feature> = {
  genai: {
    title: 'GenAI normalization cost',
    on: ['--no-memory'],
    off: ['--no-memory', '--no-genai-ingest'],
    labels: ['with normalization         ', 'without (--no-genai-ingest)'],
    target: 0.15,
  },
  analytics: {
    title: 'Analytics rollups cost',
    on: ['--no-memory'],
    off: ['--no-memory', '--no-analytics'],
    labels: ['with rollups               ', 'without (--no-analytics)   '],
    target: 0.1,
  },
  redaction: {
    title: 'Redaction cost',
    on: ['--no-memory'],
    off: ['--no-memory', '--no-redaction'],
    labels: ['with redaction (defaults)  ', 'without (--no-redaction)   '],
    target: 0.1,
  },
  forward: {
    title: 'Forwarding cost',
    // UPSTREAM is replaced by the discard upstream's URL once it listens (main).
    on: ['--no-memory', '--forward', 'UPSTREAM'],
    off: ['--no-memory'],
    labels: ['forwarding (--forward)     ', 'not forwarding             '],
    target: 0.1,
  },
  memory: {
    title: 'Memory cost',
    on: [],
    off: ['--no-memory'],
    labels: ['with memory             ', 'without (--no-memory)   '],
    target: 0.1,
  },
};

interface Options {
  feature: Feature;
  pairs: number;
  duration: number;
  transport: string;
  maxSteal: number;
}

function usage(message: string): never {
  throw new Error(`usage: node --import tsx bench/genai-cost.ts [--feature genai|analytics|redaction|forward|memory] [--pairs N] [--duration S] [--transport T] [--max-steal P]; ${message}`);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { feature: FEATURES.genai!, pairs: 3, duration: 20, transport: 'http-protobuf', maxSteal: 15 };
  const int = intArg(usage);
  for (let i = 0; i < argv.length; i += 2) {
    const [a, v] = [argv[i]!, argv[i + 1]];
    if (a === '--transport' && v) o.transport = v;
    else if (a === '--feature' && v && FEATURES[v]) o.feature = FEATURES[v];
    else if (a === '--pairs') o.pairs = int(a, v, 1, 1000);
    else if (a === '--duration') o.duration = int(a, v, 1, 3600);
    else if (a === '--max-steal') o.maxSteal = int(a, v, 1, 100);
    else usage(`bad "${a}"`);
  }
  return o;
}

interface RunResult {
  /** Acked spans/s. */
  rate: number;
  /** Server CPU (all threads) per acked span, µs: steadier than the rate when other work shares the machine. */
  cpuUsPerSpan: number;
  /** CPU steal during the run, % (null where /proc/stat is missing). */
  steal: number | null;
}

/** One otlp-load throughput run, read from the JSON report it writes. */
function run(o: Options, withFeature: boolean): RunResult {
  const args = ['--import', 'tsx', join(REPO_ROOT, 'bench/otlp-load.ts'), '--scenario', 'throughput', '--no-baseline', '--transport', o.transport, '--duration', String(o.duration)];
  for (const a of withFeature ? o.feature.on : o.feature.off) args.push('--serve-arg', a);
  let out: string;
  const before = cpuTimes();
  try {
    out = execFileSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (err) {
    // otlp-load exits 1 when a figure misses its own (absolute) target; the report is still written.
    out = (err as { stdout?: string }).stdout ?? '';
  }
  const file = /→ (\S+\.json)\s*$/m.exec(out)?.[1];
  if (!file) throw new Error(`otlp-load wrote no report:\n${out}`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as { figures: Array<{ section: string; name: string; value: number }> };
  const acked = report.figures.find((f) => f.section === 'throughput' && f.name === 'acked spans/s');
  const lost = report.figures.find((f) => f.name.startsWith('stored − acked'));
  const cpu = report.figures.find((f) => f.section === 'throughput' && f.name === 'server CPU (whole process)');
  if (!acked || !cpu) throw new Error(`no "acked spans/s" or "server CPU" in ${file}`);
  if (lost && lost.value !== 0) throw new Error(`${file}: stored − acked = ${lost.value}; a lossy run measures nothing`);
  return { rate: acked.value, cpuUsPerSpan: ((cpu.value / 100) * 1e6) / acked.value, steal: stealPercent(before, cpuTimes()) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  ensureBenchBuild((l) => console.log(`  · ${l}`));
  const upstream = o.feature === FEATURES.forward ? await startDiscardUpstream() : null;
  try {
    measure(o);
  } finally {
    if (upstream) {
      const { requests } = (await (await fetch(`${upstream.url}/count`)).json()) as { requests: number };
      console.log(`the upstream took ${requests.toLocaleString('en-US')} forwarded requests`);
      upstream.child.kill('SIGTERM');
    }
  }
}

/** bench/lib/discard-upstream.mjs in its own process; the forward arm's `--forward` points at it. */
async function startDiscardUpstream(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bench/lib/discard-upstream.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', () => reject(new Error('the discard upstream exited before it listened')));
  });
  const url = `http://127.0.0.1:${port}`;
  FEATURES.forward!.on = FEATURES.forward!.on.map((a) => (a === 'UPSTREAM' ? url : a));
  return { url, child };
}

function measure(o: Options): void {
  console.log(`${o.feature.title}: ${o.pairs} pairs × ${o.duration} s throughput runs, ${o.transport}, alternated`);
  const withRuns: RunResult[] = [];
  const withoutRuns: RunResult[] = [];
  let setAside = 0;
  for (let p = 0; withRuns.length < o.pairs && p < 2 * o.pairs; p++) {
    // Alternate which goes first, so a trend in background load does not favour one side.
    const order = p % 2 === 0 ? [true, false] : [false, true];
    const pair = new Map<boolean, RunResult>();
    for (const g of order) {
      const r = run(o, g);
      pair.set(g, r);
      const label = o.feature.labels[g ? 0 : 1];
      const steal = r.steal === null ? '' : `  steal ${r.steal.toFixed(0).padStart(2)} %`;
      console.log(`  pair ${p + 1}  ${label}  ${Math.round(r.rate).toLocaleString('en-US').padStart(7)} spans/s  ${r.cpuUsPerSpan.toFixed(1).padStart(6)} µs CPU/span${steal}`);
    }
    if ([...pair.values()].some((r) => r.steal !== null && r.steal > o.maxSteal)) {
      setAside++;
      console.log(`  pair ${p + 1}  set aside: CPU steal above ${o.maxSteal} %`);
      continue;
    }
    withRuns.push(pair.get(true)!);
    withoutRuns.push(pair.get(false)!);
  }
  if (withRuns.length === 0) {
    console.log(`\nno pair ran with CPU steal ≤ ${o.maxSteal} % (${setAside} set aside): the host is too busy to measure; try later`);
    process.exitCode = 2;
    return;
  }
  const w = median(withRuns.map((r) => r.rate));
  const wo = median(withoutRuns.map((r) => r.rate));
  const pairCosts = withRuns.map((r, i) => 1 - r.rate / withoutRuns[i]!.rate);
  // The verdict is the median of the pairs' costs: each pair ran back to back, so drift in the
  // machine's load cancels within a pair but not across the two sides' medians.
  const cost = median(pairCosts);
  const cpuW = median(withRuns.map((r) => r.cpuUsPerSpan));
  const cpuWo = median(withoutRuns.map((r) => r.cpuUsPerSpan));
  console.log(`\nmedian with ${Math.round(w).toLocaleString('en-US')} spans/s, without ${Math.round(wo).toLocaleString('en-US')} spans/s`);
  console.log(`cost per pair: ${pairCosts.map((c) => `${(c * 100).toFixed(1)} %`).join(', ')}`);
  console.log(`server CPU per span: with ${cpuW.toFixed(1)} µs, without ${cpuWo.toFixed(1)} µs → ${((cpuW / cpuWo - 1) * 100).toFixed(1)} % CPU per span`);
  console.log(`median of the sides: ${((1 - w / wo) * 100).toFixed(1)} %`);
  if (setAside > 0) console.log(`${setAside} pair(s) set aside for CPU steal above ${o.maxSteal} %; ${withRuns.length} counted`);
  const target = o.feature.target;
  console.log(`${o.feature.title}: ${(cost * 100).toFixed(1)} % of ingest throughput (median of the pairs; target ≤ ${target * 100} %) → ${cost <= target ? 'holds' : 'MISSED'}`);
  process.exitCode = cost <= target ? 0 : 1;
}

void main();
