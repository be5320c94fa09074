/** The trace list's filters in the `#/` URL: round trips, defaults left out, garbage dropped, merged with the app's range. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute, parseRouteRange, type Route } from '../../src-renderer/src/lib/route';
import { filterInput, normalizeListFilters, parseListFilters, type ListRouteFilters } from '../../src-renderer/src/lib/list/list-route';
import { buildListQuery, clearedFilters } from '../../src-renderer/src/lib/list/query';
import { ALL_TIME } from '../../src-renderer/src/lib/time-range';

const list = (filters: ListRouteFilters): Route => ({ view: 'list', filters });

test('every filter round-trips through the URL, the range beside them', () => {
  const filters: ListRouteFilters = {
    q: 'hotel lisbon? 50% & more',
    service: 'travel agent',
    model: 'gpt-4o',
    agent: 'planner',
    tool: 'search_hotels',
    label: 'needs review',
    minDurationMs: '12.5',
    maxDurationMs: '2,000',
    minTokens: '1000',
    minCostUsd: '$0.01',
    status: 'error',
    feedback: 'down',
    sort: 'longest',
    internal: true,
  };
  const range = { choice: 'custom' as const, from: '2026-12-06T09:00', to: '2026-12-06T17:00' };
  const hash = formatRoute(list(filters), range);
  assert.match(hash, /^#\/\?q=/);
  assert.deepEqual(parseRoute(hash), list(filters));
  assert.deepEqual(parseRouteRange(hash), range);
  assert.equal(formatRoute(list({ service: 'shop', status: 'ok' })), '#/?service=shop&status=ok');
  for (const sort of ['cost', 'tokens'] as const) assert.deepEqual(parseRoute(formatRoute(list({ sort }))), list({ sort }), `sort=${sort} survives the URL`);
});

test('defaults stay out of the URL: no filters is the bare list', () => {
  assert.equal(formatRoute(list({})), '#/');
  assert.equal(formatRoute(list({ q: '', service: '', status: 'any', sort: 'newest', feedback: '', internal: false, minTokens: '' })), '#/');
  assert.deepEqual(parseRoute('#/'), list({}));
  assert.deepEqual(parseRoute('#/?'), list({}));
});

test('garbage is dropped: unknown choices, huge text; an unparseable number is kept as typed but not queried', () => {
  assert.deepEqual(parseRoute('#/?status=maybe&sort=sideways&feedback=meh&internal=yes&service=shop'), list({ service: 'shop' }));
  assert.deepEqual(parseRoute(`#/?q=${'x'.repeat(5000)}`), list({}));
  const typed = parseRoute('#/?minTokens=lots') as Extract<Route, { view: 'list' }>;
  assert.deepEqual(typed.filters, { minTokens: 'lots' }, 'the box shows what was typed, flagged');
  assert.deepEqual(buildListQuery(filterInput(typed.filters, ALL_TIME), 50, 0), { limit: 50 }, 'and the engine never sees it');
  assert.deepEqual(parseRoute('#/?internal=1'), list({ internal: true }));
  assert.deepEqual(parseRoute('#/?internal=true'), list({ internal: true }));
});

test("the filter bar's input is the list's filters with the app's range spread in", () => {
  const now = Date.UTC(2026, 11, 6, 12);
  const input = filterInput({ service: 'shop' }, { choice: '1h', from: '', to: '' });
  assert.deepEqual(buildListQuery(input, 50, now), { limit: 50, service: 'shop', startFrom: `${now - 3_600_000}000000` });
  assert.deepEqual(filterInput({}, ALL_TIME), { q: '', service: '', range: 'all', from: '', to: '' });
});

test('clearing the filters keeps the sort and the internal choice, and leaves the range to the app', () => {
  const cleared = normalizeListFilters(clearedFilters(filterInput({ q: 'x', model: 'm', sort: 'shortest', internal: true }, { choice: '7d', from: '', to: '' })));
  assert.deepEqual(cleared, { sort: 'shortest', internal: true });
  assert.deepEqual(parseListFilters(new URLSearchParams('range=7d')), {}, 'the range is not one of the list filters');
});
