/**
 * Retention deletes whole traces, oldest first, by age and by size; a full store answers 503 with
 * Retry-After, damages nothing already stored, and takes data again by itself once space is free.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startEngine, DB_FILE, type Engine } from '../../../src-main/engine';
import { eventually, post } from '../../support/engine';
import { otlpJson, sid, tid } from '../../support/spans';
import { tempDataDir } from '../../support/serve-process';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { recordAgentTrace } from '../../support/otel';

const JSON_CT = { 'content-type': 'application/json' };

/** One ~2 KB trace of three spans; `n` makes ids and the search word unique. */
function traceBody(n: number): string {
  const filler = 'lorem ipsum dolor sit amet '.repeat(20);
  return otlpJson([0, 1, 2].map((k) => ({
    traceId: tid(0x9000 + n),
    spanId: sid(n * 10 + k + 1),
    ...(k > 0 ? { parentSpanId: sid(n * 10 + 1) } : {}),
    name: `step ${k} of run${n}`,
    startMs: 1_760_000_000_000 + n * 1000 + k,
    attributes: { note: `${filler} marker${n}` },
  })));
}

async function send(engine: Engine, n: number): Promise<number> {
  return (await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, traceBody(n), JSON_CT)).status;
}

function integrity(dir: string): string {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

test('retention by age deletes expired traces whole, with their search entries', async () => {
  const dataDir = tempDataDir();
  const engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, retention: { maxAgeMs: 400 }, retentionIntervalMs: 100 });
  try {
    assert.equal(await send(engine, 1), 200);
    assert.equal((await engine.listTraces({ q: 'marker1' })).traces.length, 1);
    await eventually(async () => ((await engine.getTrace(tid(0x9001))) === null ? true : null), 5000);
    assert.equal((await engine.listTraces({ q: 'marker1' })).traces.length, 0);
    assert.equal(await engine.getSpan(tid(0x9001), sid(11)), null);
    const stats = await engine.getStats();
    assert.equal(stats.spans, 0);
    assert.equal(stats.traces, 0);
    assert.equal(await send(engine, 2), 200, 'new data is still taken');
    assert.equal((await engine.getTrace(tid(0x9002)))?.spans.length, 3);
  } finally {
    await engine.close();
  }
  assert.equal(integrity(dataDir), 'ok');
});

test('retention by size deletes the traces received longest ago until the store fits', async () => {
  const dataDir = tempDataDir();
  const limit = 600 * 1024;
  const engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, retention: { maxBytes: limit }, retentionIntervalMs: 200 });
  try {
    for (let n = 0; n < 400; n++) assert.equal(await send(engine, n), 200);
    const newest = tid(0x9000 + 399);
    await eventually(async () => ((await engine.getTrace(tid(0x9000))) === null ? true : null), 10_000);
    const stats = await engine.getStats();
    assert.ok(stats.traces < 400 && stats.traces > 0, `some traces kept, some deleted (${stats.traces})`);
    assert.equal((await engine.getTrace(newest))?.spans.length, 3, 'the newest trace is kept');
    // Whatever survived is whole: every kept trace still has its three spans.
    const page = await engine.listTraces({ limit: 500 });
    assert.equal(page.traces.length, stats.traces);
    assert.ok(page.traces.every((t) => t.spanCount === 3));
    const oldestKept = Math.min(...page.traces.map((t) => Number.parseInt(t.traceId, 16) - 0x9000));
    assert.equal(page.traces.length, 400 - oldestKept, 'deleted exactly the oldest ones');
  } finally {
    await engine.close();
  }
  assert.equal(integrity(dataDir), 'ok');
});

test('a store 15 % over its size limit gives up a few of its oldest traces, not all of them', async () => {
  const dataDir = tempDataDir();
  const usedBytes = () => {
    const db = new Database(join(dataDir, DB_FILE), { readonly: true });
    try {
      return ((db.pragma('page_count', { simple: true }) as number) - (db.pragma('freelist_count', { simple: true }) as number)) * (db.pragma('page_size', { simple: true }) as number);
    } finally {
      db.close();
    }
  };
  // Blocks are deflated in the store's spare time: measured once the size holds still.
  let engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });
  for (let n = 0; n < 150; n++) assert.equal(await send(engine, n), 200);
  for (let prev = -1, now = usedBytes(); now !== prev; now = usedBytes()) {
    prev = now;
    await new Promise((r) => setTimeout(r, 500));
  }
  await engine.close();
  const used = usedBytes();
  engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, retention: { maxBytes: Math.floor(used * 0.85) }, retentionIntervalMs: 100 });
  try {
    await eventually(async () => ((await engine.getTrace(tid(0x9000))) === null ? true : null), 5000);
    const { traces } = await engine.getStats();
    assert.ok(traces >= 100 && traces < 150, `${traces} of 150 traces kept for an excess of ~15 %`);
    assert.equal((await engine.getTrace(tid(0x9000 + 149)))?.spans.length, 3, 'the newest trace is kept');
  } finally {
    await engine.close();
  }
});

test('a full store answers 503 with Retry-After, keeps what it stored, and resumes once space is freed', async () => {
  const dataDir = tempDataDir();
  const hardLimitBytes = 1024 * 1024;
  // Retention allows more than the ceiling: nothing frees space by itself during the first phase.
  let engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, hardLimitBytes, retentionIntervalMs: 3_600_000 });
  const acked: number[] = [];
  let full: Awaited<ReturnType<typeof post>> | null = null;
  try {
    for (let n = 0; n < 2000 && !full; n++) {
      const res = await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, traceBody(n), JSON_CT);
      if (res.status === 200) acked.push(n);
      else full = res;
    }
    assert.ok(full, 'the ceiling was reached');
    assert.equal(full.status, 503);
    assert.equal(full.headers.get('retry-after'), '5');
    assert.match(JSON.parse(full.body.toString()).message as string, /full/);
    const stats = await engine.getStats();
    assert.equal(stats.notices.at(-1)?.level, 'error');
    assert.match(stats.notices.at(-1)!.message, /Storage is full/);
    for (const n of acked) assert.equal((await engine.getTrace(tid(0x9000 + n)))?.spans.length, 3, `acked trace ${n} intact`);
  } finally {
    await engine.close();
  }
  assert.equal(integrity(dataDir), 'ok');

  // Space returns (here: retention may now keep the store well under the ceiling) → ingest resumes.
  engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, hardLimitBytes, retention: { maxBytes: 512 * 1024 }, retentionIntervalMs: 3_600_000 });
  try {
    // As an exporter would: a 503 (the store full again for a moment, before retention's next pass
    // frees room; blocks not yet deflated take ~4× their final size) is retried shortly after.
    const refusals: number[] = [];
    for (let n = 5000; n < 5050; n++) {
      let status = await send(engine, n);
      for (let retry = 0; status === 503 && retry < 50; retry++) {
        refusals.push(n);
        await new Promise((r) => setTimeout(r, 100));
        status = await send(engine, n);
      }
      assert.equal(status, 200, `trace ${n} taken, ingest resumed without operator action (refused before: ${refusals.join(', ')})`);
    }
    assert.ok(refusals.length < 50, `at most an occasional refusal: ${refusals.length}`);
    // Retention keeps the store under its size limit by deleting the oldest traces: the newest is whole.
    assert.equal((await engine.getTrace(tid(0x9000 + 5049)))?.spans.length, 3);
  } finally {
    await engine.close();
  }
  assert.equal(integrity(dataDir), 'ok');
});

test('when compaction falls behind, new requests get 503 with Retry-After instead of queueing without bound', async () => {
  const dataDir = tempDataDir();
  const engine = await startEngine({ memory: false, dataDir, otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, compactionBacklogLimit: 3000 });
  try {
    // 160 protobuf requests of ~500 spans at once: acknowledging is fast, indexing is not.
    const traces = Array.from({ length: 160 }, () => recordAgentTrace({ toolCalls: 495 }));
    const bodies = traces.map((t) => ProtobufTraceSerializer.serializeRequest(t.spans)!);
    const results = await Promise.all(bodies.map((b) => post(`${engine.info.otlpHttpEndpoint}/v1/traces`, b, { 'content-type': 'application/x-protobuf' })));
    const statuses = results.map((r) => r.status);
    assert.ok(statuses.includes(200), 'some were taken');
    const refused = results.filter((r) => r.status === 503);
    assert.ok(refused.length > 0, 'some were refused while compaction caught up');
    assert.ok(refused.every((r) => r.headers.get('retry-after') === '5'));
    assert.match(new TextDecoder().decode(refused[0]!.body), /compaction is \d+ spans behind/);
    for (let r = 0; r < results.length; r++) {
      if (results[r]!.status === 200) assert.equal((await engine.getTrace(traces[r]!.traceId))?.spans.length, traces[r]!.spans.length, `acked request ${r} complete`);
    }
  } finally {
    await engine.close();
  }
});
