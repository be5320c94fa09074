import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deletedSummary, emptied, withoutTrace } from '../../src-renderer/src/lib/clear-data';
import { initialListState } from '../../src-renderer/src/state/list-state';
import type { TraceSummary } from '../../src-shared/contract';

const row = (traceId: string): TraceSummary => ({ traceId, rootName: 'r', serviceName: 's', startTimeUnixNano: '1', durationMs: 1, spanCount: 1, errorCount: 0 });
const data = {
  list: { ...initialListState, key: 'k', traces: [row('a'), row('b')], nextCursor: 'c', loaded: true },
  traces: { a: 'outline a', b: 'outline b' },
  spans: { 'a/01': 'span a1', 'a/02': null, 'b/01': 'span b1', 'ab/01': 'span ab1' },
};

test('a deleted trace leaves the list, the loaded traces and its span records; the others stay', () => {
  const after = withoutTrace(data, 'a');
  assert.deepEqual(after.list.traces.map((t) => t.traceId), ['b']);
  assert.equal(after.list.nextCursor, 'c');
  assert.deepEqual(after.traces, { b: 'outline b' });
  assert.deepEqual(after.spans, { 'b/01': 'span b1', 'ab/01': 'span ab1' });
  assert.deepEqual(data.list.traces.length, 2, 'the input is not changed');
});

test('clearing everything empties the list and the caches, keeping the filters key', () => {
  const after = emptied(data);
  assert.deepEqual([after.list.key, after.list.traces, after.list.nextCursor, after.list.loaded], ['k', [], null, true]);
  assert.deepEqual([after.traces, after.spans], [{}, {}]);
});

test('what a delete removed, in words', () => {
  assert.equal(deletedSummary({ traces: 1, spans: 12, logs: 0, metricPoints: 0 }), 'Deleted 1 trace and 12 spans.');
  assert.equal(deletedSummary({ traces: 2, spans: 1, logs: 3, metricPoints: 1 }), 'Deleted 2 traces, 1 span, 3 log records and 1 metric point.');
  assert.equal(deletedSummary({ traces: 1200, spans: 34000, logs: 1, metricPoints: 0 }), 'Deleted 1,200 traces, 34,000 spans and 1 log record.');
});
