/**
 * OTLP/gRPC to an upstream (grpc:// plaintext, grpcs:// TLS with Node's CAs and
 * NODE_EXTRA_CA_CERTS): each stored request is one Export call. gRPC carries protobuf only, so a
 * request stored as OTLP/JSON (a JSON exporter's, or a redacted one) is transcoded first.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { credentials, Client, Metadata, status, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import type { ForwardEndpoint } from '../../../src-shared/forwarding';
import type { OtlpEncoding, OtlpSignal } from '../otlp/responses';
import { otlpJsonToProtobuf } from '../otlp/json-to-protobuf';
import { credentialsRefused, deliveredOutcome, grpcRetryable, retryInfoDelayMs, type SendOutcome } from './send-outcome';

const EXPORT_METHOD: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};
const CALL_DEADLINE_MS = 30_000;
const GZIP = 2;
const identity = (b: Buffer) => b;

/**
 * What HTTPS (fetch) trusts: Node's bundled roots and NODE_EXTRA_CA_CERTS. grpc-js's own default
 * leaves the latter out, so a team CA that works for https:// would fail for grpcs://.
 */
function trustedRoots(): Buffer {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  let extraPem = '';
  if (extra) {
    try {
      extraPem = readFileSync(extra, 'utf8');
    } catch {
      // Node itself warns about an unreadable NODE_EXTRA_CA_CERTS at start.
    }
  }
  return Buffer.from(`${rootCertificates.join('\n')}\n${extraPem}`);
}

export class GrpcSender {
  private readonly client: Client;
  private readonly metadata: Metadata;
  private inFlight: ClientUnaryCall | null = null;
  private closed = false;

  constructor(private readonly endpoint: ForwardEndpoint) {
    const url = new URL(endpoint.url);
    const creds = url.protocol === 'grpcs:' ? credentials.createSsl(trustedRoots()) : credentials.createInsecure();
    this.client = new Client(url.host, creds, endpoint.compression === 'gzip' ? { 'grpc.default_compression_algorithm': GZIP } : {});
    this.metadata = new Metadata();
    for (const [name, value] of Object.entries(endpoint.headers)) this.metadata.set(name, value);
  }

  send(signal: OtlpSignal, encoding: OtlpEncoding, payload: Uint8Array): Promise<SendOutcome> {
    if (this.closed) return Promise.resolve({ kind: 'retry', message: 'the sender is closed', afterMs: null });
    let body: Uint8Array;
    try {
      body = encoding === 'protobuf' ? payload : otlpJsonToProtobuf(signal, payload);
    } catch (err) {
      return Promise.resolve({ kind: 'refused', message: `a stored OTLP/JSON request could not be transcoded for gRPC: ${(err as Error).message}` });
    }
    return new Promise((resolve) => {
      this.inFlight = this.client.makeUnaryRequest<Buffer, Buffer>(
        EXPORT_METHOD[signal],
        identity,
        identity,
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        this.metadata,
        { deadline: Date.now() + CALL_DEADLINE_MS },
        (err: ServiceError | null, response?: Buffer) => {
          this.inFlight = null;
          if (!err) return resolve(deliveredOutcome(response ?? Buffer.alloc(0), false));
          const message = `${this.endpoint.url}: ${status[err.code] ?? err.code} ${err.details}`.trim();
          const details = err.metadata?.get('grpc-status-details-bin')[0];
          const delay = retryInfoDelayMs(Buffer.isBuffer(details) ? details : null);
          if (grpcRetryable(err.code, delay)) resolve({ kind: 'retry', message, afterMs: delay });
          else resolve(credentialsRefused({ grpcCode: err.code }, message) ?? { kind: 'refused', message });
        },
      );
    });
  }

  /** Cancels the call in flight (a hung upstream must not hold a stop or a settings change). */
  close(): void {
    this.closed = true;
    this.inFlight?.cancel();
    this.client.close();
  }
}
