// The dashboard's state without React: its URL (group, range, metric; defaults left out, anything
// unknown falls back), the range bounds, the chart's columns and the budget notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute } from '../../src-renderer/src/lib/route';
import { budgetNotice, chartColumns, rangeBounds, utcDayStart } from '../../src-renderer/src/components/dashboard/dashboard-data';

test('the dashboard URL round-trips; defaults stay out of it; unknown values fall back to them', () => {
  assert.deepEqual(parseRoute('#/dashboard'), { view: 'dashboard', groupBy: 'model', range: '24h', metric: 'spans' });
  const r = parseRoute('#/dashboard?groupBy=spanName&range=7d&metric=p95Ms');
  assert.deepEqual(r, { view: 'dashboard', groupBy: 'spanName', range: '7d', metric: 'p95Ms' });
  assert.equal(formatRoute(r), '#/dashboard?groupBy=spanName&range=7d&metric=p95Ms');
  assert.equal(formatRoute({ view: 'dashboard', groupBy: 'model', range: '24h', metric: 'spans' }), '#/dashboard');
  assert.deepEqual(parseRoute('#/dashboard?groupBy=colour&range=2y&metric=vibes'), parseRoute('#/dashboard'));
});

test('a range ends now, in unix nanoseconds; the budget day starts at UTC midnight', () => {
  const now = Date.UTC(2026, 11, 6, 15, 30);
  assert.deepEqual(rangeBounds('1h', now), { from: `${now - 3_600_000}000000`, to: `${now}000000` });
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
