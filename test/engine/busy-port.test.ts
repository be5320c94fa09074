// A busy OTLP port never stops Flowtrace: the engine starts, says which receiver is busy and who
// holds the port, and binds it when retried (the same port once freed, or the next free one).
// Real sockets, real OTel exporters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { exportSpans, recordAgentTrace } from '../support/otel';
import { eventually, startTestEngine } from '../support/engine';
import { freePort, occupyPort } from '../support/ports';

async function exportGrpc(url: string, spans: ReadableSpan[]): Promise<void> {
  const exporter = new GrpcTraceExporter({ url, timeoutMillis: 5000 });
  try {
    await new Promise<void>((resolve, reject) => {
      exporter.export(spans, (result) => (result.code === 0 ? resolve() : reject(result.error ?? new Error(`export failed with code ${result.code}`))));
    });
  } finally {
    await exporter.shutdown();
  }
}

test('a busy gRPC port: the engine starts, HTTP ingests, the busy receiver names the port and its holder; freed and retried, gRPC ingests', async () => {
  const blocker = await occupyPort();
  const engine = await startTestEngine(undefined, { otlpGrpcPort: blocker.port });
  try {
    const grpc = engine.info.receivers.find((r) => r.kind === 'otlp-grpc');
    assert.equal(grpc?.state, 'busy');
    assert.equal(grpc?.port, blocker.port);
    assert.equal(grpc?.endpoint, null);
    assert.match(grpc?.error ?? '', new RegExp(`port ${blocker.port} on 127\\.0\\.0\\.1 is in use.*--otlp-grpc-port`));
    // This very process holds the port; Linux lets the engine say so.
    if (process.platform === 'linux') assert.equal(grpc?.holder, `${processName()} (pid ${process.pid})`);
    assert.equal(engine.info.receivers.find((r) => r.kind === 'otlp-http')?.state, 'listening');

    const viaHttp = recordAgentTrace();
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', viaHttp.spans);
    assert.ok(await engine.getTrace(viaHttp.traceId), 'HTTP ingest works while gRPC is busy');

    // Retrying while the port is still taken changes nothing and says so.
    const still = await engine.retryReceiver('otlp-grpc');
    assert.equal(still.state, 'busy');

    await blocker.release();
    const now = await engine.retryReceiver('otlp-grpc');
    assert.equal(now.state, 'listening');
    assert.equal(now.port, blocker.port);
    assert.equal(engine.info.otlpGrpcEndpoint, `http://127.0.0.1:${blocker.port}`);
    const viaGrpc = recordAgentTrace();
    await exportGrpc(`http://127.0.0.1:${blocker.port}`, viaGrpc.spans);
    assert.ok(await eventually(() => engine.getTrace(viaGrpc.traceId)));
  } finally {
    await engine.close();
    await blocker.release();
  }
});

test('"use another port": a busy HTTP receiver binds the first free port above, and exporters pointed there are stored', async () => {
  const blocker = await occupyPort();
  // The port right above may be taken too: then the one after it.
  const above = await occupyPort(blocker.port + 1).catch(() => null);
  const engine = await startTestEngine(undefined, { otlpHttpPort: blocker.port });
  try {
    assert.equal(engine.info.receivers.find((r) => r.kind === 'otlp-http')?.state, 'busy');
    const moved = await engine.retryReceiver('otlp-http', { port: 'next' });
    assert.equal(moved.state, 'listening');
    assert.ok(moved.port > blocker.port + (above ? 1 : 0), `bound ${moved.port}, above the busy ones`);
    assert.equal(engine.info.otlpHttpEndpoint, `http://127.0.0.1:${moved.port}`);
    const sent = recordAgentTrace();
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    assert.ok(await engine.getTrace(sent.traceId));
  } finally {
    await engine.close();
    await blocker.release();
    await above?.release();
  }
});

test('moving a listening receiver onto a busy port fails and leaves it listening where it was', async () => {
  const blocker = await occupyPort();
  const engine = await startTestEngine();
  try {
    const before = engine.info.otlpHttpEndpoint;
    await assert.rejects(engine.retryReceiver('otlp-http', { port: blocker.port }), (err: NodeJS.ErrnoException) => {
      assert.equal(err.code, 'EADDRINUSE');
      assert.match(err.message, /OTLP\/HTTP stays on port \d+: port \d+ on 127\.0\.0\.1 is in use/);
      return true;
    });
    assert.equal(engine.info.otlpHttpEndpoint, before);
    assert.equal(engine.info.receivers.find((r) => r.kind === 'otlp-http')?.state, 'listening');
    const sent = recordAgentTrace();
    await exportSpans(before, 'protobuf', sent.spans);
    assert.ok(await engine.getTrace(sent.traceId));
  } finally {
    await engine.close();
    await blocker.release();
  }
});

test('a moved receiver no longer answers on its old port', async () => {
  const engine = await startTestEngine();
  const target = await freePort();
  try {
    const old = engine.info.otlpHttpEndpoint;
    const moved = await engine.retryReceiver('otlp-http', { port: target });
    assert.equal(moved.port, target);
    const sent = recordAgentTrace();
    await exportSpans(`http://127.0.0.1:${target}`, 'protobuf', sent.spans);
    assert.ok(await engine.getTrace(sent.traceId));
    await assert.rejects(fetch(`${old}/v1/traces`, { method: 'POST' }), 'the old port refuses connections');
  } finally {
    await engine.close();
  }
});

test('bad retry arguments are refused with a message', async () => {
  const engine = await startTestEngine();
  try {
    await assert.rejects(engine.retryReceiver('otlp-zipkin' as 'otlp-http'), /a receiver is one of otlp-http, otlp-grpc/);
    await assert.rejects(engine.retryReceiver('otlp-http', { port: 70_000 }), /port is a whole number from 1 to 65535/);
    await assert.rejects(engine.retryReceiver('otlp-http', { port: 'later' as 'next' }), /port is a whole number/);
  } finally {
    await engine.close();
  }
});

/** What the holder lookup reads for this process. */
function processName(): string {
  return readFileSync('/proc/self/comm', 'utf8').trim();
}
