/**
 * Who may send telemetry, over real sockets: web pages in the user's browser (a foreign Host after
 * DNS rebinding, or a foreign Origin) are refused; configured origins get CORS for exactly
 * themselves; a configured bearer token is required by both receivers; a network-reachable
 * address without a token is refused at start.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Metadata } from '@grpc/grpc-js';
import { startEngine, type Engine } from '../../src-main/engine';
import { recordAgentTrace } from '../support/otel';
import { exportOnce } from '../support/otel-signals';
import { tempDataDir } from '../support/serve-process';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so the Host header can be anything (fetch would not let a test forge it). */
function send(url: string, method: string, headers: Record<string, string>, body?: Uint8Array): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('OTLP access from this machine', () => {
  const origin = 'http://localhost:5173';
  let engine: Engine;
  let url: string;
  before(async () => {
    engine = await startEngine({ memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, otlpAllowedOrigins: [origin], log: () => {} });
    url = `${engine.info.otlpHttpEndpoint}/v1/traces`;
  });
  after(async () => {
    await engine.close();
  });

  test('a Host that is not a loopback name (DNS rebinding) is 403 and stores nothing', async () => {
    const sent = recordAgentTrace();
    const body = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
    const res = await send(url, 'POST', { host: 'attacker.example:4318', 'content-type': 'application/x-protobuf' }, body);
    assert.equal(res.status, 403);
    assert.match(res.body, /not a loopback name/);
    assert.equal(await engine.getTrace(sent.traceId), null);
  });

  test('a browser Origin not on the allowlist is 403, with no CORS headers', async () => {
    const sent = recordAgentTrace();
    const body = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
    const res = await send(url, 'POST', { origin: 'https://evil.example', 'content-type': 'application/x-protobuf' }, body);
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(await engine.getTrace(sent.traceId), null);
  });

  test('an allowed origin gets a preflight and CORS for exactly itself, and its export is stored', async () => {
    const pre = await send(url, 'OPTIONS', { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], origin);
    assert.match(String(pre.headers['access-control-allow-headers']), /content-type/);
    const sent = recordAgentTrace();
    const res = await send(url, 'POST', { origin, 'content-type': 'application/x-protobuf' }, ProtobufTraceSerializer.serializeRequest(sent.spans)!);
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], origin);
    assert.ok(await engine.getTrace(sent.traceId));
  });

  test('without an allowlist, even a preflight gets no CORS', async () => {
    const res = await send(url, 'OPTIONS', { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' });
    assert.equal(res.status, 403);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});

describe('OTLP bearer token', () => {
  const token = 's3cret-token';
  let engine: Engine;
  before(async () => {
    engine = await startEngine({ memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, otlpToken: token, log: () => {} });
  });
  after(async () => {
    await engine.close();
  });

  test('HTTP: no token or a wrong one is 401 with a Status body; the official exporter with the token succeeds', async () => {
    const url = `${engine.info.otlpHttpEndpoint}/v1/traces`;
    const sent = recordAgentTrace();
    const body = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
    const none = await send(url, 'POST', { 'content-type': 'application/x-protobuf' }, body);
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    assert.match(none.body, /bearer token/);
    const wrong = await send(url, 'POST', { 'content-type': 'application/x-protobuf', authorization: 'Bearer s3cret-tokeN' }, body);
    assert.equal(wrong.status, 401);
    assert.equal(await engine.getTrace(sent.traceId), null, 'nothing stored without the token');

    await exportOnce(new ProtoExporter({ url, headers: { Authorization: `Bearer ${token}` } }), sent.spans);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spanIds.length);
  });

  test('gRPC: the official exporter fails without the token and succeeds with it', async () => {
    const url = engine.info.otlpGrpcEndpoint!;
    const refused = recordAgentTrace();
    await assert.rejects(exportOnce(new GrpcExporter({ url }), refused.spans));
    assert.equal(await engine.getTrace(refused.traceId), null);

    const sent = recordAgentTrace();
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    await exportOnce(new GrpcExporter({ url, metadata }), sent.spans);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spanIds.length);
  });
});

test('a receiver address reachable from the network is refused without a token, naming the fix', async () => {
  await assert.rejects(
    startEngine({ memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, host: '0.0.0.0', log: () => {} }),
    /reachable from the network: set a bearer token \(--otlp-token/,
  );
});
