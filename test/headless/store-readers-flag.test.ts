/**
 * `flowtrace serve --store-readers N` (docs/adr/0010-reader-pool.md): 0 runs every read on the
 * store's thread, as before the reader pool, and answers the same; a count out of range is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { post } from '../support/engine';
import { otlpJson, sid, tid } from '../support/spans';
import { startServe, tempDataDir } from '../support/serve-process';
import { runCliAsync } from '../support/cli';

for (const readers of ['0', '2']) {
  test(`--store-readers ${readers}: an acknowledged trace reads back over REST at once`, async () => {
    const server = await startServe({ args: ['--store-readers', readers] });
    try {
      const body = otlpJson([{ traceId: tid(0x4ead), spanId: sid(1), name: `readers ${readers}`, startMs: 1_760_000_000_000 }]);
      assert.equal((await post(`${server.otlpHttp}/v1/traces`, body, { 'content-type': 'application/json' })).status, 200);
      const res = await fetch(`${server.api}/api/v1/traces/${tid(0x4ead)}`);
      assert.equal(res.status, 200);
      const trace = (await res.json()) as { spans: Array<{ name: string }> };
      assert.deepEqual(trace.spans.map((s) => s.name), [`readers ${readers}`]);
    } finally {
      await server.stop();
    }
  });
}

test('--store-readers out of range is refused before anything starts', async () => {
  const result = await runCliAsync(['serve', '--data-dir', tempDataDir(), '--store-readers', '99', '--no-memory']);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /--store-readers must be a whole number from 0 to 16/);
});
