/** The Compare page's pure parts: its route (both ids in the URL) and the word diff of changed text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signed, wordDiff } from '../../src-renderer/src/lib/compare/word-diff';
import { formatRoute, parseRoute } from '../../src-renderer/src/lib/route';

const A = 'ab'.repeat(16);
const B = 'CD'.repeat(16);

test('the compare route keeps both runs, lowercase, and drops what is not an id', () => {
  assert.deepEqual(parseRoute(`#/compare?a=${A}&b=${B}`), { view: 'compare', a: A, b: B.toLowerCase() });
  assert.deepEqual(parseRoute(`#/compare?a=${A}`), { view: 'compare', a: A, b: null });
  assert.deepEqual(parseRoute('#/compare?a=nothex&b='), { view: 'compare', a: null, b: null });
  assert.equal(formatRoute({ view: 'compare', a: A, b: B.toLowerCase() }), `#/compare?a=${A}&b=${B.toLowerCase()}`);
  assert.equal(formatRoute({ view: 'compare', a: null, b: null }), '#/compare');
  const round = parseRoute(formatRoute({ view: 'compare', a: A, b: null }));
  assert.deepEqual(round, { view: 'compare', a: A, b: null });
});

const render = (a: string, b: string): string => wordDiff(a, b).map((c) => (c.op === 'same' ? c.text : c.op === 'del' ? `[-${c.text}-]` : `{+${c.text}+}`)).join('');

test('word diff: changed words marked, the rest kept as it was', () => {
  assert.equal(render('Total about 787 EUR for two.', 'Total about 912 EUR for two.'), 'Total about [-787-]{+912+} EUR for two.');
  assert.equal(render('a b c', 'a b c'), 'a b c');
  assert.equal(render('', 'new text'), '{+new text+}');
  assert.equal(render('old', ''), '[-old-]');
  assert.equal(render('Sunny. Total 787', 'Total 787 EUR'), '[-Sunny. -]Total 787{+ EUR+}');
  // Alternating deletions and insertions across spaces read as one deletion, then one insertion.
  assert.equal(render('Total (435 EUR). Done', 'Total Expect sun, 24 °C. Done'), 'Total [-(435 EUR).-]{+Expect sun, 24 °C.+} Done');
  // Every chunk of a diff puts a back together on the `same`+`del` side and b on `same`+`ins`.
  const a = 'the quick brown fox jumps over the lazy dog';
  const b = 'the quick red fox leaps over a lazy cat';
  const chunks = wordDiff(a, b);
  assert.equal(chunks.filter((c) => c.op !== 'ins').map((c) => c.text).join(''), a);
  assert.equal(chunks.filter((c) => c.op !== 'del').map((c) => c.text).join(''), b);
});

test('signed deltas', () => {
  assert.equal(signed(12, String), '+12');
  assert.equal(signed(-3, String), '−3');
  assert.equal(signed(0, String), '0');
});
