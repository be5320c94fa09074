/**
 * An OTLP/HTTP receiver that keeps every request body exactly as it arrived (bytes, content type,
 * content encoding), for fixtures a test replays byte for byte to a real `flowtrace serve`
 * (test/fixtures/coding-agents/README.md). It decodes nothing: answering is all it does, with an
 * empty success in the request's encoding, so an exporter never retries and the capture holds each
 * export once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readBody } from './coding-agent-model';

export type Signal = 'traces' | 'logs' | 'metrics';

export interface CapturedRequest {
  seq: number;
  signal: Signal;
  path: string;
  contentType: string;
  contentEncoding: string | null;
  userAgent: string | null;
  /** Milliseconds since the receiver started. */
  atMs: number;
  body: Buffer;
}

/** One line of the fixture's `requests.json`: a request's metadata and the file holding its body. */
export interface CapturedRequestEntry {
  seq: number;
  signal: Signal;
  path: string;
  contentType: string;
  contentEncoding: string | null;
  userAgent: string | null;
  atMs: number;
  bytes: number;
  file: string;
}

export interface CaptureReceiver {
  /** `http://127.0.0.1:port`, the base an exporter's `OTEL_EXPORTER_OTLP_ENDPOINT` takes. */
  origin: string;
  requests(): CapturedRequest[];
  /** Other requests (wrong path or method), kept so a capture script can report them. */
  strays(): string[];
  /** Resolves once no request has arrived for `quietMs`, or after `maxMs`. */
  settle(quietMs: number, maxMs: number): Promise<void>;
  close(): Promise<void>;
}

const SIGNALS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

export async function startCaptureReceiver(): Promise<CaptureReceiver> {
  const started = Date.now();
  const captured: CapturedRequest[] = [];
  const strays: string[] = [];
  let lastAt = Date.now();
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      lastAt = Date.now();
      const path = (req.url ?? '').split('?')[0] ?? '';
      const signal = SIGNALS[path];
      if (req.method !== 'POST' || signal === undefined) {
        strays.push(`${req.method} ${req.url}`);
        res.writeHead(404).end();
        return;
      }
      const contentType = req.headers['content-type'] ?? '';
      captured.push({
        seq: captured.length + 1, signal, path, contentType,
        contentEncoding: req.headers['content-encoding'] ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        atMs: Date.now() - started, body,
      });
      if (contentType.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => captured,
    strays: () => strays,
    settle: async (quietMs, maxMs) => {
      const deadline = Date.now() + maxMs;
      while (Date.now() - lastAt < quietMs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function extension(r: CapturedRequest): string {
  const base = r.contentType.includes('json') ? 'json' : 'pb';
  return r.contentEncoding === 'gzip' ? `${base}.gz` : base;
}

/** Writes the bodies as `otlp/NNN-<signal>.<pb|json>[.gz]` and their metadata as `otlp/requests.json`. */
export function writeCapturedRequests(dir: string, requests: CapturedRequest[]): CapturedRequestEntry[] {
  const out = join(dir, 'otlp');
  mkdirSync(out, { recursive: true });
  const entries = requests.map((r) => {
    const file = `${String(r.seq).padStart(3, '0')}-${r.signal}.${extension(r)}`;
    writeFileSync(join(out, file), r.body);
    const { body, ...rest } = r;
    return { ...rest, bytes: body.length, file };
  });
  writeFileSync(join(out, 'requests.json'), `${JSON.stringify(entries, null, 2)}\n`);
  return entries;
}
