/**
 * Store v2's layout, measured before it is built (issue 17, docs/adr/0011-trace-blocks.md): the same
 * generated agent spans stored (1) by today's store, through its real OTLP/HTTP receiver, and (2) as
 * the candidate layout — one compressed columnar block per trace and slice, a trace summary row, and
 * narrow side tables only for what is filtered per span (span names, low-cardinality key=value, the
 * trace's words for full text). Prints bytes per span, single-thread write rate and the read of one
 * trace, for each.
 *
 *   node --import tsx bench/layout-spike.ts [--traces 20000] [--big 100000] [--seed 42]
 *
 * The candidate is a spike: the encoding is JSON columns compressed with deflate, not the binary one a
 * store would use, so its sizes and rates are what the shape gives, not a ceiling.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SpanRecord } from '../src-shared/contract';
import { DB_FILE, startEngine } from '../src-main/engine';
import { decodeTraceRequest } from '../src-main/engine/otlp/decode-protobuf';
import { AgentSpanGenerator, Batcher, type EncodedBatch } from './gen/agent-spans';
import { intArg } from './lib/args';

function usage(message: string): never {
  throw new Error(`usage: node --import tsx bench/layout-spike.ts [--traces N] [--big N] [--seed N]; ${message}`);
}
const int = intArg(usage);
const flags = new Map<string, string | undefined>();
for (let i = 2; i < process.argv.length; i += 2) {
  const flag = process.argv[i]!;
  if (!['--traces', '--big', '--seed'].includes(flag)) usage(`unknown flag ${flag}`);
  flags.set(flag, process.argv[i + 1]);
}
const TRACES = flags.has('--traces') ? int('--traces', flags.get('--traces'), 100, 1_000_000) : 20_000;
const BIG = flags.has('--big') ? int('--big', flags.get('--big'), 1000, 2_000_000) : 100_000;
const SEED = flags.has('--seed') ? int('--seed', flags.get('--seed'), 0, 2 ** 31) : 42;

/**
 * The side table's rule for `attr=key=value`: short strings and booleans that do not look like ids,
 * and only while their key has at most KEY_VALUES_MAX distinct values (a key past it, such as a
 * prompt or a token count, is found through full text or by reading blocks).
 */
const LOW_CARDINALITY_MAX = 48;
const KEY_VALUES_MAX = 256;
const ID_LIKE = /^[0-9a-f-]{16,}$/i;
/** Blocks are small (a trace's spans of one batch, ~10): deflate gets a preset dictionary of typical block text. */
const PRESET_SAMPLE_BLOCKS = 200;

function fileBytes(path: string): number {
  let n = 0;
  for (const p of [path, `${path}-wal`]) {
    try {
      n += statSync(p).size;
    } catch {
      // absent
    }
  }
  return n;
}

function generate(): { batches: EncodedBatch[]; big: EncodedBatch[]; spans: number } {
  const gen = new AgentSpanGenerator({ seed: SEED });
  const batcher = new Batcher(512);
  const batches: EncodedBatch[] = [];
  let spans = 0;
  for (let i = 0; i < TRACES; i++) {
    const t = gen.nextTrace();
    spans += t.spans.length;
    batches.push(...batcher.add(t.spans));
  }
  const last = batcher.flush();
  if (last) batches.push(last);
  const bigBatcher = new Batcher(512);
  const bigTrace = gen.bigTrace(BIG);
  const big = [...bigBatcher.add(bigTrace.spans)];
  const tail = bigBatcher.flush();
  if (tail) big.push(tail);
  return { batches, big, spans };
}

// ---------------------------------------------------------------------------------------------
// Today's store, through its real receiver.

async function today(batches: EncodedBatch[], big: EncodedBatch[], spans: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-layout-today-'));
  const engine = await startEngine({ dataDir: dir, memory: false, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });
  try {
    const post = async (b: EncodedBatch) => {
      const res = await fetch(`${engine.info.otlpHttpEndpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: b.body });
      if (!res.ok) throw new Error(`ingest answered ${res.status}`);
    };
    const t0 = performance.now();
    for (let i = 0; i < batches.length; i += 8) await Promise.all(batches.slice(i, i + 8).map(post));
    await engine.getStats(); // a gated read: everything acknowledged is compacted
    const seconds = (performance.now() - t0) / 1000;
    for (const b of big) await post(b);
    const bigId = big[0]!.lastTraceId;
    await engine.getStats();
    const r0 = performance.now();
    const trace = await engine.getTrace(bigId);
    const readMs = performance.now() - r0;
    await engine.close();
    const bytes = fileBytes(join(dir, DB_FILE));
    console.log(
      `today      ${(bytes / (spans + BIG)).toFixed(0).padStart(5)} B/span   ${(spans / seconds).toFixed(0).padStart(7)} spans/s (8 connections, real receiver, ack after commit + compaction)   ` +
        `${BIG}-span trace read ${readMs.toFixed(0)} ms (${trace?.spans.length ?? 0} spans)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The candidate: one block per trace and slice.

interface Columns {
  ids: string[];
  parents: number[];
  names: number[];
  dict: string[];
  start: number[];
  dur: number[];
  kind: number[];
  status: number[];
  statusMessage: string[];
  /** Per span: [key index, value] pairs; keys in `dict`. */
  attrs: Array<Array<[number, unknown]>>;
  events: unknown[];
  links: unknown[];
  resource: number[];
}

/** Keys, names and resources by id, shared by every block (a table in a real store, as attribute_keys is today). */
const dictIndex = new Map<string, number>();
const of = (s: string) => {
  let i = dictIndex.get(s);
  if (i === undefined) dictIndex.set(s, (i = dictIndex.size));
  return i;
};
const keyValues = new Map<string, Set<string>>();
function lowCardinality(key: string, value: string): boolean {
  let seen = keyValues.get(key);
  if (!seen) keyValues.set(key, (seen = new Set()));
  if (seen.has(value)) return true;
  if (seen.size >= KEY_VALUES_MAX) return false;
  seen.add(value);
  return true;
}

function encodeBlock(spans: SpanRecord[]): { text: string; names: Set<string>; kv: Set<string>; words: string } {
  const dict: string[] = [];
  const base = spans.reduce((m, s) => (BigInt(s.startTimeUnixNano) < m ? BigInt(s.startTimeUnixNano) : m), BigInt(spans[0]!.startTimeUnixNano));
  const index = new Map(spans.map((s, i) => [s.spanId, i]));
  const cols: Columns = { ids: [], parents: [], names: [], dict, start: [], dur: [], kind: [], status: [], statusMessage: [], attrs: [], events: [], links: [], resource: [] };
  const names = new Set<string>();
  const kv = new Set<string>();
  const words: string[] = [];
  for (const s of spans) {
    cols.ids.push(s.spanId);
    cols.parents.push(s.parentSpanId ? (index.get(s.parentSpanId) ?? -2) : -1);
    cols.names.push(of(s.name));
    const start = BigInt(s.startTimeUnixNano);
    cols.start.push(Number(start - base));
    cols.dur.push(Number(BigInt(s.endTimeUnixNano) - start));
    cols.kind.push(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'].indexOf(s.kind));
    cols.status.push(['unset', 'ok', 'error'].indexOf(s.status.code));
    cols.statusMessage.push(s.status.message);
    cols.attrs.push(Object.entries(s.attributes).map(([k, v]) => [of(k), v]));
    cols.events.push(s.events.length ? s.events : 0);
    cols.links.push(s.links.length ? s.links : 0);
    cols.resource.push(of(JSON.stringify(s.resource.attributes)));
    names.add(s.name);
    words.push(s.name);
    for (const [k, v] of Object.entries(s.attributes)) {
      if (typeof v === 'string') {
        if (v.length <= LOW_CARDINALITY_MAX && !ID_LIKE.test(v) && lowCardinality(k, v)) kv.add(`${k}=${v}`);
        words.push(v);
      } else if (typeof v === 'boolean') kv.add(`${k}=${v}`);
    }
  }
  return { text: JSON.stringify(cols), names, kv, words: words.join(' ') };
}

function candidate(batches: EncodedBatch[], big: EncodedBatch[], spans: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-layout-blocks-'));
  const path = join(dir, 'blocks.db');
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`
      CREATE TABLE blocks (trace_id BLOB NOT NULL, slice INTEGER NOT NULL, span_count INTEGER NOT NULL, block BLOB NOT NULL, PRIMARY KEY (trace_id, slice)) WITHOUT ROWID;
      CREATE TABLE traces (trace_id BLOB PRIMARY KEY, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, service_name TEXT NOT NULL, root_name TEXT NOT NULL, span_count INTEGER NOT NULL, error_count INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX traces_by_start ON traces (start_ns DESC);
      CREATE TABLE names (name_id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
      CREATE TABLE trace_names (name_id INTEGER NOT NULL, trace_id BLOB NOT NULL, PRIMARY KEY (name_id, trace_id)) WITHOUT ROWID;
      CREATE TABLE kvs (kv_id INTEGER PRIMARY KEY, kv TEXT UNIQUE NOT NULL);
      CREATE TABLE trace_kv (kv_id INTEGER NOT NULL, trace_id BLOB NOT NULL, PRIMARY KEY (kv_id, trace_id)) WITHOUT ROWID;
      CREATE VIRTUAL TABLE trace_words USING fts5(words, content='', detail=none);
    `);
    const stmts = {
      block: db.prepare('INSERT INTO blocks VALUES (?, ?, ?, ?)'),
      trace: db.prepare('INSERT OR REPLACE INTO traces VALUES (?, ?, ?, ?, ?, ?, ?)'),
      name: db.prepare('INSERT INTO names (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = name RETURNING name_id').pluck(),
      traceName: db.prepare('INSERT OR IGNORE INTO trace_names VALUES (?, ?)'),
      kv: db.prepare('INSERT INTO kvs (kv) VALUES (?) ON CONFLICT (kv) DO UPDATE SET kv = kv RETURNING kv_id').pluck(),
      traceKv: db.prepare('INSERT OR IGNORE INTO trace_kv VALUES (?, ?)'),
      words: db.prepare('INSERT INTO trace_words (words) VALUES (?)'),
      read: db.prepare('SELECT block FROM blocks WHERE trace_id = ? ORDER BY slice').pluck(),
    };
    const nameIds = new Map<string, number>();
    const kvIds = new Map<string, number>();
    let slice = 0;
    // The preset dictionary: the text of the first blocks, as a store would ship or train one.
    const sample: string[] = [];
    for (const b of batches) {
      const byTrace = new Map<string, SpanRecord[]>();
      for (const sp of decodeTraceRequest(b.body).spans) (byTrace.get(sp.traceId) ?? byTrace.set(sp.traceId, []).get(sp.traceId)!).push(sp);
      for (const t of byTrace.values()) sample.push(encodeBlock(t).text);
      if (sample.length >= PRESET_SAMPLE_BLOCKS) break;
    }
    const preset = Buffer.from(sample.join('').slice(-32_768));
    keyValues.clear();
    // Where the one thread's time goes: what worker threads could take (decode, encode, deflate)
    // and what only the store thread can do (insert).
    const spent = { decode: 0, encode: 0, insert: 0 };
    const write = db.transaction((batch: SpanRecord[]) => {
      const byTrace = new Map<string, SpanRecord[]>();
      for (const s of batch) (byTrace.get(s.traceId) ?? byTrace.set(s.traceId, []).get(s.traceId)!).push(s);
      slice++;
      for (const [traceId, traceSpans] of byTrace) {
        const id = Buffer.from(traceId, 'hex');
        const e0 = performance.now();
        const { text, names, kv, words } = encodeBlock(traceSpans);
        const block = deflateRawSync(text, { level: 6, dictionary: preset });
        const i0 = performance.now();
        spent.encode += i0 - e0;
        stmts.block.run(id, slice, traceSpans.length, block);
        const root = traceSpans.find((s) => !s.parentSpanId) ?? traceSpans[0]!;
        const service = root.resource.attributes['service.name'];
        stmts.trace.run(id, BigInt(root.startTimeUnixNano), BigInt(root.endTimeUnixNano), typeof service === 'string' ? service : '', root.name, traceSpans.length, traceSpans.filter((s) => s.status.code === 'error').length);
        for (const n of names) {
          let nid = nameIds.get(n);
          if (nid === undefined) nameIds.set(n, (nid = stmts.name.get(n) as number));
          stmts.traceName.run(nid, id);
        }
        for (const k of kv) {
          let kid = kvIds.get(k);
          if (kid === undefined) kvIds.set(k, (kid = stmts.kv.get(k) as number));
          stmts.traceKv.run(kid, id);
        }
        stmts.words.run(words);
        spent.insert += performance.now() - i0;
      }
    });
    const decode = (body: Uint8Array): SpanRecord[] => {
      const d0 = performance.now();
      const decoded = decodeTraceRequest(body).spans;
      spent.decode += performance.now() - d0;
      return decoded;
    };
    const t0 = performance.now();
    for (const b of batches) write(decode(b.body));
    const seconds = (performance.now() - t0) / 1000;
    const split = { ...spent };
    for (const b of big) write(decode(b.body));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bigId = Buffer.from(big[0]!.lastTraceId, 'hex');
    const r0 = performance.now();
    const blocks = stmts.read.all(bigId) as Buffer[];
    let read = 0;
    for (const b of blocks) read += (JSON.parse(inflateRawSync(b, { dictionary: preset }).toString('utf8')) as Columns).ids.length;
    const readMs = performance.now() - r0;
    const bytes = fileBytes(path);
    const breakdown = (db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as Array<{ name: string; bytes: number }>)
      .slice(0, 8)
      .map((r) => `${r.name} ${(r.bytes / (spans + BIG)).toFixed(0)}`)
      .join(', ');
    console.log(
      `candidate  ${(bytes / (spans + BIG)).toFixed(0).padStart(5)} B/span   ${(spans / seconds).toFixed(0).padStart(7)} spans/s (one thread: decode + encode + deflate + insert)   ` +
        `${BIG}-span trace read ${readMs.toFixed(0)} ms (${read} spans, ${blocks.length} blocks, inflate + JSON.parse)`,
    );
    console.log(`           by table (B/span): ${breakdown}`);
    const perSpan = (ms: number) => `${((ms * 1000) / spans).toFixed(1)} µs`;
    console.log(
      `           per span: decode ${perSpan(split.decode)}, encode + deflate ${perSpan(split.encode)}, insert (the store thread's share) ${perSpan(split.insert)} ` +
        `→ insert alone ${(spans / (split.insert / 1000)).toFixed(0)} spans/s`,
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const { batches, big, spans } = generate();
console.log(`${TRACES} traces, ${spans} spans (+ one ${BIG}-span trace), seed ${SEED}; the machine's load average now: ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
await today(batches, big, spans);
candidate(batches, big, spans);
