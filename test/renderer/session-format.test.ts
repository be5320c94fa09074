/**
 * The session list's new cells (issue 15): duration from first to last activity, errors with the
 * turns they fell in, and long name lists cut to a few with the rest counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatNames, formatSessionDuration, formatSessionErrors } from '../../src-renderer/src/components/sessions/session-format';

test('duration is first to last activity', () => {
  assert.equal(formatSessionDuration({ firstActivityUnixNano: '1700000000000000000', lastActivityUnixNano: '1700000004210000000' }), '4.21 s');
  assert.equal(formatSessionDuration({ firstActivityUnixNano: '1700000000000000000', lastActivityUnixNano: '1700000000000000000' }), '0 ms');
});

test('errors: none is a dash; else how many, in how many turns', () => {
  assert.equal(formatSessionErrors({ errors: 0, failedTurns: 0 }), '—');
  assert.equal(formatSessionErrors({ errors: 1, failedTurns: 1 }), '1 in 1 turn');
  assert.equal(formatSessionErrors({ errors: 1204, failedTurns: 3 }), '1,204 in 3 turns');
});

test('names: the first two, then how many more', () => {
  assert.equal(formatNames([]), '—');
  assert.equal(formatNames(['user-3']), 'user-3');
  assert.equal(formatNames(['a', 'b']), 'a, b');
  assert.equal(formatNames(['a', 'b', 'c', 'd']), 'a, b +2');
  assert.equal(formatNames(['a', 'b', 'c'], 1), 'a +2');
});
