/**
 * Funnel speed (issue 15: a funnel over 10k traces ≤ 500 ms). Loads an in-process engine with 10k
 * seeded agent traces from the load generator (bench/gen/agent-spans.ts, real OTel SDK, protobuf over
 * OTLP/HTTP), then times 3-step funnels through the contract (store worker round trip included):
 * - `agents`: agent planner → tool search_hotels → tool book_flight (step 1 in ~15 % of traces);
 * - `every trace`: chat → execute_tool → chat by attribute (every trace enters, so every span of
 *   every trace is read: the worst case);
 * - `sessions`: the worst case again with runs as sessions.
 * Prints the median and max of --rounds runs per funnel, in ms.
 *
 *   node --import tsx bench/funnel.ts [--traces 10000] [--rounds 7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentSpanGenerator, Batcher, type EncodedBatch } from './gen/agent-spans';
import { startEngine } from '../src-main/engine/index';
import type { FunnelQuery } from '../src-shared/contract';

function arg(name: string, byDefault: number): number {
  const at = process.argv.indexOf(name);
  const n = at < 0 ? byDefault : Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}
const traces = arg('--traces', 10_000);
const rounds = arg('--rounds', 7);

const generator = new AgentSpanGenerator({ seed: 15 });
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

const dataDir = mkdtempSync(join(tmpdir(), 'flowtrace-funnel-bench-'));
const engine = await startEngine({ dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, memory: false });
try {
  const t0 = performance.now();
  for (const b of batches) {
    const res = await fetch(`${engine.info.otlpHttpEndpoint}/v1/traces`, { method: 'POST', body: b.body, headers: { 'content-type': 'application/x-protobuf' } });
    if (!res.ok) throw new Error(`ingest answered ${res.status}`);
    await res.arrayBuffer();
  }
  const stats = await engine.getStats();
  console.log(`loaded ${stats.traces} traces, ${stats.spans} spans (${spans} sent) in ${Math.round(performance.now() - t0)} ms`);

  const op = (value: string) => ({ type: 'attribute' as const, key: 'gen_ai.operation.name', value });
  const funnels: Array<[string, FunnelQuery]> = [
    ['agents', { steps: [{ type: 'agent', value: 'planner' }, { type: 'tool', value: 'search_hotels' }, { type: 'tool', value: 'book_flight' }] }],
    ['every trace', { steps: [op('chat'), op('execute_tool'), op('chat')] }],
    ['sessions', { steps: [op('chat'), op('execute_tool'), op('chat')], mode: 'sessions' }],
  ];
  for (const [name, query] of funnels) {
    const times: number[] = [];
    let result = await engine.runFunnel(query); // warm: statements prepared, pages cached
    for (let i = 0; i < rounds; i++) {
      const s = performance.now();
      result = await engine.runFunnel(query);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const reached = result.steps.map((s) => s.reached.count).join(' → ');
    console.log(
      `${name.padEnd(12)} runs ${String(result.runs).padStart(6)}  reached ${reached.padEnd(22)} median ${median.toFixed(1)} ms  max ${times.at(-1)!.toFixed(1)} ms  ${median <= 500 ? 'ok' : 'OVER'} (target ≤ 500 ms)`,
    );
  }
} finally {
  await engine.close();
  if (process.env.KEEP_FUNNEL_DB) console.log(`kept ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
