/**
 * Fuzzes the OTLP decoders with mutations of real requests (see bench/README.md, "Decoder fuzzing").
 *
 *   node --import tsx bench/otlp-fuzz.ts [--cases 1000000] [--json-cases 200000] [--seed 42]
 *        [--workers 1] [--hang-ms 10000] [--keep-failures 50]
 *   node --import tsx bench/otlp-fuzz.ts --seed 42 --replay protobuf:123456     # one case, in detail
 *
 * Every case must end with the decoder returning or throwing DecodeError; for protobuf the scan
 * must also reach the decoder's verdict and counts. Cases run in worker threads watched from here,
 * so a case that never returns is named (seed + index) instead of hanging the run.
 */
import { Worker } from 'node:worker_threads';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/serve';
import { buildCorpus, type Corpus } from './lib/fuzz/corpus';
import { buildCase, checkJson, checkProtobuf, emptyTotals, type CaseFailure, type CaseKind, type RunTotals } from './lib/fuzz/oracle';
import type { FuzzWorkerData, FuzzWorkerMessage } from './lib/fuzz/worker';

interface Options {
  cases: number;
  jsonCases: number;
  seed: number;
  workers: number;
  hangMs: number;
  keepFailures: number;
  replay: { kind: CaseKind; index: number } | null;
}

function usage(message?: string): never {
  if (message) console.error(`otlp-fuzz: ${message}`);
  console.error(
    'usage: node --import tsx bench/otlp-fuzz.ts [--cases N] [--json-cases N] [--seed N] [--workers N] [--hang-ms MS] [--keep-failures N]\n' +
      '       node --import tsx bench/otlp-fuzz.ts [--seed N] --replay protobuf:INDEX|json:INDEX',
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { cases: 1_000_000, jsonCases: 200_000, seed: 42, workers: 1, hangMs: 10_000, keepFailures: 50, replay: null };
  const int = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v?.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min || n > max) usage(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    switch (a) {
      case '--cases': o.cases = int(a, v, 0, 2 ** 31 - 1); i++; break;
      case '--json-cases': o.jsonCases = int(a, v, 0, 2 ** 31 - 1); i++; break;
      case '--seed': o.seed = int(a, v, 0, 2 ** 31); i++; break;
      case '--workers': o.workers = int(a, v, 1, 64); i++; break;
      case '--hang-ms': o.hangMs = int(a, v, 100, 600_000); i++; break;
      case '--keep-failures': o.keepFailures = int(a, v, 1, 10_000); i++; break;
      case '--replay': {
        const m = /^(protobuf|json):(\d+)$/.exec(v ?? '');
        if (!m) usage('--replay takes protobuf:INDEX or json:INDEX');
        o.replay = { kind: m[1] as CaseKind, index: Number(m[2]) };
        i++;
        break;
      }
      case '--help': case '-h': usage();
      // falls through (usage never returns)
      default: usage(`unknown argument "${a}"`);
    }
  }
  return o;
}

function hex(bytes: Uint8Array, max = 512): string {
  let s = Buffer.from(bytes.subarray(0, max)).toString('hex');
  if (bytes.length > max) s += `… (${bytes.length} bytes)`;
  return s;
}

function replay(o: Options): number {
  const { kind, index } = o.replay!;
  const corpus = buildCorpus(o.seed);
  const c = buildCase(corpus, kind, o.seed, index);
  const file = join(REPO_ROOT, 'bench/results', `otlp-fuzz-replay-${kind}-${o.seed}-${index}.bin`);
  mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(file, c.bytes);
  console.log(`case ${kind}:${index}, seed ${o.seed}: from "${c.seed}", ${c.steps.join('; ')}`);
  console.log(`input (${c.bytes.length} bytes) written to ${file}`);
  console.log(kind === 'json' ? Buffer.from(c.bytes.subarray(0, 2000)).toString('utf8') : hex(c.bytes));
  const t0 = performance.now();
  const result = kind === 'protobuf' ? checkProtobuf(c.bytes) : checkJson(c.bytes);
  const ms = performance.now() - t0;
  if (typeof result === 'string') {
    console.log(`holds: ${result} (${ms.toFixed(2)} ms)`);
    return 0;
  }
  console.log(`FAILS: ${result.problem}${result.stack ? `\n${result.stack}` : ''}`);
  return 1;
}

function workerBoot(): { code: string; eval: boolean } {
  const source = new URL('./lib/fuzz/worker.ts', import.meta.url).href;
  // Node 20 does not carry `--import tsx` into workers: register it inside the worker first.
  return { code: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`, eval: true };
}

function add(into: RunTotals, from: RunTotals, keep: number): void {
  into.cases += from.cases;
  into.bytes += from.bytes;
  for (const k of Object.keys(into.outcomes) as Array<keyof RunTotals['outcomes']>) into.outcomes[k] += from.outcomes[k];
  for (const f of from.failures) {
    if (into.failures.length < keep) into.failures.push(f);
    else into.moreFailures++;
  }
  into.moreFailures += from.moreFailures;
}

interface StreamRun {
  kind: CaseKind;
  totals: RunTotals;
  ms: number;
}

/** Runs cases [0, count) of one stream over `workers` workers, restarting a worker past a hung or crashed case. */
async function runStream(o: Options, kind: CaseKind, count: number, corpus: () => Corpus): Promise<StreamRun> {
  const totals = emptyTotals();
  // Rates count from the first worker's corpus being ready: worker start-up is not decoding.
  let t0 = performance.now();
  let readySeen = false;
  let lastPrint = t0;
  const boot = workerBoot();
  const per = Math.ceil(count / o.workers);
  const lane = (from: number, to: number): Promise<void> =>
    new Promise((resolve) => {
      if (from >= to) return resolve();
      const shared = new SharedArrayBuffer(8);
      const state = new Int32Array(shared);
      Atomics.store(state, 0, from);
      const data: FuzzWorkerData = { seed: o.seed, kind, from, to, shared, keepFailures: o.keepFailures };
      const worker = new Worker(boot.code, { eval: boot.eval, workerData: data });
      let finished = false;
      let beat = -1;
      let beatAt = performance.now();
      let started = false;
      const finish = (restartAfter: number | null): void => {
        if (finished) return;
        finished = true;
        clearInterval(watchdog);
        void worker.terminate();
        if (restartAfter !== null && restartAfter + 1 < to) void lane(restartAfter + 1, to).then(resolve);
        else resolve();
      };
      const fail = (index: number, problem: string, stack: string | null): void => {
        const c = buildCase(corpus(), kind, o.seed, index);
        add(totals, { ...emptyTotals(), cases: 1, failures: [{ kind, seed: o.seed, index, problem, stack, mutation: { seed: c.seed, steps: c.steps }, input: c.bytes }] }, o.keepFailures);
      };
      const watchdog = setInterval(() => {
        const now = performance.now();
        const b = Atomics.load(state, 1);
        if (b !== beat || !started) {
          beat = b;
          beatAt = now;
          return;
        }
        if (now - beatAt > o.hangMs) {
          const index = Atomics.load(state, 0);
          fail(index, `hang: the case did not finish within ${o.hangMs} ms`, null);
          finish(index);
        }
      }, Math.min(1000, o.hangMs / 4));
      worker.on('message', (m: FuzzWorkerMessage) => {
        if (m.type === 'ready') {
          if (!readySeen) {
            readySeen = true;
            t0 = performance.now();
            lastPrint = t0;
          }
          started = true;
          beatAt = performance.now();
        } else if (m.type === 'progress') {
          add(totals, m.totals, o.keepFailures);
          const now = performance.now();
          if (now - lastPrint > 5000) {
            lastPrint = now;
            console.log(`  ${kind}: ${totals.cases.toLocaleString('en-US')} cases, ${Math.round(totals.cases / ((now - t0) / 1000)).toLocaleString('en-US')} cases/s, ${totals.failures.length + totals.moreFailures} failure(s)`);
          }
        } else finish(null);
      });
      worker.on('error', (err) => {
        // The worker itself died (out of memory, a stack overflow outside the decoders): name the case.
        const index = Atomics.load(state, 0);
        fail(index, `worker died: ${err.name}: ${err.message}`, err.stack ?? null);
        finish(index);
      });
      worker.on('exit', () => finish(null));
    });
  const lanes: Promise<void>[] = [];
  for (let w = 0; w < o.workers; w++) lanes.push(lane(w * per, Math.min(count, (w + 1) * per)));
  await Promise.all(lanes);
  return { kind, totals, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.replay) {
    process.exitCode = replay(o);
    return;
  }
  const started = new Date();
  console.log(`Flowtrace OTLP decoder fuzz — seed ${o.seed}, ${o.cases.toLocaleString('en-US')} protobuf + ${o.jsonCases.toLocaleString('en-US')} JSON cases, ${o.workers} worker(s), node ${process.version}, ${cpus().length} CPUs`);
  let corpus: Corpus | null = null;
  const lazyCorpus = (): Corpus => (corpus ??= buildCorpus(o.seed));
  const runs: StreamRun[] = [];
  for (const [kind, count] of [['protobuf', o.cases], ['json', o.jsonCases]] as const) {
    if (count > 0) runs.push(await runStream(o, kind, count, lazyCorpus));
  }
  let failures = 0;
  const dir = join(REPO_ROOT, 'bench/results', `otlp-fuzz-${started.toISOString().replace(/[:.]/g, '-')}`);
  const saved: Array<Omit<CaseFailure, 'input'> & { inputFile: string; reproduce: string }> = [];
  for (const r of runs) {
    const t = r.totals;
    const n = t.failures.length + t.moreFailures;
    failures += n;
    const what = r.kind === 'protobuf' ? 'decodeTraceRequest + scanTraceRequest' : 'decodeTraceRequestJson';
    console.log(`\n== ${r.kind} (${what})`);
    console.log(`  cases              ${t.cases.toLocaleString('en-US')} in ${(r.ms / 1000).toFixed(1)} s = ${Math.round(t.cases / (r.ms / 1000)).toLocaleString('en-US')} cases/s (${(t.bytes / 1e6 / (r.ms / 1000)).toFixed(1)} MB/s of mutated input)`);
    console.log(`  outcomes           ${t.outcomes.invalid.toLocaleString('en-US')} refused (DecodeError), ${t.outcomes.accepted.toLocaleString('en-US')} accepted, ${t.outcomes.partial.toLocaleString('en-US')} accepted with rejected spans`);
    console.log(`  failures           ${n}`);
    for (const f of t.failures) {
      mkdirSync(dir, { recursive: true });
      const inputFile = join(dir, `${f.kind}-${f.seed}-${f.index}.bin`);
      writeFileSync(inputFile, f.input);
      const reproduce = `node --import tsx bench/otlp-fuzz.ts --seed ${f.seed} --replay ${f.kind}:${f.index}`;
      console.log(`  ✗ ${f.kind}:${f.index} (seed ${f.seed}): ${f.problem}`);
      console.log(`      from "${f.mutation.seed}": ${f.mutation.steps.join('; ')}`);
      console.log(`      input ${inputFile}; reproduce: ${reproduce}`);
      const { input: _input, ...rest } = f;
      saved.push({ ...rest, inputFile, reproduce });
    }
  }
  const file = join(REPO_ROOT, 'bench/results', `otlp-fuzz-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(REPO_ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      meta: { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), node: process.version, options: o },
      streams: runs.map((r) => ({ kind: r.kind, ms: r.ms, cases: r.totals.cases, casesPerSecond: r.totals.cases / (r.ms / 1000), outcomes: r.totals.outcomes, failures: r.totals.failures.length + r.totals.moreFailures })),
      failures: saved,
    }, null, 2) + '\n',
  );
  console.log(`\n${failures === 0 ? 'no failures' : `${failures} FAILURE(S)`} → ${file}`);
  process.exitCode = failures === 0 ? 0 : 1;
}

await main();
