/**
 * Minimal loopback HTTP client for the benchmarks: OTLP/HTTP protobuf POSTs with a bounded window
 * in flight, and JSON GETs, both over keep-alive connections.
 */
import { Agent, request } from 'node:http';
import { errorMessage, sleep } from './report';

export function loopbackOnly(url: string): URL {
  const u = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error(`benchmarks talk to loopback only, not ${u.hostname}`);
  return u;
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(maxSockets = 16) {
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request; resolves with the status and the whole body. */
  send(url: string, method: 'GET' | 'POST', body?: Uint8Array, contentType?: string, timeoutMs = 60_000): Promise<{ status: number; body: Buffer }> {
    const u = loopbackOnly(url);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {};
      if (body) {
        headers['content-type'] = contentType ?? 'application/x-protobuf';
        headers['content-length'] = body.byteLength;
      }
      const req = request(
        { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search, method, agent: this.agent, headers, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${u.pathname} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** POSTs an OTLP protobuf request; retries 429/503 a few times (honouring a short back-off). */
  async postOtlp(endpoint: string, body: Uint8Array): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(`${endpoint.replace(/\/$/, '')}/v1/traces`, 'POST', body);
      if (res.status === 200) return;
      if ((res.status === 429 || res.status === 503) && attempt < 20) {
        await sleep(50 * (attempt + 1));
        continue;
      }
      throw new Error(`OTLP POST answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
    }
  }

  async getJson<T>(url: string): Promise<T> {
    const res = await this.send(url, 'GET');
    if (res.status !== 200) throw new Error(`GET ${new URL(url).pathname} answered ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
    return JSON.parse(res.body.toString('utf8')) as T;
  }
}

/**
 * Sends every item through `send` with at most `window` in flight, in order of issue.
 * Resolves when all settled; rejects with the first error (after the in-flight ones settle).
 */
export async function sendWindowed<T>(items: readonly T[], window: number, send: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: unknown = null;
  const lane = async (): Promise<void> => {
    while (next < items.length && firstError === null) {
      const i = next++;
      try {
        await send(items[i]!, i);
      } catch (err) {
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, window) }, lane));
  if (firstError !== null) throw new Error(errorMessage(firstError));
}
