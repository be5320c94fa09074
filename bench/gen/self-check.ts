/**
 * Checks and measures the span generator: determinism (same seed → same bytes), shape (spans per
 * trace, attributes per span, encoded bytes per span), speed of recording and of encoding, and the
 * cost of SimpleSpanProcessor + InMemorySpanExporter compared with the collecting processor used.
 *
 *   node --import tsx bench/gen/self-check.ts [--spans 200000]
 */
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { AgentSpanGenerator, Batcher } from './agent-spans';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function digestOf(seed: number, spans: number): string {
  const gen = new AgentSpanGenerator({ seed });
  const batcher = new Batcher(512);
  const hash = createHash('sha256');
  let n = 0;
  for (let i = 0; i < 1_000_000 && n < spans; i++) {
    for (const b of batcher.add(gen.nextTrace().spans)) {
      hash.update(b.body);
      n += b.spanCount;
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const total = argValue('--spans', 200_000);

// 1. Determinism.
const d1 = digestOf(7, 20_000);
const d2 = digestOf(7, 20_000);
const d3 = digestOf(8, 20_000);
console.log(`determinism: seed 7 → ${d1}, again → ${d2} (${d1 === d2 ? 'same' : 'DIFFERENT'}); seed 8 → ${d3} (${d3 !== d1 ? 'differs' : 'SAME?!'})`);
if (d1 !== d2 || d1 === d3) process.exitCode = 1;

// 2. Recording speed and shape.
const gen = new AgentSpanGenerator({ seed: 1 });
let t0 = performance.now();
const traces = [];
let spans = 0;
for (let i = 0; i < 10_000_000 && spans < total; i++) {
  const t = gen.nextTrace();
  spans += t.spans.length;
  traces.push(t.spans);
}
const recordMs = performance.now() - t0;
console.log(`record: ${spans} spans in ${traces.length} traces, ${(spans / traces.length).toFixed(2)} spans/trace, ` +
  `${(gen.totals.attributes / gen.totals.spans).toFixed(2)} attributes/span, ${(gen.totals.events / gen.totals.spans * 100).toFixed(1)}% spans with events; ` +
  `${Math.round(spans / (recordMs / 1000))} spans/s`);

// 3. Encoding speed and size.
t0 = performance.now();
const batcher = new Batcher(512);
let bytes = 0;
let batches = 0;
for (const t of traces) {
  for (const b of batcher.add(t)) {
    bytes += b.body.length;
    batches++;
  }
}
const encodeMs = performance.now() - t0;
console.log(`encode: ${batches} batches of 512, ${(bytes / (batches * 512)).toFixed(0)} B/span protobuf, ${Math.round((batches * 512) / (encodeMs / 1000))} spans/s`);

// 4. Big traces.
t0 = performance.now();
const big = gen.bigTrace(100_000);
console.log(`bigTrace(100000): ${big.spans.length} spans, one trace id: ${new Set(big.spans.map((s) => s.spanContext().traceId)).size === 1}, ` +
  `duration ${(big.facts.durationMs / 1000).toFixed(0)} s, ${Math.round(performance.now() - t0)} ms to record`);
const small = gen.bigTrace(1000);
console.log(`bigTrace(1000): ${small.spans.length} spans`);
if (big.spans.length !== 100_000 || small.spans.length !== 1000) process.exitCode = 1;

// 5. SimpleSpanProcessor + InMemorySpanExporter, for comparison (same span shape: 10 attributes).
const memory = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
const tracer = provider.getTracer('cmp');
const n = Math.min(total, 100_000);
t0 = performance.now();
for (let i = 0; i < n; i++) {
  const attrs: Record<string, number | string> = {};
  for (let k = 0; k < 10; k++) attrs[`attr.${k}`] = k % 2 ? k : `value ${k}`;
  tracer.startSpan('x', { kind: SpanKind.CLIENT, attributes: attrs, startTime: [1_700_000_000, i] }, ROOT_CONTEXT).end([1_700_000_001, i]);
}
const simpleMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 10));
console.log(`SimpleSpanProcessor+InMemorySpanExporter: ${memory.getFinishedSpans().length} bare 10-attribute spans at ${Math.round(n / (simpleMs / 1000))} spans/s (before its ${n} timers fire)`);
