/**
 * The memory's SQLite file: its migration, run items stored once per trace, collections, vectors
 * per embedder, retention's purge, full-text search that no user text can break, and a damaged
 * file moved aside instead of crash-looping the memory process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MEMORY_SCHEMA_VERSION, migrateMemory, NewerMemorySchemaError } from '../../../src-main/engine/memory/memory-migrate';
import { decodeVector, encodeVector, MemoryDb } from '../../../src-main/engine/memory/memory-db';
import { itemFilterSql } from '../../../src-main/engine/memory/memory-query-sql';
import { randomUnit, runItem, tempMemory, TRACE_A, TRACE_B, TRACE_C, wordVector } from './memory-support';

const KEY = 'hashing/words/64';

test('migration 0001 creates STRICT items, vectors, the full-text index and the feed state, and records itself', () => {
  const db = new Database(':memory:');
  migrateMemory(db, ':memory:', 0);
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(), ['memory_migrations']);
  migrateMemory(db, ':memory:', 1, 1234);
  assert.deepEqual(db.prepare('SELECT version, name, applied_at FROM memory_migrations').all(), [{ version: 1, name: 'init', applied_at: 1234 }]);
  const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'items_fts%' AND name <> 'sqlite_sequence' ORDER BY name").all() as Array<{ name: string; sql: string }>;
  assert.deepEqual(tables.map((t) => t.name), ['feed_state', 'items', 'memory_migrations', 'vectors']);
  for (const t of tables) assert.match(t.sql, /STRICT/, `${t.name} is STRICT`);
  assert.deepEqual(db.prepare('SELECT watermark, skipped FROM feed_state').get(), { watermark: 0, skipped: 0 });
  const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
  assert.deepEqual(indexes, ['items_by_collection', 'items_once_per_trace', 'items_run_facets', 'vectors_by_item']);
  // Items written now are in the full-text index through the trigger.
  db.prepare("INSERT INTO items (collection, source, text, created_at) VALUES ('notes', 'note', 'the weather in Paris', 1)").run();
  assert.equal(db.prepare("SELECT count(*) FROM items_fts WHERE items_fts MATCH 'paris'").pluck().get(), 1);
  // Applied once: running it again changes nothing.
  migrateMemory(db, ':memory:');
  assert.equal(db.prepare('SELECT count(*) FROM memory_migrations').pluck().get(), MEMORY_SCHEMA_VERSION);
  db.close();
});

test('a memory file from a newer Flowtrace is refused, not migrated', () => {
  const db = new Database(':memory:');
  migrateMemory(db, ':memory:');
  db.prepare("INSERT INTO memory_migrations (version, name, applied_at) VALUES (99, 'future', 0)").run();
  assert.throws(() => migrateMemory(db, 'memory.sqlite'), (err: Error) => err instanceof NewerMemorySchemaError && /memory\.sqlite.*99/.test(err.message));
  db.close();
});

test('run items: a text repeated in later calls of a trace is stored once; another trace keeps its own', () => {
  const m = tempMemory();
  try {
    const first = m.db.insertRunItems([runItem('user: book a flight to Lisbon'), runItem('assistant: which dates?'), runItem('user: book a flight to Lisbon')]);
    assert.deepEqual(first.map((i) => i.text), ['user: book a flight to Lisbon', 'assistant: which dates?']);
    const second = m.db.insertRunItems([runItem('user: book a flight to Lisbon', { spanId: '2'.repeat(16) }), runItem('user: next week')]);
    assert.deepEqual(second.map((i) => i.text), ['user: next week']);
    const other = m.db.insertRunItems([runItem('user: book a flight to Lisbon', { traceId: TRACE_B })]);
    assert.equal(other.length, 1);
    // Same words as a tool result: another source, another item.
    assert.equal(m.db.insertRunItems([runItem('user: next week', { source: 'tool' })]).length, 1);
    const [stored] = m.db.getItems([first[0]!.id]);
    assert.deepEqual(
      { ...stored, createdAt: 0 },
      {
        id: first[0]!.id, collection: null, source: 'message', text: 'user: book a flight to Lisbon', metadata: null,
        traceId: TRACE_A, spanId: '1'.repeat(16), sessionId: 'session-1', agent: 'planner', model: 'gpt-4o', service: 'travel-agent',
        spanName: 'chat gpt-4o', startTimeUnixNano: '1700000000000000000', createdAt: 0,
      },
    );
    assert.deepEqual(m.db.counts(KEY), { runItems: 5, collectionItems: 0, embedded: 0, unembedded: 5 });
  } finally {
    m.cleanup();
  }
});

test('the feed step is stored with its items: watermark set, skipped spans added to the total', () => {
  const m = tempMemory();
  try {
    m.db.insertRunItems([runItem('one')], { watermark: 10, skipped: 0 });
    m.db.insertRunItems([], { watermark: 25, skipped: 7 });
    m.db.insertRunItems([runItem('two')], { watermark: 30, skipped: 3 });
    assert.deepEqual(m.db.feedState(), { watermark: 30, skipped: 10 });
    m.db.setFeedState({ watermark: 0, skipped: 0 });
    assert.deepEqual(m.db.feedState(), { watermark: 0, skipped: 0 });
    // A failing insert leaves the watermark where it was.
    assert.throws(() => m.db.insertRunItems([runItem('bad', { startNs: 'not a number' })], { watermark: 99, skipped: 1 }));
    assert.deepEqual(m.db.feedState(), { watermark: 0, skipped: 0 });
  } finally {
    m.cleanup();
  }
});

test('collections: items newest first by cursor, counts and newest time per collection, delete within its collection only', () => {
  const m = tempMemory();
  try {
    const ids = [1, 2, 3, 4, 5].map((n) => m.db.insertCollectionItem('notes', `note ${n}`, { n }, 1000 + n));
    m.db.insertCollectionItem('prefs', 'likes aisle seats', {}, 5000);
    const page1 = m.db.listItems('notes', 2);
    assert.deepEqual(page1.items.map((i) => i.text), ['note 5', 'note 4']);
    assert.deepEqual(page1.items[0], { id: String(ids[4]), collection: 'notes', text: 'note 5', metadata: { n: 5 }, createdAt: 1005 });
    const page2 = m.db.listItems('notes', 2, page1.nextCursor);
    assert.deepEqual(page2.items.map((i) => i.text), ['note 3', 'note 2']);
    const page3 = m.db.listItems('notes', 2, page2.nextCursor);
    assert.deepEqual(page3.items.map((i) => i.text), ['note 1']);
    assert.equal(page3.nextCursor, null);
    assert.deepEqual(m.db.listCollections(), [
      { name: 'notes', count: 5, updatedAt: 1005 },
      { name: 'prefs', count: 1, updatedAt: 5000 },
    ]);
    assert.equal(m.db.deleteItem('prefs', ids[0]!), false, 'not in that collection');
    m.db.setVectors(KEY, [{ id: ids[0]!, vector: randomUnit(1) }]);
    assert.equal(m.db.deleteItem('notes', ids[0]!), true);
    assert.equal(m.db.deleteItem('notes', ids[0]!), false);
    assert.equal(m.db.vectorStats(KEY).count, 0, 'its vector went with it');
    assert.deepEqual(m.db.textSearch('note', { kind: 'collection', collection: 'notes' }, 10).length, 4);
    assert.deepEqual(m.db.listItems('nothing-here'), { items: [], nextCursor: null });
  } finally {
    m.cleanup();
  }
});

test('vectors: per index key, replaced in place, never for a deleted item, paged in id order, float32 little-endian', () => {
  const m = tempMemory();
  try {
    const items = m.db.insertRunItems(['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((t) => runItem(t)));
    const ids = items.map((i) => i.id);
    assert.deepEqual(m.db.itemsWithoutVector(KEY, 10).map((i) => i.id), ids);
    m.db.deleteTraces([TRACE_C]); // no such trace: nothing happens
    const set = m.db.setVectors(KEY, ids.slice(0, 3).map((id) => ({ id, vector: randomUnit(id) })));
    assert.deepEqual(set, ids.slice(0, 3));
    assert.deepEqual(m.db.itemsWithoutVector(KEY, 10).map((i) => i.id), ids.slice(3));
    assert.deepEqual(m.db.itemsWithoutVector(KEY, 1, ids[3]).map((i) => i.id), [ids[4]]);
    // Another embedder's vectors: every item waits for one.
    assert.equal(m.db.itemsWithoutVector('local/minilm/384', 10).length, 5);
    // Replaced, not added.
    m.db.setVectors(KEY, [{ id: ids[0]!, vector: randomUnit(99) }]);
    assert.deepEqual([...m.db.vectorsOf(KEY, [ids[0]!])[0]!.vector], [...randomUnit(99)]);
    // The item went while its text was being embedded: no orphan vector.
    assert.deepEqual(m.db.setVectors(KEY, [{ id: 9999, vector: randomUnit(1) }]), []);
    m.db.setVectors(KEY, ids.slice(3).map((id) => ({ id, vector: randomUnit(id) })));
    const pages = [...m.db.vectorPages(KEY, 2)];
    assert.deepEqual(pages.map((p) => p.map((r) => r.id)), [ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
    assert.deepEqual(m.db.vectorStats(KEY), { count: 5, maxId: ids[4], idSum: ids.reduce((a, b) => a + b, 0) });
    assert.deepEqual(m.db.vectorStats('other/key/3'), { count: 0, maxId: 0, idSum: 0 });
    assert.equal(m.db.counts(KEY).embedded, 5);
    assert.equal(m.db.deleteVectors(KEY), 5);
    const v = new Float32Array([1, -0.5, 0.25, 3.4028234663852886e38]);
    const blob = encodeVector(v);
    assert.deepEqual([...blob.subarray(0, 4)], [0x00, 0x00, 0x80, 0x3f], '1.0f little-endian');
    assert.deepEqual([...decodeVector(blob)], [...v]);
    // A blob at an odd offset of its buffer decodes the same.
    const odd = Buffer.concat([Buffer.from([7]), blob]).subarray(1);
    assert.deepEqual([...decodeVector(odd)], [...v]);
  } finally {
    m.cleanup();
  }
});

test('similarTo reads the normalized mean of a span’s vectors, or of its whole run', () => {
  const m = tempMemory();
  try {
    const [a, b] = m.db.insertRunItems([runItem('x one'), runItem('x two', { spanId: '2'.repeat(16) })]);
    m.db.setVectors(KEY, [
      { id: a!.id, vector: new Float32Array([1, 0, 0]) },
      { id: b!.id, vector: new Float32Array([0, 1, 0]) },
    ]);
    assert.deepEqual([...m.db.meanVectorOf(KEY, TRACE_A, '1'.repeat(16))!], [1, 0, 0]);
    const mean = m.db.meanVectorOf(KEY, TRACE_A)!;
    assert.ok(Math.abs(mean[0]! - Math.SQRT1_2) < 1e-6 && Math.abs(mean[1]! - Math.SQRT1_2) < 1e-6);
    assert.equal(m.db.meanVectorOf(KEY, TRACE_B), null);
  } finally {
    m.cleanup();
  }
});

test('retention: items of traces the store no longer has are deleted with their vectors and words', async () => {
  const m = tempMemory();
  try {
    const traces = Array.from({ length: 7 }, (_, i) => i.toString(16).padStart(32, '0'));
    const items = m.db.insertRunItems(traces.flatMap((t) => [runItem(`zanzibar ${t}`, { traceId: t }), runItem(`second ${t}`, { traceId: t })]));
    m.db.setVectors(KEY, items.map((it) => ({ id: it.id, vector: randomUnit(it.id) })));
    const note = m.db.insertCollectionItem('notes', 'zanzibar note');
    const kept = new Set([traces[1], traces[4]]);
    const asked: string[][] = [];
    // Async, as the engine answers across processes; batches of 3 to cross page boundaries.
    const deleted = await m.db.purgeTraces(async (ids) => {
      asked.push(ids);
      return new Set(ids.filter((t) => kept.has(t)));
    }, 3);
    assert.deepEqual(asked.flat(), traces, 'each trace asked about once, in id order');
    assert.equal(deleted.length, 10);
    assert.deepEqual(m.db.runTraceIds(null, 100), [traces[1], traces[4]]);
    assert.equal(m.db.vectorStats(KEY).count, 4);
    assert.deepEqual(
      m.db.textSearch('zanzibar', { kind: 'runs' }, 10).map((h) => m.db.getItems([h.id])[0]!.traceId).sort(),
      [traces[1], traces[4]],
    );
    assert.deepEqual(m.db.getItems([note]).map((i) => i.text), ['zanzibar note'], 'collections are not retention’s');
    // A synchronous answer works too; deleteTraces alone returns what it deleted.
    assert.equal((await m.db.purgeTraces(() => new Set())).length, 4);
    assert.deepEqual(m.db.deleteTraces([traces[0]!]), []);
  } finally {
    m.cleanup();
  }
});

test('text search: every word (function words aside), the last one as a prefix, stems, best BM25 first, a snippet around the match', () => {
  const m = tempMemory();
  try {
    const [both, weatherOnly, parisOnly, table] = m.db.insertRunItems([
      runItem('user: what is the weather in Paris tomorrow'),
      runItem('tool get_weather({"city":"Rome"}) → sunny, 24 degrees'),
      runItem('assistant: Paris has three airports you could fly into'),
      runItem('user: book a table for two'),
    ]);
    const ids = (q: string) => m.db.textSearch(q, { kind: 'runs' }, 10).map((h) => h.id);
    assert.deepEqual(ids('weather paris'), [both!.id]);
    assert.deepEqual(ids('Paris weather?'), [both!.id], 'any order, any case, punctuation ignored');
    // "what", "is", "the", "in" are left out of a query that has other words.
    assert.deepEqual(ids('what is the weather in paris'), [both!.id]);
    assert.deepEqual(ids('how is the weather').sort((x, y) => x - y), [both!.id, weatherOnly!.id]);
    // A query of nothing but function words keeps them.
    assert.deepEqual(ids('for two'), [table!.id]);
    // The word being typed is a prefix; stems match ("airport" finds "airports").
    assert.deepEqual(ids('weath').sort((x, y) => x - y), [both!.id, weatherOnly!.id]);
    assert.deepEqual(ids('airport'), [parisOnly!.id]);
    assert.deepEqual(ids('paris airports'), [parisOnly!.id]);
    // BM25: the text where the word weighs more comes first.
    const [dense] = m.db.insertRunItems([runItem('Paris Paris Paris')]);
    assert.equal(ids('paris')[0], dense!.id);
    assert.equal(m.db.textSearch('paris', { kind: 'runs' }, 1).length, 1);
    const long = m.db.insertRunItems([runItem(`${'filler words here '.repeat(40)} the zanzibar invoice failed ${'more trailing text '.repeat(40)}`)]);
    const [snip] = m.db.textSearch('zanzibar', { kind: 'runs' }, 1);
    assert.equal(snip!.id, long[0]!.id);
    assert.match(snip!.snippet, /^….*zanzibar invoice failed.*…$/);
    assert.ok(snip!.snippet.length < 250);
    assert.ok(snip!.score > 0, 'higher is better');
  } finally {
    m.cleanup();
  }
});

test('text search never throws on user text: quotes, operators, NEAR(, column filters, unicode, emoji, huge input', () => {
  const m = tempMemory();
  try {
    m.db.insertRunItems([runItem('user: Ünïcödé café naïve 東京 résumé AND or NOT near'), runItem('tool search(q) → "quoted" * star')]);
    const odd = ['"', '""', '*', '**', 'NEAR(', 'NEAR(a b', 'a NEAR b', 'AND', 'OR OR', 'NOT', '-', '^', 'text:', 'text : café', '{text}: x', '(', ')', "'", ';--', 'café"*', '東京', '🦄🚀', '\u0000', '   ', '', 'x'.repeat(10000), 'a '.repeat(5000), 'résumé*', 'rank MATCH', 'items_fts'];
    for (const q of odd) {
      assert.doesNotThrow(() => m.db.textSearch(q, { kind: 'runs' }, 10), `q = ${JSON.stringify(q).slice(0, 40)}`);
    }
    assert.equal(m.db.textSearch('CAFE', { kind: 'runs' }, 10).length, 1, 'case and diacritics folded');
    assert.equal(m.db.textSearch('東京', { kind: 'runs' }, 10).length, 1);
    assert.equal(m.db.textSearch('AND', { kind: 'runs' }, 10).length, 1, 'an operator word is a word');
    assert.equal(m.db.textSearch('"quoted"', { kind: 'runs' }, 10).length, 1);
    assert.deepEqual(m.db.textSearch('*', { kind: 'runs' }, 10), []);
  } finally {
    m.cleanup();
  }
});

test('filters: service, model, agent, session, start range, left-out traces, runs apart from collections, metadata by JSON type', () => {
  const m = tempMemory();
  try {
    const [a, b, c] = m.db.insertRunItems([
      runItem('invoice failed', { service: 'billing', model: 'gpt-4o', agent: 'payer', sessionId: 's1', startNs: '1000' }),
      runItem('invoice failed again', { traceId: TRACE_B, service: 'billing', model: 'claude-3', agent: 'payer', sessionId: 's2', startNs: '2000' }),
      runItem('invoice paid', { traceId: TRACE_C, service: 'shop', model: 'gpt-4o', agent: 'cashier', sessionId: null, startNs: '3000' }),
    ]);
    const note = m.db.insertCollectionItem('notes', 'invoice template', { team: 'ops', priority: 1, urgent: true, owner: null, code: '1' });
    const other = m.db.insertCollectionItem('notes', 'invoice archive', { team: 'dev', priority: 2, urgent: false });
    const ids = (f: Parameters<MemoryDb['idsMatching']>[0]) => m.db.idsMatching(f).sort((x, y) => x - y);
    const text = (f: Parameters<MemoryDb['textSearch']>[1]) => m.db.textSearch('invoice', f, 10).map((h) => h.id).sort((x, y) => x - y);
    assert.deepEqual(ids({ kind: 'runs' }), [a!.id, b!.id, c!.id]);
    assert.deepEqual(ids({ kind: 'runs', service: 'billing' }), [a!.id, b!.id]);
    assert.deepEqual(ids({ kind: 'runs', model: 'gpt-4o' }), [a!.id, c!.id]);
    assert.deepEqual(ids({ kind: 'runs', agent: 'cashier' }), [c!.id]);
    assert.deepEqual(ids({ kind: 'runs', session: 's2' }), [b!.id]);
    assert.deepEqual(ids({ kind: 'runs', startFrom: '1500', startTo: '3000' }), [b!.id, c!.id]);
    assert.deepEqual(ids({ kind: 'runs', startTo: '1000' }), [a!.id]);
    assert.deepEqual(ids({ kind: 'runs', excludeTraceIds: [TRACE_A, TRACE_C] }), [b!.id]);
    assert.deepEqual(ids({ kind: 'runs', service: 'billing', model: 'claude-3', agent: 'payer', session: 's2' }), [b!.id]);
    assert.deepEqual(text({ kind: 'runs', service: 'shop' }), [c!.id]);
    assert.deepEqual(text({ kind: 'collection', collection: 'notes' }), [note, other].sort((x, y) => x - y));
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { team: 'ops' } }), [note]);
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { priority: 2 } }), [other]);
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { urgent: true } }), [note]);
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { urgent: false } }), [other]);
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { owner: null } }), [note], 'null matches an explicit null only');
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { code: 1 } }), [], 'the number 1 is not the string "1"');
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { code: '1', team: 'ops' } }), [note]);
    assert.deepEqual(ids({ kind: 'collection', collection: 'notes', metadata: { "it's": 'x' } }), []);
    assert.deepEqual(m.db.idsMatching({ kind: 'runs' }, 2).length, 2);
  } finally {
    m.cleanup();
  }
});

test('the search filters read the covering index, never the rows with their texts', () => {
  const m = tempMemory();
  const raw = new Database(m.file, { readonly: true });
  try {
    // MemoryDb.idsMatching's statement, with each facet: the index it names serves as a covering one.
    for (const filter of [{ model: 'gpt-4o', startFrom: '0' }, { service: 'x' }, { agent: 'a', startTo: '9' }, { session: 's' }]) {
      const f = itemFilterSql({ kind: 'runs', ...filter });
      const plan = raw.prepare(`EXPLAIN QUERY PLAN SELECT i.id FROM items i INDEXED BY items_run_facets WHERE ${f.sql} LIMIT ?`).all(...f.params, -1) as Array<{ detail: string }>;
      assert.match(plan.map((r) => r.detail).join('\n'), /COVERING INDEX items_run_facets/, JSON.stringify(filter));
    }
  } finally {
    raw.close();
    m.cleanup();
  }
});

test('getItems answers in the order asked and leaves out ids no longer stored', () => {
  const m = tempMemory();
  try {
    const [a, b] = m.db.insertRunItems([runItem('first'), runItem('second')]);
    assert.deepEqual(m.db.getItems([b!.id, 424242, a!.id]).map((i) => i.text), ['second', 'first']);
    assert.deepEqual(m.db.getItems([]), []);
    const many = Array.from({ length: 4500 }, (_, i) => i + 1);
    assert.equal(m.db.getItems(many).length, 2, 'more ids than one statement takes');
  } finally {
    m.cleanup();
  }
});

test('ids are never reused after a delete (they are the labels of the vector index)', () => {
  const m = tempMemory();
  try {
    const [a] = m.db.insertRunItems([runItem('only')]);
    m.db.deleteTraces([TRACE_A]);
    const [b] = m.db.insertRunItems([runItem('only')]);
    assert.ok(b!.id > a!.id);
  } finally {
    m.cleanup();
  }
});

test('a damaged memory file is moved aside with a notice and a fresh one started', () => {
  const m = tempMemory();
  m.db.close();
  writeFileSync(m.file, Buffer.alloc(8192, 0x5a));
  const reopened = MemoryDb.open(m.file);
  try {
    assert.equal(reopened.notices.length, 1);
    assert.match(reopened.notices[0]!, /damaged.*moved, unchanged, to .*memory\.sqlite\.corrupt-/);
    assert.ok(readdirSync(dirname(m.file)).some((f) => f.startsWith('memory.sqlite.corrupt-')));
    assert.deepEqual(reopened.feedState(), { watermark: 0, skipped: 0 });
    assert.ok(existsSync(m.file));
  } finally {
    reopened.close();
    m.cleanup();
  }
});

test('word vectors of the test support share direction when texts share words', () => {
  const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
  assert.ok(dot(wordVector('weather in paris'), wordVector('paris weather')) > 0.6);
  assert.ok(Math.abs(dot(wordVector('weather in paris'), wordVector('book a table'))) < 0.5);
});
