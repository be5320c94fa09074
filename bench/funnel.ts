/**
 * Funnel speed (issue 15: a funnel over 10k traces ≤ 500 ms, in a store of 1M spans). Loads an
 * in-process engine with --traces seeded agent traces from the load generator (bench/gen/agent-spans.ts,
 * real OTel SDK, protobuf over OTLP/HTTP; ~10 spans a trace), then times 3-step funnels through the
 * contract (store worker round trip included):
 * - `agents`: agent planner → tool search_hotels → tool book_flight (step 1 in ~16 % of traces);
 * - `every trace`: chat → execute_tool → chat by attribute (every trace enters, so every span of
 *   every trace is read and its attributes tested: the worst case);
 * - `sessions`: the worst case again with runs as sessions;
 * - with --traces above --window: the last two again over a time range holding --window traces in
 *   the middle of the store (`… window`), which is the case at --traces 100000 (1M spans).
 * Prints p50, p95 (nearest rank) and max of --rounds runs per funnel, in ms.
 *
 *   node --import tsx bench/funnel.ts [--traces 10000] [--rounds 11] [--window 10000] [--data-dir DIR] [--only TEXT]
 *
 * --data-dir keeps the store there and reuses it on later runs with the same --traces (loading 1M
 * spans takes minutes), so one store can be timed before and after a change. --only times just the
 * funnels whose name contains TEXT (`window`: the two range cases).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AgentSpanGenerator, Batcher, type EncodedBatch } from './gen/agent-spans';
import { percentile } from './lib/report';
import { startEngine } from '../src-main/engine/index';
import type { FunnelQuery } from '../src-shared/contract';

function arg(name: string, byDefault: number): number {
  const at = process.argv.indexOf(name);
  const n = at < 0 ? byDefault : Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}
const traces = arg('--traces', 10_000);
const rounds = arg('--rounds', 11);
const window = arg('--window', 10_000);
const dirAt = process.argv.indexOf('--data-dir');
const keptDir = dirAt < 0 ? null : resolve(process.argv[dirAt + 1] ?? '.');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt < 0 ? '' : (process.argv[onlyAt + 1] ?? '');
const SEED = 15;
const marker = JSON.stringify({ traces, seed: SEED });

function encodedTraces(): { batches: EncodedBatch[]; spans: number } {
  const generator = new AgentSpanGenerator({ seed: SEED });
  const batcher = new Batcher(512);
  const batches: EncodedBatch[] = [];
  let spans = 0;
  for (let i = 0; i < traces; i++) {
    const t = generator.nextTrace();
    spans += t.spans.length;
    batches.push(...batcher.add(t.spans));
  }
  const last = batcher.flush();
  if (last) batches.push(last);
  return { batches, spans };
}

const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'flowtrace-funnel-bench-'));
const markerFile = join(dataDir, 'funnel-bench.json');
const reuse = keptDir !== null && existsSync(markerFile) && readFileSync(markerFile, 'utf8') === marker;
if (keptDir !== null && !reuse) {
  if (existsSync(keptDir)) throw new Error(`${keptDir} exists and holds no funnel bench store of ${traces} traces: give a new directory`);
  mkdirSync(keptDir, { recursive: true });
}
const engine = await startEngine({ dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, memory: false });
try {
  if (!reuse) {
    const { batches, spans } = encodedTraces();
    const t0 = performance.now();
    for (const b of batches) {
      const res = await fetch(`${engine.info.otlpHttpEndpoint}/v1/traces`, { method: 'POST', body: b.body, headers: { 'content-type': 'application/x-protobuf' } });
      if (!res.ok) throw new Error(`ingest answered ${res.status}`);
      await res.arrayBuffer();
    }
    console.log(`sent ${spans} spans in ${Math.round(performance.now() - t0)} ms`);
  }
  const stats = await engine.getStats();
  console.log(`${reuse ? 'reused' : 'loaded'} ${stats.traces} traces, ${stats.spans} spans`);
  if (keptDir !== null && !reuse) writeFileSync(markerFile, marker);

  const op = (value: string) => ({ type: 'attribute' as const, key: 'gen_ai.operation.name', value });
  const worst = [op('chat'), op('execute_tool'), op('chat')];
  const funnels: Array<[string, FunnelQuery]> = [
    ['agents', { steps: [{ type: 'agent', value: 'planner' }, { type: 'tool', value: 'search_hotels' }, { type: 'tool', value: 'book_flight' }] }],
    ['every trace', { steps: worst }],
    ['sessions', { steps: worst, mode: 'sessions' }],
  ];
  if (traces > window) {
    // The starts of the middle --window traces, read from the store file (a second, read-only connection).
    const db = new Database(join(dataDir, 'flowtrace.sqlite'), { readonly: true });
    const startAt = (offset: number) => String(db.prepare('SELECT start_ns FROM traces ORDER BY start_ns LIMIT 1 OFFSET ?').safeIntegers().pluck().get(offset));
    const first = Math.floor((stats.traces - window) / 2);
    const range = { from: startAt(first), to: startAt(first + window - 1) };
    db.close();
    funnels.push([`every trace, ${window} window`, { steps: worst, ...range }], [`sessions, ${window} window`, { steps: worst, mode: 'sessions', ...range }]);
  }
  for (const [name, query] of funnels.filter(([name]) => name.includes(only))) {
    const times: number[] = [];
    let result = await engine.runFunnel(query); // warm: statements prepared, pages cached
    for (let i = 0; i < rounds; i++) {
      const s = performance.now();
      result = await engine.runFunnel(query);
      times.push(performance.now() - s);
    }
    const p50 = percentile(times, 50);
    const reached = result.steps.map((s) => s.reached.count).join(' → ');
    console.log(
      `${name.padEnd(26)} runs ${String(result.runs).padStart(6)}  reached ${reached.padEnd(24)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${percentile(times, 95).toFixed(1).padStart(7)} ms  max ${Math.max(...times).toFixed(1).padStart(7)} ms  ${p50 <= 500 ? 'ok' : 'OVER'} (target ≤ 500 ms)`,
    );
  }
} finally {
  await engine.close();
  if (keptDir !== null) console.log(`store kept in ${dataDir}`);
  else if (process.env.KEEP_FUNNEL_DB) console.log(`kept ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
