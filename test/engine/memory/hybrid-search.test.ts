/**
 * Search over runs and recall from collections: reciprocal rank fusion, the mode actually used,
 * filters that do not starve the answer (narrow ones by exact scan, wide ones in the graph walk),
 * one result per span, snippets, similar runs, and recall's metadata filter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SearchQuery } from '../../../src-shared/contract';
import { EXACT_SCAN_MAX, excerpt, fuse, hybridSearch, recallCollection, RRF_K } from '../../../src-main/engine/memory/hybrid-search';
import { VectorIndex } from '../../../src-main/engine/memory/hnsw-index';
import type { MemoryDb, RunItemInput } from '../../../src-main/engine/memory/memory-db';
import { runItem, tempMemory, TRACE_A, TRACE_B, TRACE_C, wordVector, type TempMemory } from './memory-support';

const DIM = 64;
const KEY = `test/words/${DIM}`;
const embed = (text: string) => wordVector(text, DIM);

/** Stores the items with word vectors and returns their ids. */
function remember(db: MemoryDb, items: RunItemInput[]): number[] {
  const added = db.insertRunItems(items);
  db.setVectors(KEY, added.map((a) => ({ id: a.id, vector: embed(a.text) })));
  return added.map((a) => a.id);
}

function withMemory(fn: (m: TempMemory) => void): void {
  const m = tempMemory();
  try {
    fn(m);
  } finally {
    m.cleanup();
  }
}

const span = (n: number) => n.toString(16).padStart(16, '0');

test('fuse: reciprocal rank fusion with k = 60; ties keep first appearance', () => {
  assert.equal(RRF_K, 60);
  const fused = fuse([
    [1, 2, 3],
    [3, 4],
  ]);
  assert.deepEqual(fused.map((f) => f.id), [3, 1, 2, 4]);
  assert.equal(fused[0]!.score, 1 / 63 + 1 / 61);
  assert.equal(fused[1]!.score, 1 / 61);
  assert.equal(fused[2]!.score, fused[3]!.score);
  // A document ranked second in both lists beats one ranked first in only one.
  assert.deepEqual(fuse([[10, 20], [30, 20]]).map((f) => f.id), [20, 10, 30]);
  assert.deepEqual(fuse([[5, 6]], 1).map((f) => f.score), [1 / 2, 1 / 3]);
  assert.deepEqual(fuse([]), []);
  assert.deepEqual(fuse([[], [7]]), [{ id: 7, score: 1 / 61 }]);
});

test('modes: text when vectors are not ready (and the answer says so), semantic by vectors alone, hybrid fuses both', () => {
  withMemory((m) => {
    remember(m.db, [
      runItem('user: what is the weather in Paris tomorrow', { spanId: span(1) }),
      runItem('tool get_weather({"city":"Rome"}) → sunny and warm', { source: 'tool', spanId: span(2) }),
      runItem('assistant: Paris has three airports', { spanId: span(3), traceId: TRACE_B }),
    ]);
    const index = VectorIndex.rebuild(m.db, KEY, DIM);
    const q = 'weather paris';
    const query: SearchQuery = { q };
    const none = hybridSearch({ db: m.db, index: null, vector: null, query });
    assert.equal(none.mode, 'text');
    assert.equal(none.results[0]!.spanId, span(1));
    assert.equal(hybridSearch({ db: m.db, index, vector: null, query: { q, mode: 'semantic' } }).mode, 'text');
    assert.equal(hybridSearch({ db: m.db, index: null, vector: embed(q), query: { q, mode: 'semantic' } }).mode, 'text');

    const semantic = hybridSearch({ db: m.db, index, vector: embed(q), query: { q, mode: 'semantic' } });
    assert.equal(semantic.mode, 'semantic');
    assert.equal(semantic.results[0]!.spanId, span(1));
    const cosine = embed(q).reduce((sum, x, i) => sum + x * embed('user: what is the weather in Paris tomorrow')[i]!, 0);
    assert.ok(Math.abs(semantic.results[0]!.score - cosine) < 1e-5, 'the score is the cosine');

    const hybrid = hybridSearch({ db: m.db, index, vector: embed(q), query });
    assert.equal(hybrid.mode, 'hybrid');
    assert.deepEqual(hybrid.results.map((r) => r.spanId).slice(0, 1), [span(1)]);
    assert.equal(hybrid.results[0]!.score, 2 / (RRF_K + 1), 'first in both rankings');
    assert.deepEqual(new Set(hybrid.results.map((r) => r.spanId)), new Set([span(1), span(2), span(3)]), 'each found by words or meaning');
    const text = hybridSearch({ db: m.db, index, vector: embed(q), query: { q, mode: 'text' } });
    assert.equal(text.mode, 'text');
    assert.equal(text.results[0]!.score, 1 / (RRF_K + 1));
    assert.deepEqual(hybridSearch({ db: m.db, index, vector: null, query: { q: '   ' } }), { results: [], mode: 'text' });
  });
});

test('a result: the span, its run’s facets, a snippet around the words or an excerpt for a hit by meaning alone', () => {
  withMemory((m) => {
    const long = `${'The agent considered several options for the trip. '.repeat(6)}Finally it chose the overnight train to Vienna because flights were cancelled. ${'It then wrote a summary for the user. '.repeat(6)}`;
    remember(m.db, [
      runItem(long, { spanId: span(1), sessionId: null, agent: null, startNs: '1700000000123456789' }),
      runItem('user: umbrella forecast rain', { spanId: span(2), traceId: TRACE_B }),
    ]);
    const index = VectorIndex.rebuild(m.db, KEY, DIM);
    const byWords = hybridSearch({ db: m.db, index, vector: embed('vienna'), query: { q: 'vienna' } }).results.find((r) => r.spanId === span(1))!;
    assert.deepEqual(
      { ...byWords, score: 0, snippet: '' },
      { traceId: TRACE_A, spanId: span(1), score: 0, snippet: '', source: 'message', spanName: 'chat gpt-4o', model: 'gpt-4o', service: 'travel-agent', startTimeUnixNano: '1700000000123456789' },
    );
    assert.match(byWords.snippet, /^….*overnight train to Vienna.*…$/);
    // Found by meaning only (the words are not in it): an excerpt of ~160 characters.
    const byMeaning = hybridSearch({ db: m.db, index, vector: embed(long), query: { q: 'zzz-nothing' } });
    const hit = byMeaning.results.find((r) => r.spanId === span(1))!;
    assert.ok(hit.snippet.length <= 161 && hit.snippet.endsWith('…'), hit.snippet);
    assert.ok(hit.snippet.startsWith('The agent considered'));
  });
});

test('one result per span and source (its best text); collection items never answer a search of the runs', () => {
  withMemory((m) => {
    remember(m.db, [
      runItem('user: refund my order please', { spanId: span(1) }),
      runItem('assistant: refund issued for the order', { spanId: span(1) }),
      runItem('tool refund({"order":1}) → refund service timed out', { spanId: span(2), source: 'tool' }),
      runItem('refund service timed out', { spanId: span(2), source: 'error' }),
    ]);
    const note = m.db.insertCollectionItem('notes', 'refund order refund order');
    m.db.setVectors(KEY, [{ id: note, vector: embed('refund order refund order') }]);
    const index = VectorIndex.rebuild(m.db, KEY, DIM);
    const { results } = hybridSearch({ db: m.db, index, vector: embed('refund order'), query: { q: 'refund order' } });
    assert.deepEqual(results.map((r) => `${r.spanId} ${r.source}`).sort(), [`${span(1)} message`, `${span(2)} error`, `${span(2)} tool`]);
    assert.equal(hybridSearch({ db: m.db, index, vector: embed('refund'), query: { q: 'refund', limit: 1 } }).results.length, 1);
    // By words: the failed call is found as its error too.
    const words = hybridSearch({ db: m.db, index: null, vector: null, query: { q: 'service timed out' } });
    assert.deepEqual(words.results.map((r) => r.source).sort(), ['error', 'tool']);
  });
});

test('filters do not starve the answer: a narrow filter by exact scan, a wide one inside the graph walk', () => {
  withMemory((m) => {
    // 6,000 texts about trains; 5 of the "rare" service are about something else entirely, and
    // 3,000 of the "half" service. A top-k taken before filtering would find none of the rare ones.
    const items: RunItemInput[] = [];
    for (let i = 0; i < 6000; i++) {
      const rare = i % 1200 === 0;
      items.push(
        runItem(rare ? `invoice ledger audit ${i}` : `train ticket to vienna seat ${i}`, {
          traceId: (i + 1).toString(16).padStart(32, '0'),
          spanId: span(i + 1),
          service: rare ? 'rare' : i % 2 === 0 ? 'half' : 'other',
          startNs: String(1000 + i),
        }),
      );
    }
    remember(m.db, items);
    assert.ok(6000 > EXACT_SCAN_MAX && 2995 <= EXACT_SCAN_MAX, 'one filter below passes more than the exact-scan bound, one fewer');
    const index = VectorIndex.rebuild(m.db, KEY, DIM);
    const vector = embed('train ticket vienna');
    const rare = hybridSearch({ db: m.db, index, vector, query: { q: 'train', mode: 'semantic', service: 'rare', limit: 10 } });
    assert.equal(rare.results.length, 5);
    assert.ok(rare.results.every((r) => r.service === 'rare'));
    // Wide: a start range passing all 6,000, over the exact-scan bound: the graph walk filters.
    const wide = hybridSearch({ db: m.db, index, vector, query: { q: 'train', mode: 'semantic', startFrom: '1000', startTo: '6999', limit: 20 } });
    assert.equal(wide.results.length, 20);
    assert.ok(wide.results.every((r) => r.service !== 'rare'));
    // 2,995 items of "half": an exact scan of their vectors.
    const half = hybridSearch({ db: m.db, index, vector, query: { q: 'train', service: 'half', limit: 20 } });
    assert.equal(half.results.length, 20);
    assert.ok(half.results.every((r) => r.service === 'half'));
    const window = hybridSearch({ db: m.db, index, vector, query: { q: 'train', startFrom: '1100', startTo: '1109', limit: 50 } });
    assert.deepEqual(window.results.map((r) => Number(r.startTimeUnixNano)).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => 1100 + i));
  });
});

test('similar runs: the span’s own vectors search, and its run is left out', () => {
  withMemory((m) => {
    remember(m.db, [
      runItem('user: my payment failed with card declined', { spanId: span(1), traceId: TRACE_A }),
      runItem('assistant: the card payment was declined by the bank', { spanId: span(2), traceId: TRACE_A }),
      runItem('user: payment declined again, card failed', { spanId: span(3), traceId: TRACE_B }),
      runItem('user: what time is the museum open', { spanId: span(4), traceId: TRACE_C }),
    ]);
    const index = VectorIndex.rebuild(m.db, KEY, DIM);
    const vector = m.db.meanVectorOf(KEY, TRACE_A, span(1));
    const similar = hybridSearch({ db: m.db, index, vector, query: { similarTo: { traceId: TRACE_A, spanId: span(1) }, mode: 'semantic' } });
    assert.equal(similar.mode, 'semantic');
    assert.equal(similar.results[0]!.traceId, TRACE_B);
    assert.ok(similar.results.every((r) => r.traceId !== TRACE_A));
    // The same exclusion through the explicit argument.
    const explicit = hybridSearch({ db: m.db, index, vector, query: { mode: 'semantic' }, excludeTraceId: TRACE_A });
    assert.deepEqual(explicit.results.map((r) => r.traceId), similar.results.map((r) => r.traceId));
  });
});

test('recall: nearest items of one collection by cosine, with exact top-level metadata matches', () => {
  withMemory((m) => {
    const add = (collection: string, text: string, metadata: Record<string, unknown>) => {
      const id = m.db.insertCollectionItem(collection, text, metadata, 1000);
      m.db.setVectors(KEY, [{ id, vector: embed(text) }]);
      return id;
    };
    const seat = add('prefs', 'prefers an aisle seat on long flights', { user: 'ana', kind: 'travel' });
    const meal = add('prefs', 'vegetarian meal on flights', { user: 'ana', kind: 'food' });
    add('prefs', 'prefers a window seat', { user: 'bo', kind: 'travel' });
    add('other', 'aisle seat aisle seat', { user: 'ana' });
    remember(m.db, [runItem('aisle seat requested', {})]);
    const index = VectorIndex.rebuild(m.db, KEY, DIM);
    const all = recallCollection(m.db, index, 'prefs', embed('aisle seat'), 5);
    assert.equal(all.length, 3);
    assert.equal(all[0]!.id, String(seat));
    assert.ok(all.every((r, i) => i === 0 || r.score <= all[i - 1]!.score));
    assert.deepEqual(
      { ...all[0]!, score: 0 },
      { id: String(seat), collection: 'prefs', text: 'prefers an aisle seat on long flights', metadata: { user: 'ana', kind: 'travel' }, createdAt: 1000, score: 0 },
    );
    const ana = recallCollection(m.db, index, 'prefs', embed('seat'), 5, { user: 'ana' });
    assert.deepEqual(ana.map((r) => r.id).sort(), [String(seat), String(meal)].sort());
    assert.deepEqual(recallCollection(m.db, index, 'prefs', embed('seat'), 5, { user: 'ana', kind: 'food' }).map((r) => r.id), [String(meal)]);
    assert.deepEqual(recallCollection(m.db, index, 'prefs', embed('seat'), 1).length, 1);
    assert.deepEqual(recallCollection(m.db, index, 'nothing', embed('seat'), 5), []);
  });
});

test('excerpt: ~160 characters around the first query word, cut at word boundaries', () => {
  const text = `${'alpha beta gamma '.repeat(30)}the needle is here ${'delta epsilon '.repeat(30)}`;
  const e = excerpt(text, 'needle');
  assert.ok(e.length <= 162, String(e.length));
  assert.match(e, /^…[a-z]/);
  assert.match(e, /needle is here/);
  assert.ok(e.endsWith('…'));
  assert.equal(excerpt('short text', 'x'), 'short text');
  assert.equal(excerpt('multi\n\nline   text'), 'multi line text');
  assert.ok(excerpt(text).startsWith('alpha beta'));
});
