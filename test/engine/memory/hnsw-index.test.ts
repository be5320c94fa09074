/**
 * The vector index: nearest first by cosine, deletes, growth past its first capacity, and the file
 * it is saved to, which is derived data: missing, stale or damaged (truncated, random bytes, a meta
 * that disagrees) means a rebuild from SQLite that answers the same, never a crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { HNSW_PARAMS, indexFileName, metaFileOf, VectorIndex, type IndexMeta } from '../../../src-main/engine/memory/hnsw-index';
import type { MemoryDb } from '../../../src-main/engine/memory/memory-db';
import { randomUnit, runItem, tempMemory, type TempMemory } from './memory-support';

const DIM = 32;
const KEY = `test/random/${DIM}`;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** n items with random vectors in SQLite; returns their ids. */
function seed(db: MemoryDb, n: number, from = 0): number[] {
  const items = db.insertRunItems(Array.from({ length: n }, (_, i) => runItem(`text ${from + i}`)));
  db.setVectors(KEY, items.map((it) => ({ id: it.id, vector: randomUnit(it.id, DIM) })));
  return items.map((it) => it.id);
}

const QUERIES = [1, 2, 3, 4, 5, 6].map((s) => randomUnit(10_000 + s, DIM));

function answers(index: VectorIndex): number[][] {
  return QUERIES.map((q) => index.search(q, 5).map((h) => h.id));
}

function withIndexFile(fn: (m: TempMemory, file: string, saved: IndexMeta, expected: number[][]) => void): void {
  const m = tempMemory();
  try {
    seed(m.db, 300);
    const file = join(m.dir, 'memory', indexFileName({ provider: 'test', model: 'random', dim: DIM }));
    const built = VectorIndex.rebuild(m.db, KEY, DIM);
    const saved = built.save(file);
    fn(m, file, saved, answers(built));
  } finally {
    m.cleanup();
  }
}

test('search: nearest first, score = cosine, removed ids gone, updates move an id, k beyond the size', () => {
  const index = VectorIndex.create(KEY, DIM);
  const vectors = new Map<number, Float32Array>();
  for (let id = 1; id <= 200; id++) {
    vectors.set(id, randomUnit(id, DIM));
    index.add(id, vectors.get(id)!);
  }
  const q = randomUnit(777, DIM);
  const exact = [...vectors].map(([id, v]) => ({ id, score: dot(q, v) })).sort((a, b) => b.score - a.score);
  const hits = index.search(q, 10);
  assert.deepEqual(hits.map((h) => h.id), exact.slice(0, 10).map((e) => e.id));
  for (const h of hits) assert.ok(Math.abs(h.score - dot(q, vectors.get(h.id)!)) < 1e-5);
  assert.equal(index.remove(exact[0]!.id), true);
  assert.equal(index.remove(exact[0]!.id), false);
  assert.equal(index.remove(9999), false);
  assert.equal(index.search(q, 1)[0]!.id, exact[1]!.id);
  // An update in place: id 5 now points where the query is.
  index.add(5, q);
  assert.deepEqual(index.search(q, 1)[0], { id: 5, score: index.search(q, 1)[0]!.score });
  assert.ok(index.search(q, 1)[0]!.score > 0.999);
  assert.equal(index.size, 199);
  assert.equal(index.search(q, 1000).length, 199);
  assert.deepEqual(index.search(q, 0), []);
  // A filter walks on until k candidates pass it.
  const even = index.search(q, 10, (id) => id % 2 === 0);
  assert.equal(even.length, 10);
  assert.ok(even.every((h) => h.id % 2 === 0));
  assert.throws(() => index.add(1, new Float32Array(DIM + 1)), /dimensions/);
  assert.throws(() => index.add(-1, q), /uint32/);
  assert.deepEqual(VectorIndex.create(KEY, DIM).search(q, 5), []);
});

test('capacity grows past the first allocation; deleted slots are reused before growing', () => {
  const index = VectorIndex.create(KEY, DIM, 16);
  for (let id = 1; id <= 2500; id++) index.add(id, randomUnit(id, DIM));
  assert.equal(index.size, 2500);
  for (let id = 1; id <= 500; id++) index.remove(id);
  for (let id = 3001; id <= 3500; id++) index.add(id, randomUnit(id, DIM));
  assert.equal(index.size, 2500);
  assert.deepEqual(index.stats().maxId, 3500);
  const q = randomUnit(3200, DIM);
  assert.equal(index.search(q, 1)[0]!.id, 3200);
  assert.ok(index.search(q, 2500).every((h) => h.id > 500));
});

test('save then open: the same answers without a rebuild; deleted labels stay deleted; a removed id can come back', () => {
  withIndexFile((m, file, saved, expected) => {
    assert.equal(saved.count, 300);
    assert.equal(saved.m, HNSW_PARAMS.m);
    assert.equal(saved.sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
    const opened = VectorIndex.openOrRebuild(file, m.db, KEY, DIM);
    assert.equal(opened.rebuilt, false, opened.reason);
    assert.deepEqual(answers(opened.index), expected);

    // A note remembered, then forgotten: SQLite and the index together, as the memory does.
    const note = m.db.insertCollectionItem('notes', 'remember me');
    const v = randomUnit(note, DIM);
    m.db.setVectors(KEY, [{ id: note, vector: v }]);
    opened.index.add(note, v);
    assert.equal(opened.index.search(v, 1)[0]!.id, note);
    m.db.deleteItem('notes', note);
    opened.index.remove(note);
    assert.deepEqual(opened.index.save(file).deleted, [note]);

    const reopened = VectorIndex.openOrRebuild(file, m.db, KEY, DIM);
    assert.equal(reopened.rebuilt, false, reopened.reason);
    assert.equal(reopened.index.has(note), false);
    assert.notEqual(reopened.index.search(v, 1)[0]!.id, note);
    assert.deepEqual(answers(reopened.index), expected);
    // Its label comes back to life when given a vector again.
    reopened.index.add(note, v);
    assert.equal(reopened.index.search(v, 1)[0]!.id, note);
    assert.equal(reopened.index.size, 301);
  });
});

test('a damaged or foreign index file is rebuilt from SQLite and answers the same', () => {
  const damage: Array<[string, (file: string, meta: IndexMeta) => void, RegExp]> = [
    ['missing file', (file) => rmSync(file), /^missing$/],
    ['missing meta', (file) => rmSync(metaFileOf(file)), /^meta unreadable/],
    ['meta not JSON', (file) => writeFileSync(metaFileOf(file), '{"format":1,'), /^meta unreadable/],
    ['meta of another shape', (file) => writeFileSync(metaFileOf(file), '[1,2,3]'), /^meta malformed$/],
    ['meta with a string count', (file, meta) => writeFileSync(metaFileOf(file), JSON.stringify({ ...meta, count: '300' })), /^meta malformed$/],
    ['meta of another embedder', (file, meta) => writeFileSync(metaFileOf(file), JSON.stringify({ ...meta, indexKey: 'local/minilm/384' })), /^built for local\/minilm\/384/],
    ['meta of another dimension', (file, meta) => writeFileSync(metaFileOf(file), JSON.stringify({ ...meta, dim: 16 })), /^built for/],
    ['meta counting other vectors', (file, meta) => writeFileSync(metaFileOf(file), JSON.stringify({ ...meta, count: 299 })), /^stale/],
    ['truncated file', (file) => truncateSync(file, Math.floor(statSync(file).size / 2)), /^damaged: checksum/],
    ['truncated to nothing', (file) => truncateSync(file, 0), /^damaged: checksum/],
    ['random bytes', (file) => writeFileSync(file, randomBytes(statSync(file).size)), /^damaged: checksum/],
    ['one flipped byte', (file) => flipByte(file, 100), /^damaged: checksum/],
    [
      'garbage whose meta was rewritten to match it',
      (file, meta) => {
        writeFileSync(file, Buffer.alloc(200));
        writeFileSync(metaFileOf(file), JSON.stringify({ ...meta, bytes: 200, sha256: createHash('sha256').update(Buffer.alloc(200)).digest('hex') }));
      },
      /^unreadable: Hnswlib Error/,
    ],
  ];
  for (const [name, harm, reason] of damage) {
    withIndexFile((m, file, saved, expected) => {
      harm(file, saved);
      const opened = VectorIndex.openOrRebuild(file, m.db, KEY, DIM);
      assert.equal(opened.rebuilt, true, name);
      assert.match(opened.reason ?? '', reason, name);
      assert.deepEqual(answers(opened.index), expected, name);
      // Saved again, it opens cleanly.
      opened.index.save(file);
      assert.equal(VectorIndex.openOrRebuild(file, m.db, KEY, DIM).rebuilt, false, `${name}, saved again`);
    });
  }
});

test('stale files: a vector embedded after the save; one deleted and one embedded late (same count, same newest id)', () => {
  withIndexFile((m, file) => {
    seed(m.db, 1, 5000);
    const r = VectorIndex.openOrRebuild(file, m.db, KEY, DIM);
    assert.equal(r.rebuilt, true);
    assert.equal(r.reason, 'stale: file has 300 vectors up to id 300, SQLite 301 vectors up to id 301');
    assert.equal(r.index.size, 301);
  });
  withIndexFile((m, file) => {
    const early = m.db.insertCollectionItem('notes', 'embedded before the save');
    const late = m.db.insertCollectionItem('notes', 'embedded after the save');
    const newest = m.db.insertCollectionItem('notes', 'the newest');
    m.db.setVectors(KEY, [early, newest].map((id) => ({ id, vector: randomUnit(id, DIM) })));
    VectorIndex.rebuild(m.db, KEY, DIM).save(file);
    m.db.deleteItem('notes', early);
    m.db.setVectors(KEY, [{ id: late, vector: randomUnit(late, DIM) }]);
    const r = VectorIndex.openOrRebuild(file, m.db, KEY, DIM);
    assert.equal(r.rebuilt, true, 'count 302 and newest id agree; the id sum does not');
    assert.ok(r.index.has(late) && !r.index.has(early));
  });
});

test('an empty index saves and opens; an index never saved is rebuilt empty', () => {
  const m = tempMemory();
  try {
    const file = join(m.dir, 'memory', 'empty.hnsw');
    const first = VectorIndex.openOrRebuild(file, m.db, KEY, DIM);
    assert.deepEqual([first.rebuilt, first.reason, first.index.size], [true, 'missing', 0]);
    first.index.save(file);
    const again = VectorIndex.openOrRebuild(file, m.db, KEY, DIM);
    assert.equal(again.rebuilt, false);
    assert.deepEqual(again.index.search(randomUnit(1, DIM), 5), []);
    // hnswlib loads an empty file with no capacity at all: the first add grows it.
    again.index.add(1, randomUnit(1, DIM));
    assert.equal(again.index.search(randomUnit(1, DIM), 5)[0]!.id, 1);
    assert.ok(!existsSync(`${file}.tmp-${process.pid}`), 'no temporary left behind');
  } finally {
    m.cleanup();
  }
});

test('index file names are safe and say which embedder', () => {
  assert.equal(indexFileName({ provider: 'local', model: 'all-MiniLM-L6-v2', dim: 384 }), 'local-all-MiniLM-L6-v2-384.hnsw');
  assert.equal(indexFileName({ provider: 'openai', model: 'text-embedding-3-small', dim: 1536 }), 'openai-text-embedding-3-small-1536.hnsw');
  assert.equal(indexFileName({ provider: 'openai', model: '../../etc/passwd', dim: 8 }), 'openai-.._.._etc_passwd-8.hnsw');
});

function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
}

function flipByte(file: string, at: number): void {
  const b = readFileSync(file);
  b[at] = b[at]! ^ 0xff;
  writeFileSync(file, b);
}
