/**
 * Interop with another language's SDK: the official Python OpenTelemetry SDK and its OTLP exporters
 * (gRPC and HTTP/protobuf, from a venv that .ci/run creates) send an agent trace, log records and
 * GenAI metrics; every exporter reports success and the data reads back equal through the engine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Engine } from '../../src-main/engine';
import type { SpanRecord, TraceDetail } from '../../src-shared/contract';
import { startTestEngine } from '../support/engine';
// @ts-expect-error: a plain .mjs script shared with .ci/run, no type declarations
import { ensureInteropVenv, VENV_PYTHON } from '../../scripts/python-interop-venv.mjs';

interface SentByPython {
  service: string;
  results: Record<'traces' | 'logs' | 'metrics', boolean>;
  traceId: string;
  spans: Array<{
    spanId: string;
    parentSpanId: string | null;
    name: string;
    attributes: Record<string, unknown>;
    status: 'unset' | 'ok' | 'error';
    startTimeUnixNano: string;
    endTimeUnixNano: string;
    events: string[];
  }>;
  logs: Array<{ body: string; severityText: string; severityNumber: number; spanId: string | null; traceId: string | null }>;
}

const venv = (ensureInteropVenv as () => 'ready' | 'no-python')();
const skip = venv === 'no-python' ? 'python3 is not installed on this machine' : false;
if (skip) console.log(`SKIPPED Python interop: ${skip}`);

function sendWithPython(protocol: 'grpc' | 'http', endpoint: string): Promise<SentByPython> {
  return new Promise((resolve, reject) => {
    const child = spawn(VENV_PYTHON as string, [new URL('./python/send_otlp.py', import.meta.url).pathname, protocol, endpoint], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const sent = JSON.parse(out) as SentByPython;
        if (code !== 0) reject(new Error(`python exporters did not all succeed (${JSON.stringify(sent.results)}):\n${err}`));
        else resolve(sent);
      } catch {
        reject(new Error(`python exited ${code}:\n${err}\n${out}`));
      }
    });
  });
}

describe('Python OpenTelemetry SDK exporters', { skip, timeout: 120_000 }, () => {
  let engine: Engine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(async () => {
    await engine.close();
  });

  for (const protocol of ['grpc', 'http'] as const) {
    test(`${protocol}: a trace, its logs and GenAI metrics from the Python SDK read back equal`, async () => {
      const endpoint = protocol === 'grpc' ? engine.info.otlpGrpcEndpoint! : engine.info.otlpHttpEndpoint;
      const sent = await sendWithPython(protocol, endpoint);
      assert.deepEqual(sent.results, { traces: true, logs: true, metrics: true }, 'every Python exporter reported success');

      const trace: TraceDetail | null = await engine.getTrace(sent.traceId);
      assert.ok(trace, 'the trace is stored');
      assert.equal(trace.spans.length, sent.spans.length);
      for (const expected of sent.spans) {
        const got: SpanRecord | undefined = trace.spans.find((s) => s.spanId === expected.spanId);
        assert.ok(got, `span ${expected.name} stored`);
        assert.equal(got.name, expected.name);
        assert.equal(got.parentSpanId, expected.parentSpanId);
        assert.deepEqual(got.attributes, expected.attributes);
        assert.equal(got.status.code, expected.status);
        assert.equal(got.startTimeUnixNano, expected.startTimeUnixNano);
        assert.equal(got.endTimeUnixNano, expected.endTimeUnixNano);
        assert.deepEqual(got.events.map((e) => e.name), expected.events);
        assert.equal(got.resource.attributes['service.name'], sent.service);
        assert.equal(got.scope.name, 'python-interop');
      }

      const logs = (await engine.listLogs({ traceId: sent.traceId, limit: 100 })).logs;
      assert.equal(logs.length, sent.logs.length);
      for (const expected of sent.logs) {
        const got = logs.find((l) => l.body === expected.body);
        assert.ok(got, `log "${expected.body}" stored`);
        assert.equal(got.severityText, expected.severityText);
        assert.equal(got.severityNumber, expected.severityNumber);
        assert.equal(got.traceId, expected.traceId);
        assert.equal(got.spanId, expected.spanId, 'the log record stays on the span it was emitted in');
        assert.equal(got.resource.attributes['service.name'], sent.service);
      }

      const usage = (await engine.listMetricPoints({ name: 'gen_ai.client.token.usage', limit: 100 })).points.filter(
        (p) => p.resource.attributes['service.name'] === sent.service,
      );
      const byType = new Map(usage.map((p) => [p.attributes['gen_ai.token.type'], p.histogram]));
      assert.equal(byType.get('input')?.count, 1);
      assert.equal(byType.get('input')?.sum, 120);
      assert.equal(byType.get('output')?.sum, 42);
      const counter = (await engine.listMetricPoints({ name: 'agent.requests', limit: 100 })).points.find(
        (p) => p.resource.attributes['service.name'] === sent.service,
      );
      assert.equal(counter?.type, 'sum');
      assert.equal(counter?.value, 3);
      assert.deepEqual(counter?.attributes, { agent: 'planner' });
    });
  }
});
