/** Keyboard use of the trace list: which key does what where, where the highlight goes, how far the list scrolls. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listKeyAction, moveHighlight, revealScrollTop } from '../../src-renderer/src/lib/list/keyboard';

test('keys act on the list from the page, the search box and buttons, not from other fields', () => {
  assert.deepEqual(listKeyAction({ key: 'j' }, 'page'), { type: 'move', delta: 1 });
  assert.deepEqual(listKeyAction({ key: 'k' }, 'page'), { type: 'move', delta: -1 });
  assert.deepEqual(listKeyAction({ key: 'ArrowDown' }, 'search'), { type: 'move', delta: 1 });
  assert.equal(listKeyAction({ key: 'j' }, 'search'), null, 'typed into the search');
  assert.equal(listKeyAction({ key: '/' }, 'search'), null);
  assert.deepEqual(listKeyAction({ key: '/' }, 'page'), { type: 'focusSearch' });
  assert.deepEqual(listKeyAction({ key: 'Enter' }, 'search'), { type: 'open' });
  assert.equal(listKeyAction({ key: 'Enter' }, 'control'), null, 'Enter on a button presses the button');
  assert.deepEqual(listKeyAction({ key: 'j' }, 'control'), { type: 'move', delta: 1 });
  assert.equal(listKeyAction({ key: 'ArrowDown' }, 'field'), null, 'a select keeps its arrows');
  assert.deepEqual(listKeyAction({ key: 'Escape' }, 'page'), { type: 'clearSearch' });
  assert.equal(listKeyAction({ key: 'j', ctrlKey: true }, 'page'), null);
  assert.equal(listKeyAction({ key: '/', metaKey: true }, 'page'), null);
});

test('the highlight moves within the list, starting where the user is looking', () => {
  const ids = ['a', 'b', 'c', 'd'];
  assert.equal(moveHighlight(ids, null, 1), 'a');
  assert.equal(moveHighlight(ids, null, -1, 2), 'c');
  assert.equal(moveHighlight(ids, 'a', 1), 'b');
  assert.equal(moveHighlight(ids, 'a', -1), 'a', 'stops at the top');
  assert.equal(moveHighlight(ids, 'd', 1), 'd', 'stops at the bottom');
  assert.equal(moveHighlight(ids, 'gone', 1, 9), 'd', 'a highlight that left the list restarts in view');
  assert.equal(moveHighlight([], 'a', 1), null);
});

test('a highlighted row out of view scrolls just enough to show it below the sticky header', () => {
  // rows of 36 px under a 34 px header, 360 px viewport, scrolled to the top
  assert.equal(revealScrollTop(3, 36, 34, 0, 360), null);
  assert.equal(revealScrollTop(9, 36, 34, 0, 360), 34 + 10 * 36 - 360);
  assert.equal(revealScrollTop(2, 36, 34, 200, 360), 72, 'above: its top meets the header');
  assert.equal(revealScrollTop(0, 36, 34, 10, 360), 0);
});
