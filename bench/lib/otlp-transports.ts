/**
 * The three ways the load generator exports: OTLP/HTTP protobuf, OTLP/HTTP JSON (keep-alive
 * connections, at most `connections` sockets) and OTLP/gRPC (a raw grpc-js client per connection,
 * unary Export with pass-through serializers: the bytes sent are exactly the pre-encoded request).
 * Each send resolves with an outcome — never rejects — so a failing server shows up in the status
 * counts rather than killing the run.
 */
import { Agent, request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { WireReader, WIRE_LEN } from '../../src-main/engine/otlp/wire';
import { deliveredOutcome, grpcRetryable, RETRYABLE_HTTP_STATUS, retryAfterMs, retryInfoDelayMs } from '../../src-main/engine/forward/send-outcome';
import { loopbackOnly } from './http';
import type { BodyEncoding } from './otlp-requests';

export type TransportName = 'http-protobuf' | 'http-json' | 'grpc';
export const TRANSPORTS: readonly TransportName[] = ['http-protobuf', 'http-json', 'grpc'];

export function encodingOf(t: TransportName): BodyEncoding {
  return t === 'http-json' ? 'json' : 'protobuf';
}

export interface ExportOutcome {
  /** '200', '503', '400', … for HTTP; 'grpc 0 OK', 'grpc 14 UNAVAILABLE', … for gRPC; 'error <code>' when no answer came. */
  status: string;
  ok: boolean;
  /** Worth resending (HTTP 429/502/503/504; gRPC codes the OTLP spec calls retryable). */
  retryable: boolean;
  /** The delay the server asked for (Retry-After, or gRPC RetryInfo), ms. */
  retryAfterMs: number | null;
  /** partial_success.rejected_spans of a successful answer. */
  rejected: number;
  detail: string;
}

export interface Transport {
  readonly name: TransportName;
  send(body: Uint8Array, timeoutMs: number): Promise<ExportOutcome>;
  close(): void;
}

export function httpTransport(endpoint: string, encoding: BodyEncoding, connections: number): Transport {
  const u = loopbackOnly(`${endpoint.replace(/\/$/, '')}/v1/traces`);
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const contentType = encoding === 'json' ? 'application/json' : 'application/x-protobuf';
  return {
    name: encoding === 'json' ? 'http-json' : 'http-protobuf',
    close: () => agent.destroy(),
    send: (body, timeoutMs) =>
      new Promise((resolve) => {
        const req = request(
          {
            host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname, method: 'POST', agent, timeout: timeoutMs,
            headers: { 'content-type': contentType, 'content-length': body.byteLength },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const code = res.statusCode ?? 0;
              const buf = Buffer.concat(chunks);
              const ok = code === 200;
              resolve({
                status: String(code),
                ok,
                retryable: RETRYABLE_HTTP_STATUS.has(code),
                retryAfterMs: retryAfterMs(res.headers['retry-after']),
                rejected: ok ? deliveredOutcome(buf, encoding === 'json').rejected : 0,
                detail: ok ? '' : errorText(buf, encoding),
              });
            });
            res.on('error', (err) => resolve(transportError(err)));
          },
        );
        req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer in ${timeoutMs} ms`), { code: 'TIMEOUT' })));
        req.on('error', (err) => resolve(transportError(err)));
        req.end(body);
      }),
  };
}

/** The message of a refusal: google.rpc.Status.message for protobuf, else the body as text. */
function errorText(body: Buffer, encoding: BodyEncoding): string {
  if (encoding === 'protobuf') {
    try {
      const r = new WireReader(body);
      while (!r.done()) {
        const tag = r.tag();
        if (tag === ((2 << 3) | WIRE_LEN)) return r.string().slice(0, 200);
        r.skip(tag & 7);
      }
    } catch {
      // not a Status: shown as text below
    }
  }
  return body.toString('utf8').replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 200);
}

function transportError(err: Error): ExportOutcome {
  const code = (err as NodeJS.ErrnoException).code ?? err.name;
  // A reset or refused connection is what a crashed or restarting server looks like: exporters retry.
  return { status: `error ${code}`, ok: false, retryable: true, retryAfterMs: null, rejected: 0, detail: err.message.slice(0, 200) };
}

// ---------------------------------------------------------------------------------------------

const EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const passthrough = (b: Buffer): Buffer => b;

export function grpcTransport(address: string, connections: number): Transport {
  // One channel per connection: grpc-js would otherwise share one subchannel (one HTTP/2
  // connection) between clients with the same target and options.
  const clients = Array.from({ length: connections }, () => new grpc.Client(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, 'grpc.max_send_message_length': 64 * 1024 * 1024 }));
  let next = 0;
  const inFlight = new Array<number>(connections).fill(0);
  return {
    name: 'grpc',
    close: () => {
      for (const c of clients) c.close();
    },
    send: (body, timeoutMs) =>
      new Promise((resolve) => {
        // The least busy channel, so `connections` concurrent senders spread over all of them.
        let i = next++ % connections;
        for (let j = 0; j < connections; j++) if (inFlight[j]! < inFlight[i]!) i = j;
        inFlight[i]!++;
        clients[i]!.makeUnaryRequest<Buffer, Buffer>(
          EXPORT_METHOD, passthrough, passthrough, Buffer.from(body.buffer, body.byteOffset, body.byteLength), new grpc.Metadata(), { deadline: Date.now() + timeoutMs },
          (err, response) => {
            inFlight[i]!--;
            if (!err) {
              resolve({ status: 'grpc 0 OK', ok: true, retryable: false, retryAfterMs: null, rejected: response ? deliveredOutcome(response, false).rejected : 0, detail: '' });
              return;
            }
            const code = err.code ?? grpc.status.UNKNOWN;
            const details = err.metadata?.get('grpc-status-details-bin')[0];
            const retryAfterMs = retryInfoDelayMs(Buffer.isBuffer(details) ? details : null);
            resolve({
              status: `grpc ${code} ${grpc.status[code] ?? '?'}`,
              ok: false,
              retryable: grpcRetryable(code, retryAfterMs),
              retryAfterMs,
              rejected: 0,
              detail: (err.details ?? err.message).slice(0, 200),
            });
          },
        );
      }),
  };
}
