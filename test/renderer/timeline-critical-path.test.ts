/** The critical path on hand-built traces: what the timeline marks as "what made this trace take this long". */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTraceOutline, type OutlineSpan, type TraceOutline } from '../../src-shared/trace-outline';
import { criticalPath, onCriticalPath } from '../../src-renderer/src/lib/timeline/critical-path';

const T0 = 1_763_800_000_000_000_000n;
function span(spanId: string, parentSpanId: string | null, startMs: number, endMs: number): OutlineSpan {
  return {
    spanId,
    parentSpanId,
    name: spanId,
    service: 'svc',
    startTimeUnixNano: (T0 + BigInt(Math.round(startMs * 1e6))).toString(),
    endTimeUnixNano: (T0 + BigInt(Math.round(endMs * 1e6))).toString(),
    status: 'unset',
    statusMessage: '',
    genaiKind: null,
  };
}

/** The path as readable text: "span start-end" per segment, latest first (how the walk reads it). */
function dump(o: TraceOutline): string[] {
  const p = criticalPath(o);
  const out: Array<[number, string]> = [];
  for (let i = 0; i < o.spanIds.length; i++) {
    for (let q = p.offset[i]!; q < p.offset[i + 1]!; q++) out.push([p.start[q]!, `${o.spanIds[i]} ${p.start[q]}-${p.end[q]}`]);
  }
  return out.sort((a, b) => b[0] - a[0]).map(([, s]) => s);
}

test('sequential children: the path runs through each, with the parent\u2019s own time in between', () => {
  const o = buildTraceOutline('t', [span('root', null, 0, 100), span('a', 'root', 10, 30), span('b', 'root', 40, 90)]);
  assert.deepEqual(dump(o), ['root 90-100', 'b 40-90', 'root 30-40', 'a 10-30', 'root 0-10']);
});

test('a child that ends exactly when the next starts is on the path too', () => {
  const o = buildTraceOutline('t', [span('root', null, 0, 30), span('a', 'root', 0, 10), span('b', 'root', 10, 30)]);
  assert.deepEqual(dump(o), ['b 10-30', 'a 0-10']);
});

test('overlapping children: the one that finished last wins, and work overlapping it is skipped', () => {
  // b ends last; a overlaps b's start (ends at 60, after b began at 50), so the walk continues with c.
  const o = buildTraceOutline('t', [
    span('root', null, 0, 100),
    span('c', 'root', 0, 40),
    span('a', 'root', 5, 60),
    span('b', 'root', 50, 90),
  ]);
  assert.deepEqual(dump(o), ['root 90-100', 'b 50-90', 'root 40-50', 'c 0-40']);
  const p = criticalPath(o);
  assert.equal(onCriticalPath(p, o.spanIds.indexOf('a')), false);
});

test('parallel fan-out: only the slowest branch is critical, down to its own children', () => {
  const o = buildTraceOutline('t', [
    span('agent', null, 0, 100),
    span('tool-fast', 'agent', 10, 40),
    span('tool-slow', 'agent', 10, 95),
    span('llm', 'tool-slow', 20, 80),
  ]);
  assert.deepEqual(dump(o), ['agent 95-100', 'tool-slow 80-95', 'llm 20-80', 'tool-slow 10-20', 'agent 0-10']);
});

test('a child ending after its parent counts only up to the parent\u2019s end', () => {
  const o = buildTraceOutline('t', [span('root', null, 0, 100), span('a', 'root', 10, 50), span('late', 'a', 40, 70)]);
  assert.deepEqual(dump(o), ['root 50-100', 'late 40-50', 'a 10-40', 'root 0-10']);
});

test('a child starting after its parent ended is not on the path', () => {
  const o = buildTraceOutline('t', [span('root', null, 0, 50), span('a', 'root', 10, 20), span('after', 'root', 60, 70)]);
  assert.deepEqual(dump(o), ['root 20-50', 'a 10-20', 'root 0-10']);
});

test('with several roots (an orphan outlived the root), the path starts at the root that ended last', () => {
  const o = buildTraceOutline('t', [span('root', null, 0, 50), span('orphan', 'missing', 30, 80), span('o1', 'orphan', 40, 60)]);
  assert.deepEqual(dump(o), ['orphan 60-80', 'o1 40-60', 'orphan 30-40']);
});

test('an empty trace has no path; a single span is its own path', () => {
  assert.deepEqual(dump(buildTraceOutline('t', [])), []);
  assert.deepEqual(dump(buildTraceOutline('t', [span('only', null, 5, 9)])), ['only 0-4'], 'times are offsets from the trace start');
});

test('a 100k-deep chain is walked without overflowing the stack', () => {
  const spans: OutlineSpan[] = [];
  for (let d = 0; d < 100_000; d++) spans.push(span(`s${d}`, d === 0 ? null : `s${d - 1}`, d * 0.001, 200 - d * 0.001));
  const o = buildTraceOutline('t', spans);
  const p = criticalPath(o);
  assert.equal(p.spans.length, 100_000);
  assert.equal(p.spans[0], 0);
});
