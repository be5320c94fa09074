/**
 * Dashboard query time over the rollups of 1M spans (issue 15: p50 ≤ 50 ms). The spans go through
 * the compactor's own AnalyticsRollups (add + flush per 4,000-span batch, as compaction slices them)
 * into a migrated database file; their start times spread over --hours (default 24: ~700 spans a
 * minute), with 6 models, 4 agents, 12 tools, 5 services and 60 span names, durations log-normal.
 * The rollups' size depends on minutes × groups, not on spans, so this is the dashboard's load at
 * that span count whatever else the store holds. Times each query --runs times (p50, p95), over the
 * dashboard's windows ending now (1 h, 24 h, 7 d, 30 d, up to the first one covering --hours).
 *
 *   node --import tsx bench/analytics-queries.ts [--spans 1000000] [--hours 24] [--runs 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AnalyticsLatencyQuery, AnalyticsTimeseriesQuery, GenAiSpan, SpanRecord } from '../src-shared/contract';
import { migrate } from '../src-main/engine/store/migrate';
import { AnalyticsRollups } from '../src-main/engine/store/analytics-rollups';
import { TraceBlocks } from '../src-main/engine/store/trace-blocks';
import { AnalyticsQueries } from '../src-main/engine/store/analytics-queries';
import { intArg } from './lib/args';

function usage(message: string): never {
  throw new Error(`usage: node --import tsx bench/analytics-queries.ts [--spans N] [--hours H] [--runs R]; ${message}`);
}
const int = intArg(usage);
const argv = process.argv.slice(2);
const opt = (name: string, def: number, min: number, max: number) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? def : int(name, argv[i + 1], min, max);
};
const SPANS = opt('spans', 1_000_000, 1000, 100_000_000);
const HOURS = opt('hours', 24, 1, 24 * 30);
const RUNS = opt('runs', 20, 1, 1000);

let seed = 7;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-pro', 'o3-mini'];
const AGENTS = ['planner', 'booker', 'researcher', 'critic'];
const TOOLS = Array.from({ length: 12 }, (_, i) => `tool_${i}`);
const SERVICES = Array.from({ length: 5 }, (_, i) => ({ attributes: { 'service.name': `svc-${i}` }, droppedAttributesCount: 0 }));
const NAMES = Array.from({ length: 60 }, (_, i) => `op_${i}`);

const dir = mkdtempSync(join(tmpdir(), 'flowtrace-analytics-bench-'));
try {
  const db = new Database(join(dir, 'bench.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrate(db, 'bench.sqlite');
  // No spans in this file: the rollups are fed directly, and nothing is owed to them at a start.
  const rollups = new AnalyticsRollups(db, new TraceBlocks(db));
  const endMs = Date.now();
  const startMs = endMs - HOURS * 3_600_000;
  const scope = { name: 'bench', version: '1', attributes: {}, droppedAttributesCount: 0 };
  const t0 = performance.now();
  const BATCH = 4000;
  for (let done = 0; done < SPANS; done += BATCH) {
    db.transaction(() => {
      for (let i = done; i < Math.min(SPANS, done + BATCH); i++) {
        const startNs = BigInt(Math.floor(startMs + ((endMs - startMs) * i) / SPANS)) * 1_000_000n;
        const durMs = Math.exp(Math.log(150) + 1.1 * (rand() + rand() + rand() - 1.5) * 2);
        const r = rand();
        const g: GenAiSpan | null =
          r < 0.3 ? { kind: 'llm', responseModel: pick(MODELS), inputTokens: 800, outputTokens: 200, costUsd: 0.002 }
          : r < 0.4 ? { kind: 'agent', agentName: pick(AGENTS) }
          : r < 0.6 ? { kind: 'tool', toolName: pick(TOOLS) }
          : null;
        const span = {
          startTimeUnixNano: startNs.toString(),
          endTimeUnixNano: (startNs + BigInt(Math.round(durMs * 1e6))).toString(),
          name: pick(NAMES),
          status: { code: rand() < 0.03 ? 'error' : 'unset', message: '' },
          resource: pick(SERVICES),
          scope,
        } as unknown as SpanRecord;
        rollups.add(span, g);
      }
      rollups.flush(0);
    })();
  }
  // The rollups held behind compaction, as the store writes them before a read.
  rollups.writeBehind(0);
  const loadMs = performance.now() - t0;
  const rows = db.prepare('SELECT count(*) FROM analytics_minutes').pluck().get() as number;
  const bytes = db.prepare('SELECT sum(length(sketch)) FROM analytics_minutes').pluck().get() as number;
  console.log(`${SPANS.toLocaleString()} spans over ${HOURS} h through AnalyticsRollups in ${(loadMs / 1000).toFixed(1)} s (${Math.round(SPANS / (loadMs / 1000)).toLocaleString()} spans/s, rollups alone, one thread)`);
  console.log(`analytics_minutes: ${rows.toLocaleString()} rows, sketches ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  for (const table of ['analytics_hours', 'analytics_days']) {
    const exists = db.prepare('SELECT 1 FROM sqlite_schema WHERE name = ?').pluck().get(table) !== undefined;
    if (exists) console.log(`${table}: ${(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number).toLocaleString()} rows`);
  }
  const queries = new AnalyticsQueries(db);
  const ns = (ms: number) => (BigInt(Math.floor(ms)) * 1_000_000n).toString();
  // The dashboard's windows, each ending now (its ragged ends fall wherever the clock is).
  const WINDOWS: Array<[string, number]> = [['1h', 1], ['24h', 24], ['7d', 168], ['30d', 720]];
  const windows = WINDOWS.filter(([, h]) => h <= HOURS || h === WINDOWS.find(([, x]) => x >= HOURS)![1]);
  const win = (h: number) => ({ from: ns(endMs - h * 3_600_000), to: ns(endMs) });
  const dims = ['model', 'agent', 'tool', 'service', 'spanName'] as const;
  const cases: Array<[string, () => unknown]> = [];
  for (const [label, h] of windows) {
    for (const groupBy of dims) cases.push([`latency ${groupBy}, ${label}`, () => queries.latency({ groupBy, ...win(h) } as AnalyticsLatencyQuery)]);
  }
  for (const [label, h] of windows) {
    for (const metric of ['spans', 'tokens', 'cost', 'p95Ms'] as const) {
      cases.push([`timeseries ${metric} by model, ${label}`, () => queries.timeseries({ metric, groupBy: 'model', ...win(h) } as AnalyticsTimeseriesQuery)]);
    }
    cases.push([`timeseries p95Ms by spanName, ${label}`, () => queries.timeseries({ metric: 'p95Ms', groupBy: 'spanName', ...win(h) })]);
  }
  console.log(`query (${RUNS} runs)                          p50        p95`);
  for (const [name, run] of cases) {
    run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const s = performance.now();
      run();
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    console.log(`  ${name.padEnd(40)} ${q(0.5).padStart(7)} ms ${q(0.95).padStart(7)} ms`);
  }
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
