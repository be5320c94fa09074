/**
 * The renderer's outline decoder where no Web Worker can start (as here, on Node): it decodes on
 * the calling thread instead, with the same answer and the same refusal of a damaged buffer. The
 * worker path itself runs in Chromium (e2e/trace-view.test.ts, e2e/browser.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOutline } from '../../src-renderer/src/api/outline-decoder';
import { encodeTraceOutline, plainTraceOutline, TraceOutlineDecodeError } from '../../src-shared/trace-outline-binary';
import { randomOutline } from '../support/random-outline';

test('without a Worker, the outline decodes here, and a damaged one is refused', async () => {
  assert.equal(typeof (globalThis as { Worker?: unknown }).Worker, 'undefined', 'Node has no Web Worker');
  const outline = randomOutline(3, 500);
  assert.deepEqual(plainTraceOutline(await decodeOutline(encodeTraceOutline(outline))), outline);
  const damaged = encodeTraceOutline(outline).subarray(0, 100);
  await assert.rejects(decodeOutline(damaged), TraceOutlineDecodeError);
});
