// The graph of a trace without GenAI spans, built from its outline: one node per span with the
// span's name, kind and status, `calls` edges along the span tree, ordered like the engine's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTraceOutline, type OutlineSpan } from '../../src-shared/trace-outline';
import { graphFromOutline } from '../../src-renderer/src/lib/graph/outline-graph';

const T0 = 1763800000000000000n;
function span(spanId: string, parentSpanId: string | null, startNs: number, durNs: number, extra: Partial<OutlineSpan> = {}): OutlineSpan {
  return {
    spanId,
    parentSpanId,
    name: `op ${spanId}`,
    service: 'svc',
    startTimeUnixNano: String(T0 + BigInt(startNs)),
    endTimeUnixNano: String(T0 + BigInt(startNs + durNs)),
    status: 'unset',
    statusMessage: '',
    genaiKind: null,
    ...extra,
  };
}

test('every span becomes a node under its parent, with the span name as label and calls edges along the tree', () => {
  const outline = buildTraceOutline('t1', [
    span('b', 'r', 2_000_000, 1_000_000, { status: 'error', statusMessage: 'connection reset' }),
    span('r', null, 0, 10_000_000, { name: 'GET /checkout' }),
    span('a', 'r', 1_000_000, 500_250, { genaiKind: 'tool' }),
    span('a1', 'a', 1_100_000, 100, { status: 'ok' }),
  ]);
  const g = graphFromOutline(outline);
  assert.equal(g.traceId, 't1');
  assert.deepEqual(
    g.nodes.map((n) => `${n.id}<${n.parentId ?? ''}> ${n.kind} "${n.label}" ${n.status}`),
    ['r<> other "GET /checkout" unset', 'a<r> tool "op a" unset', 'a1<a> other "op a1" ok', 'b<r> other "op b" error'],
  );
  assert.deepEqual(g.edges.map((e) => e.id), ['calls:r->a', 'calls:r->b', 'calls:a->a1'], 'by the order of from, then of to, as the engine sorts them');
  const b = g.nodes.find((n) => n.id === 'b')!;
  assert.equal(b.errorMessage, 'connection reset');
  assert.equal(b.errorCount, 1);
  const a = g.nodes.find((n) => n.id === 'a')!;
  assert.equal(a.startTimeUnixNano, String(T0 + 1_000_000n), 'exact nanoseconds, not rounded to ms');
  assert.equal(a.endTimeUnixNano, String(T0 + 1_500_250n));
  assert.equal(a.durationMs, 0.50025);
  assert.equal(a.totalTokens, null);
  assert.equal(a.costUsd, null);
});

test('orphans and promoted roots stay as roots; an empty outline gives an empty graph', () => {
  const g = graphFromOutline(buildTraceOutline('t2', [span('x', 'gone', 0, 10), span('y', null, 5, 10)]));
  assert.deepEqual(g.nodes.map((n) => n.parentId), [null, null]);
  assert.equal(g.edges.length, 0);
  assert.deepEqual(graphFromOutline(buildTraceOutline('t3', [])).nodes, []);
});
