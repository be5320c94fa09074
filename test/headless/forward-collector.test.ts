/**
 * Forwarding to a real OpenTelemetry Collector (built from its Go modules, test/interop/otelcol),
 * from a real `flowtrace serve`, fed by the official OTel exporters:
 *   - with the Collector down, traces sent, Flowtrace killed (-9) and started again: every trace
 *     reaches the Collector once it is up, in the order it arrived, and the lag drains to 0;
 *   - over OTLP/gRPC, what arrived as OTLP/JSON (transcoded) and log records too, redacted: the
 *     Collector gets the spans and the log, and none of the secrets they carried.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { ForwardEndpointStatus } from '../../src-shared/forwarding';
import { exportSpans, sendAgentTrace } from '../support/otel';
import { exportOnce } from '../support/otel-signals';
import { freePort } from '../support/ports';
import { buildCollector, COLLECTOR_BUILD_TIMEOUT_MS, startCollector, TEST_CERT, type Collector } from '../support/otelcol';
import { startServe, tempDataDir, type ServeProcess } from '../support/serve-process';

const OPENAI_KEY = 'sk-proj-F0rwardT3stK3yAbCdEfGhIjKlMnOpQrStUv';
const AWS_KEY = 'AKIAZ7FORWARDTEST001';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmb3J3YXJkLXRlc3QifQ.c2lnbmF0dXJlLWZvci1mb3J3YXJkLXRlc3Q';

async function forwardingStatus(serve: ServeProcess): Promise<ForwardEndpointStatus> {
  const health = (await (await fetch(`${serve.api}/api/v1/health`)).json()) as { forwarding: ForwardEndpointStatus[] };
  assert.equal(health.forwarding.length, 1);
  return health.forwarding[0]!;
}

async function until<T>(what: string, fn: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The order in which trace ids first appear in the Collector's output. */
function arrivalOrder(collector: Collector, ids: readonly string[]): string[] {
  const out = collector.output();
  return [...ids].sort((a, b) => out.indexOf(a) - out.indexOf(b));
}

describe('forwarding to a real OpenTelemetry Collector', () => {
  let bin = '';
  const stops: Array<() => Promise<void>> = [];
  before(() => {
    bin = buildCollector();
  }, { timeout: COLLECTOR_BUILD_TIMEOUT_MS });
  after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  });

  test('with the Collector down, traces sent and Flowtrace killed and restarted, every trace reaches it once it is back', { timeout: 180_000 }, async () => {
    const ports = { http: await freePort(), grpc: await freePort() };
    const dataDir = tempDataDir();
    const args = ['--forward', `http://127.0.0.1:${ports.http}`, '--forward-header', 'x-team=laptop-7'];
    let serve = await startServe({ dataDir, args });
    stops.push(() => serve.stop());

    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push((await sendAgentTrace(serve.otlpHttp, i % 3 === 2 ? 'json' : 'protobuf')).traceId);
    const waiting = await until('the forwarder to report the Collector down', async () => {
      const s = await forwardingStatus(serve);
      return s.state === 'retrying' && s.lagRequests === 12 ? s : null;
    });
    assert.match(waiting.lastError!.message, new RegExp(`127\\.0\\.0\\.1:${ports.http}.*ECONNREFUSED`));
    const health = (await (await fetch(`${serve.api}/api/v1/health`)).json()) as { status: string };
    assert.equal(health.status, 'ok', 'an upstream that is down does not make Flowtrace itself degraded');

    await serve.kill9();
    serve = await startServe({ dataDir, args });
    const collector = await startCollector(bin, ports);
    stops.push(() => collector.stop());

    await collector.waitFor('every trace sent while it was down', () => sent.every((id) => collector.traceIds().has(id)), 90_000);
    assert.deepEqual(arrivalOrder(collector, sent), sent, 'in the order Flowtrace received them');
    const drained = await until('the lag to drain', async () => {
      const s = await forwardingStatus(serve);
      return s.lagRequests === 0 && s.deliveredRequests >= 12 ? s : null;
    });
    assert.equal(drained.state, 'idle');

    // And live, once it is up.
    const live = (await sendAgentTrace(serve.otlpHttp, 'protobuf')).traceId;
    await collector.waitFor('a trace sent while it is up', () => collector.traceIds().has(live), 30_000);
  });

  test('over OTLP/gRPC: JSON-exported spans and log records arrive redacted, none of their secrets with them', { timeout: 120_000 }, async () => {
    const ports = { http: await freePort(), grpc: await freePort() };
    const collector = await startCollector(bin, ports);
    stops.push(() => collector.stop());
    const serve = await startServe({ args: ['--forward', collector.grpcEndpoint] });
    stops.push(() => serve.stop());

    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': 'deployer' }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    const span = provider.getTracer('forward-test').startSpan('chat gpt-4o', {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `deploy with ${OPENAI_KEY} and ${AWS_KEY}` }] }]),
        'http.request.header.authorization': [`Bearer ${JWT}`],
      },
    });
    span.end();
    const traceId = span.spanContext().traceId;
    await exportSpans(serve.otlpHttp, 'json', memory.getFinishedSpans() as ReadableSpan[]);

    const logs = new InMemoryLogRecordExporter();
    const loggerProvider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'deployer' }), processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
    loggerProvider.getLogger('deployer').emit({
      context: trace.setSpan(context.active(), span),
      severityNumber: SeverityNumber.WARN,
      body: `env dump: OPENAI_API_KEY=${OPENAI_KEY} SESSION=${JWT} marker-log-forwarded`,
    });
    await loggerProvider.forceFlush();
    await exportOnce(new OTLPLogExporter({ url: `${serve.otlpHttp}/v1/logs` }), [...logs.getFinishedLogRecords()]);

    await collector.waitFor('the span and the log record', (out) => collector.traceIds().has(traceId) && out.includes('marker-log-forwarded'), 60_000);
    const out = collector.output();
    for (const secret of [OPENAI_KEY, AWS_KEY, JWT]) assert.ok(!out.includes(secret), `the Collector received ${secret.slice(0, 12)}…`);
    assert.match(out, /flowtrace\.redacted\.count: Int\(\d+\)/);
    assert.match(out, /\[redacted:openai-key\]/);
    assert.match(out, /Name\s*: chat gpt-4o/);
    await until('the lag to drain', async () => ((await forwardingStatus(serve)).lagRequests === 0 ? true : null));
  });

  test('over TLS: https:// and grpcs:// upstreams get what arrives; an untrusted certificate is retried, not skipped', { timeout: 120_000 }, async () => {
    const ports = { http: await freePort(), grpc: await freePort() };
    const collector = await startCollector(bin, ports, { tls: true });
    stops.push(() => collector.stop());
    const args = ['--forward', collector.httpEndpoint, '--forward', collector.grpcEndpoint, '--forward-header', 'x-team=laptop-9'];
    const trusting = await startServe({ args, env: { NODE_EXTRA_CA_CERTS: TEST_CERT } });
    stops.push(() => trusting.stop());
    const sent = await sendAgentTrace(trusting.otlpHttp, 'protobuf');
    // Once over each protocol: each span's trace id is printed twice.
    const printed = (out: string) => out.split(`Trace ID       : ${sent.traceId}`).length - 1;
    await collector.waitFor('the trace over both protocols', (out) => printed(out) >= 2 * sent.spans.length, 60_000);
    const health = await until('both endpoints to deliver', async () => {
      const h = (await (await fetch(`${trusting.api}/api/v1/health`)).json()) as { forwarding: ForwardEndpointStatus[] };
      return h.forwarding.length === 2 && h.forwarding.every((f) => f.deliveredRequests >= 1 && f.lastError === null) ? h : null;
    });
    assert.deepEqual(health.forwarding.map((f) => f.url).sort(), [collector.grpcEndpoint, collector.httpEndpoint].sort());

    // The same upstream, its certificate not trusted: nothing is sent in the clear, nothing is lost.
    const wary = await startServe({ args: ['--forward', collector.httpEndpoint] });
    stops.push(() => wary.stop());
    const unsent = (await sendAgentTrace(wary.otlpHttp, 'protobuf')).traceId;
    const refused = await until('the certificate to be refused', async () => {
      const s = await forwardingStatus(wary);
      return s.state === 'retrying' && s.lagRequests === 1 ? s : null;
    });
    assert.match(refused.lastError!.message, /certificate/i);
    assert.ok(!collector.traceIds().has(unsent));
  });
});
