/**
 * Records OTel logs and metrics with the real JS SDKs, in memory, so a test can hand the very same
 * data to an official OTLP exporter (or serializer) and then compare what the engine stored with it.
 */
import { randomBytes } from 'node:crypto';
import { context, trace, TraceFlags, type HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

export const nanos = (t: HrTime): string => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
const nowNanos = (): string => (BigInt(Date.now()) * 1_000_000n).toString();

/** What every OTLP exporter (traces, logs, metrics; gRPC, protobuf, JSON) has in common. */
export interface OtlpExporter<T> {
  export(items: T, resultCallback: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
}

/** Hands one batch to an exporter; resolves only on the exporter's own success verdict. */
export async function exportOnce<T>(exporter: OtlpExporter<T>, items: T): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(items, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`export failed with code ${result.code}`))));
    });
  } finally {
    await exporter.shutdown();
  }
}

export interface SentLogs {
  records: ReadableLogRecord[];
  /** The span the records were emitted in (fresh random ids, so each batch is found alone). */
  traceId: string;
  spanId: string;
  serviceName: string;
}

/** Two records emitted inside one span: a plain INFO line with attributes, and an ERROR event with a structured body. */
export async function recordLogs(serviceName: string): Promise<SentLogs> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'deployment.environment': 'test' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('agent-logger', '1.2.0');
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const inSpan = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED });
  logger.emit({
    context: inSpan,
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: `calling the model for ${serviceName}`,
    attributes: { 'gen_ai.request.model': 'gpt-4o-mini', attempt: 2, cached: false, temperature: 0.2 },
  });
  logger.emit({
    context: inSpan,
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    eventName: 'gen_ai.choice',
    body: { finish_reason: 'tool_calls', index: 0, tool_calls: ['search_hotels'] },
  });
  await provider.forceFlush();
  const records = [...memory.getFinishedLogRecords()];
  await provider.shutdown();
  return { records, traceId, spanId, serviceName };
}

/** A reader that only collects on demand: the test decides which exporter gets the batch. */
class CollectOnlyReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface SentMetrics {
  resourceMetrics: ResourceMetrics;
  names: { counter: string; gauge: string; histogram: string };
  /** Unix nanoseconds before the first measurement and after the collection. */
  from: string;
  to: string;
}

export const HISTOGRAM_BOUNDS = [1, 10, 100];

/**
 * A counter (3 + 4 = 7), a gauge (17) and a histogram (5, 50, 500 over bounds 1/10/100), collected
 * once (cumulative, the SDK default). Names end in `suffix` so each batch is found alone.
 */
export async function recordMetrics(serviceName: string, suffix: string): Promise<SentMetrics> {
  const reader = new CollectOnlyReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), readers: [reader] });
  const meter = provider.getMeter('agent-meter', '0.1.0');
  const names = { counter: `agent.requests${suffix}`, gauge: `agent.queue_depth${suffix}`, histogram: `agent.step.duration${suffix}` };
  const from = nowNanos();
  const counter = meter.createCounter(names.counter, { description: 'requests handled' });
  counter.add(3, { route: 'plan' });
  counter.add(4, { route: 'plan' });
  meter.createGauge(names.gauge, { unit: '{request}' }).record(17);
  const histogram = meter.createHistogram(names.histogram, { unit: 'ms', advice: { explicitBucketBoundaries: HISTOGRAM_BOUNDS } });
  for (const v of [5, 50, 500]) histogram.record(v);
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
  const to = nowNanos();
  await provider.shutdown();
  return { resourceMetrics, names, from, to };
}
