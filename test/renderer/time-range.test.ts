/** The app's one time range: in every page's URL, old values still read, custom bounds, and what it selects. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute, parseRouteRange, withRange, carriesRange, type Route } from '../../src-renderer/src/lib/route';
import { ALL_TIME, chooseRange, isBounded, parseTimeRange, rangeKey, rangeLabel, rangeWindow, RANGE_CHOICES, type TimeRange } from '../../src-renderer/src/lib/time-range';

const preset = (choice: TimeRange['choice']): TimeRange => ({ choice, from: '', to: '' });
const custom = (from: string, to: string): TimeRange => ({ choice: 'custom', from, to });
const read = (query: string) => parseTimeRange(new URLSearchParams(query));

test('every choice round-trips through a URL; "all time" is the default and stays out of it', () => {
  for (const { value } of RANGE_CHOICES) {
    const range = value === 'custom' ? custom('2026-12-06T09:00', '2026-12-06T17:30:15') : preset(value);
    const hash = formatRoute({ view: 'logs', q: '', service: '', severity: null }, range);
    assert.deepEqual(parseRouteRange(hash), range, value);
  }
  assert.equal(formatRoute({ view: 'logs', q: '', service: '', severity: null }, ALL_TIME), '#/logs');
  assert.equal(formatRoute({ view: 'metrics', names: [], heatmaps: [] }, preset('6h')), '#/metrics?range=6h');
  assert.equal(formatRoute({ view: 'list', filters: {} }, custom('2026-12-06T09:00', '')), '#/?range=custom&from=2026-12-06T09%3A00');
});

test('every page carries it, pages without time too, beside their own parameters', () => {
  const range = preset('24h');
  const pages: Route[] = [
    { view: 'list', filters: { service: 'shop' } },
    { view: 'trace', traceId: 'ab', spanId: 'cd' },
    { view: 'sessions' },
    { view: 'session', sessionId: 'conv/1' },
    { view: 'compare', a: 'ab', b: null },
    { view: 'memory', collection: 'notes' },
    { view: 'dashboard', groupBy: 'tool', metric: 'cost' },
    { view: 'funnels', funnel: { steps: [{ type: 'tool', value: 'x' }], mode: 'traces', service: '', open: null } },
    { view: 'search', q: 'hotel', mode: 'hybrid', filters: {}, similar: null },
  ];
  for (const route of pages) {
    const hash = formatRoute(route, range);
    assert.deepEqual(parseRoute(hash), route, hash);
    assert.deepEqual(parseRouteRange(hash), range, hash);
  }
  assert.equal(formatRoute({ view: 'trace', traceId: 'ab', spanId: 'cd' }, range), '#/traces/ab?span=cd&range=24h');
  assert.equal(formatRoute({ view: 'sessions' }, range), '#/sessions?range=24h');
});

test("each page's old range values still read, now as the app's range; hand-typed spellings map", () => {
  // Trace list and search: 15m 1h 24h 7d; logs and metrics: 6h; funnels and dashboard: 30d.
  for (const old of ['15m', '1h', '6h', '24h', '7d', '30d']) assert.deepEqual(read(`range=${old}`), preset(old as TimeRange['choice']));
  assert.deepEqual(read('range=all'), ALL_TIME);
  assert.deepEqual(read('range=1d'), preset('24h'));
  assert.deepEqual(read('range=1w'), preset('7d'));
  assert.deepEqual(read('range=60m'), preset('1h'));
});

test('garbage falls back to all time; bad custom bounds are dropped; a bound alone means custom', () => {
  assert.deepEqual(read('range=3y'), ALL_TIME);
  assert.deepEqual(read('range='), ALL_TIME);
  assert.deepEqual(read('range=1h&from=2026-12-06T09:00'), preset('1h'), 'a preset ignores stray bounds');
  assert.deepEqual(read('range=custom&from=yesterday&to=2026-13-45T99:99'), custom('', ''));
  assert.deepEqual(read('range=custom&from=2026-12-06T09:00&to=%3Cscript%3E'), custom('2026-12-06T09:00', ''));
  assert.deepEqual(read('from=2026-12-06T09:00'), custom('2026-12-06T09:00', ''));
  assert.deepEqual(read('to=2026-12-06T09:00:30.5'), custom('', '2026-12-06T09:00:30.5'));
  assert.deepEqual(parseRouteRange('#/logs?range=7d?x'), ALL_TIME, 'a mangled value is not a range');
});

test('the window: relative from now, custom through the whole last minute (or second), all unbounded', () => {
  const now = Date.UTC(2026, 11, 6, 12, 0, 0);
  assert.deepEqual(rangeWindow(ALL_TIME, now), {});
  assert.deepEqual(rangeWindow(preset('30d'), now), { from: `${now - 30 * 86_400_000}000000` });
  const c = rangeWindow(custom('2026-12-06T09:00', '2026-12-06T09:05'), now);
  assert.equal(c.from, `${new Date('2026-12-06T09:00').getTime()}000000`);
  assert.equal(c.to, (BigInt(new Date('2026-12-06T09:06').getTime()) * 1_000_000n - 1n).toString());
  assert.equal(rangeWindow(custom('', '2026-12-06T09:05:07'), now).to, (BigInt(new Date('2026-12-06T09:05:08').getTime()) * 1_000_000n - 1n).toString());
  assert.equal(isBounded(custom('', '')), false);
  assert.equal(isBounded(preset('15m')), true);
});

test('a key names what is selected, not when: relative by name, custom by its bounds', () => {
  assert.equal(rangeKey(preset('1h')), '1h');
  assert.notEqual(rangeKey(preset('1h')), rangeKey(preset('6h')));
  assert.notEqual(rangeKey(custom('2026-12-06T09:00', '')), rangeKey(custom('2026-12-06T10:00', '')));
  assert.equal(rangeKey(custom('2026-12-06T09:00', '')), rangeKey(custom('2026-12-06T09:00:00', '')));
});

test('picking a choice: custom keeps the bounds set before, any other drops them; labels read', () => {
  const before = custom('2026-12-06T09:00', '');
  assert.deepEqual(chooseRange(before, '1h'), preset('1h'));
  assert.deepEqual(chooseRange(before, 'custom'), before);
  assert.equal(rangeLabel(preset('7d')), 'Last 7 days');
  assert.equal(rangeLabel(before), 'Since 2026-12-06 09:00');
});

test('a link without a range takes the current one; a link that names one keeps it', () => {
  assert.equal(carriesRange('#/traces/ab'), false);
  assert.equal(carriesRange('#/logs?range=1h'), true);
  assert.equal(carriesRange('#/?from=2026-12-06T09:00'), true);
  assert.equal(withRange('#/traces/ab', preset('1h')), '#/traces/ab?range=1h');
  assert.equal(withRange('#/logs?range=1h&severity=warn', ALL_TIME), '#/logs?severity=warn');
  assert.equal(withRange('#/logs?severity=warn', custom('2026-12-06T09:00', '2026-12-06T10:00')), '#/logs?severity=warn&range=custom&from=2026-12-06T09%3A00&to=2026-12-06T10%3A00');
});
