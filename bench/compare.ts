/**
 * Compare of two 1k-span runs (issue 15's target: ≤ 200 ms). Two agent runs of ~1,000 spans each
 * (a planner over four sub-agents, each doing 80 rounds of an LLM call with messages and two tool
 * calls), recorded with the OTel JS SDK and sent by its OTLP exporter to an in-process engine; the
 * second run differs in a few answers and tool calls. Times `engine.compareTraces` (both full reads
 * through the store worker, messages included, plus the alignment) and the alignment alone.
 *
 *   node --import tsx bench/compare.ts [--runs 30] [--spans 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { startEngine } from '../src-main/engine';
import { compareTraces } from '../src-main/engine/genai/compare';
import { exportSpans } from '../test/support/otel';
import { intArg } from './lib/args';

function usage(message: string): never {
  console.error(`${message}\nusage: node --import tsx bench/compare.ts [--runs N] [--spans N]`);
  process.exit(2);
}
const int = intArg(usage);
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : (argv[i + 1] ?? '');
};
const RUNS = int('--runs', flag('--runs', '30'), 1, 1000);
const SPANS = int('--spans', flag('--spans', '1000'), 20, 100_000);
const TARGET_MS = 200;

/** One run of about `spans` spans; `variant` 1 changes every 25th answer and swaps every 40th tool. */
function record(spans: number, variant: 0 | 1, t0: number) {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'bench-agent' }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('bench');
  const open: Array<{ span: Span; end: number }> = [];
  const start = (name: string, at: number, dur: number, attributes: Record<string, string | number>, parent?: Span): Span => {
    const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes, startTime: t0 + at }, parent ? trace.setSpan(context.active(), parent) : context.active());
    open.push({ span, end: t0 + at + dur });
    return span;
  };
  const agents = 4;
  const rounds = Math.max(1, Math.floor((spans - 1 - agents) / agents / 3));
  const root = start('invoke_agent planner', 0, 1e6, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' });
  let at = 1;
  for (let g = 0; g < agents; g++) {
    const agent = start(`invoke_agent worker_${g}`, at, rounds * 30, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': `worker_${g}` }, root);
    for (let r = 0; r < rounds; r++) {
      const changed = variant === 1 && r % 25 === 7;
      const answer = `Round ${r} of worker ${g}: the search found ${changed ? 'eleven' : 'twelve'} results; the best is item ${r * 7 + g}, priced at ${100 + r} EUR, available in May.`;
      start('chat gpt-4o-mini', at, 8, {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 500 + r,
        'gen_ai.usage.output_tokens': 60,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Find the best option for request ${r} of worker ${g}, within budget and with good reviews.` }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: answer }] }]),
      }, agent);
      const toolName = variant === 1 && r % 40 === 13 ? 'lookup_reviews' : 'search_items';
      start(`execute_tool ${toolName}`, at + 9, 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': toolName, 'gen_ai.tool.call.arguments': JSON.stringify({ query: `item ${r}`, page: 1 }) }, agent);
      start('execute_tool fetch_price', at + 15, 5, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'fetch_price', 'gen_ai.tool.call.arguments': JSON.stringify({ id: r * 7 + g }) }, agent);
      at += 30;
    }
  }
  for (const { span, end } of [...open].reverse()) span.end(end);
  const finished = memory.getFinishedSpans();
  return { traceId: root.spanContext().traceId, spans: finished };
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

const dataDir = mkdtempSync(join(tmpdir(), 'ft-bench-compare-'));
const engine = await startEngine({ dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, memory: false });
try {
  const now = Date.now() - 3_600_000;
  const a = record(SPANS, 0, now);
  const b = record(SPANS, 1, now + 60_000);
  await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', a.spans);
  await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', b.spans);
  // Warm: compaction of both runs, the worker's statements, the JIT.
  const first = (await engine.compareTraces(a.traceId, b.traceId))!;
  for (let i = 0; i < 3; i++) await engine.compareTraces(a.traceId, b.traceId);
  // Interleaved, so the machine's load at any moment weighs on all three figures alike.
  const [ta, tb] = await Promise.all([engine.getTrace(a.traceId), engine.getTrace(b.traceId)]);
  const total: number[] = [];
  const reads: number[] = [];
  const align: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    await engine.compareTraces(a.traceId, b.traceId);
    total.push(performance.now() - t);
    t = performance.now();
    await Promise.all([engine.getTrace(a.traceId), engine.getTrace(b.traceId)]);
    reads.push(performance.now() - t);
    t = performance.now();
    compareTraces(ta!, tb!);
    align.push(performance.now() - t);
  }
  const by = (s: string): number => first.steps.filter((x) => x.status === s).length;
  console.log(`runs: ${a.spans.length} and ${b.spans.length} spans; steps ${first.steps.length} (same ${by('same')}, changed ${by('changed')}, added ${by('added')}, removed ${by('removed')})`);
  const m = median(total);
  console.log(`compareTraces (two full reads + alignment): median ${m.toFixed(1)} ms, p95 ${p95(total).toFixed(1)} ms over ${RUNS} runs; target ≤ ${TARGET_MS} ms ${m <= TARGET_MS ? 'PASS' : 'FAIL'}`);
  console.log(`the two getTrace reads alone: median ${median(reads).toFixed(1)} ms, p95 ${p95(reads).toFixed(1)} ms`);
  console.log(`alignment alone: median ${median(align).toFixed(1)} ms, p95 ${p95(align).toFixed(1)} ms`);
} finally {
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
}
