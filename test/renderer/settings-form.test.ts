// The settings page's form: saved settings become input text and back into the smallest edit;
// typos in number fields are named before anything is sent; the engine's own check agrees with
// what the form sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applySettingsPatch, DEFAULT_SETTINGS, SettingsError } from '../../src-shared/settings';
import { formOf, patchOf } from '../../src-renderer/src/lib/settings-form';

test('an untouched form sends nothing', () => {
  assert.deepEqual(patchOf(DEFAULT_SETTINGS, formOf(DEFAULT_SETTINGS)), { patch: {}, errors: {} });
});

test('only what changed is sent, as the engine takes it', () => {
  const form = {
    ...formOf(DEFAULT_SETTINGS),
    otlpHttpPort: ' 4320 ',
    retentionDays: '7',
    embedderKind: 'openai' as const,
    embedderUrl: 'http://127.0.0.1:11434 ',
    embedderModel: 'nomic-embed-text',
    dailyBudgetUsd: '2.5',
    theme: 'dark' as const,
    notifications: { ...DEFAULT_SETTINGS.notifications, storage: false },
  };
  const { patch, errors } = patchOf(DEFAULT_SETTINGS, form);
  assert.deepEqual(errors, {});
  assert.deepEqual(patch, {
    otlpHttpPort: 4320,
    retentionDays: 7,
    embedder: { kind: 'openai', url: 'http://127.0.0.1:11434', model: 'nomic-embed-text' },
    dailyBudgetUsd: 2.5,
    theme: 'dark',
    notifications: { errorBurst: true, budget: true, storage: false, quarantine: true },
  });
  const applied = applySettingsPatch(DEFAULT_SETTINGS, patch, false).settings;
  assert.deepEqual(patchOf(applied, formOf(applied)), { patch: {}, errors: {} }, 'the saved result reads back as unchanged');
});

test('typos in number fields are named; a blank budget means none', () => {
  const saved = { ...DEFAULT_SETTINGS, dailyBudgetUsd: 3 };
  const { patch, errors } = patchOf(saved, { ...formOf(saved), otlpGrpcPort: '43a7', retentionGb: '', dailyBudgetUsd: '' });
  assert.deepEqual(Object.keys(errors).sort(), ['otlpGrpcPort', 'retentionGb']);
  assert.equal(patch.dailyBudgetUsd, null);
});

test('a token is sent only when typed or removed; the engine refuses a short one with its message', () => {
  assert.equal('otlpToken' in patchOf(DEFAULT_SETTINGS, formOf(DEFAULT_SETTINGS)).patch, false);
  const typed = patchOf(DEFAULT_SETTINGS, { ...formOf(DEFAULT_SETTINGS), otlpToken: 'short' }).patch;
  assert.equal(typed.otlpToken, 'short');
  assert.throws(() => applySettingsPatch(DEFAULT_SETTINGS, typed, false), (err: unknown) => err instanceof SettingsError && /at least 16/.test(err.fields.otlpToken ?? ''));
  assert.equal(patchOf(DEFAULT_SETTINGS, { ...formOf(DEFAULT_SETTINGS), otlpToken: 'ignored', removeToken: true }).patch.otlpToken, null);
});
