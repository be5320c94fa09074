/**
 * A real OpenTelemetry Collector as the upstream of the forward tests: built from the Collector's
 * own Go modules by test/interop/otelcol/build.sh (OTLP receiver, debug exporter), run as a child
 * process on loopback ports. What it received is read from its debug exporter's detailed output.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './serve-process';

/** First build ~3 min on 2 cores (module proxy), then cached beside the Go build cache. */
export const COLLECTOR_BUILD_TIMEOUT_MS = 15 * 60_000;

export function buildCollector(): string {
  const out = execFileSync('sh', [join(REPO_ROOT, 'test/interop/otelcol/build.sh')], { encoding: 'utf8', timeout: COLLECTOR_BUILD_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1)!;
}

export interface Collector {
  httpEndpoint: string;
  grpcEndpoint: string;
  output(): string;
  /** Trace ids of every span it has printed. */
  traceIds(): Set<string>;
  /** Waits until `done(output)` holds, or throws with the output. */
  waitFor(what: string, done: (output: string) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The test certificate for localhost and 127.0.0.1 (test/fixtures/tls): trust it with NODE_EXTRA_CA_CERTS. */
export const TEST_CERT = join(REPO_ROOT, 'test/fixtures/tls/localhost.crt');
const TEST_KEY = join(REPO_ROOT, 'test/fixtures/tls/localhost.key');

/** `tls`: both receivers serve TLS with TEST_CERT (https:// and grpcs:// endpoints). */
export async function startCollector(bin: string, ports: { http: number; grpc: number }, options: { tls?: boolean } = {}): Promise<Collector> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-otelcol-'));
  const config = join(dir, 'config.yaml');
  const tls = options.tls ? `\n        tls:\n          cert_file: ${TEST_CERT}\n          key_file: ${TEST_KEY}` : '';
  writeFileSync(
    config,
    `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${ports.http}${tls}
      grpc:
        endpoint: 127.0.0.1:${ports.grpc}${tls}
exporters:
  debug:
    verbosity: detailed
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [debug]
    logs:
      receivers: [otlp]
      exporters: [debug]
    metrics:
      receivers: [otlp]
      exporters: [debug]
`,
  );
  const child: ChildProcess = spawn(bin, [`--config=file:${config}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const collector: Collector = {
    httpEndpoint: `${options.tls ? 'https' : 'http'}://127.0.0.1:${ports.http}`,
    grpcEndpoint: `${options.tls ? 'grpcs' : 'grpc'}://127.0.0.1:${ports.grpc}`,
    output: () => out,
    traceIds: () => new Set([...out.matchAll(/Trace ID\s*:\s*([0-9a-f]{32})/g)].map((m) => m[1]!)),
    async waitFor(what, done, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(out)) {
        if (child.exitCode !== null) throw new Error(`the collector exited waiting for ${what}:\n${out.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`the collector did not get ${what} in ${timeoutMs} ms:\n${out.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  await collector.waitFor('to start', (o) => /Everything is ready/.test(o), 30_000);
  return collector;
}
