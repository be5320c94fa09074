/** Pure UI state: deep links, time formatting, list paging, live-update plumbing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceSummary } from '../../src-shared/contract';
import { formatRoute, parseRoute } from '../../src-renderer/src/lib/route';
import { coalesce } from '../../src-renderer/src/lib/coalesce';
import { formatNanoFull, nanoDiffMs } from '../../src-renderer/src/lib/time';
import { applyMore, applyRefresh, initialListState, refreshQuery } from '../../src-renderer/src/state/list-state';
import { backoffDelay, parseIngestMessage } from '../../src-renderer/src/api/ingest-socket';

const summary = (traceId: string) => ({ traceId }) as TraceSummary;

test('the URL hash carries the open trace and span, and round-trips', () => {
  assert.deepEqual(parseRoute('#/traces/ABCdef12?span=FF00'), { view: 'trace', traceId: 'abcdef12', spanId: 'ff00' });
  assert.deepEqual(parseRoute('#/traces/zz'), { view: 'list', filters: {} });
  assert.deepEqual(parseRoute(''), { view: 'list', filters: {} });
  assert.equal(formatRoute({ view: 'trace', traceId: 'ab', spanId: 'cd' }), '#/traces/ab?span=cd');
});

test("the timeline's zoom window rides in the trace URL, in ms from the trace start, to the microsecond", () => {
  const zoomed = { view: 'trace' as const, traceId: 'ab', spanId: 'cd', zoom: { start: 12.5, end: 340.1234567 } };
  assert.equal(formatRoute(zoomed), '#/traces/ab?span=cd&zoom=12.5-340.123');
  assert.deepEqual(parseRoute(formatRoute(zoomed)), { ...zoomed, zoom: { start: 12.5, end: 340.123 } });
  assert.deepEqual(parseRoute('#/traces/ab?zoom=0-1000'), { view: 'trace', traceId: 'ab', spanId: null, zoom: { start: 0, end: 1000 } });
  for (const junk of ['5-5', '9-3', '-1-4', 'a-b', '1e3-2e3', '1-'])
    assert.deepEqual(parseRoute(`#/traces/ab?zoom=${junk}`), { view: 'trace', traceId: 'ab', spanId: null }, junk);
});

test('times keep nanosecond precision', () => {
  assert.equal(nanoDiffMs('1700000000000000000', '1700000000000000001'), 0.000001);
  assert.equal(formatNanoFull('1700000000123456789'), '2023-11-14T22:13:20.123456789Z');
});

test('list paging appends without duplicates and ignores pages of a stale query', () => {
  assert.deepEqual(refreshQuery({ q: ' x ', service: '' }, 120), { limit: 120, q: 'x' });
  const first = applyRefresh(initialListState, 'k', { traces: [summary('1'), summary('2')], nextCursor: 'c' });
  const more = applyMore(first, 'k', { traces: [summary('2'), summary('3')], nextCursor: null });
  assert.deepEqual(more.traces.map((t) => t.traceId), ['1', '2', '3']);
  assert.equal(applyMore(first, 'other-query', { traces: [], nextCursor: null }), first);
});

test('ingest messages parse defensively and reconnects back off', () => {
  assert.equal(parseIngestMessage('{"type":"ingest","tick":{"spans":3,"traces":1,"newSpans":3,"traceIds":["a"],"truncated":false}}')?.spans, 3);
  assert.equal(parseIngestMessage('nope'), null);
  assert.equal(backoffDelay(0, 0), 250);
  assert.equal(backoffDelay(100, 0), 10_000);
});

test('a burst of refresh triggers runs one fetch in flight and one queued', async () => {
  let runs = 0;
  let release: () => void = () => {};
  const refresh = coalesce(async () => {
    runs++;
    await new Promise<void>((r) => (release = r));
  });
  const pending = Array.from({ length: 10 }, () => refresh.trigger());
  release();
  await new Promise((r) => setTimeout(r, 5));
  release();
  await Promise.all(pending);
  assert.equal(runs, 2);
});

test('session routes: the list and one session, ids as any text, URL-encoded', () => {
  assert.deepEqual(parseRoute('#/sessions'), { view: 'sessions' });
  assert.deepEqual(parseRoute('#/sessions/'), { view: 'sessions' });
  assert.deepEqual(parseRoute('#/sessions/rest%20conv%2F1'), { view: 'session', sessionId: 'rest conv/1' });
  assert.equal(formatRoute({ view: 'session', sessionId: 'rest conv/1' }), '#/sessions/rest%20conv%2F1');
  assert.equal(formatRoute({ view: 'sessions' }), '#/sessions');
  assert.deepEqual(parseRoute(formatRoute({ view: 'session', sessionId: '01a24b32-05b5' })), { view: 'session', sessionId: '01a24b32-05b5' });
});
