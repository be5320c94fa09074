import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTraceOutline,
  PROMOTED_CYCLE,
  PROMOTED_MISSING_PARENT,
  PROMOTED_NONE,
  STATUS_ERROR,
  type OutlineSpan,
} from '../../src-shared/trace-outline';

const T0 = '1763800000000000000';
function span(spanId: string, parentSpanId: string | null, startOffsetNs: number, durNs: number, extra: Partial<OutlineSpan> = {}): OutlineSpan {
  const start = BigInt(T0) + BigInt(startOffsetNs);
  return {
    spanId,
    parentSpanId,
    name: `op-${spanId}`,
    service: 'svc',
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + BigInt(durNs)).toString(),
    status: 'unset',
    statusMessage: '',
    genaiKind: null,
    ...extra,
  };
}

test('spans sent out of order come back in tree order with depth, parents and sub-millisecond offsets', () => {
  const o = buildTraceOutline('t1', [
    span('c2', 'r', 3_000_000, 1_000_000),
    span('g1', 'c1', 1_500_250, 250, { status: 'error', statusMessage: 'hotel API timed out', genaiKind: 'tool' }),
    span('r', null, 0, 10_000_000, { genaiKind: 'agent' }),
    span('c1', 'r', 1_000_000, 1_000_000),
  ]);
  assert.deepEqual(o.spanIds, ['r', 'c1', 'g1', 'c2']);
  assert.deepEqual(o.parentIndex, [-1, 0, 1, 0]);
  assert.deepEqual(o.depth, [0, 1, 2, 1]);
  assert.deepEqual(o.childCount, [2, 1, 0, 0]);
  assert.equal(o.startTimeUnixNano, T0);
  assert.equal(o.durationMs, 10);
  assert.equal(o.startMs[2], 1.50025);
  assert.equal(o.durationsMs[2], 0.00025);
  assert.equal(o.status[2], STATUS_ERROR);
  assert.equal(o.statusMessage[2], 'hotel API timed out');
  assert.equal(o.kinds[o.kindIndex[0]!], 'agent');
  assert.equal(o.kinds[o.kindIndex[1]!], '');
  assert.equal(o.names[o.nameIndex[3]!], 'op-c2');
});

test('missing parents, self-parents and unreachable cycles are promoted to roots, never dropped', () => {
  const o = buildTraceOutline('t2', [
    span('a', 'gone', 0, 10),
    span('b', 'b', 5, 10),
    span('x', 'y', 20, 10),
    span('y', 'x', 30, 10),
  ]);
  assert.equal(o.spanIds.length, 4);
  assert.deepEqual(o.spanIds, ['a', 'b', 'x', 'y']);
  assert.deepEqual(o.promoted, [PROMOTED_MISSING_PARENT, PROMOTED_CYCLE, PROMOTED_CYCLE, PROMOTED_NONE]);
  assert.deepEqual(o.parentIndex, [-1, -1, -1, 2]);
});

test('a 100k-deep chain builds without overflowing the stack', () => {
  const spans: OutlineSpan[] = [];
  for (let i = 0; i < 100_000; i++) spans.push(span(`s${i}`, i === 0 ? null : `s${i - 1}`, i, 1));
  const o = buildTraceOutline('deep', spans);
  assert.equal(o.depth[99_999], 99_999);
  assert.equal(o.promoted[0], PROMOTED_NONE);
});
