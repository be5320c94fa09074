/**
 * OTLP/HTTP to an upstream: each stored request is POSTed to `<url>/v1/<signal>` in the encoding it
 * was stored in (every OTLP/HTTP receiver takes both), gzip-compressed unless told not to.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { ForwardEndpoint } from '../../../src-shared/forwarding';
import { CONTENT_TYPES, type OtlpEncoding, type OtlpSignal } from '../otlp/responses';
import { credentialsRefused, deliveredOutcome, RETRYABLE_HTTP_STATUS, retryAfterMs, type SendOutcome } from './send-outcome';

const gzip = promisify(gzipCallback);
/** An upstream that has not answered by then is treated as down: the request is sent again later. */
const REQUEST_TIMEOUT_MS = 30_000;
const ERROR_BODY_CHARS = 200;
/**
 * Fastest: half the CPU of the default level (1.5 vs 3.0 ms for a 275 KB request of 512 spans) for
 * 46 KB instead of 38. The CPU is the laptop's, shared with ingest; the bytes are the network's.
 */
const GZIP_LEVEL = 1;

export class HttpSender {
  /** Aborts the request in flight when the sender is closed: a hung upstream must not hold a stop or a settings change. */
  private readonly closing = new AbortController();

  constructor(private readonly endpoint: ForwardEndpoint) {}

  async send(signal: OtlpSignal, encoding: OtlpEncoding, payload: Uint8Array): Promise<SendOutcome> {
    const url = `${this.endpoint.url}/v1/${signal}`;
    const headers: Record<string, string> = { ...this.endpoint.headers, 'content-type': CONTENT_TYPES[encoding], 'user-agent': 'flowtrace-forwarder' };
    let body = payload;
    if (this.endpoint.compression === 'gzip') {
      body = await gzip(payload, { level: GZIP_LEVEL });
      headers['content-encoding'] = 'gzip';
    }
    let response: Response;
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), this.closing.signal]);
      response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'error' });
    } catch (err) {
      return { kind: 'retry', message: `${url}: ${networkMessage(err)}`, afterMs: null };
    }
    const answer = new Uint8Array(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
    if (response.ok) return deliveredOutcome(answer, (response.headers.get('content-type') ?? '').includes('json'));
    const said = new TextDecoder().decode(answer.subarray(0, ERROR_BODY_CHARS * 4)).replace(/\s+/g, ' ').trim().slice(0, ERROR_BODY_CHARS);
    const message = `${url} answered ${response.status}${said && !said.includes('\uFFFD') ? `: ${said}` : ''}`;
    if (RETRYABLE_HTTP_STATUS.has(response.status)) return { kind: 'retry', message, afterMs: retryAfterMs(response.headers.get('retry-after')) };
    return credentialsRefused({ httpStatus: response.status }, message) ?? { kind: 'refused', message };
  }

  close(): void {
    this.closing.abort();
  }
}

function networkMessage(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`;
  const { code, message } = e.cause ?? {};
  // ECONNREFUSED alone reads well; a TLS code needs its words (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate).
  if (code && message && !message.includes(code)) return `${code}: ${message}`;
  return code ?? message ?? e.message;
}
