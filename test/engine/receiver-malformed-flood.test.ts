/**
 * 10,000 malformed OTLP/HTTP requests and some hundreds of malformed gRPC calls over real loopback
 * sockets: every one gets its 4xx (or INVALID_ARGUMENT / UNIMPLEMENTED), never a 5xx or a dropped
 * connection, nothing from the garbage is stored, and the receivers then serve real exports.
 * Every byte comes from a seeded PRNG, so a failure names a case that reproduces.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { exportSpans, recordAgentTrace } from '../support/otel';
import { startTestEngine } from '../support/engine';
import type { Engine } from '../../src-main/engine';
import { seededRandom as prng } from '../support/seeded-random';

const SEED = 0x5eed_f10d;
const HTTP_REQUESTS = 10_000;
const HTTP_CONNECTIONS = 8;
const GRPC_CALLS = 400;
const GRPC_CONCURRENCY = 16;
const SIGNALS = ['traces', 'logs', 'metrics'] as const;
const GRPC_SERVICES = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
} as const;

class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /**
   * Random bytes that cannot be a valid message: the first tag has wire type 6 or 7, which does not
   * exist. Fully random bytes are sometimes valid protobuf (unknown fields are skipped), and an
   * empty-but-valid request is rightly a 200.
   */
  garbageProtobuf(): Buffer {
    const b = this.bytes(1 + this.int(512));
    b[0] = ((1 + this.int(15)) << 3) | (6 + this.int(2));
    return b;
  }
  /** A strict prefix of a request with one top-level field: its length prefix promises more bytes. */
  truncated(full: Uint8Array): Buffer {
    return Buffer.from(full.subarray(0, 1 + this.int(full.length - 1)));
  }
}

interface Case {
  label: string;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  expect: number;
}

/** Real requests to truncate: one resource each, so any strict prefix is malformed. */
function templates(): { proto: Uint8Array; json: string } {
  const sent = recordAgentTrace();
  const proto = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
  const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sent.spans)!);
  assert.equal(proto[0], 0x0a, 'one ResourceSpans (field 1, length-delimited) up front');
  return { proto, json };
}

const PROTO = 'application/x-protobuf';
const JSON_CT = 'application/json';

function makeCase(g: Gen, t: { proto: Uint8Array; json: string }, i: number): Case {
  const signal = g.pick(SIGNALS);
  const path = `/v1/${signal}`;
  const post = (label: string, headers: OutgoingHttpHeaders, body: Buffer, expect: number): Case => ({ label: `#${i} ${label} ${path}`, method: 'POST', path, headers, body, expect });
  switch (g.int(10)) {
    case 0:
    case 1:
      return post('random bytes as protobuf', { 'content-type': PROTO }, g.garbageProtobuf(), 400);
    case 2:
      return post('truncated protobuf', { 'content-type': PROTO }, g.truncated(t.proto), 400);
    case 3: {
      // A strict prefix of a JSON object is never valid JSON; some plain junk too.
      const junk = ['<resourceSpans/>', '{"resourceSpans": }', "{'a': 1}", 'null,', '\u0000\u0001'];
      const body = g.int(2) === 0 ? t.json.slice(0, 1 + g.int(t.json.length - 1)) : g.pick(junk);
      return post('bad JSON', { 'content-type': JSON_CT }, Buffer.from(body), 400);
    }
    case 4: {
      const type = g.pick(['text/plain', 'application/grpc', 'application/xml', 'application/protobuf', 'multipart/form-data; boundary=x', '']);
      return post(`content type "${type}"`, type ? { 'content-type': type } : {}, g.bytes(1 + g.int(64)), 415);
    }
    case 5: {
      // Not gzip at all, or a real gzip stream cut short; either way gunzip fails.
      const body = g.int(2) === 0 ? g.bytes(1 + g.int(128)) : g.truncated(gzipSync(t.proto));
      return post('bad gzip', { 'content-type': g.pick([PROTO, JSON_CT]), 'content-encoding': 'gzip' }, body, 400);
    }
    case 6:
      // Well-formed gzip around garbage: the decoder, not gunzip, refuses it.
      return post('gzip of garbage', { 'content-type': PROTO, 'content-encoding': 'gzip' }, gzipSync(g.garbageProtobuf()), 400);
    case 7:
      return post('unknown content encoding', { 'content-type': PROTO, 'content-encoding': g.pick(['br', 'deflate', 'zstd', 'x-gzip2']) }, g.bytes(16), 415);
    case 8: {
      const bad = g.pick(['/', '/v1', '/v1/trace', `${path}/`, `/v2/${signal}`, `/V1/${signal}`, `//v1/${signal}`, '/v1/profiles', `/v1/${signal}%00`, '/favicon.ico']);
      return { label: `#${i} bad path ${bad}`, method: 'POST', path: bad, headers: { 'content-type': PROTO }, body: g.garbageProtobuf(), expect: 404 };
    }
    default: {
      const method = g.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
      const body = method === 'GET' || method === 'OPTIONS' ? Buffer.alloc(0) : g.garbageProtobuf();
      return { label: `#${i} ${method} ${path}`, method, path, headers: { 'content-type': PROTO }, body, expect: 405 };
    }
  }
}

function send(agent: Agent, port: number, c: Case, sockets: Set<Socket>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, agent, method: c.method, path: c.path, headers: { ...c.headers, 'content-length': c.body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (err) => reject(new Error(`${c.label}: ${err.message}`)));
    });
    req.on('socket', (s) => sockets.add(s));
    req.on('error', (err) => reject(new Error(`${c.label}: ${err.message}`)));
    req.end(c.body);
  });
}

/** Runs `work(i)` for i in [0, n) with at most `limit` in flight. */
async function pool(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

interface GrpcOutcome {
  code: status;
  details: string;
}

function grpcCall(client: Client, path: string, body: Buffer): Promise<GrpcOutcome> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      (err: ServiceError | null) => resolve(err ? { code: err.code, details: err.details } : { code: status.OK, details: '' }),
    );
  });
}

describe('a flood of malformed OTLP requests', () => {
  let engine: Engine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(async () => {
    await engine.close();
  });

  test(`${HTTP_REQUESTS} malformed OTLP/HTTP requests over ${HTTP_CONNECTIONS} keep-alive connections all get their 4xx`, async () => {
    const port = Number(new URL(engine.info.otlpHttpEndpoint).port);
    const g = new Gen(SEED);
    const t = templates();
    const cases = Array.from({ length: HTTP_REQUESTS }, (_, i) => makeCase(g, t, i));
    const agent = new Agent({ keepAlive: true, maxSockets: HTTP_CONNECTIONS });
    const sockets = new Set<Socket>();
    const wrong: string[] = [];
    const byStatus = new Map<number, number>();
    try {
      await pool(cases.length, HTTP_CONNECTIONS, async (i) => {
        const c = cases[i]!;
        const code = await send(agent, port, c, sockets);
        byStatus.set(code, (byStatus.get(code) ?? 0) + 1);
        if (code !== c.expect) wrong.push(`${c.label}: ${code}, expected ${c.expect}`);
      });
    } finally {
      agent.destroy();
    }
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} wrong answers (seed ${SEED})`);
    assert.ok([...byStatus.keys()].every((s) => s >= 400 && s < 500), `statuses: ${JSON.stringify([...byStatus])}`);
    // Had the server closed any connection, the agent would have opened a replacement.
    assert.ok(sockets.size <= HTTP_CONNECTIONS, `${sockets.size} connections used for ${HTTP_CONNECTIONS} workers`);
    const stats = await engine.getStats();
    assert.equal(stats.requestsAccepted, 0);
    assert.equal(stats.spans, 0);
  });

  test(`${GRPC_CALLS} malformed OTLP/gRPC calls get INVALID_ARGUMENT or UNIMPLEMENTED`, async () => {
    const g = new Gen(SEED + 1);
    const t = templates();
    const client = new Client(engine.info.otlpGrpcEndpoint!.replace(/^http:\/\//, ''), credentials.createInsecure());
    const wrong: string[] = [];
    const before = await engine.getStats();
    try {
      await pool(GRPC_CALLS, GRPC_CONCURRENCY, async (i) => {
        const service = GRPC_SERVICES[g.pick(SIGNALS)];
        let path = `/${service}/Export`;
        let body: Buffer;
        let expect: status = status.INVALID_ARGUMENT;
        switch (g.int(4)) {
          case 0:
          case 1:
            body = g.garbageProtobuf();
            break;
          case 2:
            body = g.truncated(t.proto);
            break;
          default:
            path = g.pick([`/${service}/Exports`, `/${service}.v2/Export`, '/grpc.health.v1.Health/Check', '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export']);
            body = g.garbageProtobuf();
            expect = status.UNIMPLEMENTED;
        }
        const out = await grpcCall(client, path, body);
        if (out.code !== expect) wrong.push(`#${i} ${path}: ${status[out.code]} ${out.details}, expected ${status[expect]}`);
      });
      assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} wrong answers (seed ${SEED + 1})`);
      const stats = await engine.getStats();
      assert.equal(stats.requestsAccepted, before.requestsAccepted);
      assert.equal(stats.spans, before.spans);

      // The same channel still works for a real request.
      const sent = recordAgentTrace();
      const ok = await grpcCall(client, `/${GRPC_SERVICES.traces}/Export`, Buffer.from(ProtobufTraceSerializer.serializeRequest(sent.spans)!));
      assert.equal(ok.code, status.OK, ok.details);
      assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
    } finally {
      client.close();
    }
  });

  test('afterwards the engine is healthy: nothing from the garbage was stored, and the official exporter succeeds', async () => {
    const before = await engine.getStats();
    assert.deepEqual(before.notices, []);
    const sent = recordAgentTrace();
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
    const after = await engine.getStats();
    assert.equal(after.requestsAccepted, before.requestsAccepted + 1);
    assert.equal(after.spans, before.spans + sent.spans.length);
  });
});
