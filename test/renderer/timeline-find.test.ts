/** Find-in-trace and next-error: which spans match and the order Enter / Shift+Enter / "next error" visit them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTraceOutline, type OutlineSpan } from '../../src-shared/trace-outline';
import { errorSpans, findSpans, flagsOf, positionOf, stepTo } from '../../src-renderer/src/lib/timeline/find';

const T0 = 1_763_800_000_000_000_000n;
function span(spanId: string, parentSpanId: string | null, startMs: number, name: string, extra: Partial<OutlineSpan> = {}): OutlineSpan {
  const start = T0 + BigInt(startMs * 1_000_000);
  return {
    spanId,
    parentSpanId,
    name,
    service: 'planner-svc',
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 1_000_000n).toString(),
    status: 'unset',
    statusMessage: '',
    genaiKind: null,
    ...extra,
  };
}

// Tree order: root, llm1, tool(err), llm2, search(err, other service), late-root(err).
const outline = buildTraceOutline('t', [
  span('search', 'root', 4, 'retrieve docs', { service: 'Search-API', status: 'error' }),
  span('root', null, 0, 'invoke_agent planner'),
  span('llm1', 'root', 1, 'chat GPT-4o'),
  span('tool', 'root', 2, 'execute_tool search_hotels', { status: 'error' }),
  span('llm2', 'root', 3, 'chat gpt-4o'),
  span('late', null, 9, 'cleanup', { status: 'error' }),
]);
const at = (id: string) => outline.spanIds.indexOf(id);
const named = (indices: Int32Array) => Array.from(indices, (i) => outline.spanIds[i]);

test('find matches names case-insensitively, in tree order', () => {
  assert.deepEqual(named(findSpans(outline, 'gpt-4O')), ['llm1', 'llm2']);
  assert.deepEqual(named(findSpans(outline, '  chat ')), ['llm1', 'llm2'], 'surrounding blanks are ignored');
});

test('find matches the service as well as the name', () => {
  assert.deepEqual(named(findSpans(outline, 'search')), ['tool', 'search']);
  assert.deepEqual(named(findSpans(outline, 'planner')), ['root', 'llm1', 'tool', 'llm2', 'late'], 'service planner-svc');
});

test('a blank query or no hit finds nothing', () => {
  assert.equal(findSpans(outline, '').length, 0);
  assert.equal(findSpans(outline, '   ').length, 0);
  assert.equal(findSpans(outline, 'nothing like this').length, 0);
});

test('error spans in tree order', () => {
  assert.deepEqual(named(errorSpans(outline)), ['tool', 'search', 'late']);
});

test('Enter goes to the next match after the selection, wrapping; Shift+Enter to the previous', () => {
  const errors = errorSpans(outline);
  const go = (from: string | null, dir: 1 | -1) => outline.spanIds[errors[stepTo(errors, from === null ? -1 : at(from), dir)]!];
  assert.equal(go(null, 1), 'tool', 'nothing selected: the first');
  assert.equal(go(null, -1), 'late', 'nothing selected, backwards: the last');
  assert.equal(go('tool', 1), 'search');
  assert.equal(go('late', 1), 'tool', 'wraps at the end');
  assert.equal(go('tool', -1), 'late', 'wraps at the start');
  // From a span that is not a match: the next match below it in the tree, or the one above.
  assert.equal(go('llm2', 1), 'search');
  assert.equal(go('llm2', -1), 'tool');
  assert.equal(stepTo(new Int32Array(0), 3, 1), -1);
});

test('the "3 of 17" position and the per-row flags', () => {
  const errors = errorSpans(outline);
  assert.equal(positionOf(errors, at('search')), 1);
  assert.equal(positionOf(errors, at('llm1')), -1);
  const flags = flagsOf(errors, outline.spanIds.length);
  assert.deepEqual(Array.from(flags), outline.spanIds.map((id) => (['tool', 'search', 'late'].includes(id) ? 1 : 0)));
});
