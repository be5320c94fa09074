/**
 * GET /api/v1/traces/{id}/outline: the narrow read the trace view draws from must describe the same
 * trace as the full one. Real exporters send an agent trace (and a span whose parent never
 * arrived); the outline read over REST must equal the outline built from the full records of
 * GET /api/v1/traces/{id}, and an unknown trace answers 404. Asked by its media type, the route
 * answers the binary form, which decodes to the same outline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanRecord, TraceDetail } from '../../src-shared/contract';
import { buildTraceOutline, type TraceOutline } from '../../src-shared/trace-outline';
import { decodeTraceOutline, plainTraceOutline, TRACE_OUTLINE_MEDIA_TYPE } from '../../src-shared/trace-outline-binary';
import { engineWithApiServerPerFile } from '../support/engine';
import { exportSpans, recordAgentTrace } from '../support/otel';

const served = engineWithApiServerPerFile();

function outlineOf(traceId: string, spans: readonly SpanRecord[]): TraceOutline {
  return buildTraceOutline(
    traceId,
    spans.map((s) => ({
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      name: s.name,
      service: typeof s.resource.attributes['service.name'] === 'string' ? s.resource.attributes['service.name'] : '',
      startTimeUnixNano: s.startTimeUnixNano,
      endTimeUnixNano: s.endTimeUnixNano,
      status: s.status.code,
      statusMessage: s.status.message,
      genaiKind: s.genai?.kind ?? null,
    })),
  );
}

test('the outline over REST equals the outline of the full trace, GenAI kinds and errors included', async () => {
  const sent = recordAgentTrace();
  await exportSpans(served.engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
  const full = (await (await fetch(`${served.base}/api/v1/traces/${sent.traceId}`)).json()) as TraceDetail;
  const res = await fetch(`${served.base}/api/v1/traces/${sent.traceId}/outline`);
  assert.equal(res.status, 200);
  const outline = (await res.json()) as TraceOutline;
  assert.deepEqual(outline, outlineOf(sent.traceId, full.spans));
  assert.equal(outline.spanIds.length, sent.spanIds.length);
  assert.ok(outline.kinds.includes('agent') && outline.kinds.includes('tool'), `kinds ${outline.kinds.join(',')}`);
  const tool = outline.spanIds.findIndex((_, i) => outline.kinds[outline.kindIndex[i]!] === 'tool');
  assert.equal(outline.statusMessage[tool], 'hotel API timed out');
});

test('an unknown trace answers 404, a malformed id 400', async () => {
  assert.equal((await fetch(`${served.base}/api/v1/traces/${'ab'.repeat(16)}/outline`)).status, 404);
  assert.equal((await fetch(`${served.base}/api/v1/traces/not-hex/outline`)).status, 400);
});

test('asked by media type, the outline comes binary and decodes to the JSON answer; otherwise JSON', async () => {
  const sent = recordAgentTrace();
  await exportSpans(served.engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
  const url = `${served.base}/api/v1/traces/${sent.traceId}/outline`;
  const json = await fetch(url);
  assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(json.headers.get('vary'), 'accept');
  const expected = (await json.json()) as TraceOutline;

  const binary = await fetch(url, { headers: { accept: `${TRACE_OUTLINE_MEDIA_TYPE}, application/json;q=0.5` } });
  assert.equal(binary.status, 200);
  assert.equal(binary.headers.get('content-type'), TRACE_OUTLINE_MEDIA_TYPE);
  const bytes = new Uint8Array(await binary.arrayBuffer());
  assert.deepEqual(plainTraceOutline(decodeTraceOutline(bytes)), expected);
  assert.ok(bytes.length < JSON.stringify(expected).length, `${bytes.length} bytes`);

  for (const accept of ['*/*', 'application/*', `${TRACE_OUTLINE_MEDIA_TYPE};q=0`, 'application/json']) {
    const res = await fetch(url, { headers: { accept } });
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/, accept);
    await res.arrayBuffer();
  }
  const missing = await fetch(`${served.base}/api/v1/traces/${'ab'.repeat(16)}/outline`, { headers: { accept: TRACE_OUTLINE_MEDIA_TYPE } });
  assert.equal(missing.status, 404, 'an unknown trace is a JSON error either way');
  assert.match(missing.headers.get('content-type') ?? '', /^application\/json/);
});
