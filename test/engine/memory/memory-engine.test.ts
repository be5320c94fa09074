/**
 * The memory beside a real engine (in-process, real SQLite files, the memory in its own process):
 * retention takes remembered texts with their traces, an over-full backlog is passed over and
 * counted, and a memory process that dies is restarted while ingest goes on. The hashing embedder
 * keeps these fast; what they test does not depend on meaning (test/headless/memory.test.ts does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { MemoryStatus } from '../../../src-shared/contract';
import { startTestEngine } from '../../support/engine';
import { exportSpans } from '../../support/otel';
import { MEMORY_RUNS, recordConversation } from '../../support/memory-runs';

const HASHING = { embedder: { kind: 'hashing' as const }, lowPriority: false };

async function until(engine: { getMemoryStatus(): Promise<MemoryStatus> }, ok: (s: MemoryStatus) => boolean, what: string, ms = 20_000): Promise<MemoryStatus> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = await engine.getMemoryStatus();
    if (ok(s)) return s;
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** This process's children: the engine's memory process among them. */
function childPids(): number[] {
  const text = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

test('retention deletes remembered texts with their traces', async () => {
  // Old enough to be deleted soon, young enough for the memory to remember it first on a busy machine.
  const engine = await startTestEngine(undefined, { memory: HASHING, retention: { maxAgeMs: 5000 }, retentionIntervalMs: 200 });
  try {
    const run = recordConversation(MEMORY_RUNS[1]!);
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', run.spans);
    await until(engine, (s) => s.items >= 3 && s.backlogSpans === 0, 'remembered');
    const found = await engine.search({ q: 'refunded duplicate payment', mode: 'text' });
    assert.ok(found.results.some((r) => r.traceId === run.traceId));
    await until(engine, (s) => s.items === 0, 'forgotten with its trace', 15_000);
    assert.equal((await engine.getTrace(run.traceId)), null);
    assert.deepEqual((await engine.search({ q: 'refunded duplicate payment', mode: 'text' })).results, []);
  } finally {
    await engine.close();
  }
});

test('a backlog over its bound is passed over and counted, never queued without end', async () => {
  // Runs stored while the memory was off are its backlog when it starts.
  const before = await startTestEngine();
  // 50 runs, two GenAI spans each: more than one feed batch (64 spans).
  const spans = Array.from({ length: 50 }, (_, i) => recordConversation({ ...MEMORY_RUNS[2]!, user: `Load export number ${i} into the warehouse.` }).spans).flat();
  await exportSpans(before.info.otlpHttpEndpoint, 'protobuf', spans);
  await before.close();
  const engine = await startTestEngine(before.dataDir, { memory: { ...HASHING, backlogMaxRows: 5 } });
  try {
    const s = await until(engine, (st) => st.backlogSpans === 0 && st.items > 0, 'caught up');
    assert.ok(s.skippedSpans > 0, `some spans passed over: ${JSON.stringify(s)}`);
    assert.ok(s.items < 50 * 2, `not everything was embedded: ${s.items}`);
  } finally {
    await engine.close();
  }
});

test('a memory process that dies is started again; ingest never noticed', async () => {
  const engine = await startTestEngine(undefined, { memory: HASHING });
  try {
    await engine.remember('notes', { text: 'The coffee machine is on the third floor.' });
    const [memoryPid] = childPids();
    assert.ok(memoryPid, 'the memory runs in a child process');
    process.kill(memoryPid, 'SIGKILL');
    // Ingest goes on while the memory is down.
    const run = recordConversation(MEMORY_RUNS[0]!);
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', run.spans);
    assert.ok(await engine.getTrace(run.traceId));
    // Calls wait for the restarted memory, which still has the note and catches up on the run.
    const recalled = await engine.recall('notes', { query: 'coffee machine', k: 1 });
    assert.match(recalled.items[0]!.text, /coffee machine/);
    await until(engine, (s) => s.items >= 4 && s.backlogSpans === 0, 'remembered the run sent while it was down');
    // The killed one may linger in the list a moment as a zombie; a new one runs beside it.
    assert.ok(childPids().some((pid) => pid !== memoryPid), 'a new memory process runs');
  } finally {
    await engine.close();
  }
});

test('switching the embedder re-embeds everything into an index of its own', async () => {
  const first = await startTestEngine(undefined, { memory: HASHING });
  await first.remember('notes', { text: 'The coffee machine is on the third floor.' });
  await first.remember('notes', { text: 'Badges are renewed every January.' });
  await first.close();
  const engine = await startTestEngine(first.dataDir, { memory: { embedder: { kind: 'hashing', dim: 64 }, lowPriority: false } });
  try {
    const s = await until(engine, (st) => st.items === 2 && st.backlogSpans === 0, 'both notes embedded again');
    assert.equal(s.embedder?.dim, 64);
    const recalled = await engine.recall('notes', { query: 'coffee machine floor', k: 1 });
    assert.match(recalled.items[0]!.text, /coffee machine/);
  } finally {
    await engine.close();
  }
});

test('memory off: search and memory calls fail clearly; status says off', async () => {
  const engine = await startTestEngine();
  try {
    assert.deepEqual(await engine.getMemoryStatus(), { enabled: false, embedder: null, items: 0, backlogSpans: 0, skippedSpans: 0, lastError: null });
    await assert.rejects(engine.search({ q: 'anything' }), /memory is off/);
    await assert.rejects(engine.remember('notes', { text: 'x' }), /memory is off/);
  } finally {
    await engine.close();
  }
});

test('a memory that cannot start (its model missing) says why, once, and the engine runs on', async () => {
  const lines: string[] = [];
  const engine = await startTestEngine(undefined, { memory: { embedder: { kind: 'local', modelDir: '/nonexistent/model' } }, log: (l) => lines.push(l) });
  try {
    await assert.rejects(engine.search({ q: 'anything' }), /memory is not available: .*\/nonexistent\/model/);
    const status = await engine.getMemoryStatus();
    assert.match(status.lastError ?? '', /\/nonexistent\/model/);
    assert.deepEqual((await engine.listTraces({})).traces, []);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(lines.filter((l) => /memory could not start/.test(l)).length, 1, lines.join('\n'));
  } finally {
    await engine.close();
  }
});
