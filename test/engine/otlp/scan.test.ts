/**
 * The acknowledgement path validates protobuf requests with a scan and decodes them only during
 * compaction; an acknowledged request that later failed to decode would be lost. So the scan must
 * agree with the decoder on every input: property-tested over every truncation and thousands of
 * random byte corruptions of real payloads from the official serializer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequest } from '../../../src-main/engine/otlp/decode-protobuf';
import { scanTraceRequest } from '../../../src-main/engine/otlp/scan-protobuf';
import { recordAgentTrace } from '../../support/otel';

type Verdict = { ok: true; spans: number; rejected: number; reasons: string[] } | { ok: false };

function viaDecode(buf: Uint8Array): Verdict {
  try {
    const b = decodeTraceRequest(buf);
    return { ok: true, spans: b.spans.length, rejected: b.rejected, reasons: b.rejectReasons };
  } catch {
    return { ok: false };
  }
}

function viaScan(buf: Uint8Array): Verdict {
  try {
    const s = scanTraceRequest(buf);
    return { ok: true, spans: s.spans, rejected: s.rejected, reasons: s.rejectReasons };
  } catch {
    return { ok: false };
  }
}

/** A small deterministic PRNG, so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const payload = ProtobufTraceSerializer.serializeRequest(recordAgentTrace({ toolCalls: 3 }).spans)!;

test('scan and decode agree on a valid request', () => {
  assert.deepEqual(viaScan(payload), viaDecode(payload));
  assert.deepEqual(viaScan(payload), { ok: true, spans: 7, rejected: 0, reasons: [] });
});

test('scan and decode agree on every truncation', () => {
  for (let cut = 0; cut < payload.length; cut++) {
    const buf = payload.subarray(0, cut);
    assert.deepEqual(viaScan(buf), viaDecode(buf), `truncated at ${cut}`);
  }
});

test('scan and decode agree on random corruptions, including ones that make spans invalid', () => {
  const random = rng(20261122);
  let rejectedSeen = 0;
  let failedSeen = 0;
  for (let i = 0; i < 4000; i++) {
    const buf = payload.slice();
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
    const decoded = viaDecode(buf);
    assert.deepEqual(viaScan(buf), decoded, `case ${i}`);
    if (!decoded.ok) failedSeen++;
    else if (decoded.rejected > 0) rejectedSeen++;
  }
  assert.ok(failedSeen > 100 && rejectedSeen > 10, `the corruptions exercised both outcomes (${failedSeen} failed, ${rejectedSeen} with rejections)`);
});
