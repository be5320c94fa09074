/**
 * The walk of one run's marked spans (funnel-walk.ts), without SQL: strict order at equal starts,
 * nanosecond precision past 2^53, the failure flags, and the integer it packs into.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWalk, encodeWalk, startWalk, walkSpan } from '../../../src-main/engine/store/funnel-walk';

const SEC = 1_765_000_000;

test('a step starting at the same instant as the previous one does not count', () => {
  const w = startWalk();
  walkSpan(w, 0b01, 0, 0, SEC, 5);
  walkSpan(w, 0b10, 0, 0, SEC, 5);
  assert.equal(decodeWalk(encodeWalk(w)!).reached, 1);
  walkSpan(w, 0b10, 0, 0, SEC, 6);
  assert.equal(decodeWalk(encodeWalk(w)!).reached, 2);
});

test('starts 1 ns apart are apart (as one JS number of ns they would be equal)', () => {
  const w = startWalk();
  walkSpan(w, 0b01, 0, 0, SEC, 999_999_999);
  walkSpan(w, 0b10, 0, 0, SEC + 1, 0);
  assert.equal(decodeWalk(encodeWalk(w)!).reached, 2);
});

test('one span advances one step at most, and nothing is reached without the first', () => {
  const w = startWalk();
  walkSpan(w, 0b10, 0, 0, SEC, 1);
  assert.equal(encodeWalk(w), null);
  walkSpan(w, 0b11, 0, 0, SEC, 2);
  assert.equal(decodeWalk(encodeWalk(w)!).reached, 1);
});

test('failures: of a step taken, or at or after the last step (a same-instant failure sorted before it too)', () => {
  const taken = startWalk();
  walkSpan(taken, 0b1, 1, 3, SEC, 1);
  assert.deepEqual(decodeWalk(encodeWalk(taken)!), { reached: 1, stepFailed: true, failedAfter: true, trace: 3 });

  const before = startWalk();
  walkSpan(before, 0, 1, 0, SEC, 1);
  walkSpan(before, 0b1, 0, 0, SEC, 2);
  assert.equal(decodeWalk(encodeWalk(before)!).failedAfter, false);

  const sameInstant = startWalk();
  walkSpan(sameInstant, 0, 1, 0, SEC, 2);
  walkSpan(sameInstant, 0b1, 0, 0, SEC, 2);
  assert.equal(decodeWalk(encodeWalk(sameInstant)!).failedAfter, true);

  const after = startWalk();
  walkSpan(after, 0b1, 0, 0, SEC, 2);
  walkSpan(after, 0, 1, 0, SEC, 3);
  assert.deepEqual(decodeWalk(encodeWalk(after)!), { reached: 1, stepFailed: false, failedAfter: true, trace: 0 });
});

test('the packed integer keeps 8 steps, both flags and a large trace index', () => {
  const w = startWalk();
  for (let i = 0; i < 8; i++) walkSpan(w, 1 << i, i === 3 ? 1 : 0, 1_000_000 + i, SEC, i);
  walkSpan(w, 0, 1, 0, SEC, 100);
  assert.deepEqual(decodeWalk(encodeWalk(w)!), { reached: 8, stepFailed: true, failedAfter: true, trace: 1_000_007 });
});
