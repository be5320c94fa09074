// The tray's "today": traces that started since a time, and of them the failed ones, counted as the
// trace list shows them, from a real store fed by the official exporter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine } from '../../src-main/engine';
import { exportSpans, recordAgentTrace } from '../support/otel';
import { recordPlainTrace } from '../support/otel-genai';
import { tempDataDir } from '../support/serve-process';

const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

test('traces since a time: failed ones counted apart, internal ones left out as the list leaves them out', async () => {
  const engine = await startEngine({ memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });
  try {
    const before = Date.now() - 1000;
    assert.deepEqual(await engine.countTracesSince(ns(before)), { traces: 0, failed: 0 });
    // The agent runs fail their tool call; a plain trace from the same service is internal (issue 19).
    const runs = [recordAgentTrace({ serviceName: 'agent-svc' }), recordAgentTrace({ serviceName: 'agent-svc' })];
    const plain = recordPlainTrace('agent-svc');
    const other = recordPlainTrace('plain-svc');
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', [...runs.flatMap((r) => r.spans), ...plain.spans, ...other.spans]);
    const listed = await engine.listTraces({});
    assert.equal(listed.traces.length, 3, 'the list shows both runs and the plain service, not the internal trace');
    assert.deepEqual(await engine.countTracesSince(ns(before)), { traces: 3, failed: 2 });
    assert.deepEqual(await engine.countTracesSince(ns(Date.now() + 60_000)), { traces: 0, failed: 0 }, 'nothing started after now');
  } finally {
    await engine.close();
  }
});
