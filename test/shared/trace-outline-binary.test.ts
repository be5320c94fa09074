/**
 * The binary outline against its source: random outlines (unicode and empty strings, one span,
 * promoted spans, ids that are not hex) come back equal, column for column; a truncated, damaged
 * or newer buffer is refused with a TraceOutlineDecodeError that says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTraceOutline, emptyOutline, PROMOTED_CYCLE, PROMOTED_MISSING_PARENT } from '../../src-shared/trace-outline';
import {
  decodeTraceOutline,
  encodeTraceOutline,
  plainTraceOutline,
  TRACE_OUTLINE_BINARY_VERSION,
  TraceOutlineDecodeError,
} from '../../src-shared/trace-outline-binary';
import { randomOutline } from '../support/random-outline';

const roundTrip = (bytes: Uint8Array) => plainTraceOutline(decodeTraceOutline(bytes));

test('random outlines round-trip, column for column', () => {
  let promoted = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const spans = seed % 10 === 0 ? 1 : (seed * 37) % 400;
    const outline = randomOutline(seed, spans, { oddIds: seed % 3 === 0 });
    assert.deepEqual(roundTrip(encodeTraceOutline(outline)), outline, `seed ${seed}, ${spans} spans`);
    for (let i = 0; i < spans; i++) if (outline.promoted[i] === PROMOTED_CYCLE || outline.promoted[i] === PROMOTED_MISSING_PARENT) promoted++;
  }
  assert.ok(promoted > 100, `the generator made promoted spans (${promoted})`);
});

test('wide dictionaries and deep trees take 2- and 4-byte columns', () => {
  const spans = Array.from({ length: 70_000 }, (_, i) => ({
    spanId: i.toString(16).padStart(16, '0'),
    parentSpanId: i === 0 ? null : (i - 1).toString(16).padStart(16, '0'),
    name: `n${i % 300}`,
    service: `s${i}`,
    startTimeUnixNano: String(1e18 + i * 1000),
    endTimeUnixNano: String(1e18 + i * 1000 + 500),
    status: 'unset' as const,
    statusMessage: i % 2 ? `m${i}` : '',
    genaiKind: null,
  }));
  const outline = buildTraceOutline('0123456789abcdef0123456789abcdef', spans);
  const decoded = decodeTraceOutline(encodeTraceOutline(outline));
  assert.ok(decoded.depth instanceof Uint32Array && decoded.serviceIndex instanceof Uint32Array && decoded.nameIndex instanceof Uint16Array);
  assert.deepEqual(plainTraceOutline(decoded), outline);
});

test('an empty outline and a one-span outline', () => {
  assert.deepEqual(roundTrip(encodeTraceOutline(emptyOutline('abc'))), emptyOutline('abc'));
  const one = randomOutline(7, 1);
  assert.deepEqual(roundTrip(encodeTraceOutline(one)), one);
});

test('number columns are views over the buffer when aligned, copies when not', () => {
  const outline = randomOutline(11, 50);
  const bytes = encodeTraceOutline(outline);
  const decoded = decodeTraceOutline(bytes);
  assert.ok(decoded.startMs instanceof Float64Array && decoded.parentIndex instanceof Int32Array);
  assert.equal((decoded.startMs as Float64Array).buffer, bytes.buffer, 'a view, not a copy');
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  assert.deepEqual(roundTrip(shifted), outline, 'an odd byte offset still decodes');
});

function refused(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => decodeTraceOutline(bytes), (err: unknown) => err instanceof TraceOutlineDecodeError && pattern.test(err.message));
}

test('truncated, damaged and newer buffers are refused with the reason', () => {
  const bytes = encodeTraceOutline(randomOutline(5, 40));
  for (const cut of [0, 3, 20, 47, 48, 100, bytes.length - 1]) refused(bytes.subarray(0, cut), /shorter than the header|truncated/);
  refused(new TextEncoder().encode('{"traceId":"abc","spanIds":[]}'.padEnd(64)), /does not start with FTOL/);
  const newer = bytes.slice();
  new DataView(newer.buffer).setUint16(4, TRACE_OUTLINE_BINARY_VERSION + 1, true);
  refused(newer, /version 2 is newer/);
  const longer = new Uint8Array(bytes.length + 8);
  longer.set(bytes);
  refused(longer, /bytes past the end/);
  // Every single-byte change past the header either decodes or fails with the decode error.
  for (let at = 0; at < bytes.length; at += 7) {
    const damaged = bytes.slice();
    damaged[at] = damaged[at]! ^ 0xff;
    try {
      decodeTraceOutline(damaged);
    } catch (err) {
      assert.ok(err instanceof TraceOutlineDecodeError, `byte ${at}: ${String(err)}`);
    }
  }
});
