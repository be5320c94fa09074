/**
 * size, memory and restart: the dataset on disk, and the real `flowtrace serve` process started on
 * it (and on a fresh directory while it ingests `--spans` spans), measured from outside through
 * /proc/<pid>/status.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Stats, TraceDetail, TraceListPage } from '../../src-shared/contract';
import { HttpClient, sendWindowed } from '../lib/http';
import { atMost, errorMessage, percentile, sleep } from '../lib/report';
import { REPO_ROOT, buildProblem, ensureBenchBuild, processMemory, sampleRss, spawnServe } from '../lib/serve';
import type { BenchContext } from './context';
import { startEngine } from '../../src-main/engine';

const DB_FILE = 'flowtrace.sqlite';

function size(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Blocks compaction stored as encoded, not deflated yet (store/block-compression.ts). */
function rawBlocks(db: string): number {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('SELECT count(*) FROM span_blocks_fresh').pluck().get() as number;
  } finally {
    conn.close();
  }
}

/**
 * Compaction writes blocks as encoded and deflates them in the store's spare time: the size that
 * counts is the settled one, so the engine runs idle on the dataset until no raw block is left.
 */
async function settleBlocks(ctx: BenchContext, dir: string, spans: number): Promise<void> {
  const db = join(dir, DB_FILE);
  const before = rawBlocks(db);
  if (before === 0) return;
  const bytesBefore = size(db) + size(`${db}-wal`);
  const engine = await startEngine({ memory: false, dataDir: dir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });
  const started = performance.now();
  try {
    while (rawBlocks(db) > 0 && performance.now() - started < 15 * 60_000) await sleep(500);
  } finally {
    await engine.close();
  }
  ctx.report.note(
    `settled: ${before} blocks left as encoded by ingest (${(bytesBefore / spans).toFixed(0)} B/span before) deflated in ${((performance.now() - started) / 1000).toFixed(1)} s of idle engine`,
  );
}

export async function runSize(ctx: BenchContext): Promise<void> {
  const { report } = ctx;
  const ds = await ctx.dataset();
  const db = join(ds.dir, DB_FILE);
  await settleBlocks(ctx, ds.dir, ds.manifest.totalSpans);
  const bytes = size(db) + size(`${db}-wal`);
  const others = readdirSync(ds.dir).filter((n) => !n.startsWith(DB_FILE) && n !== 'bench-manifest.json');
  report.add('size', 'db + wal after close, per span', bytes / ds.manifest.totalSpans, 'B/span', {
    target: atMost(400),
    note: `${(bytes / 1e6).toFixed(1)} MB for ${ds.manifest.totalSpans} spans (wal ${size(`${db}-wal`)} B)${others.length ? `; other files: ${others.join(', ')}` : ''}`,
  });
  // Where the bytes go, when this SQLite build has the dbstat table.
  try {
    const conn = new Database(db, { readonly: true });
    try {
      // Deflating blocks in place frees pages the file keeps for later writes: the bytes in use are what the data takes.
      const pageSize = conn.pragma('page_size', { simple: true }) as number;
      const used = ((conn.pragma('page_count', { simple: true }) as number) - (conn.pragma('freelist_count', { simple: true }) as number)) * pageSize;
      report.add('size', 'pages in use, per span', used / ds.manifest.totalSpans, 'B/span', { target: atMost(250), note: `${(used / 1e6).toFixed(1)} MB; the file's free pages are reused by later writes` });
      const rows = conn.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as Array<{ name: string; bytes: number }>;
      const top = rows.slice(0, 12).map((r) => `${r.name} ${(r.bytes / ds.manifest.totalSpans).toFixed(0)}`);
      report.note(`size per span by table/index (B/span): ${top.join(', ')}`);
      report.meta.sizeBreakdown = rows;
    } finally {
      conn.close();
    }
  } catch (err) {
    report.note(`no per-table size breakdown: ${errorMessage(err)}`);
  }
}

export async function runRestartAndMemory(ctx: BenchContext, sections: { restart: boolean; memory: boolean }): Promise<void> {
  const { report, options } = ctx;
  let buildDir = join(REPO_ROOT, 'out');
  let problem: string | null = null;
  if (options.serveBuild === 'out') {
    problem = buildProblem(buildDir);
    if (problem) problem += ': run `npx electron-vite build`, or drop --serve-build out';
  } else {
    try {
      buildDir = ensureBenchBuild((l) => ctx.log(l));
    } catch (err) {
      problem = `could not build: ${errorMessage(err)}`;
    }
  }
  if (problem) {
    if (sections.restart) report.unavailable('restart', 'flowtrace serve → ready', 'ms', problem, atMost(2000));
    if (sections.memory) report.unavailable('memory', 'flowtrace serve RSS', 'MiB', problem, atMost(400));
    return;
  }
  const ds = await ctx.dataset();
  const m = ds.manifest;

  if (sections.restart) {
    const ready: number[] = [];
    const health: number[] = [];
    for (let i = 0; i < Math.max(1, options.restarts); i++) {
      try {
        const serve = await spawnServe(buildDir, ds.dir);
        ready.push(serve.readyMs);
        health.push(serve.healthMs);
        await serve.stop();
      } catch (err) {
        report.unavailable('restart', 'flowtrace serve → ready', 'ms', errorMessage(err), atMost(2000));
        break;
      }
    }
    // After a crash: the full check of a large store runs beside it (database.ts), not before ready.
    try {
      const crashed = await spawnServe(buildDir, ds.dir);
      await crashed.kill9();
      const serve = await spawnServe(buildDir, ds.dir);
      report.add('restart', 'spawn → `ready` after kill -9', serve.readyMs, 'ms', { target: atMost(2000), note: `${m.totalSpans} spans` });
      const checked = /full check after an unclean shutdown: ok \((\d+) ms\)/;
      for (const deadline = Date.now() + 120_000; !checked.test(serve.output()) && Date.now() < deadline; ) await sleep(100);
      const found = checked.exec(serve.output());
      if (found) report.add('restart', 'full check beside the running store after kill -9', Number(found[1]), 'ms', { note: 'quick_check on its own connection and thread; reads and ingest go on' });
      await serve.stop();
    } catch (err) {
      report.unavailable('restart', 'spawn → `ready` after kill -9', 'ms', errorMessage(err), atMost(2000));
    }
    if (ready.length) {
      const note = `${m.totalSpans} spans; runs: ${ready.map((r) => Math.round(r)).join(', ')} ms`;
      report.add('restart', 'spawn → `ready` printed, median', percentile(ready, 50), 'ms', { target: atMost(2000), note });
      report.add('restart', 'spawn → /api/v1/health 200, median', percentile(health, 50), 'ms', { target: atMost(2000) });
      report.add('restart', 'spawn → /api/v1/health 200, worst', Math.max(...health), 'ms', { target: atMost(2000) });
    }
  }

  if (!sections.memory) return;
  const http = new HttpClient(options.window);
  try {
    // 1. At rest on the dataset, then after the heaviest reads.
    const serve = await spawnServe(buildDir, ds.dir);
    try {
      await sleep(500);
      const idle = processMemory(serve.pid);
      await http.getJson<TraceListPage>(`${serve.api}/api/v1/traces`);
      await http.getJson<TraceListPage>(`${serve.api}/api/v1/traces?q=${m.filters.common.word}`);
      for (let i = 0; i < 3; i++) await http.getJson<TraceDetail>(`${serve.api}/api/v1/traces/${m.big100k.traceId}`);
      const busy = processMemory(serve.pid);
      if (idle) {
        report.add('memory', 'serve RSS on the dataset, idle after start', idle.rssMiB, 'MiB', {
          target: atMost(400),
          note: `/proc/${serve.pid}/status VmRSS (RssAnon ${idle.anonMiB.toFixed(0)} + RssFile ${idle.fileMiB.toFixed(0)} MiB), ${m.totalSpans} spans`,
        });
      }
      if (busy) {
        report.add('memory', 'serve RSS after lists + 3× getTrace(100k)', busy.rssMiB, 'MiB', {
          target: atMost(400),
          note: `RssAnon ${busy.anonMiB.toFixed(0)} + RssFile ${busy.fileMiB.toFixed(0)} MiB; peak (VmHWM) ${busy.hwmMiB.toFixed(0)} MiB`,
        });
      }
    } finally {
      await serve.stop();
    }

    // 2. While ingesting --spans spans into a fresh directory over OTLP/HTTP.
    const work = ctx.workload();
    const fresh = ctx.tempDir('flowtrace-bench-rss-');
    const ingest = await spawnServe(buildDir, fresh);
    try {
      const sampler = sampleRss(ingest.pid, 100);
      const t0 = performance.now();
      await sendWindowed(work.batches, options.window, (b) => http.postOtlp(ingest.otlpHttp, b.body));
      const ackedMs = performance.now() - t0;
      let spans = 0;
      const deadline = performance.now() + 600_000;
      while (spans < work.spans && performance.now() < deadline) {
        spans = (await http.getJson<Stats>(`${ingest.api}/api/v1/stats`)).spans;
        if (spans < work.spans) await sleep(100);
      }
      const compactedMs = performance.now() - t0;
      const peak = sampler.stop();
      const after = processMemory(ingest.pid);
      report.add('memory', 'serve RSS peak while ingesting', peak, 'MiB', {
        target: atMost(400),
        note: `${work.spans} spans over OTLP/HTTP at ${Math.round(work.spans / (ackedMs / 1000))} spans/s acked, all compacted after ${(compactedMs / 1000).toFixed(1)} s${after ? `; VmHWM ${after.hwmMiB.toFixed(0)} MiB` : ''}`,
      });
      if (after) {
        report.add('memory', 'serve RSS after ingest, compacted', after.rssMiB, 'MiB', {
          target: atMost(400),
          note: `RssAnon ${after.anonMiB.toFixed(0)} + RssFile ${after.fileMiB.toFixed(0)} MiB`,
        });
      }
      report.add('memory', 'serve OTLP/HTTP ingest, acked (separate process)', work.spans / (ackedMs / 1000), 'spans/s', { note: `window ${options.window}` });
      if (spans !== work.spans) report.note(`serve counted ${spans} spans after ingest, expected ${work.spans}`);
    } finally {
      await ingest.stop();
    }
  } catch (err) {
    report.unavailable('memory', 'flowtrace serve RSS', 'MiB', errorMessage(err), atMost(400));
  } finally {
    http.close();
  }
}
