/**
 * The store builds the graph of a huge trace from the readings ingest stored (scope `index`, no
 * attributes, events or messages). On a multi-agent run recorded with the real SDK, that graph must
 * have the same nodes (kinds, labels, tokens, cost, errors) and the same calls, handoff, retry and
 * fallback edges as the graph of whole spans; tool_result edges may only lose their call-id match.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequest } from '../../../src-main/engine/otlp/decode-protobuf';
import { buildAgentGraph, type GraphSpan } from '../../../src-main/engine/genai/graph';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { recordAgentRun } from '../../support/agent-run';

test('a graph from stored index readings keeps the nodes and every edge but tool_result call ids', () => {
  const run = recordAgentRun();
  const spans = decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(run.spans)!).spans;
  const whole = buildAgentGraph(spans);
  const fromIndex = buildAgentGraph(
    spans.map((s): GraphSpan => ({ ...s, attributes: {}, events: [], genai: normalizeSpan(s, undefined, { scope: 'index' }) })),
  );
  assert.deepEqual(fromIndex.nodes, whole.nodes);
  const structural = (g: typeof whole) => g.edges.filter((e) => e.type !== 'tool_result').map((e) => e.id);
  assert.deepEqual(structural(fromIndex), structural(whole));
  assert.ok(structural(whole).some((id) => id.startsWith('handoff:')) && structural(whole).some((id) => id.startsWith('retry_of:')));
  const results = (g: typeof whole) => g.edges.filter((e) => e.type === 'tool_result');
  assert.ok(results(whole).length > 0 && results(whole).every((e) => e.match === 'call_id'));
  // Without call ids, results match by tool name and order: fewer or equal, never invented.
  for (const e of results(fromIndex)) assert.equal(e.match, 'tool_name');
  assert.ok(results(fromIndex).length <= results(whole).length);
});
