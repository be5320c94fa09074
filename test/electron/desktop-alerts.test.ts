// The desktop app's notifications, decided from rollups, stats and store notices: each kind fires
// once per episode, respects its opt-out, and stays quiet on noise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertWatcher, type AlertInputs } from '../../src-main/electron/alerts';

const ALL_ON = { errorBurst: true, budget: true, storage: true, quarantine: true };
const calm: AlertInputs = { recentSpans: 500, recentErrors: 2, costTodayUsd: 1, budgetUsd: 5, dbBytes: 1e6, limitBytes: 1e9, notices: [], enabled: ALL_ON };
const T0 = Date.UTC(2026, 11, 6, 12);
const MIN = 60_000;

test('calm runs raise nothing', () => {
  assert.deepEqual(new AlertWatcher().check(calm, T0), []);
});

test('a burst of errors fires once, stays quiet for half an hour, then may fire again', () => {
  const w = new AlertWatcher();
  const burst = { ...calm, recentSpans: 60, recentErrors: 30 };
  const [first] = w.check(burst, T0);
  assert.equal(first?.kind, 'errorBurst');
  assert.match(first!.body, /30 failed spans .*50 %/);
  assert.deepEqual(w.check(burst, T0 + 10 * MIN), []);
  assert.equal(w.check(burst, T0 + 31 * MIN)[0]?.kind, 'errorBurst');
  // Many errors among very many spans are not a burst; a few errors at a high share are not either.
  assert.deepEqual(new AlertWatcher().check({ ...calm, recentSpans: 10_000, recentErrors: 50 }, T0), []);
  assert.deepEqual(new AlertWatcher().check({ ...calm, recentSpans: 5, recentErrors: 5 }, T0), []);
});

test('the budget fires once a day when crossed, and again the next day', () => {
  const w = new AlertWatcher();
  const over = { ...calm, costTodayUsd: 5.5 };
  assert.match(w.check(over, T0)[0]?.body ?? '', /cost \$5\.50, over the \$5\.00 budget/);
  assert.deepEqual(w.check({ ...over, costTodayUsd: 9 }, T0 + 60 * MIN), []);
  assert.equal(w.check(over, T0 + 24 * 60 * MIN)[0]?.kind, 'budget');
  assert.deepEqual(new AlertWatcher().check({ ...over, budgetUsd: null }, T0), [], 'no budget, no alert');
});

test('storage nearly full and a damaged store are said; notices from before the start are not news', () => {
  const old = { level: 'error' as const, message: 'moved aside at startup', at: T0 - MIN };
  const w = new AlertWatcher([old]);
  assert.deepEqual(w.check({ ...calm, notices: [old] }, T0), []);
  const fresh = { level: 'error' as const, message: 'flowtrace.sqlite was damaged and moved aside', at: T0 + MIN };
  const warning = { level: 'warning' as const, message: 'disk almost full', at: T0 + 2 * MIN };
  const alerts = w.check({ ...calm, dbBytes: 0.95e9, notices: [old, fresh, warning] }, T0 + 3 * MIN);
  assert.deepEqual(alerts.map((a) => a.kind).sort(), ['quarantine', 'storage']);
  assert.equal(alerts.find((a) => a.kind === 'quarantine')?.body, fresh.message);
  assert.deepEqual(w.check({ ...calm, dbBytes: 0.95e9, notices: [old, fresh, warning] }, T0 + 4 * MIN), [], 'each once');
});

test('a kind turned off in the settings stays silent, and does not fire later when turned on mid-episode', () => {
  const w = new AlertWatcher();
  const burst = { ...calm, recentSpans: 60, recentErrors: 30, enabled: { ...ALL_ON, errorBurst: false } };
  assert.deepEqual(w.check(burst, T0), []);
  assert.deepEqual(w.check({ ...burst, enabled: ALL_ON }, T0 + MIN), []);
});
