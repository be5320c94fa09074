/**
 * The session list's pages (session-pages.ts): the first N pages read in order by cursor and
 * concatenated, stopping early at the last page, and the last page's cursor kept for "show older".
 * The list answering here is a plain in-memory pager over a sorted array: what is tested is the
 * page-following, not the store (e2e/sessions.test.ts drives the real one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionListPage, SessionListQuery, SessionSummary } from '../../src-shared/contract';
import { loadSessionPages } from '../../src-renderer/src/components/sessions/session-pages';

const ids = Array.from({ length: 7 }, (_, i) => `s${i}`);
const asked: SessionListQuery[] = [];
async function list(q: SessionListQuery): Promise<SessionListPage> {
  asked.push(q);
  const from = q.cursor === undefined ? 0 : Number(q.cursor);
  const to = from + (q.limit ?? 50);
  return { sessions: ids.slice(from, to).map((sessionId) => ({ sessionId }) as SessionSummary), nextCursor: to < ids.length ? String(to) : null };
}

test('pages are followed by cursor and concatenated; the last cursor is kept', async () => {
  asked.length = 0;
  const two = await loadSessionPages(list, 2, 3);
  assert.deepEqual(two.sessions.map((s) => s.sessionId), ['s0', 's1', 's2', 's3', 's4', 's5']);
  assert.equal(two.nextCursor, '6');
  assert.deepEqual(asked, [{ limit: 3 }, { limit: 3, cursor: '3' }]);
});

test('asking for more pages than there are stops at the last one', async () => {
  asked.length = 0;
  const all = await loadSessionPages(list, 10, 3);
  assert.deepEqual(all.sessions.map((s) => s.sessionId), ids);
  assert.equal(all.nextCursor, null);
  assert.equal(asked.length, 3);
});
