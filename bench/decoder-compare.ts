/**
 * Our OTLP protobuf decoder against protobufjs on the same requests (docs/adr/0004).
 *
 *   node --import tsx bench/decoder-compare.ts [--requests 32] [--spans-per-request 512] [--seconds 10] [--seed 42]
 *
 * (a) decodeTraceRequest → SpanRecord[]; (b) scanTraceRequest (validation only, what the ack path
 * runs); (c) protobufjs 7 with bench/otlp-proto/trace.proto, then converted to the same SpanRecord
 * shape (hex ids, decimal-string nanoseconds, attribute objects, kind and status names) so (a) and
 * (c) produce identical output — checked before timing; (d) protobufjs decode alone, for reference.
 * Each gets `--seconds` in all, in 5 interleaved rounds (the median round is reported) after a
 * warm-up; MB/s counts request bytes in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import protobuf from 'protobufjs';
import type { AttributeValue, Attributes, ResourceInfo, ScopeInfo, SpanRecord } from '../src-shared/contract';
import { decodeTraceRequest } from '../src-main/engine/otlp/decode-protobuf';
import { scanTraceRequest } from '../src-main/engine/otlp/scan-protobuf';
import { BatchBuilder, kindName, statusName } from '../src-main/engine/otlp/span-batch';
import { doubleValue, intValue } from '../src-main/engine/otlp/common-protobuf';
import { toBase64, toHex } from '../src-main/engine/otlp/wire';
import { RequestPool } from './lib/otlp-requests';
import { REPO_ROOT } from './lib/serve';
import { formatNumber, Report } from './lib/report';

interface Options {
  requests: number;
  spansPerRequest: number;
  seconds: number;
  seed: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { requests: 32, spansPerRequest: 512, seconds: 10, seed: 42 };
  for (let i = 0; i < argv.length; i += 2) {
    const n = Number(argv[i + 1]?.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 1) throw new Error(`${argv[i]} needs a positive integer`);
    if (argv[i] === '--requests') o.requests = n;
    else if (argv[i] === '--spans-per-request') o.spansPerRequest = n;
    else if (argv[i] === '--seconds') o.seconds = n;
    else if (argv[i] === '--seed') o.seed = n;
    else throw new Error(`unknown argument ${argv[i]}; usage: [--requests N] [--spans-per-request N] [--seconds S] [--seed N]`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------
// protobufjs → the contract's shape. Message fields are camelCase (protobufjs's default).

type Long = { toString(): string; toNumber(): number; high: number; low: number; unsigned: boolean };
interface PbKeyValue { key: string; value?: PbAnyValue | null }
interface PbAnyValue {
  stringValue?: string; boolValue?: boolean; intValue?: Long | number; doubleValue?: number;
  arrayValue?: { values: PbAnyValue[] }; kvlistValue?: { values: PbKeyValue[] }; bytesValue?: Uint8Array; value?: string;
}
interface PbSpan {
  traceId: Uint8Array; spanId: Uint8Array; traceState: string; parentSpanId: Uint8Array; name: string; kind: number;
  startTimeUnixNano: Long | number; endTimeUnixNano: Long | number; attributes: PbKeyValue[]; droppedAttributesCount: number;
  events: Array<{ timeUnixNano: Long | number; name: string; attributes: PbKeyValue[]; droppedAttributesCount: number }>; droppedEventsCount: number;
  links: Array<{ traceId: Uint8Array; spanId: Uint8Array; traceState: string; attributes: PbKeyValue[]; droppedAttributesCount: number }>; droppedLinksCount: number;
  status?: { message: string; code: number } | null;
}
interface PbRequest {
  resourceSpans: Array<{
    resource?: { attributes: PbKeyValue[]; droppedAttributesCount: number } | null;
    scopeSpans: Array<{ scope?: { name: string; version: string; attributes: PbKeyValue[]; droppedAttributesCount: number } | null; spans: PbSpan[] }>;
  }>;
}

/** fixed64 as an unsigned decimal string (protobufjs gives a Long, or a number without long.js). */
function u64(v: Long | number): string {
  if (typeof v === 'number') return String(v);
  return v.high === 0 && v.low >= 0 ? String(v.low) : ((BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)).toString();
}

function i64(v: Long | number): number | string {
  if (typeof v === 'number') return v;
  return intValue(BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0)));
}

function anyValue(v: PbAnyValue | null | undefined): AttributeValue {
  if (!v) return null;
  switch (v.value) {
    case 'stringValue': return v.stringValue!;
    case 'boolValue': return v.boolValue!;
    case 'intValue': return i64(v.intValue!);
    case 'doubleValue': return doubleValue(v.doubleValue!);
    case 'arrayValue': return v.arrayValue!.values.map(anyValue);
    case 'kvlistValue': return attributes(v.kvlistValue!.values);
    case 'bytesValue': return toBase64(v.bytesValue!);
    default: return null;
  }
}

function attributes(kvs: PbKeyValue[]): Attributes {
  const out: Attributes = {};
  for (const kv of kvs) out[kv.key] = anyValue(kv.value);
  return out;
}

function viaProtobufjs(type: protobuf.Type, buf: Uint8Array): SpanRecord[] {
  const req = type.decode(buf) as unknown as PbRequest;
  const out = new BatchBuilder();
  for (const rs of req.resourceSpans) {
    const resource: ResourceInfo = { attributes: attributes(rs.resource?.attributes ?? []), droppedAttributesCount: rs.resource?.droppedAttributesCount ?? 0 };
    for (const ss of rs.scopeSpans) {
      const s = ss.scope;
      const scope: ScopeInfo = { name: s?.name ?? '', version: s?.version ?? '', attributes: attributes(s?.attributes ?? []), droppedAttributesCount: s?.droppedAttributesCount ?? 0 };
      for (const sp of ss.spans) {
        out.add({
          traceId: toHex(sp.traceId),
          spanId: toHex(sp.spanId),
          parentSpanId: toHex(sp.parentSpanId),
          traceState: sp.traceState,
          name: sp.name,
          kind: kindName(sp.kind),
          startTimeUnixNano: u64(sp.startTimeUnixNano),
          endTimeUnixNano: u64(sp.endTimeUnixNano),
          status: { code: statusName(sp.status?.code ?? 0), message: sp.status?.message ?? '' },
          attributes: attributes(sp.attributes),
          droppedAttributesCount: sp.droppedAttributesCount,
          events: sp.events.map((e) => ({ timeUnixNano: u64(e.timeUnixNano), name: e.name, attributes: attributes(e.attributes), droppedAttributesCount: e.droppedAttributesCount })),
          droppedEventsCount: sp.droppedEventsCount,
          links: sp.links.map((l) => ({ traceId: toHex(l.traceId), spanId: toHex(l.spanId), traceState: l.traceState, attributes: attributes(l.attributes), droppedAttributesCount: l.droppedAttributesCount })),
          droppedLinksCount: sp.droppedLinksCount,
          resource,
          scope,
        });
      }
    }
  }
  return out.finish().spans;
}

// ---------------------------------------------------------------------------------------------

interface Timing {
  /** Median over rounds. */
  mbPerS: number;
  spansPerS: number;
  /** Slowest and fastest round, MB/s. */
  min: number;
  max: number;
}

/**
 * Times every decoder in `rounds` interleaved rounds of `seconds / rounds` each and keeps the
 * median round: on a shared 2-core machine, a burst of someone else's work (or a GC of the
 * previous decoder's garbage) then costs one round of one decoder, not a whole figure.
 */
function timeAll(bodies: readonly Uint8Array[], seconds: number, rounds: number, fns: Record<string, (b: Uint8Array) => number>): Record<string, Timing> {
  const samples: Record<string, Array<{ mb: number; spans: number }>> = {};
  for (const [name, fn] of Object.entries(fns)) {
    samples[name] = [];
    for (let w = 0; w < 2; w++) for (const b of bodies) fn(b);
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      let bytes = 0;
      let spans = 0;
      const t0 = performance.now();
      let elapsed = 0;
      while (elapsed < (seconds * 1000) / rounds) {
        for (const b of bodies) {
          spans += fn(b);
          bytes += b.length;
        }
        elapsed = performance.now() - t0;
      }
      samples[name]!.push({ mb: bytes / 1e6 / (elapsed / 1000), spans: spans / (elapsed / 1000) });
    }
  }
  const out: Record<string, Timing> = {};
  for (const [name, list] of Object.entries(samples)) {
    const sorted = [...list].sort((a, b) => a.mb - b.mb);
    const mid = sorted[Math.floor(sorted.length / 2)]!;
    out[name] = { mbPerS: mid.mb, spansPerS: mid.spans, min: sorted[0]!.mb, max: sorted[sorted.length - 1]!.mb };
  }
  return out;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const report = new Report({ tool: 'decoder-compare', startedAt: new Date().toISOString(), node: process.version, options: o, protobufjs: protobuf.util.Long ? 'with long.js' : 'without long.js' });
  const pool = new RequestPool({ encoding: 'protobuf', spansPerRequest: o.spansPerRequest, poolSize: o.requests, seed: o.seed });
  const bodies = Array.from({ length: o.requests }, () => pool.next().body);
  const mb = bodies.reduce((n, b) => n + b.length, 0) / 1e6;
  console.log(`OTLP protobuf decoders — ${o.requests} requests × ${o.spansPerRequest} spans (${mb.toFixed(1)} MB), ${o.seconds} s each in 5 rounds, node ${process.version}`);

  const root = protobuf.parse(readFileSync(join(REPO_ROOT, 'bench/otlp-proto/trace.proto'), 'utf8'), { keepCase: false }).root;
  const type = root.lookupType('flowtrace.bench.ExportTraceServiceRequest');
  for (const [i, b] of bodies.entries()) {
    if (!isDeepStrictEqual(viaProtobufjs(type, b), decodeTraceRequest(b).spans)) throw new Error(`request ${i}: protobufjs + conversion does not give what decodeTraceRequest gives; the comparison would be unfair`);
  }
  report.note('protobufjs + conversion gives output identical to decodeTraceRequest on every request');

  const results = timeAll(bodies, o.seconds, 5, {
    'decodeTraceRequest (ours)': (b) => decodeTraceRequest(b).spans.length,
    'scanTraceRequest (ours, validate only)': (b) => scanTraceRequest(b).spans,
    'protobufjs decode + conversion': (b) => viaProtobufjs(type, b).length,
    'protobufjs decode alone (message objects)': (b) => {
      type.decode(b);
      return o.spansPerRequest;
    },
  });
  for (const [name, r] of Object.entries(results)) {
    report.add('decode', name, r.mbPerS, 'MB/s', { note: `${formatNumber(r.spansPerS)} spans/s; rounds ${formatNumber(r.min)}–${formatNumber(r.max)} MB/s` });
  }
  const ours = results['decodeTraceRequest (ours)']!;
  const pbjs = results['protobufjs decode + conversion']!;
  report.add('decode', 'ours / protobufjs (same output)', ours.mbPerS / pbjs.mbPerS, '×');
  const file = join(REPO_ROOT, 'bench/results', `decoder-compare-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  report.write(file);
  console.log(`→ ${file}`);
}

await main();
