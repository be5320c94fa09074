/**
 * The reader pool (src-main/engine/store/reader-pool.ts) on a real SQLite file with real threads:
 * a read still sees everything acknowledged before it while spans pour in; a click's span read is
 * not queued behind a long read on another reader; keys and resources added after a reader started
 * (and ids reused after clearing all data) decode right on that reader.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { StoreClient } from '../../../src-main/engine/store/client';
import type { Engine } from '../../../src-main/engine';
import { sendAgentTrace } from '../../support/otel';
import { post, startTestEngine } from '../../support/engine';
import { tempDataDir } from '../../support/serve-process';
import { otlpJson, sid, tid, type SpanSpec } from '../../support/spans';

const JSON_CT = { 'content-type': 'application/json' };

async function openStore(readers: number): Promise<StoreClient> {
  const { store } = await StoreClient.open({ dbPath: join(tempDataDir('flowtrace-readers-'), 'flowtrace.db'), readers });
  return store;
}

async function ingest(store: StoreClient, specs: SpanSpec[]): Promise<void> {
  const body = new TextEncoder().encode(otlpJson(specs));
  const result = await store.request({ op: 'ingest', signal: 'traces', encoding: 'json', body }, [body.buffer as ArrayBuffer]);
  assert.equal(result.status, 'accepted');
}

/** One trace of `n` spans under one root, sent in requests of 2000 spans. */
async function ingestBigTrace(store: StoreClient, traceId: string, n: number): Promise<void> {
  for (let from = 0; from < n; from += 2000) {
    const specs: SpanSpec[] = [];
    for (let i = from; i < Math.min(n, from + 2000); i++) {
      specs.push({ traceId, spanId: sid(i + 1), ...(i > 0 ? { parentSpanId: sid(1) } : {}), name: `step ${i % 50}`, startMs: 1_760_000_000_000 + i, attributes: { 'tool.index': i } });
    }
    await ingest(store, specs);
  }
}

describe('reads on the reader pool see every acknowledged write', () => {
  let engine: Engine;
  before(async () => {
    engine = await startTestEngine(undefined, { storeReaders: 2 });
  });
  after(async () => {
    await engine.close();
  });

  test('a trace acknowledged to the official exporter is readable at once, under concurrent ingest', async () => {
    let pouring = true;
    // Other traffic all along, so the store thread is compacting while the reads are issued.
    const background = (async () => {
      for (let n = 0; pouring; n++) {
        const specs: SpanSpec[] = [];
        for (let i = 0; i < 200; i++) specs.push({ traceId: tid(0x9000_0000 + n), spanId: sid(i + 1), name: `bg ${i}`, startMs: 1_760_000_000_000 + i });
        assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, otlpJson(specs), JSON_CT)).status, 200);
      }
    })();
    try {
      for (let round = 0; round < 40; round++) {
        const sent = await sendAgentTrace(engine.info.otlpHttpEndpoint, round % 2 === 0 ? 'protobuf' : 'json', { serviceName: `svc-${round}` });
        const trace = await engine.getTrace(sent.traceId);
        assert.ok(trace, `round ${round}: the acknowledged trace is there`);
        assert.equal(trace.spans.length, sent.spans.length, `round ${round}: every acknowledged span is there`);
        const span = await engine.getSpan(sent.traceId, sent.spanIds[0]!);
        assert.equal(span?.spanId, sent.spanIds[0]);
      }
    } finally {
      pouring = false;
      await background;
    }
  });
});

describe('a click is not queued behind a long read', () => {
  const BIG = 30_000;
  let pooled: StoreClient;
  let single: StoreClient;
  before(async () => {
    [pooled, single] = await Promise.all([openStore(2), openStore(0)]);
    for (const store of [pooled, single]) {
      await ingestBigTrace(store, tid(0xb16), BIG);
      await ingest(store, [{ traceId: tid(0x5a11), spanId: sid(7), name: 'the clicked span', startMs: 1_760_000_000_000 }]);
    }
  });
  after(async () => {
    await Promise.all([pooled.close(), single.close()]);
  });

  async function order(store: StoreClient): Promise<string[]> {
    const finished: string[] = [];
    const long = store.request({ op: 'getTrace', traceId: tid(0xb16) }).then((t) => {
      assert.equal(t?.spans.length, BIG);
      finished.push('getTrace');
    });
    const click = store.request({ op: 'getSpan', traceId: tid(0x5a11), spanId: sid(7) }).then((s) => {
      assert.equal(s?.name, 'the clicked span');
      finished.push('getSpan');
    });
    await Promise.all([long, click]);
    return finished;
  }

  test('with readers, getSpan answers while getTrace of a big trace runs on the other reader', async () => {
    assert.equal(pooled.readerCount, 2);
    assert.deepEqual(await order(pooled), ['getSpan', 'getTrace']);
  });

  test('without readers (the control), the same getSpan waits for the getTrace before it', async () => {
    assert.equal(single.readerCount, 0);
    assert.deepEqual(await order(single), ['getTrace', 'getSpan']);
  });
});

describe('a reader decodes keys and resources stored after it started', () => {
  let store: StoreClient;
  before(async () => {
    store = await openStore(1);
  });
  after(async () => {
    await store.close();
  });

  test('a new attribute key and a new resource decode right on a reader that cached the old ones', async () => {
    await ingest(store, [{ traceId: tid(1), spanId: sid(1), name: 'first', startMs: 1_760_000_000_000, service: 'svc-old', attributes: { 'old.key': 'a' } }]);
    const first = await store.request({ op: 'getTrace', traceId: tid(1) });
    assert.deepEqual(first?.spans[0]?.attributes, { 'old.key': 'a' });

    await ingest(store, [{ traceId: tid(2), spanId: sid(2), name: 'second', startMs: 1_760_000_000_001, service: 'svc-new', attributes: { 'brand.new.key': 'b', 'old.key': 'c' } }]);
    const span = await store.request({ op: 'getSpan', traceId: tid(2), spanId: sid(2) });
    assert.deepEqual(span?.attributes, { 'brand.new.key': 'b', 'old.key': 'c' });
    assert.equal(span?.resource.attributes['service.name'], 'svc-new');
  });

  test('after clearing all data, reused ids decode to the new keys and resources, not the cached ones', async () => {
    await store.request({ op: 'clearAllData' });
    assert.equal(await store.request({ op: 'getTrace', traceId: tid(2) }), null);
    await ingest(store, [{ traceId: tid(3), spanId: sid(3), name: 'third', startMs: 1_760_000_000_002, service: 'svc-after', attributes: { 'after.clear': 'd' } }]);
    const span = await store.request({ op: 'getSpan', traceId: tid(3), spanId: sid(3) });
    assert.deepEqual(span?.attributes, { 'after.clear': 'd' });
    assert.equal(span?.resource.attributes['service.name'], 'svc-after');
  });
});

describe('a reader that dies', () => {
  let store: StoreClient;
  before(async () => {
    store = await openStore(1);
    await ingest(store, [{ traceId: tid(4), spanId: sid(4), name: 'survivor', startMs: 1_760_000_000_000 }]);
  });
  after(async () => {
    await store.close();
  });

  test('fails the reads it held with a clear error, and is started again', async () => {
    // Compacted already, so the next read goes straight to the reader (no barrier first).
    assert.ok(await store.request({ op: 'getTrace', traceId: tid(4) }));
    // Many reads queued on the one reader, so some are still held when it dies (one read of a small
    // trace can finish before the thread is stopped).
    const reads = Array.from({ length: 50 }, () => store.request({ op: 'getTrace', traceId: tid(4) }));
    // The pool is private: reach its one reader's thread the way a crash would.
    const pool = (store as unknown as { pool: { readers: Array<{ worker: { terminate(): Promise<number> } }> } }).pool;
    await pool.readers[0]!.worker.terminate();
    const failed = (await Promise.allSettled(reads)).filter((r) => r.status === 'rejected');
    assert.ok(failed.length > 0, 'the reads held by the stopped reader fail');
    for (const r of failed) assert.match(String(r.reason), /store reader 0 stopped .* while serving this read; retry it/);
    const span = await store.request({ op: 'getSpan', traceId: tid(4), spanId: sid(4) });
    assert.equal(span?.name, 'survivor');
    assert.equal(store.readerCount, 1);
  });
});
