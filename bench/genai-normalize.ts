/**
 * normalizeSpan alone, on three workloads, so a change to the GenAI readers can be measured apart
 * from the store (compaction calls normalizeSpan once per inserted span, on the single writer thread).
 *
 *   node --import tsx bench/genai-normalize.ts [--traces 2000] [--seconds 2] [--seed 42]
 *
 * Workloads: (a) the store benchmark's agent spans (bench/gen/agent-spans.ts, recorded with the
 * OTel SDK, protobuf-encoded and decoded by the engine's decoder, so attribute objects are shaped as
 * in compaction), GenAI and plain spans apart; (b) the hand-written three-dialect samples
 * (test/engine/genai/samples.ts); (c) the captured fixtures (test/fixtures/genai/), with their log
 * records. Each workload runs `--seconds` in 5 rounds after a warm-up; the median round is printed.
 * `digest` hashes every output, so a speed-up can be checked to change nothing (same digest before
 * and after). The `ingest` line is the mode compaction uses (scope `index`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecordView, SpanRecord } from '../src-shared/contract';
import { normalizeSpan, type NormalizeOptions } from '../src-main/engine/genai/normalize';
import { decodeTraceRequest } from '../src-main/engine/otlp/decode-protobuf';
import { decodeTraceRequestJson } from '../src-main/engine/otlp/decode-json';
import { decodeLogsRequestJson } from '../src-main/engine/otlp/decode-logs';
import { agentRun, type Dialect } from '../test/engine/genai/samples';
import { AgentSpanGenerator, encodeSpans } from './gen/agent-spans';
import { REPO_ROOT } from './lib/serve';

interface Options {
  traces: number;
  seconds: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { traces: 2000, seconds: 2, seed: 42 };
  for (let i = 0; i < argv.length; i += 2) {
    const n = Number(argv[i + 1]?.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${argv[i]} needs a positive number`);
    if (argv[i] === '--traces') o.traces = Math.round(n);
    else if (argv[i] === '--seconds') o.seconds = n;
    else if (argv[i] === '--seed') o.seed = Math.round(n);
    else throw new Error(`unknown argument ${argv[i]}; usage: [--traces N] [--seconds S] [--seed N]`);
  }
  return o;
}

/** One unit of work: a span and the log records compaction or a read would pass with it. */
interface Item {
  span: SpanRecord;
  logs: readonly LogRecordView[] | undefined;
}

function agentItems(o: Options): { genai: Item[]; plain: Item[] } {
  const gen = new AgentSpanGenerator({ seed: o.seed });
  const spans: SpanRecord[] = [];
  for (let i = 0; i < o.traces; i++) {
    // Decoded per trace: the engine's decoder on the SDK's own protobuf, as ingest sees it.
    spans.push(...decodeTraceRequest(encodeSpans(gen.nextTrace().spans)).spans);
  }
  const genai: Item[] = [];
  const plain: Item[] = [];
  for (const span of spans) (normalizeSpan(span) === null ? plain : genai).push({ span, logs: undefined });
  return { genai, plain };
}

function sampleItems(): Item[] {
  const out: Item[] = [];
  for (const d of ['otel', 'openinference', 'openllmetry'] satisfies Dialect[]) {
    for (const span of Object.values(agentRun(d))) out.push({ span, logs: undefined });
  }
  return out;
}

function fixtureItems(): Item[] {
  const root = join(REPO_ROOT, 'test/fixtures/genai');
  const out: Item[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!existsSync(join(dir, 'trace.otlp.json'))) continue;
    const spans = decodeTraceRequestJson(readFileSync(join(dir, 'trace.otlp.json'))).spans;
    const logsPath = join(dir, 'logs.otlp.json');
    const logs = existsSync(logsPath) ? decodeLogsRequestJson(readFileSync(logsPath)).items : [];
    for (const span of spans) out.push({ span, logs });
  }
  return out;
}

function digest(items: readonly Item[], options: NormalizeOptions): string {
  const h = createHash('sha256');
  for (const { span, logs } of items) h.update(JSON.stringify(normalizeSpan(span, logs, options)) + '\n');
  return h.digest('hex').slice(0, 16);
}

/** Median spans/s over 5 rounds of `seconds / 5` each, after a warm-up of one round. */
function measure(items: readonly Item[], seconds: number, options: NormalizeOptions): number {
  const roundNs = BigInt(Math.round((seconds / 5) * 1e9));
  const rates: number[] = [];
  let sink = 0;
  for (let round = 0; round < 6; round++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    let elapsed: bigint;
    do {
      for (const { span, logs } of items) if (normalizeSpan(span, logs, options) !== null) sink++;
      n += items.length;
      elapsed = process.hrtime.bigint() - t0;
    } while (elapsed < roundNs);
    // Round 0 is the warm-up (JIT, inline caches).
    if (round > 0) rates.push(n / (Number(elapsed) / 1e9));
  }
  if (sink < 0) console.log(sink);
  rates.sort((a, b) => a - b);
  return rates[2]!;
}

function report(name: string, items: readonly Item[], seconds: number, options: NormalizeOptions = {}): void {
  const rate = measure(items, seconds, options);
  const cols = [name.padEnd(28), `${items.length} spans`.padStart(12), `${Math.round(rate).toLocaleString('en-US')} spans/s`.padStart(18), `${(1e6 / rate).toFixed(2)} µs/span`.padStart(14), `digest ${digest(items, options)}`];
  console.log(cols.join('  '));
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  const agents = agentItems(o);
  console.log(`node ${process.version}, ${o.traces} generated traces (seed ${o.seed}), ${o.seconds} s per workload\n`);
  report('agent spans, GenAI', agents.genai, o.seconds);
  report('agent spans, non-GenAI', agents.plain, o.seconds);
  report('agent spans, all', [...agents.genai, ...agents.plain], o.seconds);
  // What compaction runs: only the fields the store indexes (NormalizeOptions.scope).
  report('agent spans, all, ingest', [...agents.genai, ...agents.plain], o.seconds, { scope: 'index' });
  report('three-dialect samples', sampleItems(), o.seconds);
  report('fixtures (with logs)', fixtureItems(), o.seconds);
}

main();
