/** Correlated logs of the open span: only the newest load may write, so a late answer never shows under another span. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogListPage, LogRecordView } from '../../src-shared/contract';
import { applyFailure, applyPage, initialSpanLogs, spanLogsKey, startLoad } from '../../src-renderer/src/lib/detail/span-logs-state';

const log = (body: string): LogRecordView => ({
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  timeUnixNano: '1',
  observedTimeUnixNano: '1',
  severityNumber: 9,
  severityText: 'INFO',
  body,
  attributes: {},
  droppedAttributesCount: 0,
  flags: 1,
  eventName: '',
  resource: { attributes: {}, droppedAttributesCount: 0 },
  scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
});
const page = (bodies: string[], nextCursor: string | null = null): LogListPage => ({ logs: bodies.map(log), nextCursor });

test('records show oldest first; more on the engine than fetched is reported', () => {
  const s1 = startLoad(initialSpanLogs, spanLogsKey('t', 'a'));
  assert.equal(s1.loading, true);
  const s2 = applyPage(s1, s1.seq, page(['newest', 'older', 'oldest'], 'cursor'));
  assert.deepEqual(s2.logs.map((l) => l.body), ['oldest', 'older', 'newest']);
  assert.equal(s2.truncated, true);
  assert.equal(s2.loading, false);
});

test('an answer for a span the user already left is dropped', () => {
  const forA = startLoad(initialSpanLogs, spanLogsKey('t', 'a'));
  const forB = startLoad(forA, spanLogsKey('t', 'b'));
  assert.deepEqual(forB.logs, [], 'another span starts empty');
  const lateA = applyPage(forB, forA.seq, page(['from a']));
  assert.equal(lateA, forB, 'the late answer for a changes nothing');
  const failedA = applyFailure(forB, forA.seq, 'boom');
  assert.equal(failedA.error, null);
  const b = applyPage(forB, forB.seq, page(['from b']));
  assert.deepEqual(b.logs.map((l) => l.body), ['from b']);
  assert.equal(b.key, spanLogsKey('t', 'b'));
});

test('a reload keeps showing the records until its answer comes; a failure says why', () => {
  const key = spanLogsKey('t', 'a');
  const first = startLoad(initialSpanLogs, key);
  const loaded = applyPage(first, first.seq, page(['one']));
  const reloading = startLoad(loaded, key);
  assert.deepEqual(reloading.logs.map((l) => l.body), ['one']);
  const failed = applyFailure(reloading, reloading.seq, '503 Service Unavailable');
  assert.equal(failed.error, '503 Service Unavailable');
  assert.equal(failed.loading, false);
});
