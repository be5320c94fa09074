// Settings: every field checked with its own message and nothing saved on a refusal; ports rebind
// at once (real exporters on the new port, the old one refuses); retention runs at once with new
// limits; what waits for a restart is said; the token is written, never read back; a hand-broken
// field in settings.json costs that field only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, SettingsError } from '../../src-shared/settings';
import { SETTINGS_FILE } from '../../src-main/engine/settings/settings-file';
import { exportSpans, recordAgentTrace } from '../support/otel';
import { eventually, startTestEngine } from '../support/engine';
import { tempDataDir } from '../support/serve-process';
import { freePort, occupyPort } from '../support/ports';

function fieldsOf(err: unknown): Record<string, string> {
  assert.ok(err instanceof SettingsError, `a SettingsError, not ${String(err)}`);
  return err.fields;
}

test('a fresh data dir has the defaults, nothing waiting for a restart', async () => {
  const engine = await startTestEngine();
  try {
    const view = await engine.getSettings();
    assert.deepEqual(view.settings, DEFAULT_SETTINGS);
    assert.deepEqual([view.otlpTokenSet, view.restartNeeded, view.overridden], [false, [], ['embedder']]);
  } finally {
    await engine.close();
  }
});

test('every wrong field gets its own message, and nothing of the edit is saved', async () => {
  const engine = await startTestEngine();
  try {
    const err = await engine.updateSettings({ theme: 'dark', otlpHttpPort: 70_000, retentionDays: -1, durability: 'sometimes', colour: 'blue' } as never).catch((e: unknown) => e);
    const fields = fieldsOf(err);
    assert.deepEqual(Object.keys(fields).sort(), ['colour', 'durability', 'otlpHttpPort', 'retentionDays']);
    assert.match(fields.otlpHttpPort!, /a port is a whole number from 1 to 65535/);
    assert.match(fields.retentionDays!, /above 0/);
    assert.match(fields.colour!, /no such setting/);
    // The valid theme in the same edit was not saved either.
    assert.equal((await engine.getSettings()).settings.theme, 'system');

    assert.match(fieldsOf(await engine.updateSettings({ otlpHost: '0.0.0.0' }).catch((e: unknown) => e)).otlpHost!, /lets the network reach the receivers: set an OTLP token first/);
    assert.match(fieldsOf(await engine.updateSettings({ otlpToken: 'short' }).catch((e: unknown) => e)).otlpToken!, /at least 16 characters/);
    assert.match(fieldsOf(await engine.updateSettings({ otlpGrpcPort: 4318 }).catch((e: unknown) => e)).otlpGrpcPort!, /different ports/);
    assert.match(fieldsOf(await engine.updateSettings({ notifications: { budget: 'yes' } } as never).catch((e: unknown) => e))['notifications.budget']!, /true or false/);
    assert.match(fieldsOf(await engine.updateSettings({ embedder: { kind: 'openai', url: 'localhost', model: 'x' } } as never).catch((e: unknown) => e)).embedder!, /needs its URL/);
  } finally {
    await engine.close();
  }
});

test('changing the OTLP/HTTP port rebinds at once: an exporter on the new port is stored, the old port refuses; saved for the next start', async () => {
  const engine = await startTestEngine();
  try {
    const old = engine.info.otlpHttpEndpoint;
    const port = await freePort();
    const view = await engine.updateSettings({ otlpHttpPort: port });
    assert.equal(view.settings.otlpHttpPort, port);
    assert.deepEqual(view.restartNeeded, []);
    assert.equal(engine.info.otlpHttpEndpoint, `http://127.0.0.1:${port}`);
    const sent = recordAgentTrace();
    await exportSpans(`http://127.0.0.1:${port}`, 'protobuf', sent.spans);
    assert.ok(await engine.getTrace(sent.traceId));
    await assert.rejects(fetch(`${old}/v1/traces`, { method: 'POST' }));
    const file = JSON.parse(readFileSync(join(engine.dataDir, SETTINGS_FILE), 'utf8')) as { otlpHttpPort: number };
    assert.equal(file.otlpHttpPort, port);
  } finally {
    await engine.close();
  }
});

test('a port another program holds refuses the edit with who holds it, and the receiver stays', async () => {
  const blocker = await occupyPort();
  const engine = await startTestEngine();
  try {
    const before = engine.info.otlpHttpEndpoint;
    const busy = blocker.port;
    const fields = fieldsOf(await engine.updateSettings({ otlpHttpPort: busy }).catch((e: unknown) => e));
    assert.match(fields.otlpHttpPort!, new RegExp(`port ${busy} on 127\\.0\\.0\\.1 is in use`));
    assert.equal(engine.info.otlpHttpEndpoint, before);
    assert.equal((await engine.getSettings()).settings.otlpHttpPort, DEFAULT_SETTINGS.otlpHttpPort);
  } finally {
    await engine.close();
    await blocker.release();
  }
});

test('retention runs at once with new limits: a tiny size limit deletes the oldest traces', async () => {
  const engine = await startTestEngine();
  try {
    const a = recordAgentTrace();
    const b = recordAgentTrace();
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', [...a.spans, ...b.spans]);
    assert.equal((await engine.listTraces({})).traces.length, 2);
    await engine.updateSettings({ retentionGb: 0.000001 });
    await eventually(async () => ((await engine.listTraces({})).traces.length === 0 ? true : null));
  } finally {
    await engine.close();
  }
});

test('what waits for a restart is said; the token is saved for this user only and never read back', async () => {
  const engine = await startTestEngine();
  try {
    const token = 'a-long-enough-secret-token';
    const view = await engine.updateSettings({ durability: 'full', otlpHost: '0.0.0.0', otlpToken: token, theme: 'dark', dailyBudgetUsd: 5 });
    assert.deepEqual([...view.restartNeeded].sort(), ['durability', 'otlpHost', 'otlpToken']);
    assert.equal(view.otlpTokenSet, true);
    assert.ok(!JSON.stringify(view).includes(token), 'the view never carries the token');
    assert.deepEqual([view.settings.theme, view.settings.dailyBudgetUsd], ['dark', 5]);
    const path = join(engine.dataDir, SETTINGS_FILE);
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(readFileSync(path, 'utf8').includes(token));
    // Removing the token while the host is not loopback is refused; both together are fine.
    assert.match(fieldsOf(await engine.updateSettings({ otlpToken: null }).catch((e: unknown) => e)).otlpHost!, /set an OTLP token first/);
    const back = await engine.updateSettings({ otlpToken: null, otlpHost: '127.0.0.1', durability: 'normal' });
    assert.deepEqual([back.otlpTokenSet, back.restartNeeded], [false, []]);
  } finally {
    await engine.close();
  }
});

test('a hand-broken field in settings.json costs that field only; flags that won are said', async () => {
  const dataDir = tempDataDir();
  writeFileSync(join(dataDir, SETTINGS_FILE), JSON.stringify({ theme: 'dark', retentionDays: 'forever', otlpGrpcPort: 4500 }));
  const lines: string[] = [];
  const engine = await startTestEngine(dataDir, { log: (l) => lines.push(l), settingsOverridden: ['otlpGrpcPort'] });
  try {
    const view = await engine.getSettings();
    assert.deepEqual([view.settings.theme, view.settings.retentionDays, view.settings.otlpGrpcPort], ['dark', DEFAULT_SETTINGS.retentionDays, 4500]);
    assert.deepEqual(view.overridden, ['otlpGrpcPort']);
    assert.ok(lines.some((l) => /ignored invalid retentionDays in settings\.json/.test(l)), lines.join('\n'));
  } finally {
    await engine.close();
  }
  writeFileSync(join(dataDir, SETTINGS_FILE), '{ not json');
  const again = await startTestEngine(dataDir, { log: (l) => lines.push(l) });
  try {
    assert.deepEqual((await again.getSettings()).settings, DEFAULT_SETTINGS);
    assert.ok(lines.some((l) => /settings\.json is not JSON/.test(l)));
  } finally {
    await again.close();
  }
});

test('every field survives a restart', async () => {
  const dataDir = tempDataDir();
  const edit = {
    otlpHttpPort: 5318,
    otlpGrpcPort: 5317,
    otlpHost: '127.0.0.2',
    retentionDays: 7,
    retentionGb: 2.5,
    durability: 'full' as const,
    embedder: { kind: 'openai' as const, url: 'http://127.0.0.1:11434', model: 'nomic-embed-text' },
    dailyBudgetUsd: 12.5,
    theme: 'light' as const,
    launchAtLogin: true,
    notifications: { errorBurst: false, budget: true, storage: false, quarantine: true },
  };
  // Ports are the run's own here (flags), so the saved ones are not bound by this test.
  const first = await startTestEngine(dataDir, { settingsOverridden: ['otlpHttpPort', 'otlpGrpcPort', 'embedder'] });
  try {
    const { otlpHttpPort: _h, otlpGrpcPort: _g, ...rest } = edit;
    await first.updateSettings({ ...rest, otlpToken: 'sixteen-chars-or-more' });
  } finally {
    await first.close();
  }
  writeFileSync(join(dataDir, SETTINGS_FILE), JSON.stringify({ ...JSON.parse(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8')), otlpHttpPort: 5318, otlpGrpcPort: 5317 }));
  const second = await startTestEngine(dataDir);
  try {
    const view = await second.getSettings();
    assert.deepEqual(view.settings, edit);
    assert.equal(view.otlpTokenSet, true);
  } finally {
    await second.close();
  }
});
