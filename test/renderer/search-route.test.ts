/** The search and memory routes in the URL hash, and a search route → the engine's query → REST parameters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute, parseRouteRange, searchRoute, similarRoute, type SearchRoute } from '../../src-renderer/src/lib/route';
import { ALL_TIME, type TimeRange } from '../../src-renderer/src/lib/time-range';
import { hasFilters, searchKey, searchParams, searchQueryOf } from '../../src-renderer/src/lib/search/query';

const search = (over: Partial<SearchRoute> = {}): SearchRoute => ({ ...searchRoute(''), ...over });
const last = (choice: TimeRange['choice']): TimeRange => ({ choice, from: '', to: '' });

test('a search route carries the words, the mode and the filters, and round-trips', () => {
  assert.deepEqual(parseRoute('#/search?q=hotel+timed+out'), { view: 'search', q: 'hotel timed out', mode: 'hybrid', filters: {}, similar: null });
  assert.deepEqual(parseRoute('#/search'), { view: 'search', q: '', mode: 'hybrid', filters: {}, similar: null });
  const route = search({ q: 'where did the booking fail? 50% & more', mode: 'semantic', filters: { service: 'trip planner', agent: 'booking_agent', session: 'conv/1', model: 'gpt-4o' } });
  const hash = formatRoute(route, last('24h'));
  assert.match(hash, /^#\/search\?q=.*&range=24h$/);
  assert.deepEqual(parseRoute(hash), route);
  assert.deepEqual(parseRouteRange(hash), last('24h'), "the app's range rides along");
  assert.equal(formatRoute(search({ q: 'x' })), '#/search?q=x', 'hybrid and empty filters stay out of the URL');
  assert.equal(formatRoute(search()), '#/search');
});

test('a search route drops what it cannot read: an unknown mode or range, blank filters', () => {
  assert.deepEqual(parseRoute('#/search?q=a&mode=fuzzy&range=3y&service=%20&model=m'), { view: 'search', q: 'a', mode: 'hybrid', filters: { model: 'm' }, similar: null });
  assert.deepEqual(parseRouteRange('#/search?q=a&range=3y'), ALL_TIME);
  assert.deepEqual((parseRoute('#/search?q=a&range=all') as SearchRoute).filters, {});
  // A `?` inside the query (typed by hand, unencoded) is part of it, not a cut.
  assert.equal((parseRoute('#/search?q=why?') as SearchRoute).q, 'why?');
});

test('similar runs: a trace, or a span of it, as route parameters instead of q', () => {
  assert.deepEqual(parseRoute('#/search?similarTrace=ABCD&similarSpan=EF01'), { view: 'search', q: '', mode: 'hybrid', filters: {}, similar: { traceId: 'abcd', spanId: 'ef01' } });
  assert.deepEqual((parseRoute('#/search?similarTrace=abcd&similarSpan=nothex') as SearchRoute).similar, { traceId: 'abcd', spanId: null });
  assert.equal((parseRoute('#/search?similarTrace=zz&q=x') as SearchRoute).similar, null);
  assert.equal(formatRoute(similarRoute('abcd', 'ef01')), '#/search?similarTrace=abcd&similarSpan=ef01');
  assert.equal(formatRoute(similarRoute('abcd')), '#/search?similarTrace=abcd');
  assert.equal(formatRoute({ ...similarRoute('abcd'), q: 'ignored' }), '#/search?similarTrace=abcd');
});

test('memory routes: the collections, and one collection by name', () => {
  assert.deepEqual(parseRoute('#/memory'), { view: 'memory' });
  assert.deepEqual(parseRoute('#/memory/'), { view: 'memory' });
  assert.deepEqual(parseRoute('#/memory/agent.notes'), { view: 'memory', collection: 'agent.notes' });
  assert.equal(formatRoute({ view: 'memory' }), '#/memory');
  assert.equal(formatRoute({ view: 'memory', collection: 'agent.notes' }), '#/memory/agent.notes');
  assert.deepEqual(parseRoute(formatRoute({ view: 'memory', collection: 'a b' })), { view: 'memory', collection: 'a b' });
});

test('the other routes read as before', () => {
  assert.deepEqual(parseRoute('#/traces/ABCdef12?span=FF00'), { view: 'trace', traceId: 'abcdef12', spanId: 'ff00' });
  assert.deepEqual(parseRoute('#/nowhere'), { view: 'list', filters: {} });
  assert.deepEqual(parseRoute('#/sessions/x'), { view: 'session', sessionId: 'x' });
});

test('the engine query: trimmed words or the similar span, filters, a range resolved at now; nothing to ask without either', () => {
  const now = Date.UTC(2026, 0, 1);
  assert.equal(searchQueryOf(search({ q: '   ' }), ALL_TIME, now), null);
  assert.deepEqual(searchQueryOf(search({ q: ' hotel ', mode: 'text' }), ALL_TIME, now, 20), { q: 'hotel', mode: 'text', limit: 20 });
  assert.deepEqual(searchQueryOf(search({ q: 'x', filters: { service: 's', model: 'm', agent: 'a', session: 'c' } }), last('15m'), now, 20), {
    q: 'x',
    mode: 'hybrid',
    limit: 20,
    service: 's',
    model: 'm',
    agent: 'a',
    session: 'c',
    startFrom: String(BigInt(now - 15 * 60_000) * 1_000_000n),
  });
  assert.deepEqual(searchQueryOf(similarRoute('ab', 'cd'), ALL_TIME, now, 20), { mode: 'hybrid', limit: 20, similarTo: { traceId: 'ab', spanId: 'cd' } });
  assert.deepEqual(searchQueryOf(similarRoute('ab'), ALL_TIME, now, 20), { mode: 'hybrid', limit: 20, similarTo: { traceId: 'ab' } });
  const custom = searchQueryOf(search({ q: 'x' }), { choice: 'custom', from: '2026-01-01T10:00', to: '2026-01-01T11:00' }, now, 20);
  assert.equal(custom?.startFrom, `${new Date('2026-01-01T10:00').getTime()}000000`, 'a custom range bounds both ends');
  assert.equal(custom?.startTo, (BigInt(new Date('2026-01-01T11:01').getTime()) * 1_000_000n - 1n).toString());
});

test('REST parameters of GET /api/v1/search: flat, similarTo as similarTrace and similarSpan', () => {
  assert.equal(searchParams({ q: 'a b', mode: 'semantic', limit: 20, service: 'svc', startFrom: '1' }).toString(), 'q=a+b&mode=semantic&limit=20&service=svc&startFrom=1');
  assert.equal(searchParams({ similarTo: { traceId: 'ab', spanId: 'cd' } }).toString(), 'similarTrace=ab&similarSpan=cd');
  assert.equal(searchParams({ q: '' }).toString(), '');
});

test('a search key names the search, not the moment: the same settings make the same key', () => {
  assert.equal(searchKey(search({ q: 'x ' }), ALL_TIME), searchKey(search({ q: 'x' }), ALL_TIME));
  assert.notEqual(searchKey(search({ q: 'x' }), ALL_TIME), searchKey(search({ q: 'x', mode: 'text' }), ALL_TIME));
  assert.notEqual(searchKey(search({ q: 'x' }), ALL_TIME), searchKey(search({ q: 'x', filters: { agent: 'a' } }), ALL_TIME));
  assert.notEqual(searchKey(search({ q: 'x' }), ALL_TIME), searchKey(search({ q: 'x' }), last('1h')), 'another range is another search');
  assert.equal(hasFilters(search()), false);
  assert.equal(hasFilters(search({ filters: { agent: 'a' } })), true);
});
