/**
 * Writes the README's pictures of the Funnels, Logs and Metrics pages (docs/screenshot-funnels.png,
 * -logs.png, -metrics.png) from a real `flowtrace serve` fed by the real OTel SDKs and OTLP/protobuf
 * exporters: 60 travel-agent runs over the last hour (plan → search → book, with drop-offs, failed
 * bookings and a few runs that search before planning), the log records those runs wrote, and
 * GenAI client metrics. Metric readings are collected by the SDK once per simulated minute; the
 * collection times are set to those minutes before export, so the charts span half an hour
 * instead of the second the script takes. Run after a build:
 * `node --import tsx scripts/screenshots-funnels-logs-metrics.ts`. Kept apart from screenshots.ts,
 * which needs the memory's sentence model and rewrites every other picture.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { context, trace, TraceFlags, type HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { REPO_ROOT, startServe } from '../test/support/serve-process';
import { exportSpans } from '../test/support/otel';
import { exportOnce } from '../test/support/otel-signals';
import { recordFunnelRuns, type FunnelRunSpec } from '../test/support/funnel-runs';
import { launchBrowser, openWatchedPage } from '../e2e/support/browser';
import { seededRandom as prng } from '../test/support/seeded-random';

const SERVICE = 'travel-agent';
const RUNS = 60;
const STEPS = [
  { type: 'agent', value: 'planner' },
  { type: 'tool', value: 'search_hotels' },
  { type: 'tool', value: 'book_hotel' },
];

/** Runs a minute apart: most plan and search, about half book, some bookings fail, a few search first. */
function travelRuns(now: number, random: () => number): FunnelRunSpec[] {
  const runs: FunnelRunSpec[] = [];
  for (let i = 0; i < RUNS; i++) {
    const startMs = now - (RUNS - i) * 60_000 + Math.floor(random() * 20_000);
    const r = random();
    const spans: FunnelRunSpec['spans'] = [];
    if (r < 0.08) {
      spans.push({ tool: 'search_hotels', at: 5 }, { agent: 'planner', at: 400 });
    } else {
      spans.push({ agent: 'planner', at: 5 }, { llm: 'gpt-4o-mini', at: 20 });
      if (r < 0.85) spans.push({ tool: 'search_hotels', at: 900 }, { llm: 'gpt-4o-mini', at: 1300 });
      // The latest run's booking fails, so the newest records on the Logs page include its error.
      if (r < 0.55 || i === RUNS - 1) spans.push({ tool: 'book_hotel', at: 2100, fails: i === RUNS - 1 || random() < 0.2 });
      if (r > 0.92) spans.push({ plain: 'render_itinerary', at: 1500, fails: true });
    }
    runs.push({ startMs, spans, sessionId: `conv-${Math.floor(i / 3)}`, rootName: 'POST /trips' });
  }
  return runs;
}

/** What each run wrote to its log while it worked: one record per step, in the span it was written in. */
async function recordRunLogs(spans: readonly ReadableSpan[], endpoint: string): Promise<void> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE, 'deployment.environment': 'staging' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('travel-agent.log', '2.3.0');
  for (const span of spans) {
    const ctx = span.spanContext();
    const inSpan = trace.setSpanContext(context.active(), { traceId: ctx.traceId, spanId: ctx.spanId, traceFlags: TraceFlags.SAMPLED });
    const failed = span.status.code === 2;
    const at = span.startTime;
    const emit = (severityNumber: SeverityNumber, severityText: string, body: string, attributes: Record<string, string | number>) =>
      logger.emit({ context: inSpan, timestamp: at, severityNumber, severityText, body, attributes });
    if (span.name === 'invoke_agent planner') emit(SeverityNumber.INFO, 'INFO', 'planning a trip for the user', { 'gen_ai.agent.name': 'planner' });
    else if (span.name === 'chat gpt-4o-mini') emit(SeverityNumber.DEBUG, 'DEBUG', 'calling gpt-4o-mini', { 'gen_ai.request.model': 'gpt-4o-mini', attempt: 1 });
    else if (span.name === 'execute_tool search_hotels') emit(SeverityNumber.INFO, 'INFO', 'search_hotels returned 14 hotels in Lisbon', { 'gen_ai.tool.name': 'search_hotels', results: 14 });
    else if (span.name === 'execute_tool book_hotel' && failed) emit(SeverityNumber.ERROR, 'ERROR', 'book_hotel failed: the hotel API timed out after 10 s', { 'gen_ai.tool.name': 'book_hotel', 'http.response.status_code': 504 });
    else if (span.name === 'execute_tool book_hotel') emit(SeverityNumber.INFO, 'INFO', 'booked 3 nights at Casa do Principe', { 'gen_ai.tool.name': 'book_hotel' });
    else if (failed) emit(SeverityNumber.WARN, 'WARN', `${span.name} failed; the user gets a plain-text itinerary`, {});
  }
  await provider.forceFlush();
  await exportOnce(new OTLPLogExporter({ url: `${endpoint}/v1/logs` }), [...memory.getFinishedLogRecords()]);
  await provider.shutdown();
}

class CollectOnlyReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];

/** GenAI client metrics, 30 one-minute collections (cumulative, the SDK default) timed over the last half hour. */
async function recordMetrics(now: number, random: () => number, endpoint: string): Promise<void> {
  const reader = new CollectOnlyReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': SERVICE }), readers: [reader] });
  const meter = provider.getMeter('travel-agent.metrics', '2.3.0');
  // Bucket boundaries as the GenAI semantic conventions advise for these two histograms.
  const tokens = meter.createHistogram('gen_ai.client.token.usage', {
    unit: '{token}',
    description: 'tokens per model call',
    advice: { explicitBucketBoundaries: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] },
  });
  const duration = meter.createHistogram('gen_ai.client.operation.duration', {
    unit: 's',
    description: 'model call duration',
    advice: { explicitBucketBoundaries: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] },
  });
  const toolCalls = meter.createCounter('agent.tool_calls', { description: 'tool calls by tool' });
  const queue = meter.createGauge('agent.queue_depth', { unit: '{run}', description: 'runs waiting for a worker' });
  const start = now - 30 * 60_000;
  for (let minute = 0; minute < 30; minute++) {
    const busy = 1 + Math.sin(minute / 4) * 0.6;
    for (let c = 0; c < Math.round(6 * busy); c++) {
      tokens.record(Math.round(600 + random() * 900), { 'gen_ai.token.type': 'input', 'gen_ai.request.model': 'gpt-4o-mini' });
      tokens.record(Math.round(40 + random() * 160), { 'gen_ai.token.type': 'output', 'gen_ai.request.model': 'gpt-4o-mini' });
      duration.record(0.4 + random() * 1.4 * busy, { 'gen_ai.request.model': 'gpt-4o-mini' });
    }
    toolCalls.add(Math.round(4 * busy), { 'gen_ai.tool.name': 'search_hotels' });
    toolCalls.add(Math.round(2 * busy), { 'gen_ai.tool.name': 'book_hotel' });
    queue.record(Math.round(3 * busy + random() * 2));
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
    retime(resourceMetrics, start, start + (minute + 1) * 60_000);
    await exportOnce(new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }), resourceMetrics);
  }
  await provider.shutdown();
}

function retime(rm: ResourceMetrics, startMs: number, endMs: number): void {
  for (const scope of rm.scopeMetrics)
    for (const metric of scope.metrics)
      for (const point of metric.dataPoints) Object.assign(point, { startTime: hr(startMs), endTime: hr(endMs) });
}

const browser = await launchBrowser();
try {
  const demo = await startServe();
  const api = demo.api.replace(/\/$/, '');
  const shot = await openWatchedPage(browser, `${api}/#/funnels`, { width: 1440, height: 900 });
  try {
    const now = Date.now();
    const random = prng(15);
    const sent = recordFunnelRuns(SERVICE, travelRuns(now, random));
    await exportSpans(demo.otlpHttp, 'protobuf', sent.spans);
    await recordRunLogs(sent.spans, demo.otlpHttp);
    await recordMetrics(now, random, demo.otlpHttp);
    const { page } = shot;
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });

    await page.goto(`${api}/#/funnels?steps=${encodeURIComponent(JSON.stringify(STEPS))}&range=24h&open=3.dropped`);
    await page.getByTestId('funnel-bar').nth(2).waitFor();
    await page.getByTestId('funnel-run').first().waitFor();
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-funnels.png') });

    await page.goto(`${api}/#/logs`);
    await page.getByTestId('log-row').nth(20).waitFor();
    const error = page.locator('[data-testid="log-row"][data-severity="error"]').first();
    await error.getByTestId('log-body').click();
    await page.getByTestId('log-detail').first().waitFor();
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-logs.png') });

    const names = ['agent.tool_calls', 'gen_ai.client.operation.duration'];
    await page.goto(`${api}/#/metrics?${names.map((n) => `name=${encodeURIComponent(n)}`).join('&')}`);
    await page.locator('.metric-charts canvas').nth(names.length - 1).waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-metrics.png') });
  } finally {
    await shot.page.context().close();
    await demo.stop();
  }
} finally {
  await browser.close();
}
