/** App-wide keys: `g` then a letter goes to a page, `/` searches, `?` lists them, Escape closes; never while typing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NAV, pageHref } from '../../src-renderer/src/lib/nav';
import { SEQUENCE_MS, SHORTCUT_HELP, shortcutAction, type ShortcutContext } from '../../src-renderer/src/lib/shortcuts';
import { ALL_TIME } from '../../src-renderer/src/lib/time-range';

const idle: ShortcutContext = { typing: false, overlayOpen: false, pendingSince: null, now: 10_000 };

/** The actions of a run of keys, one per key, carrying the pending `g` along. */
function press(keys: string[], ctx: Partial<ShortcutContext> = {}, step = 100): Array<string | null> {
  let pendingSince: number | null = null;
  let now = idle.now;
  return keys.map((key) => {
    const out = shortcutAction({ key }, { ...idle, ...ctx, pendingSince, now });
    pendingSince = out.pendingSince;
    now += step;
    const a = out.action;
    return a === null ? null : a.type === 'go' ? `go:${a.page}` : a.type;
  });
}

test('g then a letter goes to each page of the nav', () => {
  for (const n of NAV) assert.deepEqual(press(['g', n.key]), [null, `go:${n.page}`], n.label);
  assert.deepEqual(press(['g', 'T']), [null, 'go:traces'], 'Shift does not matter');
  assert.equal(new Set(NAV.map((n) => n.key)).size, NAV.length, 'one letter per page');
});

test('a letter alone, or too long after g, is not a shortcut; g g waits again', () => {
  assert.deepEqual(press(['d']), [null]);
  assert.deepEqual(press(['g', 'd'], {}, SEQUENCE_MS + 1), [null, null]);
  assert.deepEqual(press(['g', 'x', 'd']), [null, null, null], 'another key cancels the sequence');
  assert.deepEqual(press(['g', 'g', 'l']), [null, null, 'go:logs']);
});

test('/ searches, ? lists the shortcuts, Escape closes the list (and only then is taken)', () => {
  assert.deepEqual(press(['/', '?']), ['search', 'help']);
  assert.deepEqual(press(['Escape']), [null], 'Escape stays with the page when nothing is open');
  assert.deepEqual(press(['Escape'], { overlayOpen: true }), ['close']);
  assert.deepEqual(press(['Escape'], { overlayOpen: true, typing: true }), ['close']);
});

test('nothing fires while typing in a field, or with a modifier', () => {
  assert.deepEqual(press(['g', 'd', '/', '?'], { typing: true }), [null, null, null, null]);
  assert.equal(shortcutAction({ key: 'g', ctrlKey: true }, idle).pendingSince, null);
  assert.equal(shortcutAction({ key: '/', metaKey: true }, idle).action, null);
  assert.equal(shortcutAction({ key: 'd', altKey: true }, { ...idle, pendingSince: idle.now }).action, null);
});

test('the overlay lists every page shortcut, and nav links carry the range (Traces: the last filters too)', () => {
  for (const n of NAV) assert.ok(SHORTCUT_HELP.some((s) => s.keys === `g ${n.key}`), n.label);
  assert.ok(SHORTCUT_HELP.some((s) => s.keys === '?'));
  const range = { choice: '6h' as const, from: '', to: '' };
  assert.equal(pageHref('dashboard', range, {}), '#/dashboard?range=6h');
  assert.equal(pageHref('memory', ALL_TIME, {}), '#/memory');
  assert.equal(pageHref('traces', range, { service: 'shop' }), '#/?service=shop&range=6h');
});
