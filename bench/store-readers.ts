/**
 * A click while a long read runs (issue 17, "Reads that never wait"; docs/adr/0010-reader-pool.md):
 * the latency of a click's getSpan issued while getTrace of a big trace is in flight, with every
 * read on the store thread (readers 0, as before the pool) and with the reader pool. Both runs read
 * the same file, loaded once.
 *
 *   node --import tsx bench/store-readers.ts [--spans 100000] [--runs 5] [--readers 2] [--keep]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreClient } from '../src-main/engine/store/client';
import { intArg } from './lib/args';
import { runMeta, writeResults } from './lib/meta';
import { percentile, Report, sleep } from './lib/report';

function usage(message?: string): never {
  if (message) console.error(`store-readers: ${message}`);
  console.error('usage: node --import tsx bench/store-readers.ts [--spans N] [--runs N] [--readers N] [--keep]');
  process.exit(2);
}

const options = { spans: 100_000, runs: 5, readers: 2, keep: false };
const int = intArg(usage);
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]!;
  const v = argv[i + 1];
  switch (a) {
    case '--spans': options.spans = int(a, v, 1000, 2_000_000); i++; break;
    case '--runs': options.runs = int(a, v, 1, 100); i++; break;
    case '--readers': options.readers = int(a, v, 1, 16); i++; break;
    case '--keep': options.keep = true; break;
    default: usage(`unknown argument ${a}`);
  }
}

const BIG = '0b16'.padStart(32, '0');
const SMALL = '5a11'.padStart(32, '0');
const CLICK_GAP_MS = 20;
const sid = (n: number) => n.toString(16).padStart(16, '0');

/** OTLP/JSON for spans [from, to) of the big trace: one root, every other span its child. */
function bigTraceRequest(from: number, to: number): Uint8Array {
  const spans = [];
  for (let i = from; i < to; i++) {
    const start = 1_760_000_000_000_000_000n + BigInt(i) * 1000n;
    spans.push({
      traceId: BIG, spanId: sid(i + 1), parentSpanId: i === 0 ? '' : sid(1), name: `tool step ${i % 64}`, kind: 1,
      startTimeUnixNano: start.toString(), endTimeUnixNano: (start + 500n).toString(), status: {},
      attributes: [{ key: 'gen_ai.tool.name', value: { stringValue: `tool_${i % 64}` } }, { key: 'step.index', value: { intValue: String(i) } }],
    });
  }
  if (from === 0) spans.push({ traceId: SMALL, spanId: sid(7), parentSpanId: '', name: 'the clicked span', kind: 1, startTimeUnixNano: '1760000000000000000', endTimeUnixNano: '1760000000000001000', status: {}, attributes: [] });
  return new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] }));
}

async function load(dbPath: string): Promise<void> {
  const { store } = await StoreClient.open({ dbPath, readers: 0 });
  for (let from = 0; from < options.spans; from += 2000) {
    const body = bigTraceRequest(from, Math.min(options.spans, from + 2000));
    const result = await store.request({ op: 'ingest', signal: 'traces', encoding: 'json', body }, [body.buffer as ArrayBuffer]);
    if (result.status !== 'accepted') throw new Error(`ingest: ${JSON.stringify(result)}`);
  }
  await store.request({ op: 'counters' }); // behind the read gate: everything compacted
  await store.close();
}

/** getSpan latencies (ms) of clicks issued CLICK_GAP_MS apart while each getTrace runs; and the getTrace times. */
async function measure(dbPath: string, readers: number): Promise<{ clicks: number[]; longReads: number[] }> {
  const { store } = await StoreClient.open({ dbPath, readers });
  const clicks: number[] = [];
  const longReads: number[] = [];
  try {
    await store.request({ op: 'getSpan', traceId: SMALL, spanId: sid(7) }); // warm
    for (let run = 0; run < options.runs; run++) {
      let done = false;
      const started = performance.now();
      const long = store.request({ op: 'getTrace', traceId: BIG }).then((t) => {
        longReads.push(performance.now() - started);
        done = true;
        if (t?.spans.length !== options.spans) throw new Error(`getTrace returned ${t?.spans.length} spans`);
      });
      while (!done) {
        const at = performance.now();
        const span = await store.request({ op: 'getSpan', traceId: SMALL, spanId: sid(7) });
        if (!span) throw new Error('the clicked span is missing');
        clicks.push(performance.now() - at);
        // A person clicks now and then, not in a tight loop that would take a core from the long read.
        await sleep(CLICK_GAP_MS);
      }
      await long;
    }
  } finally {
    await store.close();
  }
  return { clicks, longReads };
}

const started = new Date();
const report = new Report({ tool: 'store-readers', ...runMeta(started), options });
console.log(`Flowtrace reader pool — a click's getSpan while getTrace(${options.spans.toLocaleString('en-US')} spans) runs, ${options.runs} runs, node ${process.version}, ${cpus().length} CPUs`);
const dir = mkdtempSync(join(tmpdir(), 'ft-readers-'));
try {
  const dbPath = join(dir, 'flowtrace.db');
  await load(dbPath);
  for (const readers of [0, options.readers]) {
    const label = readers === 0 ? 'store thread only (before)' : `${readers} readers (after)`;
    const { clicks, longReads } = await measure(dbPath, readers);
    report.add('readers', `${label}: getSpan during getTrace, p50`, percentile(clicks, 50), 'ms');
    report.add('readers', `${label}: getSpan during getTrace, max`, clicks.reduce((a, b) => Math.max(a, b), 0), 'ms', { note: `${clicks.length} clicks` });
    report.add('readers', `${label}: getTrace ${options.spans} spans, p50`, percentile(longReads, 50), 'ms');
  }
} finally {
  if (!options.keep) rmSync(dir, { recursive: true, force: true });
  writeResults(report, 'store-readers', started);
}
