/** The trace list's filters → the engine query: every filter maps to its field, bad numbers are left out, time ranges move with now. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceListQuery } from '../../src-shared/validate';
import { traceListQueryFromParams, traceListSearchParams } from '../../src-shared/trace-list-params';
import {
  ariaSort,
  buildListQuery,
  clearedFilters,
  isFiltered,
  isInvalidNumber,
  listKey,
  nextSort,
  parseNumberField,
  type FilterInput,
} from '../../src-renderer/src/lib/list/query';
import { applyRefresh, initialListState, refreshQuery } from '../../src-renderer/src/state/list-state';
import type { TraceSummary } from '../../src-shared/contract';

const NOW = Date.UTC(2025, 10, 22, 14, 0, 0);
const none: FilterInput = { q: '', service: '' };

test('every filter becomes its TraceListQuery field, and the engine accepts the result', () => {
  const f: FilterInput = {
    q: '  hotel  lisbon ',
    service: 'travel-agent',
    model: ' gpt-4o ',
    agent: 'planner',
    tool: 'search_hotels',
    status: 'error',
    minDurationMs: '12.5',
    maxDurationMs: '2,000',
    minTokens: '1000',
    minCostUsd: '$0.01',
    range: '1h',
    sort: 'longest',
  };
  const query = buildListQuery(f, 50, NOW);
  assert.deepEqual(query, {
    limit: 50,
    q: 'hotel  lisbon',
    service: 'travel-agent',
    model: 'gpt-4o',
    agent: 'planner',
    tool: 'search_hotels',
    status: 'error',
    minDurationMs: 12.5,
    maxDurationMs: 2000,
    minTokens: 1000,
    minCostUsd: 0.01,
    startFrom: ((BigInt(NOW) - 3_600_000n) * 1_000_000n).toString(),
    sort: 'longest',
  });
  // Through the REST query string and the engine's validation unchanged.
  assert.deepEqual(parseTraceListQuery(traceListQueryFromParams(traceListSearchParams(query))), parseTraceListQuery(query));
  assert.deepEqual(parseTraceListQuery(query), query);
});

test('no filters: only the page size, newest first by default', () => {
  assert.deepEqual(buildListQuery(none, 50, NOW), { limit: 50 });
  assert.deepEqual(buildListQuery({ ...none, status: 'any', range: 'all', sort: 'newest', model: '  ' }, 50, NOW), { limit: 50 });
  assert.equal(isFiltered(none), false);
  assert.equal(isFiltered({ ...none, sort: 'oldest' }), false, 'a sort orders, it does not narrow');
  assert.equal(isFiltered({ ...none, range: 'custom' }), false, 'a custom range without dates narrows nothing');
  assert.equal(isFiltered({ ...none, range: '15m' }), true);
  assert.equal(isFiltered({ ...none, minTokens: 'abc' }), false, 'an unparseable number is not applied');
});

test('numbers that do not parse are left out and flagged; tokens must be whole', () => {
  assert.equal(parseNumberField('minTokens', '1.5'), undefined);
  assert.equal(parseNumberField('minTokens', '1,500'), 1500);
  assert.equal(parseNumberField('minDurationMs', '-3'), undefined);
  assert.equal(parseNumberField('minDurationMs', '.5'), 0.5);
  assert.equal(parseNumberField('minCostUsd', '$ 1'), undefined);
  assert.equal(parseNumberField('minCostUsd', '$0.25'), 0.25);
  assert.equal(parseNumberField('minTokens', '9'.repeat(20)), undefined, 'beyond what the engine accepts');
  assert.equal(isInvalidNumber('minTokens', '12k'), true);
  assert.equal(isInvalidNumber('minTokens', ' '), false);
  assert.deepEqual(buildListQuery({ ...none, minTokens: '12k', minDurationMs: '5' }, 50, NOW), { limit: 50, minDurationMs: 5 });
});

test('relative ranges follow now; custom ranges cover the whole last minute', () => {
  const f: FilterInput = { ...none, range: '15m' };
  assert.equal(buildListQuery(f, 50, NOW).startFrom, ((BigInt(NOW) - 900_000n) * 1_000_000n).toString());
  assert.equal(buildListQuery(f, 50, NOW + 60_000).startFrom, ((BigInt(NOW) - 840_000n) * 1_000_000n).toString());
  assert.equal(listKey(f), listKey(f), 'a live refresh is the same list');

  const custom: FilterInput = { ...none, range: 'custom', from: '2025-11-22T13:00', to: '2025-11-22T13:05' };
  const q = buildListQuery(custom, 50, NOW);
  const from = new Date('2025-11-22T13:00').getTime();
  const to = new Date('2025-11-22T13:05').getTime();
  assert.equal(q.startFrom, (BigInt(from) * 1_000_000n).toString());
  assert.equal(q.startTo, (BigInt(to + 60_000) * 1_000_000n - 1n).toString(), 'until 13:05 includes 13:05:59.999999999');
  assert.equal(buildListQuery({ ...custom, to: '2025-11-22T13:05:30' }, 50, NOW).startTo, (BigInt(new Date('2025-11-22T13:05:30').getTime() + 1000) * 1_000_000n - 1n).toString());
  assert.equal(buildListQuery({ ...custom, from: 'garbage', to: '' }, 50, NOW).startFrom, undefined);
  assert.notEqual(listKey(custom), listKey({ ...custom, to: '2025-11-22T13:06' }));
});

test('the list key changes with what is asked, not with how it was typed', () => {
  assert.equal(listKey({ ...none, q: ' x ' }), listKey({ ...none, q: 'x' }));
  assert.equal(listKey({ ...none, minDurationMs: '1.0' }), listKey({ ...none, minDurationMs: '1' }));
  assert.equal(listKey({ ...none, minDurationMs: 'abc' }), listKey(none));
  assert.notEqual(listKey({ ...none, sort: 'oldest' }), listKey(none));
  assert.notEqual(listKey({ ...none, range: '1h' }), listKey({ ...none, range: '24h' }));
});

test('clearing keeps the sort; header clicks toggle direction and say it in aria-sort', () => {
  const cleared = clearedFilters({ ...none, q: 'x', model: 'm', status: 'ok', range: '7d', sort: 'shortest' });
  assert.equal(isFiltered(cleared), false);
  assert.equal(cleared.sort, 'shortest');
  assert.deepEqual(buildListQuery(cleared, 50, NOW), { limit: 50, sort: 'shortest' });

  assert.equal(nextSort(undefined, 'start'), 'oldest');
  assert.equal(nextSort('oldest', 'start'), 'newest');
  assert.equal(nextSort('newest', 'duration'), 'longest');
  assert.equal(nextSort('longest', 'duration'), 'shortest');
  assert.equal(nextSort('shortest', 'start'), 'newest');
  assert.deepEqual([ariaSort(undefined, 'start'), ariaSort(undefined, 'duration')], ['descending', 'none']);
  assert.deepEqual([ariaSort('shortest', 'start'), ariaSort('shortest', 'duration')], ['none', 'ascending']);
  // Cost sorts one way (most expensive first); a second click goes back to newest.
  assert.equal(nextSort('longest', 'cost'), 'cost');
  assert.equal(nextSort('cost', 'cost'), 'newest');
  assert.equal(nextSort('cost', 'duration'), 'longest');
  assert.deepEqual([ariaSort('cost', 'cost'), ariaSort('cost', 'start'), ariaSort('newest', 'cost')], ['descending', 'none', 'none']);
});

const row = (id: string) => ({ traceId: id }) as TraceSummary;

test('a live refresh past one page keeps the rows scrolled into below it', () => {
  const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => row(String(from + i)));
  const shown = applyRefresh(initialListState, 'k', { traces: ids(700), nextCursor: 'c700' });
  // Two new traces on top; the refresh returns the top 500, which now ends at old row 497.
  const fresh = [row('new1'), row('new2'), ...ids(498)];
  const next = applyRefresh(shown, 'k', { traces: fresh, nextCursor: 'c498' });
  assert.equal(next.traces.length, 702);
  assert.deepEqual(next.traces.slice(0, 3).map((t) => t.traceId), ['new1', 'new2', '0']);
  assert.equal(next.traces.at(-1)?.traceId, '699');
  assert.equal(new Set(next.traces.map((t) => t.traceId)).size, 702, 'no duplicates');
  assert.equal(next.nextCursor, 'c700', 'paging continues after the last row shown');
  // Other filters: replaced outright.
  assert.equal(applyRefresh(shown, 'other', { traces: fresh, nextCursor: 'x' }).traces.length, 500);
  assert.deepEqual(refreshQuery(none, 700, NOW), { limit: 500 });
});
