/**
 * `kill -9` of the real `flowtrace serve` process (its whole process group, not a wrapper):
 * everything an exporter was told succeeded is there, complete, after a restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startServe, tempDataDir } from '../support/serve-process';
import { exportSpans, recordAgentTrace, sendAgentTrace, type SentTrace } from '../support/otel';
import { DB_FILE } from '../../src-main/engine';

async function readTrace(api: string, traceId: string): Promise<{ spans: Array<{ spanId: string }> } | null> {
  const res = await fetch(`${api}/api/v1/traces/${traceId}`);
  if (res.status === 404) return null;
  assert.equal(res.status, 200);
  return (await res.json()) as { spans: Array<{ spanId: string }> };
}

test('kill -9 right after the exporter got its success: after restart the trace is complete', async () => {
  const dataDir = tempDataDir();
  const first = await startServe({ dataDir });
  const sent = await sendAgentTrace(first.otlpHttp, 'protobuf', { toolCalls: 20 });
  await first.kill9();

  const second = await startServe({ dataDir });
  try {
    const trace = await readTrace(second.api, sent.traceId);
    assert.ok(trace, 'trace readable after restart');
    assert.deepEqual(trace.spans.map((s) => s.spanId).sort(), [...sent.spanIds].sort());
    const list = (await (await fetch(`${second.api}/api/v1/traces`)).json()) as { traces: Array<{ traceId: string; spanCount: number }> };
    assert.equal(list.traces.find((t) => t.traceId === sent.traceId)?.spanCount, sent.spanIds.length);
  } finally {
    await second.stop();
  }
});

/**
 * After a restart: the file passes integrity_check (read beside the running server, as WAL allows),
 * every acknowledged trace is listed with all its spans, and every listed trace was one that was sent.
 * Returns how many traces are stored.
 */
async function assertRecovered(api: string, dataDir: string, acked: SentTrace[], attempted: Set<string>): Promise<number> {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
  const spanCounts = new Map<string, number>();
  let cursor: string | null = null;
  do {
    const page = (await (await fetch(`${api}/api/v1/traces?limit=500${cursor ? `&cursor=${cursor}` : ''}`)).json()) as {
      traces: Array<{ traceId: string; spanCount: number }>;
      nextCursor: string | null;
    };
    for (const t of page.traces) {
      assert.ok(attempted.has(t.traceId), `stored trace ${t.traceId} was sent`);
      spanCounts.set(t.traceId, t.spanCount);
    }
    cursor = page.nextCursor;
  } while (cursor);
  for (const sent of acked) {
    assert.equal(spanCounts.get(sent.traceId), sent.spanIds.length, `acknowledged trace ${sent.traceId} listed with all its spans`);
  }
  return spanCounts.size;
}

/** 10 rounds in the normal suite; FLOWTRACE_CRASH_ROUNDS=100 for the full acceptance run. */
test('kill -9 at random moments under concurrent exporters loses nothing acknowledged, stores nothing unsent', async () => {
  const rounds = Number(process.env.FLOWTRACE_CRASH_ROUNDS ?? 10);
  const dataDir = tempDataDir();
  const acked: SentTrace[] = [];
  const attempted = new Set<string>();
  for (let round = 0; round < rounds; round++) {
    const server = await startServe({ dataDir });
    if (round > 0) await assertRecovered(server.api, dataDir, acked, attempted);
    let running = true;
    const exporters = Array.from({ length: 4 }, async () => {
      while (running) {
        const sent = recordAgentTrace({ toolCalls: 10 });
        attempted.add(sent.traceId);
        try {
          await exportSpans(server.otlpHttp, 'protobuf', sent.spans, 1000);
          acked.push(sent);
        } catch {
          return; // the server died mid-request: unacknowledged, so it may or may not be stored
        }
      }
    });
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 600));
    await server.kill9();
    running = false;
    await Promise.all(exporters);
  }
  assert.ok(acked.length >= rounds, `exports were acknowledged in every round (${acked.length})`);

  const server = await startServe({ dataDir });
  try {
    const stored = await assertRecovered(server.api, dataDir, acked, attempted);
    for (const sent of acked) {
      const trace = await readTrace(server.api, sent.traceId);
      assert.equal(trace?.spans.length, sent.spanIds.length, `acknowledged trace ${sent.traceId} complete`);
    }
    console.log(`crash test: ${rounds} rounds, ${acked.length} traces acknowledged, ${stored} stored, ${attempted.size} attempted`);
  } finally {
    await server.stop();
  }
});
