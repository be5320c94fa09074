// The dashboard's state without React: its URL (group and metric; defaults left out, anything
// unknown falls back), the app's range as bounds, the chart's columns and the budget notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute, parseRouteRange } from '../../src-renderer/src/lib/route';
import { ALL_TIME } from '../../src-renderer/src/lib/time-range';
import { budgetNotice, chartColumns, rangeBounds, utcDayStart } from '../../src-renderer/src/components/dashboard/dashboard-data';

test('the dashboard URL round-trips; defaults stay out of it; unknown values fall back to them', () => {
  assert.deepEqual(parseRoute('#/dashboard'), { view: 'dashboard', groupBy: 'model', metric: 'spans' });
  // An old link's `range` is now the app's range, read from the same query.
  const hash = '#/dashboard?groupBy=spanName&range=7d&metric=p95Ms';
  const r = parseRoute(hash);
  assert.deepEqual(r, { view: 'dashboard', groupBy: 'spanName', metric: 'p95Ms' });
  assert.equal(formatRoute(r, parseRouteRange(hash)), '#/dashboard?groupBy=spanName&metric=p95Ms&range=7d');
  assert.equal(formatRoute({ view: 'dashboard', groupBy: 'model', metric: 'spans' }), '#/dashboard');
  assert.deepEqual(parseRoute('#/dashboard?groupBy=colour&range=2y&metric=vibes'), parseRoute('#/dashboard'));
  assert.deepEqual(parseRouteRange('#/dashboard?range=2y'), ALL_TIME);
});

test('a range ends now, in unix nanoseconds; the budget day starts at UTC midnight', () => {
  const now = Date.UTC(2026, 11, 6, 15, 30);
  assert.deepEqual(rangeBounds({ choice: '1h', from: '', to: '' }, now), { from: `${now - 3_600_000}000000`, to: `${now}000000` });
  assert.deepEqual(rangeBounds(ALL_TIME, now), { to: `${now}000000` }, 'all time: all that is stored, up to now');
  const custom = rangeBounds({ choice: 'custom', from: '', to: '2026-12-06T10:00' }, now);
  assert.equal(custom.from, undefined);
  assert.equal(custom.to, (BigInt(new Date('2026-12-06T10:01').getTime()) * 1_000_000n - 1n).toString(), 'a custom end, through its whole minute');
  assert.equal(utcDayStart(now), `${Date.UTC(2026, 11, 6)}000000`);
});

test('chart columns: seconds on x, one series per key by total, null where a bucket has nothing', () => {
  const cols = chartColumns({
    bucketSeconds: 60,
    buckets: [
      { t: '120000000000', values: { a: 1, b: 5 } },
      { t: '180000000000', values: { b: 2 } },
    ],
  });
  assert.deepEqual(cols.keys, ['b', 'a']);
  assert.deepEqual(cols.data, [[120, 180], [5, 2], [1, null]]);
});

test('the budget notice: only past a positive budget', () => {
  assert.equal(budgetNotice(3, null), null);
  assert.equal(budgetNotice(3, 0), null);
  assert.equal(budgetNotice(3, 5), null);
  assert.equal(budgetNotice(5, 5), null);
  assert.equal(budgetNotice(6.5, 5), "Today's cost $6.50 is over the daily budget of $5.00 (UTC day).");
});
