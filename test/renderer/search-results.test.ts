/** The search page's pure parts: results grouped by run, the query's words marked, what the page says about an answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchResult } from '../../src-shared/contract';
import {
  formatEmbedder,
  groupByTrace,
  groupTitle,
  highlightTerms,
  modeNotice,
  moreLabel,
  shownResults,
  resultsSummary,
  shortId,
  similarTitle,
} from '../../src-renderer/src/lib/search/results';

const result = (traceId: string, spanId: string, over: Partial<SearchResult> = {}): SearchResult => ({
  traceId,
  spanId,
  score: 1,
  snippet: `text of ${spanId}`,
  source: 'message',
  spanName: `span ${spanId}`,
  startTimeUnixNano: '1700000000000000000',
  ...over,
});

test('results group by trace, in the order of each trace’s best match, matches in rank order', () => {
  const groups = groupByTrace([
    result('t1', 'a', { agent: 'planner', service: 'trip', startTimeUnixNano: '1700000000000000500' }),
    result('t2', 'b', { agent: 'booking', sessionId: 'conv' }),
    result('t1', 'c', { agent: 'booking', startTimeUnixNano: '1700000000000000100', source: 'error' }),
    result('t1', 'a', { agent: 'planner' }), // the same text of the same span again
    result('t2', 'd', { service: 'trip-2' }),
  ]);
  assert.deepEqual(groups.map((g) => [g.traceId, g.results.map((r) => r.spanId)]), [
    ['t1', ['a', 'c']],
    ['t2', ['b', 'd']],
  ]);
  assert.deepEqual(groups[0]!.agents, ['planner', 'booking']);
  assert.equal(groups[0]!.service, 'trip');
  assert.equal(groups[0]!.startTimeUnixNano, '1700000000000000100', 'the earliest match');
  assert.equal(groups[1]!.sessionId, 'conv');
  assert.equal(groups[1]!.service, 'trip-2', 'the first match that names a service');
});

test('a group is titled by its root span when known, else its agent, else its best span', () => {
  const roots = (id: string) => (id === 't1' ? 'invoke_agent travel_planner' : undefined);
  const [g1, g2, g3] = groupByTrace([result('t1', 'a'), result('t2', 'b', { agent: 'booking' }), result('t3', 'c')], roots);
  assert.equal(groupTitle(g1!), 'invoke_agent travel_planner');
  assert.equal(groupTitle(g2!), 'booking');
  assert.equal(groupTitle(g3!), 'span c');
});

test('the summary counts matches and runs', () => {
  assert.equal(resultsSummary(groupByTrace([result('t1', 'a')])), '1 match in 1 run');
  assert.equal(resultsSummary(groupByTrace([result('t1', 'a'), result('t1', 'b'), result('t2', 'c')])), '3 matches in 2 runs');
});

test('the embedder is said in one quiet line', () => {
  assert.equal(formatEmbedder({ provider: 'local', model: 'all-MiniLM-L6-v2-int8', dim: 384 }), 'all-MiniLM-L6-v2-int8 · 384-d, local');
});

test('a fallback to words while the vectors catch up is said; an answer in the mode asked is not', () => {
  assert.equal(modeNotice('hybrid', 'text'), 'Meaning search is catching up: showing word matches');
  assert.equal(modeNotice('semantic', 'text'), 'Meaning search is catching up: showing word matches');
  assert.equal(modeNotice('text', 'text'), null);
  assert.equal(modeNotice('hybrid', 'hybrid'), null);
});

test('the query’s words are marked as the word search matches them: whole words, the last also as a prefix, function words aside', () => {
  const marked = (snippet: string, q: string) => highlightTerms(snippet, q).map((s) => (s.hit ? `[${s.text}]` : s.text)).join('');
  assert.equal(marked('Hotel API timed out; hotels full', 'hotel time'), '[Hotel] API [timed] out; hotels full');
  assert.equal(marked('the hotel', 'a hotel'), 'the [hotel]');
  assert.equal(marked('photel', 'hotel'), 'photel', 'not inside a word');
  assert.equal(marked('the tool took too long to respond', 'the lodging service took too long to respond'), 'the tool [took] too [long] to [respond]');
  assert.equal(marked('to be or not', 'to be'), '[to] [be] or not', 'a query of function words only keeps them');
  assert.equal(marked('lodging did not answer', 'hotel timed out'), 'lodging did not answer', 'a match by meaning alone');
  assert.equal(marked('price (EUR) [x]', '(eur) [x'), 'price ([EUR]) [x]', 'punctuation in the query is not a word');
  assert.deepEqual(highlightTerms('', 'x'), [{ text: '', hit: false }]);
  assert.equal(marked('Ünïcode Wörter', 'wört'), 'Ünïcode [Wörter]');
});

test('similar runs are titled by what they are like', () => {
  assert.equal(similarTitle({ traceId: 'abcdef0123456789', spanId: null }), 'Runs similar to trace abcdef01…');
  assert.equal(similarTitle({ traceId: 'ab', spanId: null }, { root: 'invoke_agent planner' }), 'Runs similar to “invoke_agent planner”');
  assert.equal(similarTitle({ traceId: 'ab', spanId: '0123456789ab' }), 'Runs similar to span 01234567…');
  assert.equal(similarTitle({ traceId: 'ab', spanId: 'cd' }, { span: 'execute_tool search_hotels' }), 'Runs similar to “execute_tool search_hotels”');
  assert.equal(shortId('abc'), 'abc');
});

test('a run shows its best three matches and says how many more it holds; one more than three is shown, not hidden', () => {
  const run = (n: number) => groupByTrace(Array.from({ length: n }, (_, i) => result('t', `s${i}`)))[0]!;
  assert.deepEqual(shownResults(run(3), false).more, 0);
  assert.deepEqual(shownResults(run(4), false), { shown: run(4).results, more: 0 });
  const five = shownResults(run(5), false);
  assert.deepEqual([five.shown.map((r) => r.spanId), five.more], [['s0', 's1', 's2'], 2]);
  assert.equal(shownResults(run(5), true).shown.length, 5);
  assert.equal(moreLabel(1), '1 more match in this run');
  assert.equal(moreLabel(12), '12 more matches in this run');
});
