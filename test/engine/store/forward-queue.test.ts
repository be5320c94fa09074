/**
 * The forwarding queue on a real SQLite file: the lag it reports (requests, bytes, oldest) equals a
 * count of the rows each endpoint has not been given, however acknowledgements, drops, appends and
 * compaction's deletes interleave; rows leave the log only once compacted and given to every
 * endpoint; a saved list forgets endpoints no longer in it, a one-run list does not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from '../../../src-main/engine/store/migrate';
import { ForwardQueue } from '../../../src-main/engine/store/forward-queue';
import { tempDataDir } from '../../support/serve-process';
import { seededRandom } from '../../support/seeded-random';

function openQueue() {
  const db = new Database(join(tempDataDir(), 'q.sqlite'));
  migrate(db, ':memory:');
  const notices: string[] = [];
  const queue = new ForwardQueue(db, (_level, message) => notices.push(message));
  const append = (bytes: number) => {
    const payload = Buffer.alloc(bytes, 7);
    return Number(db.prepare('INSERT INTO log (received_at, encoding, payload, checksum) VALUES (?, 1, ?, ?)').run(Date.now(), payload, crc32(payload)).lastInsertRowid);
  };
  const compactThrough = (seq: number) => {
    db.prepare('UPDATE compaction_state SET watermark = ? WHERE id = 1').run(seq);
    db.prepare('DELETE FROM log WHERE seq <= ? AND seq <= coalesce((SELECT min(seq) FROM forward_state), 9223372036854775807)').run(seq);
  };
  const truth = (endpoint: string) => {
    const seq = db.prepare('SELECT seq FROM forward_state WHERE endpoint = ?').pluck().get(endpoint) as number;
    return db.prepare('SELECT count(*) AS requests, coalesce(sum(length(payload)), 0) AS bytes FROM log WHERE seq > ?').get(seq) as { requests: number; bytes: number };
  };
  return { db, queue, append, compactThrough, truth, notices };
}

test('the lag of each endpoint is what it has not been given, through acknowledgements, drops, appends and compaction', () => {
  const { queue, append, compactThrough, truth } = openQueue();
  const random = seededRandom(42);
  queue.configure(['a', 'b'], true);
  let last = 0;
  for (let step = 0; step < 400; step++) {
    const r = random();
    if (r < 0.5) last = append(1 + Math.floor(random() * 5000));
    else if (r < 0.75) {
      const endpoint = random() < 0.5 ? 'a' : 'b';
      const batch = queue.next(endpoint, 1 + Math.floor(random() * 5), 1 << 20);
      if (batch.rows.length > 0) queue.acknowledge(endpoint, batch.throughSeq);
    } else if (r < 0.8) queue.dropOldest(random() < 0.5 ? 'a' : 'b', Math.floor(random() * 20_000));
    else if (r < 0.9) compactThrough(last);
    for (const p of queue.positions()) {
      const t = truth(p.endpoint);
      assert.deepEqual([p.lagRequests, p.lagBytes], [t.requests, t.bytes], `step ${step}, endpoint ${p.endpoint}`);
    }
  }
});

test('rows leave the log once compacted and given to every endpoint, and not before', () => {
  const { db, queue, append, compactThrough } = openQueue();
  queue.configure(['a', 'b'], true);
  const seqs = [append(10), append(10), append(10)];
  compactThrough(seqs[2]!);
  const rows = () => db.prepare('SELECT seq FROM log ORDER BY seq').pluck().all();
  assert.deepEqual(rows(), seqs, 'compacted, but neither endpoint has them');
  queue.acknowledge('a', seqs[2]!);
  assert.deepEqual(rows(), seqs, 'b still needs all three');
  queue.acknowledge('b', seqs[1]!);
  assert.deepEqual(rows(), [seqs[2]]);
  queue.configure(['a'], true);
  assert.deepEqual(rows(), [], 'b forgotten: its last row goes');
});

test('a saved list forgets endpoints no longer in it; a one-run list keeps their places', () => {
  const { queue, append } = openQueue();
  queue.configure(['saved'], true);
  append(100);
  append(100);
  assert.deepEqual(queue.configure(['one-run'], false).map((p) => [p.endpoint, p.lagRequests]), [['one-run', 0], ['saved', 2]]);
  append(100);
  assert.deepEqual(queue.configure(['saved'], true).map((p) => [p.endpoint, p.lagRequests]), [['saved', 3]]);
});

test('past the bound the oldest are dropped, counted, and the newest kept within it', () => {
  const { queue, append } = openQueue();
  queue.configure(['a'], true);
  for (let i = 0; i < 10; i++) append(1000);
  const drop = queue.dropOldest('a', 3500);
  assert.equal(drop?.requests, 7);
  assert.equal(drop?.bytes, 7000);
  const [p] = queue.positions();
  assert.deepEqual([p!.lagRequests, p!.lagBytes, p!.droppedRequests], [3, 3000, 7]);
  assert.equal(queue.dropOldest('a', 3500), null, 'within the bound now');
  assert.equal(queue.dropOldest('gone', 0), null, 'an endpoint removed meanwhile');
});
