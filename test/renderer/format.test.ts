// The one set of number formats of the UI (src-renderer/src/lib/format.ts): the trace list, the
// trace header, the graph, the timeline and the span detail all print costs, tokens and durations
// through it, so the same number reads the same everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costLabel, formatDuration, formatTokens, formatUsd } from '../../src-renderer/src/lib/format';
import { formatCost } from '../../src-renderer/src/lib/list/format';
import { costText } from '../../src-renderer/src/lib/detail/format';
import { nodeLabel } from '../../src-renderer/src/lib/graph/node-label';
import type { AgentGraphNode, TraceSummary } from '../../src-shared/contract';

test('USD: two decimals, more only below a dollar as the size needs, never $0.00 for a fraction of a cent', () => {
  assert.equal(formatUsd(1234.567), '$1,234.57');
  assert.equal(formatUsd(12.3456), '$12.35');
  assert.equal(formatUsd(0.5), '$0.50');
  assert.equal(formatUsd(0.063), '$0.063');
  assert.equal(formatUsd(0.000405), '$0.000405');
  assert.equal(formatUsd(0.00004), '$0.00004');
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(Number.NaN), '—');
  assert.equal(costLabel(null, true), 'no price');
  assert.equal(costLabel(undefined, false), null);
  assert.equal(costLabel(0.0069, true), '$0.0069');
});

test('tokens are grouped, never abbreviated', () => {
  assert.equal(formatTokens(2052), '2,052');
  assert.equal(formatTokens(1234567), '1,234,567');
});

test('durations in the unit a person would say: ms, s, min, h', () => {
  assert.equal(formatDuration(0), '0 ms');
  assert.equal(formatDuration(0.0123), '0.012 ms');
  assert.equal(formatDuration(0.5), '0.5 ms');
  assert.equal(formatDuration(4.2), '4.2 ms');
  assert.equal(formatDuration(40), '40 ms');
  assert.equal(formatDuration(345.6), '346 ms');
  assert.equal(formatDuration(1234.5), '1.23 s');
  assert.equal(formatDuration(12_340), '12.3 s');
  assert.equal(formatDuration(59_990), '1 min 00 s');
  assert.equal(formatDuration(125_000), '2 min 05 s');
  assert.equal(formatDuration(3_725_000), '1 h 02 min');
  assert.equal(formatDuration(Number.POSITIVE_INFINITY), '—');
});

test('one cost reads the same in the list, the detail and the graph', () => {
  const usd = 0.0630;
  const list = formatCost({ traceId: 't', rootName: 'r', serviceName: 's', startTimeUnixNano: '0', durationMs: 1, spanCount: 1, errorCount: 0, genai: { inputTokens: 1, outputTokens: 1, totalTokens: 2, costUsd: usd, models: [], agents: [], llmCalls: 1, toolCalls: 0, sessionId: null } } satisfies TraceSummary);
  const detail = costText({ costUsd: usd });
  const node = { kind: 'llm', label: 'gpt-4o', count: 1, durationMs: 1240, totalTokens: 2, inputTokens: 1, outputTokens: 1, costUsd: usd, errorCount: 0, status: 'ok' } as AgentGraphNode;
  assert.equal(list, '$0.063');
  assert.equal(detail, '$0.063');
  assert.match(nodeLabel(node), /1\.24 s · 2 tok · \$0\.063$/);
});
