/**
 * GET /api/v1/traces/{id}/outline: the narrow read the trace view draws from must describe the same
 * trace as the full one. Real exporters send an agent trace (and a span whose parent never
 * arrived); the outline read over REST must equal the outline built from the full records of
 * GET /api/v1/traces/{id}, and an unknown trace answers 404.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SpanRecord, TraceDetail } from '../../src-shared/contract';
import { buildTraceOutline, type TraceOutline } from '../../src-shared/trace-outline';
import { startTestApiServer, startTestEngine } from '../support/engine';
import { exportSpans, recordAgentTrace } from '../support/otel';
import type { Engine } from '../../src-main/engine';

let engine: Engine;
let rest: Awaited<ReturnType<typeof startTestApiServer>>;

before(async () => {
  engine = await startTestEngine();
  rest = await startTestApiServer(engine);
});

after(async () => {
  rest?.close();
  await engine?.close();
});

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
  await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
  const full = (await (await fetch(`${rest.base}/api/v1/traces/${sent.traceId}`)).json()) as TraceDetail;
  const res = await fetch(`${rest.base}/api/v1/traces/${sent.traceId}/outline`);
  assert.equal(res.status, 200);
  const outline = (await res.json()) as TraceOutline;
  assert.deepEqual(outline, outlineOf(sent.traceId, full.spans));
  assert.equal(outline.spanIds.length, sent.spanIds.length);
  assert.ok(outline.kinds.includes('agent') && outline.kinds.includes('tool'), `kinds ${outline.kinds.join(',')}`);
  const tool = outline.spanIds.findIndex((_, i) => outline.kinds[outline.kindIndex[i]!] === 'tool');
  assert.equal(outline.statusMessage[tool], 'hotel API timed out');
});

test('an unknown trace answers 404, a malformed id 400', async () => {
  assert.equal((await fetch(`${rest.base}/api/v1/traces/${'ab'.repeat(16)}/outline`)).status, 404);
  assert.equal((await fetch(`${rest.base}/api/v1/traces/not-hex/outline`)).status, 400);
});
