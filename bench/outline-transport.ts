/**
 * The trace outline on the wire: JSON (what the renderer parsed on its main thread before) against
 * the binary form (src-shared/trace-outline-binary.ts), for outlines built from a seed.
 *
 *   node --import tsx bench/outline-transport.ts [--sizes 100000,1000000] [--runs N] [--seed N]
 *
 * Per size: bytes of each form; encode (JSON.stringify / encodeTraceOutline) and decode
 * (JSON.parse / decodeTraceOutline) times, median of N runs; and how that splits in the page:
 * the worker's share (decodeTraceOutlineParts) and the main thread's (taking the parts: one
 * structuredClone with the typed columns transferred, serialize and deserialize both counted, so
 * an upper bound; then assembleTraceOutline). Before, the main thread paid the whole JSON.parse.
 * Then over REST (the real api-server on loopback, answering from the same outline in memory, so
 * the store is not measured): GET .../outline as JSON + JSON.parse (what the page did before)
 * against the binary Accept + decode (what it does now), server and client in this one process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assembleTraceOutline, decodeTraceOutline, decodeTraceOutlineParts, encodeTraceOutline, type TraceOutlineParts } from '../src-shared/trace-outline-binary';
import { randomOutline } from '../test/support/random-outline';
import type { TraceOutline } from '../src-shared/trace-outline';
import type { FlowtraceApi } from '../src-shared/contract';
import { TRACE_OUTLINE_MEDIA_TYPE } from '../src-shared/trace-outline-binary';
import { startApiServer } from '../src-main/headless/api-server';

function args(): { sizes: number[]; runs: number; seed: number } {
  const o = { sizes: [100_000, 1_000_000], runs: 5, seed: 42 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1] ?? '';
    if (argv[i] === '--sizes') o.sizes = v.split(',').map(Number);
    else if (argv[i] === '--runs') o.runs = Number(v);
    else if (argv[i] === '--seed') o.seed = Number(v);
    else throw new Error(`usage: node --import tsx bench/outline-transport.ts [--sizes 100000,1000000] [--runs N] [--seed N]`);
  }
  return o;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timedAsync<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

/** GET the outline over the real REST server, JSON then binary; bytes and time to a usable outline. */
async function overRest(outline: TraceOutline, runs: number): Promise<{ json: { ms: number; bytes: number }; binary: { ms: number; bytes: number } }> {
  const rendererDir = mkdtempSync(join(tmpdir(), 'outline-bench-'));
  const api = { getTraceOutline: () => Promise.resolve(outline), onIngest: () => () => {} } as unknown as FlowtraceApi;
  const server = await startApiServer({ api, host: '127.0.0.1', port: 0, rendererDir });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/traces/${'ab'.repeat(16)}/outline`;
  try {
    const json = await timedAsync(runs, async () => {
      const text = await (await fetch(url, { headers: { accept: 'application/json' } })).text();
      JSON.parse(text);
      return Buffer.byteLength(text);
    });
    const binary = await timedAsync(runs, async () => {
      const res = await fetch(url, { headers: { accept: TRACE_OUTLINE_MEDIA_TYPE } });
      if (res.headers.get('content-type') !== TRACE_OUTLINE_MEDIA_TYPE) throw new Error('the server answered JSON');
      const bytes = new Uint8Array(await res.arrayBuffer());
      decodeTraceOutline(bytes);
      return bytes.length;
    });
    return { json: { ms: json.ms, bytes: json.value }, binary: { ms: binary.ms, bytes: binary.value } };
  } finally {
    server.close();
    server.closeAllConnections();
    rmSync(rendererDir, { recursive: true, force: true });
  }
}

function timed<T>(runs: number, fn: () => T): { ms: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    value = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

const transferables = (p: TraceOutlineParts): ArrayBuffer[] => {
  const buffers = new Set<ArrayBuffer>();
  for (const v of [...Object.values(p.outline), p.messageIndex]) if (ArrayBuffer.isView(v)) buffers.add(v.buffer as ArrayBuffer);
  return [...buffers];
};

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const ms = (v: number): string => `${v.toFixed(1)} ms`;

const o = args();
console.log(`outline transport — node ${process.version}, ${cpus().length} CPUs (shared with other work: figures are under contention), median of ${o.runs}`);
for (const size of o.sizes) {
  const outline = randomOutline(o.seed, size);
  const json = timed(o.runs, () => JSON.stringify(outline));
  const jsonBytes = Buffer.byteLength(json.value);
  const parsed = timed(o.runs, () => JSON.parse(json.value) as TraceOutline);
  const encoded = timed(o.runs, () => encodeTraceOutline(outline));
  const decoded = timed(o.runs, () => decodeTraceOutline(encoded.value));
  const inWorker = timed(o.runs, () => decodeTraceOutlineParts(encoded.value));
  // Each run transfers a fresh decode's buffers (a transferred buffer is detached afterwards).
  const onMain: number[] = [];
  for (let r = 0; r < o.runs; r++) {
    const parts = decodeTraceOutlineParts(encoded.value.slice());
    const t0 = performance.now();
    assembleTraceOutline(structuredClone(parts, { transfer: transferables(parts) }));
    onMain.push(performance.now() - t0);
  }
  console.log(`\n${size.toLocaleString('en-US')} spans`);
  console.log(`  JSON    ${mb(jsonBytes).padStart(9)}  stringify ${ms(json.ms).padStart(9)}  parse  ${ms(parsed.ms).padStart(9)}  (the parse on the page's main thread)`);
  console.log(`  binary  ${mb(encoded.value.length).padStart(9)}  encode    ${ms(encoded.ms).padStart(9)}  decode ${ms(decoded.ms).padStart(9)}  = worker ${ms(inWorker.ms)} + main thread ${ms(median(onMain))} (clone with transfer + assemble)`);
  console.log(`  binary/JSON: ${(encoded.value.length / jsonBytes).toFixed(3)} of the bytes; decode ${(parsed.ms / decoded.ms).toFixed(1)}× faster than parse`);
  const rest = await overRest(outline, o.runs);
  console.log(`  REST GET .../outline to a usable outline: JSON ${mb(rest.json.bytes)} ${ms(rest.json.ms)} (stringify + send + parse); binary ${mb(rest.binary.bytes)} ${ms(rest.binary.ms)} (encode + send + decode)`);
}
