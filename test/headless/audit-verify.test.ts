/**
 * The audit trail end to end: a real `flowtrace serve` stores agent runs from the official OTel
 * exporter; `flowtrace verify` passes on the store (beside the running server, and after a delete
 * took a trace); then a span name is edited inside its stored block behind Flowtrace's back (the
 * edit is real: the server shows the new name), and verify names that trace and only it, exiting 1;
 * a recorded digest edited in the chain is found where the chain breaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TraceDetail } from '../../src-shared/contract';
import { deflateBlock } from '../../src-main/engine/store/span-block';
import { recordAgentTrace, exportSpans } from '../support/otel';
import { runCliAsync } from '../support/cli';
import { startServe, type ServeProcess } from '../support/serve-process';

async function traceOf(server: ServeProcess, traceId: string): Promise<TraceDetail> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${server.api}/api/v1/traces/${traceId}`);
    if (res.status === 200) return (await res.json()) as TraceDetail;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`trace ${traceId} not stored`);
}

/** Replaces text of the same length inside a trace's stored blocks, as someone with the file could. */
function editBlocks(dbFile: string, traceId: string, from: string, to: string): number {
  assert.equal(from.length, to.length);
  const db = new Database(dbFile);
  try {
    const dicts = new Map((db.prepare('SELECT id, dict FROM block_dictionaries').all() as Array<{ id: number; dict: Buffer }>).map((d) => [d.id, d.dict]));
    let edited = 0;
    for (const table of ['span_blocks', 'span_blocks_fresh']) {
      const rows = db.prepare(`SELECT first_row, ${table === 'span_blocks' ? 'dict' : '-1 AS dict'}, block FROM ${table} WHERE trace_id = ?`).all(Buffer.from(traceId, 'hex')) as Array<{ first_row: number; dict: number; block: Buffer }>;
      for (const r of rows) {
        const dict = r.dict > 0 ? dicts.get(r.dict)! : null;
        const raw = r.dict < 0 ? r.block : inflateRawSync(r.block, dict ? { dictionary: dict } : {});
        const text = raw.toString('latin1');
        if (!text.includes(from)) continue;
        const changed = Buffer.from(text.replaceAll(from, to), 'latin1');
        db.prepare(`UPDATE ${table} SET block = ? WHERE first_row = ?`).run(r.dict < 0 ? changed : deflateBlock(changed, dict), r.first_row);
        edited++;
      }
    }
    return edited;
  } finally {
    db.close();
  }
}

test('verify passes on a clean store, names the trace whose span name was edited in the file, and finds an edited chain', { timeout: 120_000 }, async () => {
  let server = await startServe();
  const dataDir = server.dataDir;
  const dbFile = join(dataDir, 'flowtrace.sqlite');
  const runs = [0, 1, 2].map((i) => recordAgentTrace({ serviceName: `audited-${i}` }));
  try {
    for (const run of runs) await exportSpans(server.otlpHttp, 'protobuf', run.spans);
    for (const run of runs) await traceOf(server, run.traceId);

    const audit = async (id: string) => ((await (await fetch(`${server.api}/api/v1/traces/${id}/audit`)).json()) as { state: string; digest: string }).state;
    assert.deepEqual(await Promise.all(runs.map((r) => audit(r.traceId))), ['verified', 'verified', 'verified']);
    const exported = JSON.parse(await (await fetch(`${server.api}/api/v1/traces/${runs[0]!.traceId}/otlp`)).text()) as { audit?: { state: string; digest: string } };
    assert.equal(exported.audit?.state, 'verified');
    assert.match(exported.audit?.digest ?? '', /^[0-9a-f]{64}$/, 'the export carries the trace digest');
    assert.equal((await traceOf(server, runs[0]!.traceId)).audit?.digest, exported.audit?.digest);

    const running = await runCliAsync(['verify', '--data-dir', dataDir]);
    assert.equal(running.status, 0, running.stdout + running.stderr);
    assert.match(running.stdout, /verified: everything stored matches what was recorded; chain head [0-9a-f]{64}/);

    const gone = await fetch(`${server.api}/api/v1/traces/${runs[2]!.traceId}`, { method: 'DELETE' });
    assert.equal(gone.status, 200);
    const afterDelete = await runCliAsync(['verify', '--data-dir', dataDir]);
    assert.equal(afterDelete.status, 0, afterDelete.stdout);
    assert.match(afterDelete.stdout, /stored and hashed again, [1-9]\d* taken by retention or deletes/);
    await server.stop();

    assert.ok(editBlocks(dbFile, runs[0]!.traceId, 'chat gpt-4o-mini', 'chat gpt-4o-MAXI') > 0, 'the span name is in a block');
    server = await startServe({ dataDir });
    const edited = await traceOf(server, runs[0]!.traceId);
    assert.ok(edited.spans.some((s) => s.name === 'chat gpt-4o-MAXI'), 'the edit took: Flowtrace shows the new name');
    assert.equal(edited.audit?.state, 'altered', 'and says the trace was altered');
    const marks = await Promise.all(runs.slice(0, 2).map(async (r) => ((await (await fetch(`${server.api}/api/v1/traces/${r.traceId}/audit`)).json()) as { state: string }).state));
    assert.deepEqual(marks, ['altered', 'verified']);
    const caught = await runCliAsync(['verify', '--data-dir', dataDir]);
    assert.equal(caught.status, 1, caught.stdout);
    assert.match(caught.stdout, new RegExp(`1 trace\\(s\\) no longer match what Flowtrace recorded:\\n  ${runs[0]!.traceId}  invoke_agent planner`));
    assert.ok(!caught.stdout.includes(runs[1]!.traceId), 'the untouched trace is not named');
    assert.match(caught.stdout, /NOT verified/);
    await server.stop();

    const db = new Database(dbFile);
    const second = db.prepare('SELECT first_row FROM audit_chain ORDER BY first_row LIMIT 1 OFFSET 1').pluck().get() as number;
    db.prepare('UPDATE audit_chain SET digest = randomblob(32) WHERE first_row = ?').run(second);
    db.close();
    const broken = await runCliAsync(['verify', '--data-dir', dataDir]);
    assert.equal(broken.status, 1);
    assert.match(broken.stdout, new RegExp(`the audit chain breaks at block row ${second}: recorded digests were edited or removed there`));
  } finally {
    await server.stop();
  }
});
