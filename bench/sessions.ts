/**
 * Sessions list speed (issue 15: at 1M spans, the sessions list p50 ≤ 10 ms). Sends --spans spans of
 * agent runs (bench/gen/agent-spans.ts: real OTel SDK, protobuf over OTLP/HTTP) whose `session.id`
 * is one of --sessions, into an in-process engine; waits until compaction and the session
 * summaries' rebuild (migration 0008) are done; then times `listSessions` through the contract
 * (store worker round trip included): the first page, and page --page by cursor, at limit 50 (the
 * REST default) and 200 (the UI's). Then, on the closed store, the same first page as it was built
 * before 0008 (every listed session built from its spans and log records per read, the page
 * grouped over all traces), for comparison. Prints p50 and p95 of --runs runs, in ms.
 *
 *   node --import tsx bench/sessions.ts [--spans 1000000] [--sessions 10000] [--runs 50] [--page 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AgentSpanGenerator, Batcher, type EncodedBatch } from './gen/agent-spans';
import { intArg } from './lib/args';
import { DB_FILE, startEngine } from '../src-main/engine/index';
import { AttributeKeys } from '../src-main/engine/store/attribute-codec';
import { Queries } from '../src-main/engine/store/queries';
import { TelemetryQueries } from '../src-main/engine/store/telemetry-queries';
import { SessionQueries } from '../src-main/engine/store/session-queries';
import { pricingKey } from '../src-main/engine/store/session-summaries';
import type { SessionListPage } from '../src-shared/contract';

function usage(message: string): never {
  throw new Error(`usage: node --import tsx bench/sessions.ts [--spans N] [--sessions N] [--runs N] [--page N]; ${message}`);
}
const int = intArg(usage);
const argv = process.argv.slice(2);
const opt = (name: string, def: number, min: number, max: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? def : int(name, argv[i + 1], min, max);
};
const SPANS = opt('spans', 1_000_000, 1000, 50_000_000);
const SESSIONS = opt('sessions', 10_000, 1, 10_000_000);
const RUNS = opt('runs', 50, 1, 10_000);
const PAGE = opt('page', 20, 2, 10_000);
/** Requests in flight while loading. */
const WINDOW = 4;

function quantiles(times: number[]): { p50: string; p95: string } {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2);
  return { p50: q(0.5), p95: q(0.95) };
}

function time<T>(runs: number, run: () => T): number[] {
  run(); // warm: statements prepared, pages cached
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    run();
    times.push(performance.now() - s);
  }
  return times;
}

async function timeAsync<T>(runs: number, run: () => Promise<T>): Promise<number[]> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await run();
    times.push(performance.now() - s);
  }
  return times;
}

function line(name: string, times: number[], target?: number): void {
  const { p50, p95 } = quantiles(times);
  const verdict = target === undefined ? '' : `  ${Number(p50) <= target ? 'ok' : 'OVER'} (target p50 ≤ ${target} ms)`;
  console.log(`  ${name.padEnd(46)} p50 ${p50.padStart(8)} ms   p95 ${p95.padStart(8)} ms  (${times.length} runs)${verdict}`);
}

const t0 = performance.now();
const generator = new AgentSpanGenerator({ seed: 15, sessions: SESSIONS });
const batcher = new Batcher(512);
const batches: EncodedBatch[] = [];
let spans = 0;
while (spans < SPANS) {
  const t = generator.nextTrace();
  spans += t.spans.length;
  batches.push(...batcher.add(t.spans));
}
const rest = batcher.flush();
if (rest) batches.push(rest);
console.log(`generated ${spans.toLocaleString()} spans in ${batches.length} requests, ${SESSIONS.toLocaleString()} session ids, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const dataDir = mkdtempSync(join(tmpdir(), 'flowtrace-sessions-bench-'));
const dbPath = join(dataDir, DB_FILE);
try {
  const engine = await startEngine({ dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, memory: false });
  let firstPage: SessionListPage;
  try {
    const t1 = performance.now();
    let next = 0;
    const send = async (): Promise<void> => {
      while (next < batches.length) {
        const b = batches[next++]!;
        const res = await fetch(`${engine.info.otlpHttpEndpoint}/v1/traces`, { method: 'POST', body: b.body, headers: { 'content-type': 'application/x-protobuf' } });
        if (!res.ok) throw new Error(`ingest answered ${res.status}`);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, send));
    const stats = await engine.getStats(); // a read: everything acknowledged is compacted first
    console.log(`loaded ${stats.traces.toLocaleString()} traces, ${stats.spans.toLocaleString()} spans in ${((performance.now() - t1) / 1000).toFixed(1)} s (acknowledged and compacted)`);

    // The summaries the worker has left to rebuild, seen through a second connection (WAL).
    const watcher = new Database(dbPath, { readonly: true });
    const staleRows = watcher.prepare('SELECT count(*) FROM session_summaries WHERE summary IS NULL').pluck();
    const t2 = performance.now();
    const staleAtLoad = staleRows.get() as number;
    while ((staleRows.get() as number) > 0) {
      if (performance.now() - t2 > 600_000) throw new Error('session summaries still stale after 10 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = watcher.prepare('SELECT count(*) FROM session_summaries').pluck().get() as number;
    watcher.close();
    console.log(`${rows.toLocaleString()} sessions; ${staleAtLoad.toLocaleString()} summaries stale when ingest ended, all rebuilt ${((performance.now() - t2) / 1000).toFixed(1)} s later`);

    firstPage = await engine.listSessions({ limit: 50 });
    let cursor = firstPage.nextCursor;
    for (let p = 2; p < PAGE && cursor !== null; p++) cursor = (await engine.listSessions({ limit: 50, cursor })).nextCursor;
    if (cursor === null) throw new Error(`fewer than ${PAGE} pages of 50 sessions`);
    const later = cursor;
    const s = firstPage.sessions[0]!;
    console.log(`first session: ${s.sessionId} · ${s.turns} turns · ${s.llmCalls} llm calls · ${s.totalTokens} tokens · ${s.errors} errors · ${s.users.length} users`);
    console.log(`listSessions through the engine (store worker round trip included):`);
    line('first page, limit 50', await timeAsync(RUNS, () => engine.listSessions({ limit: 50 })), 10);
    line(`page ${PAGE} by cursor, limit 50`, await timeAsync(RUNS, () => engine.listSessions({ limit: 50, cursor: later })), 10);
    line('first page, limit 200 (the UI)', await timeAsync(RUNS, () => engine.listSessions({ limit: 200 })));
  } finally {
    await engine.close();
  }

  // Before 0008, for comparison: the same store, every summary stale (in a transaction rolled back).
  const db = new Database(dbPath);
  try {
    const keys = new AttributeKeys(db);
    const queries = new Queries(db, keys);
    const sessions = new SessionQueries(db, new TelemetryQueries(db, keys, queries), {}, pricingKey(undefined));
    const groupedPage = db.prepare(`SELECT session_id, min(first_ns) AS first_ns, max(last_ns) AS last_ns FROM (
        SELECT session_id, start_ns AS first_ns, end_ns AS last_ns FROM traces WHERE session_id IS NOT NULL
        UNION ALL SELECT session_id, first_ns, last_ns FROM sessions)
      GROUP BY session_id ORDER BY last_ns DESC, session_id DESC LIMIT 51`);
    console.log('as before migration 0008 (store opened directly, no worker round trip):');
    line('page query grouping every trace, limit 50', time(Math.min(RUNS, 10), () => groupedPage.all()));
    db.exec('BEGIN');
    db.exec('UPDATE session_summaries SET summary = NULL');
    const built = sessions.listSessions({ limit: 50 });
    line('first page built per read, limit 50', time(Math.min(RUNS, 10), () => sessions.listSessions({ limit: 50 })));
    db.exec('ROLLBACK');
    const stored = sessions.listSessions({ limit: 50 });
    const same = JSON.stringify(built) === JSON.stringify(stored) && JSON.stringify(stored.sessions) === JSON.stringify(firstPage.sessions);
    console.log(`stored summaries equal the ones built per read: ${same ? 'yes' : 'NO (WRONG)'}`);
    line('first page from stored rows (no worker), limit 50', time(RUNS, () => sessions.listSessions({ limit: 50 })));
  } finally {
    db.close();
  }
} finally {
  if (process.env.KEEP_SESSIONS_DB) console.log(`kept ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
