/**
 * The memory under steady GenAI traffic: `flowtrace serve` with the shipped embedder takes an open
 * loop of agent spans (the load generator's, with their messages and tool calls) at --rate spans/s
 * for --duration s; /api/v1/memory/status is read every second. Prints what the memory embeds per
 * second while ingest runs, how far its backlog falls behind (in spans and in seconds of traffic),
 * how much it passes over, and how long it takes to catch up once the traffic stops.
 *
 *   node --import tsx bench/memory-lag.ts [--rate 1000] [--duration 30] [--drain 120]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MemoryStatus } from '../src-shared/contract';
import { runPhase } from './lib/load-driver';
import { RequestPool } from './lib/otlp-requests';
import { httpTransport } from './lib/otlp-transports';
import { ensureBenchBuild, spawnServe } from './lib/serve';
import { sleep } from './lib/report';

const { values } = parseArgs({ options: { rate: { type: 'string' }, duration: { type: 'string' }, drain: { type: 'string' } } });
const rate = Number(values.rate ?? 1000);
const durationS = Number(values.duration ?? 30);
const drainS = Number(values.drain ?? 120);

const log = (line: string) => process.stdout.write(`${line}\n`);
const build = ensureBenchBuild((l) => log(`  · ${l}`));
const dataDir = mkdtempSync(join(tmpdir(), 'flowtrace-memlag-'));
const serve = await spawnServe(build, dataDir);
const status = async (): Promise<MemoryStatus> => (await (await fetch(`${serve.api}/api/v1/memory/status`)).json()) as MemoryStatus;

try {
  // The memory starts its model beside the engine; measure from when it answers.
  for (let s = await status(); s.embedder === null; s = await status()) await sleep(200);
  const pool = new RequestPool({ encoding: 'protobuf', spansPerRequest: 50, poolSize: 64, seed: 7 });
  const transport = httpTransport(serve.otlpHttp, 'protobuf', 4);
  const samples: Array<{ t: number; s: MemoryStatus }> = [];
  const t0 = performance.now();
  const phase = runPhase({ transport, pool, connections: 4, durationMs: durationS * 1000, rate, timeoutMs: 10_000, retryDelayMs: null, maxRetries: 5, maxInFlight: 64 });
  let running = true;
  void phase.done.then(() => (running = false));
  while (running) {
    await sleep(1000);
    samples.push({ t: (performance.now() - t0) / 1000, s: await status() });
  }
  const stats = await phase.done;
  const atEnd = await status();
  const ingestS = (stats.endedAt - stats.startedAt) / 1000;
  log(`ingest: ${stats.ackedSpans.toLocaleString()} spans acknowledged in ${ingestS.toFixed(1)} s (${Math.round(stats.ackedSpans / ingestS).toLocaleString()} spans/s offered ${rate}/s)`);
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const embeddedPerS = (last.s.items - first.s.items) / Math.max(1, last.t - first.t);
  log(`memory while ingesting: ${embeddedPerS.toFixed(1)} texts embedded/s; backlog ${atEnd.backlogSpans.toLocaleString()} spans at the end (${(atEnd.backlogSpans / Math.max(1, stats.ackedSpans / ingestS)).toFixed(1)} s of traffic behind); passed over ${atEnd.skippedSpans.toLocaleString()}`);
  for (const { t, s } of samples.filter((_, i) => i % 5 === 4)) log(`  t=${t.toFixed(0).padStart(3)} s  items ${s.items.toLocaleString().padStart(7)}  backlog ${s.backlogSpans.toLocaleString().padStart(8)}`);
  const drainStart = performance.now();
  let s = atEnd;
  while (s.backlogSpans > 0 && performance.now() - drainStart < drainS * 1000) {
    await sleep(1000);
    s = await status();
  }
  const drained = (performance.now() - drainStart) / 1000;
  log(s.backlogSpans === 0
    ? `caught up ${drained.toFixed(1)} s after the traffic stopped: ${s.items.toLocaleString()} texts remembered`
    : `not caught up ${drainS} s after the traffic stopped: backlog ${s.backlogSpans.toLocaleString()}, ${s.items.toLocaleString()} texts remembered`);
} finally {
  await serve.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
