/**
 * The pure parts of `tail` and the list filters: which spans of a trace are new, each span's agent
 * (its own or the nearest above it), the span filters, the line a span prints as, and `--since`
 * times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenAiSpan, SpanRecord } from '../../src-shared/contract';
import { matches, newSpans, spanLine, TAIL_HEADER, withAgents } from '../../src-main/cli/tail';
import { parseWhen, traceFilters } from '../../src-main/cli/filters';
import { style } from '../../src-main/cli/term';

const T0 = 1_800_000_000_000;
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

function span(spanId: string, parentSpanId: string | null, endMs: number, genai?: GenAiSpan, error?: string): SpanRecord {
  return {
    traceId: 'ab'.repeat(16),
    spanId,
    parentSpanId,
    traceState: '',
    name: genai?.kind === 'llm' ? 'chat gpt-4o-mini' : `span ${spanId}`,
    kind: 'internal',
    startTimeUnixNano: ns(endMs - 250),
    endTimeUnixNano: ns(endMs),
    status: error ? { code: 'error', message: error } : { code: 'unset', message: '' },
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: { 'service.name': 'travel-agent' }, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    ...(genai ? { genai } : {}),
  };
}

const agent = span('a1', null, T0 + 900, { kind: 'agent', agentName: 'planner' });
const llm = span('b2', 'a1', T0 + 300, { kind: 'llm', requestModel: 'gpt-4o-mini', totalTokens: 876, costUsd: 0.000164 });
const tool = span('c3', 'a1', T0 + 600, { kind: 'tool', toolName: 'search_hotels' }, 'hotel API timed out');
const trace = { traceId: 'ab'.repeat(16), spans: [agent, llm, tool] };

test('a trace first seen prints what ended since tail started; one that arrived whole prints whole; then only the new', () => {
  const cutoff = T0 + 500;
  const first = newSpans(trace, undefined, cutoff);
  assert.deepEqual(first.fresh.map((s) => s.spanId), ['a1', 'c3']);
  assert.deepEqual(first.skip.map((s) => s.spanId), ['b2']);
  assert.deepEqual(newSpans(trace, undefined, T0 + 10_000).fresh.map((s) => s.spanId), ['a1', 'b2', 'c3'], 'all older: it arrived whole');
  assert.deepEqual(newSpans(trace, new Set(['a1', 'b2']), cutoff).fresh.map((s) => s.spanId), ['c3']);
  assert.deepEqual(newSpans(trace, new Set(['a1', 'b2', 'c3']), cutoff).fresh, []);
});

test('a span\'s agent is its own or the nearest above it; a parent cycle ends the walk', () => {
  assert.deepEqual(withAgents(trace.spans).map((t) => t.agent), ['planner', 'planner', 'planner']);
  const loopA = span('d4', 'e5', T0);
  const loopB = span('e5', 'd4', T0);
  assert.deepEqual(withAgents([loopA, loopB]).map((t) => t.agent), [null, null]);
});

test('span filters: service, agent, model, tool, kind, status', () => {
  const [a, l, t] = withAgents(trace.spans);
  assert.ok(matches(l!, { model: 'gpt-4o-mini', agent: 'planner', service: 'travel-agent', kind: 'llm' }));
  assert.ok(!matches(a!, { model: 'gpt-4o-mini' }));
  assert.ok(matches(t!, { tool: 'search_hotels', status: 'error' }));
  assert.ok(!matches(l!, { status: 'error' }));
  assert.ok(matches(l!, { status: 'ok' }) && !matches(t!, { status: 'ok' }));
  assert.ok(!matches(l!, { service: 'other' }));
});

test('one line per span in the header\'s columns; failures carry their message', () => {
  const plain = style(false);
  const [, l, t] = withAgents(trace.spans);
  const line = spanLine(l!, plain);
  assert.match(line, /^\d\d:\d\d:\d\d\.300 {2}travel-agent\s+planner\s+llm\s+chat gpt-4o-mini\s+gpt-4o-mini\s+876 tok\s+\$0\.000164\s+250 ms$/);
  assert.equal(line.indexOf('travel-agent'), TAIL_HEADER.indexOf('SERVICE'));
  assert.equal(line.lastIndexOf('gpt-4o-mini'), TAIL_HEADER.indexOf('MODEL'));
  assert.match(spanLine(t!, plain), /tool\s+span c3\s+250 ms {2}ERROR: hotel API timed out$/);
  assert.ok(spanLine(t!, style(true)).endsWith('\x1b[31m\x1b[1mERROR: hotel API timed out\x1b[22m\x1b[39m'), 'red and bold on a terminal');
});

test('--since and --until: a duration ago or a local date', () => {
  const now = Date.UTC(2026, 4, 10, 12, 0, 0);
  assert.equal(parseWhen('2h', '--since', now), ns(now - 7_200_000));
  assert.equal(parseWhen('90s', '--since', now), ns(now - 90_000));
  assert.equal(parseWhen('1w', '--since', now), ns(now - 7 * 86_400_000));
  assert.equal(parseWhen('2026-05-01', '--since', now), ns(new Date(2026, 4, 1).getTime()));
  assert.equal(parseWhen('2026-05-01T14:30', '--since', now), ns(new Date(2026, 4, 1, 14, 30).getTime()));
  assert.throws(() => parseWhen('yesterday', '--since', now), /--since must be a duration ago \(30s, 15m, 2h, 7d, 1w\) or a date/);
  assert.deepEqual(traceFilters({ status: 'error', attr: ['gen_ai.system=openai', 'retry=2'], internal: true }), {
    status: 'error',
    attributes: { 'gen_ai.system': 'openai', retry: '2' },
    internal: true,
  });
  assert.throws(() => traceFilters({ status: 'failed' }), /--status must be ok or error/);
  assert.throws(() => traceFilters({ attr: ['novalue'] }), /--attr must be KEY=VALUE/);
});
