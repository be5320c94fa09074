/** The Memory page's pure parts: what its forms accept, its paged item list, recall keys, counts and texts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MemoryItem } from '../../src-shared/contract';
import { checkCollectionName, checkItemText, parseK, parseMetadata } from '../../src-renderer/src/lib/memory/input';
import {
  adjustCount,
  applyItemsError,
  applyItemsPage,
  isRecallOf,
  noItems,
  prependItem,
  recallKey,
  withoutItem,
} from '../../src-renderer/src/lib/memory/items-state';
import { cliRememberExample, curlRememberExample, formatMetadata, formatScore, shellQuote, statusLine } from '../../src-renderer/src/lib/memory/format';
import { apiOrigin } from '../../src-renderer/src/lib/memory/origin';

const item = (id: string, collection = 'notes'): MemoryItem => ({ id, collection, text: `text ${id}`, metadata: {}, createdAt: 1 });

test('metadata: empty is none; otherwise a JSON object of at most 16 KB, with a message that says what to change', () => {
  assert.deepEqual(parseMetadata('  '), { ok: true, value: undefined });
  assert.deepEqual(parseMetadata('{"source": "notes", "n": 1}'), { ok: true, value: { source: 'notes', n: 1 } });
  const bad = parseMetadata('{source: notes}');
  assert.equal(bad.ok, false);
  assert.match(!bad.ok ? bad.message : '', /^Metadata is not valid JSON \(.+\)\. Write an object, like \{"source": "notes"\}\.$/);
  for (const notObject of ['[1,2]', '"text"', '42', 'null']) {
    const r = parseMetadata(notObject);
    assert.equal(r.ok, false, notObject);
    assert.match(!r.ok ? r.message : '', /must be a JSON object/);
  }
  const big = parseMetadata(JSON.stringify({ s: 'x'.repeat(17_000) }));
  assert.match(!big.ok ? big.message : '', /at most 16 KB/);
});

test('item text, collection names and k are checked as the contract bounds them', () => {
  assert.equal(checkItemText('  ').ok, false);
  assert.deepEqual(checkItemText(' keep spaces '), { ok: true, value: ' keep spaces ' });
  assert.match((checkItemText('x'.repeat(32_769)) as { message: string }).message, /32,769 characters; at most 32,768/);
  assert.deepEqual(checkCollectionName(' agent.notes-1_b '), { ok: true, value: 'agent.notes-1_b' });
  assert.equal(checkCollectionName('').ok, false);
  assert.equal(checkCollectionName('two words').ok, false);
  assert.equal(checkCollectionName('x'.repeat(65)).ok, false);
  assert.deepEqual(parseK(''), { ok: true, value: 5 });
  assert.deepEqual(parseK(' 12 '), { ok: true, value: 12 });
  for (const bad of ['0', '101', '2.5', '-1', 'ten']) assert.equal(parseK(bad).ok, false, bad);
});

test('items page by cursor newest first: a first page replaces, a further one appends what is new, a stale one is dropped', () => {
  const first = applyItemsPage(noItems, 'notes', { items: [item('3'), item('2')], nextCursor: 'c1' }, false);
  assert.deepEqual(first.items.map((i) => i.id), ['3', '2']);
  assert.equal(first.loaded, true);
  const more = applyItemsPage({ ...first, loadingMore: true }, 'notes', { items: [item('2'), item('1')], nextCursor: null }, true);
  assert.deepEqual(more.items.map((i) => i.id), ['3', '2', '1']);
  assert.equal(more.nextCursor, null);
  assert.equal(more.loadingMore, false);
  assert.equal(applyItemsPage(first, 'other', { items: [item('9')], nextCursor: null }, true), first, 'a page of another collection');
  const other = applyItemsPage(first, 'other', { items: [item('9', 'other')], nextCursor: null }, false);
  assert.deepEqual(other.items.map((i) => i.id), ['9']);
  const failed = applyItemsError(first, 'notes', 'boom');
  assert.equal(failed.error, 'boom');
  assert.equal(failed.loaded, true);
  assert.equal(applyItemsError(first, 'other', 'boom').loaded, false);
});

test('a new item goes on top of its own collection once; a forgotten one leaves', () => {
  const state = applyItemsPage(noItems, 'notes', { items: [item('2')], nextCursor: null }, false);
  const added = prependItem(state, item('5'));
  assert.deepEqual(added.items.map((i) => i.id), ['5', '2']);
  assert.equal(prependItem(added, item('5')), added);
  assert.equal(prependItem(state, item('7', 'other')), state);
  assert.deepEqual(withoutItem(added.items, '5').map((i) => i.id), ['2']);
});

test('recall keys name the collection, the trimmed query and k', () => {
  assert.equal(recallKey('notes', ' why? ', 3), recallKey('notes', 'why?', 3));
  assert.notEqual(recallKey('notes', 'why?', 3), recallKey('notes', 'why?', 4));
  assert.equal(isRecallOf(recallKey('notes', 'q', 1), 'notes'), true);
  assert.equal(isRecallOf(recallKey('notes', 'q', 1), 'other'), false);
  assert.equal(isRecallOf('', 'notes'), false);
});

test('counts follow adds and deletes; a first add makes the collection', () => {
  const before = [{ name: 'b', count: 1, updatedAt: 10 }];
  assert.deepEqual(adjustCount(before, 'b', -1), [{ name: 'b', count: 0, updatedAt: 10 }]);
  assert.deepEqual(adjustCount(before, 'a', 1, 99), [{ name: 'a', count: 1, updatedAt: 99 }, { name: 'b', count: 1, updatedAt: 10 }]);
  assert.deepEqual(adjustCount(before, 'zz', -1), before);
});

test('texts: scores, metadata on a line, commands that a shell reads as written', () => {
  assert.equal(formatScore(0.83456), '0.83');
  assert.equal(formatScore(Number.NaN), '—');
  assert.equal(formatMetadata({ source: 'notes', run: 42, tags: ['a'] }), 'source: notes · run: 42 · tags: ["a"]');
  assert.equal(formatMetadata({}), '');
  assert.equal(shellQuote('notes'), 'notes');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(cliRememberExample('notes', 'Retry once.'), `flowtrace memory remember notes 'Retry once.'`);
  assert.equal(
    curlRememberExample('http://127.0.0.1:9600', 'notes', 'x'),
    `curl -X POST http://127.0.0.1:9600/api/v1/memory/notes \\\n  -H 'content-type: application/json' \\\n  -d '{"text":"x","metadata":{"source":"notes"}}'`,
  );
  assert.equal(apiOrigin({ protocol: 'http:', origin: 'http://127.0.0.1:5000' }), 'http://127.0.0.1:5000');
  assert.equal(apiOrigin({ protocol: 'app:', origin: 'null' }), 'http://127.0.0.1:9600');
});

test('the status line says what the memory is doing', () => {
  const embedder = { provider: 'local', model: 'all-MiniLM-L6-v2-int8', dim: 384 };
  assert.equal(statusLine({ enabled: false, embedder: null, items: 0, backlogSpans: 0, skippedSpans: 0, lastError: null }), 'Memory is off');
  assert.equal(
    statusLine({ enabled: true, embedder, items: 1204, backlogSpans: 12, skippedSpans: 0, lastError: null }),
    '1,204 texts remembered · 12 spans waiting · all-MiniLM-L6-v2-int8 · 384-d, local',
  );
  assert.equal(statusLine({ enabled: true, embedder: null, items: 1, backlogSpans: 0, skippedSpans: 3, lastError: null }), '1 text remembered · 3 passed over (backlog full)');
});
