/**
 * Slow and stalled clients over real loopback sockets: a peer trickling bytes cannot hold an
 * OTLP/HTTP or OTLP/gRPC connection past the configured bounds, a timed-out request stores
 * nothing, and the receiver keeps serving. The engine runs with short bounds so this stays quick;
 * assertions only say "closed within bound + slack", never an exact time, so a loaded machine
 * cannot make them flake.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { connect as connectHttp2 } from 'node:http2';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { recordAgentTrace, exportSpans } from '../support/otel';
import { tempDataDir } from '../support/serve-process';
import { startEngine, type Engine } from '../../src-main/engine';

const HEADERS_MS = 1000;
const REQUEST_MS = 2000;
const GRPC_IDLE_MS = 1000;
const GRPC_MAX_AGE_MS = 2000;
const GRPC_GRACE_MS = 500;
/** Room for a busy machine: the checking interval, timer lateness, a slow event loop. */
const SLACK_MS = 4000;
const TRICKLE_EVERY_MS = 200;
const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

interface Closed {
  /** Everything the server sent before closing. */
  received: string;
  elapsedMs: number;
}

/**
 * Opens a raw TCP connection, lets `drive` write to it (we never end or destroy it ourselves), and
 * resolves once the server closes it; rejects if it is still open after `boundMs`.
 */
function closedByServer(port: number, boundMs: number, drive: (socket: Socket) => () => void): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let stop = () => {};
    socket.on('connect', () => (stop = drive(socket)));
    socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
    // A reset is still the server closing; the test only needs the connection gone.
    socket.on('error', () => {});
    const watchdog = setTimeout(() => {
      stop();
      socket.destroy();
      reject(new Error(`connection still open after ${boundMs} ms; the server sent ${JSON.stringify(received.slice(0, 80))}`));
    }, boundMs);
    socket.on('close', () => {
      clearTimeout(watchdog);
      stop();
      resolve({ received, elapsedMs: Date.now() - started });
    });
  });
}

/** Writes `text` one byte every TRICKLE_EVERY_MS; returns the stopper. */
function trickle(socket: Socket, text: string): () => void {
  let i = 0;
  const timer = setInterval(() => {
    if (i < text.length && socket.writable) socket.write(text[i++]!);
  }, TRICKLE_EVERY_MS);
  return () => clearInterval(timer);
}

describe('slow OTLP clients are cut off', () => {
  let engine: Engine;
  let httpPort: number;
  let grpcPort: number;
  before(async () => {
    engine = await startEngine({
      memory: false,
      dataDir: tempDataDir(),
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      log: () => {},
      otlpHttpTimeouts: { headersMs: HEADERS_MS, requestMs: REQUEST_MS },
      otlpGrpcTimeouts: { idleMs: GRPC_IDLE_MS, maxAgeMs: GRPC_MAX_AGE_MS, maxAgeGraceMs: GRPC_GRACE_MS },
    });
    httpPort = Number(new URL(engine.info.otlpHttpEndpoint).port);
    grpcPort = Number(new URL(engine.info.otlpGrpcEndpoint!).port);
  });
  after(async () => {
    await engine.close();
  });

  test('HTTP headers trickled 1 byte per 200 ms are cut off at the header timeout with 408', async () => {
    // Far longer than the timeout at this pace: the headers never complete.
    const head = `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${httpPort}\r\nContent-Type: application/x-protobuf\r\nX-Padding: ${'a'.repeat(200)}`;
    const closed = await closedByServer(httpPort, HEADERS_MS + SLACK_MS, (s) => trickle(s, head));
    assert.match(closed.received, /^HTTP\/1\.1 408 /);
  });

  test('a body trickled 1 byte per 200 ms is cut off at the request timeout, stores nothing, and the next export succeeds', async () => {
    const sent = recordAgentTrace();
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(sent.spans)!);
    const closed = await closedByServer(httpPort, REQUEST_MS + SLACK_MS, (s) => {
      s.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${httpPort}\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length}\r\n\r\n`);
      return trickle(s, body.toString('latin1'));
    });
    assert.match(closed.received, /^HTTP\/1\.1 408 /);
    const stats = await engine.getStats();
    assert.equal(stats.spans, 0);
    assert.equal(stats.requestsAccepted, 0);
    assert.equal(await engine.getTrace(sent.traceId), null);

    // A fresh connection with the official exporter is served as usual.
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
  });

  test('gRPC: a silent connection, a partial preface and a trickled preface are closed at the idle bound', async () => {
    const bound = GRPC_IDLE_MS + SLACK_MS;
    const results = await Promise.all([
      closedByServer(grpcPort, bound, () => () => {}),
      closedByServer(grpcPort, bound, (s) => {
        s.write('PRI * HTTP/2.0\r\n');
        return () => {};
      }),
      closedByServer(grpcPort, bound, (s) => trickle(s, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')),
    ]);
    assert.equal(results.length, 3);
  });

  test('gRPC: a call stalled mid-message is ended by the connection age bound (GOAWAY, then destroyed after the grace)', async () => {
    // Age has ±10% jitter, then the grace; the bound covers both.
    const bound = GRPC_MAX_AGE_MS * 1.1 + GRPC_GRACE_MS + SLACK_MS;
    const before = await engine.getStats();
    const session = connectHttp2(`http://127.0.0.1:${grpcPort}`);
    session.on('error', () => {});
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    const stream = session.request({ ':method': 'POST', ':path': TRACE_EXPORT, 'content-type': 'application/grpc', te: 'trailers' });
    stream.on('error', () => {});
    // Three of the five bytes of a gRPC message header, then nothing: the handler never runs.
    stream.write(Buffer.from([0, 0, 0]));
    await new Promise<void>((resolve, reject) => {
      const watchdog = setTimeout(() => {
        session.destroy();
        reject(new Error(`HTTP/2 session with a stalled call still open after ${bound} ms`));
      }, bound);
      session.on('close', () => {
        clearTimeout(watchdog);
        resolve();
      });
    });
    assert.ok(goaway, 'the server says GOAWAY before cutting the connection');
    const now = await engine.getStats();
    assert.equal(now.requestsAccepted, before.requestsAccepted);
    assert.equal(now.spans, before.spans);
  });
});

describe('a stalled gRPC call meets its read deadline', () => {
  const CALL_READ_MS = 1000;
  let engine: Engine;
  before(async () => {
    engine = await startEngine({
      memory: false,
      dataDir: tempDataDir(),
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      log: () => {},
      // Idle and age far away: only the per-call deadline can end the stalled call.
      otlpGrpcTimeouts: { callReadMs: CALL_READ_MS, idleMs: 60_000, maxAgeMs: 60_000, maxAgeGraceMs: 1000 },
    });
  });
  after(async () => {
    await engine.close();
  });

  /** Opens a call on the session; resolves with its grpc-status once it ends, or rejects after `boundMs`. */
  function call(session: ReturnType<typeof connectHttp2>, send: (stream: ReturnType<ReturnType<typeof connectHttp2>['request']>) => void, boundMs: number): Promise<{ status: string; message: string }> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ':method': 'POST', ':path': TRACE_EXPORT, 'content-type': 'application/grpc', te: 'trailers' });
      stream.on('error', () => {});
      const watchdog = setTimeout(() => reject(new Error(`call still open after ${boundMs} ms`)), boundMs);
      let headers: Record<string, unknown> = {};
      stream.on('response', (h) => (headers = h));
      stream.on('trailers', (t) => {
        clearTimeout(watchdog);
        resolve({ status: String(t['grpc-status'] ?? headers['grpc-status']), message: decodeURIComponent(String(t['grpc-message'] ?? headers['grpc-message'] ?? '')) });
      });
      stream.on('end', () => {
        clearTimeout(watchdog);
        if (headers['grpc-status'] !== undefined) resolve({ status: String(headers['grpc-status']), message: decodeURIComponent(String(headers['grpc-message'] ?? '')) });
      });
      stream.resume();
      send(stream);
    });
  }

  test('it ends with DEADLINE_EXCEEDED, stores nothing, and its connection serves the next call', async () => {
    const session = connectHttp2(`http://127.0.0.1:${new URL(engine.info.otlpGrpcEndpoint!).port}`);
    session.on('error', () => {});
    let closed = false;
    session.on('close', () => (closed = true));
    try {
      // Three of the five bytes of a gRPC message header, then nothing.
      const stalled = await call(session, (s) => s.write(Buffer.from([0, 0, 0])), CALL_READ_MS + SLACK_MS);
      assert.equal(stalled.status, '4', 'DEADLINE_EXCEEDED');
      assert.match(stalled.message, /did not arrive within 1 s/);
      assert.equal((await engine.getStats()).requestsAccepted, 0);
      assert.equal(closed, false, 'the connection stays');

      const sent = recordAgentTrace();
      const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(sent.spans)!);
      const frame = Buffer.alloc(5 + body.length);
      frame.writeUInt32BE(body.length, 1);
      body.copy(frame, 5);
      const ok = await call(session, (s) => s.end(frame), SLACK_MS);
      assert.equal(ok.status, '0', ok.message);
      assert.equal((await engine.getTrace(sent.traceId))?.spans.length, sent.spans.length);
    } finally {
      session.destroy();
    }
  });
});
