// Settings over REST against a real `flowtrace serve`: a new OTLP port applies at once (an exporter
// there is stored, the old port refuses), is saved, and binds again after a restart unless a flag
// says otherwise for that run, which the settings then name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SettingsView } from '../../src-shared/settings';
import { exportSpans, recordAgentTrace } from '../support/otel';
import { startServe, tempDataDir } from '../support/serve-process';
import { freePort } from '../support/ports';

async function settings(api: string, patch?: object): Promise<SettingsView> {
  const res = await fetch(`${api}/api/v1/settings`, patch ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) } : {});
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as SettingsView;
}

test('a new OTLP/HTTP port applies at once, is saved, and is bound again after a restart without the flag', async () => {
  const dataDir = tempDataDir();
  const port = await freePort();
  const first = await startServe({ dataDir });
  try {
    const view = await settings(first.api, { otlpHttpPort: port, retentionDays: 14 });
    assert.deepEqual([view.settings.otlpHttpPort, view.settings.retentionDays], [port, 14]);
    const sent = recordAgentTrace();
    await exportSpans(`http://127.0.0.1:${port}`, 'protobuf', sent.spans);
    assert.equal((await fetch(`${first.api}/api/v1/traces/${sent.traceId}`)).status, 200);
    await assert.rejects(fetch(`${first.otlpHttp}/v1/traces`, { method: 'POST' }), 'the old port refuses');
    const info = (await (await fetch(`${first.api}/api/v1/info`)).json()) as { otlpHttpEndpoint: string };
    assert.equal(info.otlpHttpEndpoint, `http://127.0.0.1:${port}`);
  } finally {
    await first.stop();
  }

  const second = await startServe({ dataDir, otlpHttpPort: null });
  try {
    assert.equal(second.otlpHttp, `http://127.0.0.1:${port}`);
    const view = await settings(second.api);
    assert.equal(view.settings.retentionDays, 14);
    assert.ok(!view.overridden.includes('otlpHttpPort'));
    assert.ok(view.overridden.includes('otlpGrpcPort'), 'the test harness sets --otlp-grpc-port');
  } finally {
    await second.stop();
  }

  const third = await startServe({ dataDir, otlpHttpPort: 0 });
  try {
    assert.notEqual(third.otlpHttp, `http://127.0.0.1:${port}`, 'a flag wins for its run');
    const view = await settings(third.api);
    assert.equal(view.settings.otlpHttpPort, port, 'the saved value stays');
    assert.ok(view.overridden.includes('otlpHttpPort'));
  } finally {
    await third.stop();
  }
});
