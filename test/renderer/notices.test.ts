/** Store notices as the banner shows them, and sizes as the header shows them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoreNotice } from '../../src-shared/contract';
import { noticeKey, readNotices, sameNotices, visibleNotices } from '../../src-renderer/src/lib/notices';
import { formatBytes } from '../../src-renderer/src/lib/bytes';

const damaged: StoreNotice = { level: 'error', message: 'The database … was damaged', at: 1000 };
const full: StoreNotice = { level: 'warning', message: 'Storage has room again', at: 2000 };

test('undismissed notices newest first; dismissing one reveals the one before', () => {
  assert.deepEqual(visibleNotices([damaged, full], new Set()), [full, damaged]);
  assert.deepEqual(visibleNotices([damaged, full], new Set([noticeKey(full)])), [damaged]);
  assert.deepEqual(visibleNotices([damaged, full], new Set([noticeKey(full), noticeKey(damaged)])), []);
});

test('notices from an engine that sends none, or sends junk, show nothing rather than break', () => {
  assert.deepEqual(readNotices(undefined), []);
  assert.deepEqual(readNotices([{ level: 'error' }, 'x', null]), []);
  assert.deepEqual(readNotices([damaged]), [damaged]);
  assert.ok(sameNotices([damaged], [{ ...damaged }]));
  assert.ok(!sameNotices([damaged], [damaged, full]));
});

test('sizes read like a person would write them', () => {
  assert.equal(formatBytes(812), '812 B');
  assert.equal(formatBytes(100_000), '100 kB');
  assert.equal(formatBytes(12_400_000), '12.4 MB');
  assert.equal(formatBytes(3_000_000_000), '3 GB');
});
