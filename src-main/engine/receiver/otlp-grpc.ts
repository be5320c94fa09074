/**
 * OTLP/gRPC receiver: unary `Export` of the trace, logs and metrics services, for the signals this
 * engine stores. Like the HTTP receiver it decodes nothing on this thread: grpc-js does the framing,
 * size limit and gzip, the request bytes go to the store worker, and the answer waits for its commit.
 * No Host/Origin checks: browsers cannot speak cleartext HTTP/2 with trailers, so no web page can reach it.
 */
import {
  Metadata,
  ResponderBuilder,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status,
  type handleUnaryCall,
  type ServerInterceptor,
  type MethodDefinition,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { IngestResult } from '../store/protocol';
import { exportResponse, EXPORT_REQUEST, partialSuccessOf, rpcStatusWithRetryDelay, type OtlpEncoding, type OtlpSignal } from '../otlp/responses';
import { bearerMatches } from './access';

/** The gRPC default (and what OTLP exporters expect of a collector); bigger batches are RESOURCE_EXHAUSTED. */
export const DEFAULT_GRPC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
const RETRY_DELAY_SECONDS = 5;
const SHUTDOWN_GRACE_MS = 2000;
const MIB = 1024 * 1024;

/**
 * What bounds a client that stalls (grpc-js itself has only the client's own `grpc-timeout`):
 * - a call whose request has not fully arrived `callReadMs` after it started is ended with
 *   DEADLINE_EXCEEDED (a read deadline per call: its stream and memory are freed at once, while the
 *   connection and its other calls go on);
 * - a connection with no call in flight (silent, or a partial preface) is closed after `idleMs`;
 * - any connection gets GOAWAY after `maxAgeMs` (±10% jitter) and is destroyed `maxAgeGraceMs`
 *   later. Exporters reconnect on GOAWAY transparently.
 */
export interface OtlpGrpcTimeouts {
  callReadMs: number;
  idleMs: number;
  maxAgeMs: number;
  /** Time for calls in flight (waiting on a store commit) to finish after GOAWAY. */
  maxAgeGraceMs: number;
}

/**
 * Idle longer than a metrics exporter's 60 s interval, so a steady exporter keeps its connection; a
 * 4 MiB request needs 30 s only below ~1 Mbit/s, far below any loopback or LAN.
 */
export const DEFAULT_OTLP_GRPC_TIMEOUTS: OtlpGrpcTimeouts = { callReadMs: 30_000, idleMs: 120_000, maxAgeMs: 300_000, maxAgeGraceMs: 30_000 };

function resolveTimeouts(partial: Partial<OtlpGrpcTimeouts> | undefined): OtlpGrpcTimeouts {
  const t = { ...DEFAULT_OTLP_GRPC_TIMEOUTS, ...partial };
  for (const [name, value] of Object.entries(t)) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`OTLP/gRPC ${name} must be a positive whole number of ms, not ${value}`);
  }
  return t;
}

const SERVICES: Record<OtlpSignal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};

export interface OtlpGrpcReceiverOptions {
  host: string;
  port: number;
  /** The signals this engine stores; the other services answer UNIMPLEMENTED. */
  signals: readonly OtlpSignal[];
  ingest: (signal: OtlpSignal, encoding: OtlpEncoding, body: Uint8Array) => Promise<IngestResult>;
  isPaused: () => boolean;
  /** When set, every call must carry `authorization: Bearer <token>` metadata. */
  token: string | undefined;
  /** Largest request accepted, compressed or after gunzip; default 4 MiB. */
  maxMessageBytes?: number;
  /** Connection time bounds; DEFAULT_OTLP_GRPC_TIMEOUTS for whatever is left out. */
  timeouts?: Partial<OtlpGrpcTimeouts>;
}

export interface OtlpGrpcReceiver {
  readonly port: number;
  /** Lets calls in flight finish (they wait on the store) for a short grace, then cuts the rest. */
  close(): Promise<void>;
}

/** Raised when the port is taken, with the code the HTTP listener would give, so callers treat both alike. */
export class GrpcAddressInUseError extends Error {
  readonly code = 'EADDRINUSE';
}

/**
 * grpc-js hands over a Buffer that may be a slice of a pooled or shared allocation; the store
 * worker takes ownership of the ArrayBuffer by transfer, so each request gets its own.
 */
function ownedCopy(buf: Buffer): Uint8Array {
  const body = new Uint8Array(buf.length);
  body.set(buf);
  return body;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Passthrough (de)serializers: the bytes are the OTLP message; our own decoder runs in the store. */
function exportMethod(signal: OtlpSignal): MethodDefinition<Uint8Array, Uint8Array> {
  return {
    path: `/${SERVICES[signal]}/Export`,
    requestStream: false,
    responseStream: false,
    requestSerialize: asBuffer,
    requestDeserialize: ownedCopy,
    responseSerialize: asBuffer,
    responseDeserialize: ownedCopy,
  };
}

type Failure = { ok: false; error: ServerErrorResponse };
type Answer = { ok: true; response: Uint8Array } | Failure;

function failure(code: status, details: string, metadata?: Metadata): Failure {
  return { ok: false, error: Object.assign(new Error(details), { code, details, ...(metadata ? { metadata } : {}) }) };
}

/** UNAVAILABLE with RetryInfo, so exporters back off for the delay we ask rather than their own. */
function unavailable(message: string): Failure {
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', asBuffer(rpcStatusWithRetryDelay(status.UNAVAILABLE, message, RETRY_DELAY_SECONDS)));
  return failure(status.UNAVAILABLE, message, metadata);
}

function success(signal: OtlpSignal, partial: ReturnType<typeof partialSuccessOf>): Answer {
  // The protobuf encoding always yields bytes; the string form is JSON's.
  return { ok: true, response: exportResponse(signal, 'protobuf', partial) as Uint8Array };
}

function authorized(metadata: Metadata, token: string | undefined): boolean {
  if (token === undefined) return true;
  const value = metadata.get('authorization')[0];
  return typeof value === 'string' && bearerMatches(value, token);
}

async function answer(signal: OtlpSignal, call: ServerUnaryCall<Uint8Array, Uint8Array>, options: OtlpGrpcReceiverOptions): Promise<Answer> {
  if (!authorized(call.metadata, options.token)) {
    return failure(status.UNAUTHENTICATED, 'missing or wrong bearer token: send metadata "authorization: Bearer <token>" (OTEL_EXPORTER_OTLP_HEADERS=authorization=Bearer <token>)');
  }
  if (options.isPaused()) return unavailable('ingest is paused in Flowtrace; retry later');
  const body = call.request;
  if (body.length === 0) return success(signal, null);

  const result = await options.ingest(signal, 'protobuf', body);
  switch (result.status) {
    case 'accepted':
      return success(signal, partialSuccessOf(signal, result));
    case 'invalid':
      return failure(status.INVALID_ARGUMENT, `could not decode OTLP protobuf ${EXPORT_REQUEST[signal]}: ${result.message}`);
    case 'unavailable':
      return unavailable(result.message);
  }
}

function exportHandler(signal: OtlpSignal, options: OtlpGrpcReceiverOptions): handleUnaryCall<Uint8Array, Uint8Array> {
  return (call, callback) => {
    answer(signal, call, options).then(
      (a) => (a.ok ? callback(null, a.response) : callback(a.error)),
      (err: unknown) => callback(failure(status.INTERNAL, `internal error: ${(err as Error).message}`).error),
    );
  };
}

/**
 * Bounds per connection. 100 streams is what HTTP/2 recommends as the least to allow. The session
 * memory cap (MB; grpc-js leaves it unlimited by default) covers a collector's ten parallel exports
 * of the largest message with room to spare, and stops one client from buffering without bound.
 * Keepalive pings find exporters that vanished without closing (a laptop put to sleep), and drop a
 * peer that does not answer them. The idle and age bounds are described at OtlpGrpcTimeouts.
 */
function serverOptions(maxMessageBytes: number, timeouts: OtlpGrpcTimeouts): ConstructorParameters<typeof Server>[0] {
  return {
    'grpc.max_connection_idle_ms': timeouts.idleMs,
    'grpc.max_connection_age_ms': timeouts.maxAgeMs,
    'grpc.max_connection_age_grace_ms': timeouts.maxAgeGraceMs,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_concurrent_streams': 100,
    'grpc-node.max_session_memory': Math.max(64, Math.ceil((16 * maxMessageBytes) / MIB)),
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.enable_channelz': 0,
  };
}

/** Ends a call whose request is not in within `ms` of its start (OtlpGrpcTimeouts.callReadMs). */
function readDeadline(ms: number): ServerInterceptor {
  return (_method, call) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => clearTimeout(timer);
    return new ServerInterceptingCall(
      call,
      new ResponderBuilder()
        .withStart((next) => {
          timer = setTimeout(() => {
            call.sendStatus({ code: status.DEADLINE_EXCEEDED, details: `the request did not arrive within ${ms / 1000} s of the call's start; send it again` });
          }, ms);
          next(new ServerListenerBuilder().withOnReceiveMessage((message, pass) => (stop(), pass(message))).withOnCancel(stop).build());
        })
        .withSendStatus((status, next) => (stop(), next(status)))
        .build(),
    );
  };
}

function bind(server: Server, host: string, port: number): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, boundPort) => {
      if (!err) return resolve(boundPort);
      // grpc-js folds the listen errors into one message without a code.
      if (/EADDRINUSE/.test(err.message)) reject(new GrpcAddressInUseError(`${address} is in use`, { cause: err }));
      else reject(err);
    });
  });
}

function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startOtlpGrpcReceiver(options: OtlpGrpcReceiverOptions): Promise<OtlpGrpcReceiver> {
  const timeouts = resolveTimeouts(options.timeouts);
  const server = new Server({ ...serverOptions(options.maxMessageBytes ?? DEFAULT_GRPC_MAX_MESSAGE_BYTES, timeouts), interceptors: [readDeadline(timeouts.callReadMs)] });
  for (const signal of options.signals) {
    const definition: ServiceDefinition<{ Export: MethodDefinition<Uint8Array, Uint8Array> }> = { Export: exportMethod(signal) };
    server.addService(definition, { Export: exportHandler(signal, options) });
  }
  let port: number;
  try {
    port = await bind(server, options.host, options.port);
  } catch (err) {
    server.forceShutdown();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    port,
    close: () => (closing ??= shutdown(server)),
  };
}
