/** The span tree the trace view draws: every span shown once, orphans and cycles become roots. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanRecord } from '../../src-shared/contract';
import { buildSpanRows, compareNano, visibleRows } from '../../src-renderer/src/lib/span-tree';

const span = (spanId: string, parentSpanId: string | null, startNs: number): SpanRecord => ({
  traceId: 't'.repeat(32),
  spanId,
  parentSpanId,
  traceState: '',
  name: spanId,
  kind: 'internal',
  startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(startNs)),
  endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(startNs + 10)),
  status: { code: 'unset', message: '' },
  attributes: {},
  droppedAttributesCount: 0,
  events: [],
  droppedEventsCount: 0,
  links: [],
  droppedLinksCount: 0,
  resource: { attributes: {}, droppedAttributesCount: 0 },
  scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
});

type Rows = ReturnType<typeof buildSpanRows>;
const dump = (rows: Rows) => rows.map((r) => `${'  '.repeat(r.depth)}${r.span.spanId}${r.promoted ? ` [${r.promoted}]` : ''}`).join('\n');

test('children nest under parents in start order; orphans and cycles are promoted to roots, none dropped', () => {
  const rows = buildSpanRows([
    span('c', 'a', 5), span('a', null, 0), span('b', 'a', 3), span('orphan', 'missing', 1),
    span('x', 'y', 7), span('y', 'x', 8), span('self', 'self', 9), span('d', 'b', 4),
  ]);
  assert.equal(rows.length, 8);
  assert.equal(dump(rows), ['a', '  b', '    d', '  c', 'orphan [missing-parent]', 'self [cycle]', 'x [cycle]', '  y'].join('\n'));
});

test('collapsing a span hides its subtree only', () => {
  const rows = buildSpanRows([span('a', null, 0), span('b', 'a', 1), span('d', 'b', 2), span('c', 'a', 3)]);
  assert.deepEqual(visibleRows(rows, new Set(['b'])).map((r) => r.span.spanId), ['a', 'b', 'c']);
});

test('a 100k-deep chain builds without recursion limits', () => {
  const chain = Array.from({ length: 100_000 }, (_, i) => span(`s${i}`, i === 0 ? null : `s${i - 1}`, i));
  const rows = buildSpanRows(chain);
  assert.equal(rows.length, 100_000);
  assert.equal(rows[99_999]!.depth, 99_999);
});

test('nanosecond strings compare numerically, not lexically', () => {
  assert.ok(compareNano('9', '10') < 0);
  assert.ok(compareNano('1700000000000000001', '1700000000000000000') > 0);
});
