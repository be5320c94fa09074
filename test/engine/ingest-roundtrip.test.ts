/**
 * End to end through the engine: the official OTel JS exporters (protobuf and JSON) send a real
 * agent trace; once they report success the trace is readable and listed, field for field.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sendAgentTrace, type OtlpHttpProtocol } from '../support/otel';
import { startTestEngine } from '../support/engine';
import { assertStoredAsSent } from '../support/stored-trace';
import type { Engine } from '../../src-main/engine';
import type { IngestTick } from '../../src-shared/contract';


describe('OTLP/HTTP ingest round trip with the official exporters', () => {
  let engine: Engine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(async () => {
    await engine.close();
  });

  for (const protocol of ['protobuf', 'json'] as OtlpHttpProtocol[]) {
    test(`${protocol}: an acknowledged trace reads back equal and is listed`, async () => {
      const sent = await sendAgentTrace(engine.info.otlpHttpEndpoint, protocol, { serviceName: `svc-${protocol}` });
      // Read immediately after the ack: the store answers only after the commit.
      const trace = await engine.getTrace(sent.traceId);
      assertStoredAsSent(trace, sent, `svc-${protocol}`);
      const llm = trace.spans.find((s) => s.name === 'chat gpt-4o-mini' && s.events.length === 1);
      assert.equal(llm?.events[0]?.name, 'gen_ai.choice');
      assert.deepEqual(llm?.events[0]?.attributes, { 'gen_ai.choice.finish_reason': 'tool_calls' });
      assert.equal(llm?.kind, 'client');

      const page = await engine.listTraces({ service: `svc-${protocol}` });
      assert.equal(page.traces.length, 1);
      const summary = page.traces[0]!;
      assert.equal(summary.traceId, sent.traceId);
      assert.equal(summary.rootName, 'invoke_agent planner');
      assert.equal(summary.spanCount, sent.spans.length);
      assert.equal(summary.errorCount, 1);
      assert.ok(summary.durationMs >= 0);
    });
  }

  test('an exporter retry of the same spans is stored once', async () => {
    const sent = await sendAgentTrace(engine.info.otlpHttpEndpoint, 'protobuf', { serviceName: 'retry-svc' });
    const { exportSpans } = await import('../support/otel');
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', sent.spans);
    const trace = await engine.getTrace(sent.traceId);
    assert.equal(trace?.spans.length, sent.spans.length);
    const page = await engine.listTraces({ service: 'retry-svc' });
    assert.equal(page.traces[0]?.spanCount, sent.spans.length);
  });

  test('stats count what was stored and an ingest tick is pushed', async () => {
    const ticks: IngestTick[] = [];
    const unsubscribe = engine.onIngest((t) => ticks.push(t));
    const before = await engine.getStats();
    const sent = await sendAgentTrace(engine.info.otlpHttpEndpoint, 'json', { serviceName: 'stats-svc' });
    const afterStats = await engine.getStats();
    assert.equal(afterStats.spans - before.spans, sent.spans.length);
    assert.equal(afterStats.traces - before.traces, 1);
    const deadline = Date.now() + 2000;
    const seen = () => ticks.find((t) => t.traceIds.includes(sent.traceId));
    while (!seen() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    unsubscribe();
    const tick = seen();
    assert.ok(tick, 'a tick names the new trace');
    assert.ok(tick.newSpans >= sent.spans.length);
    assert.equal(tick.spans, afterStats.spans);
  });
});
