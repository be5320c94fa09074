// flowtrace:// links open a trace, a span or a session and nothing else; the window reopens where
// it was unless no screen shows that place any more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepLinkHash, deepLinkInArgs } from '../../src-main/electron/deep-link';
import { DEFAULT_SIZE, restoredBounds } from '../../src-main/electron/window-state';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

test('trace, span and session links become the UI routes; ids are checked', () => {
  assert.equal(deepLinkHash(`flowtrace://trace/${TRACE}`), `#/traces/${TRACE}`);
  assert.equal(deepLinkHash(`flowtrace://trace/${TRACE.toUpperCase()}/span/${SPAN}`), `#/traces/${TRACE}?span=${SPAN}`);
  assert.equal(deepLinkHash('flowtrace://session/conv%201'), '#/sessions/conv%201');
  for (const bad of [
    'flowtrace://trace/xyz',
    `flowtrace://trace/${TRACE}/span/nothex`,
    `flowtrace://trace/${TRACE}/logs`,
    `https://evil.example/trace/${TRACE}`,
    'flowtrace://settings',
    'flowtrace://session/',
    'not a url',
  ]) {
    assert.equal(deepLinkHash(bad), null, bad);
  }
});

test("a second launch's arguments carry the link on Windows and Linux", () => {
  assert.equal(deepLinkInArgs(['/opt/Flowtrace/flowtrace', '--no-sandbox', `flowtrace://trace/${TRACE}`]), `#/traces/${TRACE}`);
  assert.equal(deepLinkInArgs(['/opt/Flowtrace/flowtrace']), null);
});

test('the window reopens where it was, or at the default size when no screen shows that place', () => {
  const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  assert.deepEqual(restoredBounds({ x: 100, y: 50, width: 1400, height: 900, maximized: false }, screens), { x: 100, y: 50, width: 1400, height: 900, maximized: false });
  // The monitor it was on is gone.
  assert.deepEqual(restoredBounds({ x: 2500, y: 50, width: 1400, height: 900, maximized: true }, screens), { ...DEFAULT_SIZE, maximized: true });
  // Title bar above the screen.
  assert.equal(restoredBounds({ x: 100, y: -400, width: 1400, height: 900, maximized: false }, screens).x, undefined);
  // Tiny or garbage saved state.
  assert.deepEqual(restoredBounds({ x: 10, y: 10, width: 20, height: 20, maximized: false }, screens), { x: 10, y: 10, width: 640, height: 400, maximized: false });
  assert.deepEqual(restoredBounds('{', screens), { ...DEFAULT_SIZE, maximized: false });
  assert.deepEqual(restoredBounds(null, screens), { ...DEFAULT_SIZE, maximized: false });
});
