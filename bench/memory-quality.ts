/**
 * How well the memory finds a run by what a person remembers of it (docs/memory.md): the evaluation
 * set (test/fixtures/memory/eval-runs.ts: agent runs, and queries that share no word with their
 * run) is sent as real OTLP to a fresh `flowtrace serve`; once everything is remembered, every query
 * is searched in each mode (hybrid, semantic, text) through GET /api/v1/search. Prints recall@1,
 * recall@5 and MRR per mode (ranked by run: a run's first result counts, later ones from the same
 * trace are skipped), the embedder, the time to remember the set, and each miss with what came first.
 * Text mode is expected near zero: the queries share no word with their runs, by construction.
 *
 *   node --import tsx bench/memory-quality.ts [--serve-build bench|out] [--embedder local|hashing|openai
 *     [--embedder-url URL --embedder-model NAME]] [--limit 10] [--timeout 900] [--keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intArg } from './lib/args';
import { runMeta, writeResults } from './lib/meta';
import { percentile, Report, sleep } from './lib/report';
import { serveBuildDir, spawnServe, type SpawnedServe } from './lib/serve';
import { EVAL_QUERIES, EVAL_RUNS, type EvalQuery } from '../test/fixtures/memory/eval-runs';
import { sendEvalRuns, type SentEvalRun } from '../test/support/memory-eval-sender';
import type { MemoryStatus, SearchAnswer, SearchMode, Stats } from '../src-shared/contract';

const MODES: readonly SearchMode[] = ['hybrid', 'semantic', 'text'];

interface Options {
  serveBuild: 'bench' | 'out';
  serveArgs: string[];
  limit: number;
  timeoutS: number;
  keep: boolean;
}

function usage(message: string): never {
  throw new Error(`usage: node --import tsx bench/memory-quality.ts [--serve-build bench|out] [--embedder KIND [--embedder-url URL --embedder-model NAME]] [--limit N] [--timeout S] [--keep]; ${message}`);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { serveBuild: 'bench', serveArgs: [], limit: 10, timeoutS: 900, keep: false };
  const int = intArg(usage);
  for (let i = 0; i < argv.length; i++) {
    const [a, v] = [argv[i]!, argv[i + 1]];
    if (a === '--keep') {
      o.keep = true;
      continue;
    }
    i++;
    if (a === '--serve-build' && (v === 'bench' || v === 'out')) o.serveBuild = v;
    else if ((a === '--embedder' || a === '--embedder-url' || a === '--embedder-model') && v) o.serveArgs.push(a, v);
    else if (a === '--limit') o.limit = int(a, v, 5, 100);
    else if (a === '--timeout') o.timeoutS = int(a, v, 10, 7200);
    else usage(`bad "${a}"`);
  }
  return o;
}

class RouteMissing extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status === 404) throw new RouteMissing(`${new URL(url).pathname} answered 404: ${await res.text()}`);
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Until the store holds every span sent (so the memory's feed can see them all), then until the
 * memory has no backlog and has remembered something, twice in a row half a second apart.
 */
async function waitUntilRemembered(api: string, spansSent: number, deadline: number): Promise<MemoryStatus> {
  let last: unknown = null;
  const overdue = (what: string): never => {
    throw new Error(`${what} before the --timeout; last answer: ${JSON.stringify(last)}`);
  };
  for (;;) {
    const stats = await getJson<Stats>(`${api}/api/v1/stats`);
    last = stats;
    if (stats.spans >= spansSent) break;
    if (Date.now() > deadline) overdue(`the store did not hold all ${spansSent} spans sent`);
    await sleep(200);
  }
  let settled: MemoryStatus | null = null;
  for (;;) {
    const status = await getJson<MemoryStatus>(`${api}/api/v1/memory/status`);
    last = status;
    if (!status.enabled) throw new Error(`the memory is off in this server: ${JSON.stringify(status)}`);
    const done = status.backlogSpans === 0 && status.items > 0;
    if (done && settled !== null && settled.items === status.items) return status;
    settled = done ? status : null;
    if (Date.now() > deadline) overdue('the memory did not catch up');
    await sleep(500);
  }
}

interface Ranked {
  query: EvalQuery;
  /** 1-based rank of the target run among the distinct runs found; 0 when not found. */
  rank: number;
  firstRun: string | null;
  firstSnippet: string | null;
  ms: number;
  modeUsed: SearchMode;
}

async function searchAll(api: string, mode: SearchMode, limit: number, runOfTrace: Map<string, string>): Promise<{ ranked: Ranked[]; answer: SearchAnswer | null }> {
  const ranked: Ranked[] = [];
  let any: SearchAnswer | null = null;
  for (const query of EVAL_QUERIES) {
    const params = new URLSearchParams({ q: query.query, mode, limit: String(limit) });
    const t0 = performance.now();
    const answer = await getJson<SearchAnswer>(`${api}/api/v1/search?${params}`);
    const ms = performance.now() - t0;
    any ??= answer;
    const runs: string[] = [];
    for (const r of answer.results) {
      const run = runOfTrace.get(r.traceId) ?? `? ${r.traceId}`;
      if (!runs.includes(run)) runs.push(run);
    }
    const first = answer.results[0];
    ranked.push({
      query,
      rank: runs.indexOf(query.target) + 1,
      firstRun: runs[0] ?? null,
      firstSnippet: first ? first.snippet.replace(/\s+/g, ' ').slice(0, 90) : null,
      ms,
      modeUsed: answer.mode,
    });
  }
  return { ranked, answer: any };
}

const recallAt = (ranked: readonly Ranked[], k: number): number => ranked.filter((r) => r.rank >= 1 && r.rank <= k).length / ranked.length;
const mrr = (ranked: readonly Ranked[]): number => ranked.reduce((sum, r) => sum + (r.rank > 0 ? 1 / r.rank : 0), 0) / ranked.length;

/** Each query whose run did not come first, with what did; queries that found nothing at all are counted, not listed. */
function printMisses(mode: SearchMode, ranked: readonly Ranked[]): void {
  const misses = ranked.filter((r) => r.rank !== 1);
  const empty = misses.filter((m) => m.firstRun === null).length;
  console.log(`\nmisses, ${mode}: ${misses.length} of ${ranked.length}${empty > 0 ? `, of which ${empty} found nothing` : ''}`);
  for (const m of misses) {
    if (m.firstRun === null) continue;
    const where = m.rank > 0 ? `rank ${m.rank}` : 'not in the results';
    console.log(`  "${m.query.query}" → ${m.query.target} (${where}); first ${m.firstRun}: "${m.firstSnippet}"`);
  }
}

const sameRanking = (a: readonly Ranked[], b: readonly Ranked[]): boolean => a.every((r, i) => r.rank === b[i]!.rank && r.firstRun === b[i]!.firstRun);

/** Why two modes' figures can be identical: hybrid fuses nothing when text finds nothing. */
function noteModeAgreement(report: Report, byMode: ReadonlyMap<SearchMode, Ranked[]>): void {
  const textEmpty = byMode.get('text')!.filter((r) => r.firstRun === null).length;
  if (textEmpty > 0) report.note(`text search found nothing for ${textEmpty} of ${EVAL_QUERIES.length} queries (every query word must occur; none occurs in its run, by construction)`);
  if (sameRanking(byMode.get('hybrid')!, byMode.get('semantic')!)) report.note('hybrid ranked every query exactly as semantic did');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = new Date();
  const log = (line: string): void => console.log(`  · ${line}`);
  const buildDir = serveBuildDir(o.serveBuild, log);
  const dataDir = mkdtempSync(join(tmpdir(), 'flowtrace-memory-quality-'));
  const report = new Report({ ...runMeta(started), tool: 'memory-quality', runs: EVAL_RUNS.length, queries: EVAL_QUERIES.length, limit: o.limit, serveArgs: o.serveArgs });
  let serve: SpawnedServe | null = null;
  try {
    serve = await spawnServe(buildDir, dataDir, 60_000, o.serveArgs);
    const api = serve.api;
    const before = await getJson<MemoryStatus>(`${api}/api/v1/memory/status`);
    if (!before.enabled) throw new Error(`the memory is off in this server: ${JSON.stringify(before)}`);
    console.log(`Memory search quality: ${EVAL_RUNS.length} runs, ${EVAL_QUERIES.length} queries, modes ${MODES.join(', ')}, top ${o.limit}`);

    const t0 = performance.now();
    const sent: Map<string, SentEvalRun> = await sendEvalRuns(serve.otlpHttp, EVAL_RUNS);
    const sendS = (performance.now() - t0) / 1000;
    const spansSent = [...sent.values()].reduce((n, s) => n + s.spanIds.length, 0);
    const status = await waitUntilRemembered(api, spansSent, Date.now() + o.timeoutS * 1000);
    const rememberS = (performance.now() - t0) / 1000;
    const embedder = status.embedder ? `${status.embedder.provider} ${status.embedder.model} (${status.embedder.dim}-d)` : 'unknown';
    report.meta.embedder = status.embedder;
    log(`embedder ${embedder}`);
    log(`sent ${sent.size} runs (${spansSent} spans) in ${sendS.toFixed(1)} s; ${status.items} texts remembered, ${status.skippedSpans} spans skipped${status.lastError ? `; last error: ${status.lastError}` : ''}`);
    report.add('remember', 'time to remember the set (first send → caught up)', rememberS, 's');
    report.add('remember', 'texts remembered', status.items, 'items');

    const runOfTrace = new Map([...sent].map(([id, s]) => [s.traceId, id]));
    const byMode = new Map<SearchMode, Ranked[]>();
    for (const mode of MODES) {
      const { ranked, answer } = await searchAll(api, mode, o.limit, runOfTrace);
      byMode.set(mode, ranked);
      const downgraded = ranked.filter((r) => r.modeUsed !== mode).length;
      const note = downgraded > 0 ? `${downgraded} answers used mode ${ranked.find((r) => r.modeUsed !== mode)!.modeUsed}` : undefined;
      const opts = note ? { note } : {};
      report.add(mode, 'recall@1', recallAt(ranked, 1), '', opts);
      report.add(mode, 'recall@5', recallAt(ranked, 5), '', opts);
      report.add(mode, 'MRR', mrr(ranked), '', opts);
      report.add(mode, 'search p50', percentile(ranked.map((r) => r.ms), 50), 'ms');
      if (answer && JSON.stringify(answer.embedder) !== JSON.stringify(status.embedder)) log(`${mode}: answers name embedder ${JSON.stringify(answer.embedder)}`);
    }
    noteModeAgreement(report, byMode);
    for (const mode of MODES) {
      const ranked = byMode.get(mode)!;
      if (mode === 'hybrid' && sameRanking(ranked, byMode.get('semantic')!)) console.log(`\nmisses, hybrid: the same ${ranked.filter((r) => r.rank !== 1).length} as semantic`);
      else printMisses(mode, ranked);
    }
    report.meta.misses = Object.fromEntries(
      MODES.map((m) => [m, byMode.get(m)!.filter((r) => r.rank !== 1).map((r) => ({ query: r.query.query, target: r.query.target, rank: r.rank, first: r.firstRun }))]),
    );
    writeResults(report, 'memory-quality', started);
  } catch (err) {
    if (!(err instanceof RouteMissing)) throw err;
    console.log(`\nthe memory REST routes are not in this build (${err.message}); nothing to measure yet`);
    process.exitCode = 2;
  } finally {
    await serve?.stop();
    if (o.keep) console.log(`data dir kept: ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
