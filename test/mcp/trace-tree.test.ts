/**
 * The compact trace tree (get_trace, flowtrace inspect): the multi-agent run recorded with the OTel
 * SDK as readable golden text, folding of repeated siblings with their failures, the depth limit,
 * expanding a subtree, error marking, and the size bound: 1k-span traces of every shape stay under
 * ~8k tokens, and every span is either on a line or counted as cut.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { GenAiSpan, SpanRecord } from '../../src-shared/contract';
import { decodeTraceRequest } from '../../src-main/engine/otlp/decode-protobuf';
import { normalizeSpan } from '../../src-main/engine/genai/normalize';
import { buildTraceTree, estimateTokens, renderTraceTree, traceTreeInputFromSpans, TraceTreeError, type TraceTree, type TraceTreeNode } from '../../src-main/mcp/trace-tree';
import { recordAgentRun, type AgentRun } from '../support/agent-run';

const TRACE = 'abcdef0123456789abcdef0123456789';

function storedSpans(run: AgentRun): SpanRecord[] {
  return decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(run.spans)!).spans.map((s) => {
    const genai = normalizeSpan(s);
    return genai ? { ...s, genai } : s;
  });
}

/** Ids as role names (the recorder's) or s1, s2… in order of appearance, so the text is stable. */
function readable(text: string, run: AgentRun): string {
  const names = new Map<string, string>([[run.traceId, 'TRACE']]);
  for (const [role, id] of Object.entries(run.ids)) {
    if (typeof id === 'string') names.set(id, role);
    else if (Array.isArray(id)) id.forEach((x, i) => names.set(x, `${role}${i + 1}`));
  }
  let n = 0;
  return text.replace(/[0-9a-f]{32}|[0-9a-f]{16}/g, (id) => {
    if (!names.has(id)) names.set(id, `s${++n}`);
    return names.get(id)!;
  });
}

let seq = 0;
/** A stored span, by hand: exact names, times, failures and GenAI readings. */
function span(spec: { id?: string; parent?: string | null; name: string; at: number; ms: number; error?: string; exception?: string; service?: string; genai?: GenAiSpan }): SpanRecord {
  const id = spec.id ?? (++seq).toString(16).padStart(16, '0');
  const ns = (ms: number) => (BigInt(1_800_000_000_000 + ms) * 1_000_000n).toString();
  return {
    traceId: TRACE,
    spanId: id,
    parentSpanId: spec.parent ?? null,
    traceState: '',
    name: spec.name,
    kind: 'internal',
    startTimeUnixNano: ns(spec.at),
    endTimeUnixNano: ns(spec.at + spec.ms),
    status: spec.error !== undefined ? { code: 'error', message: spec.error } : { code: 'unset', message: '' },
    attributes: {},
    droppedAttributesCount: 0,
    events: spec.exception ? [{ timeUnixNano: ns(spec.at + spec.ms), name: 'exception', attributes: { 'exception.type': 'TimeoutError', 'exception.message': spec.exception }, droppedAttributesCount: 0 }] : [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: { 'service.name': spec.service ?? 'agent-svc' }, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    ...(spec.genai ? { genai: spec.genai } : {}),
  };
}

const agent = (name: string): GenAiSpan => ({ kind: 'agent', agentName: name });
const tool = (name: string): GenAiSpan => ({ kind: 'tool', toolName: name });
const llm = (model: string, input: number, output: number): GenAiSpan => ({ kind: 'llm', requestModel: model, inputTokens: input, outputTokens: output, totalTokens: input + output, costUsd: (input + output) / 1e6 });

function lines(tree: TraceTree): TraceTreeNode[] {
  const out: TraceTreeNode[] = [];
  const walk = (nodes: TraceTreeNode[]) => nodes.forEach((n) => (out.push(n), walk(n.children)));
  walk(tree.roots);
  return out;
}

/** Every span is on a line (a folded line counts all of its spans) or counted as cut: nothing silently dropped. */
function accounted(tree: TraceTree): number {
  return lines(tree).reduce((a, n) => a + n.count + (n.hidden?.spans ?? 0), tree.hidden?.spans ?? 0);
}

test('the multi-agent run reads as a tree: kinds, ids, durations, tokens, cost, handoffs, tool results, the retry and the failure', () => {
  const run = recordAgentRun({ handoffSpan: true });
  const input = traceTreeInputFromSpans(run.traceId, storedSpans(run));
  const tree = buildTraceTree(input);
  assert.equal(accounted(tree), 17);
  assert.equal(tree.truncated, false);
  assert.equal(
    readable(renderTraceTree(tree), run),
    `trace TRACE "invoke_agent travel_planner" · trip-planner · 9.2 s · 17 spans, 1 failed
genai: agents booking_agent, travel_planner · 5 llm calls (claude-3-5-haiku, gpt-4o) · 6 tool calls · tokens 9,070 in / 633 out · cost $0.0242
failed spans (1):
  tool search_hotels #failedHotelSearch: "hotel API timed out after 1000 ms"
agent travel_planner #planner 9.2 s ⇒ handoff to booking_agent #booking
  llm gpt-4o ×3 #firstChat #secondChat #finalChat 3.2 s total 6,900→449 tok $0.0217
  tool search_flights ×3 #flightSearches1 #flightSearches2 #flightSearches3 1.44 s total → result read by llm #secondChat (×3)
    span GET ×3 #s1 #s2 #s3 1.2 s total
  tool search_hotels #failedHotelSearch 1 s ✗ ERROR "hotel API timed out after 1000 ms" → result read by llm #secondChat
  tool search_hotels #hotelRetry 600 ms → result read by llm #secondChat ↻ retry of tool #failedHotelSearch
  tool transfer_to_booking_agent #handoff 30 ms
  agent booking_agent #booking 2.4 s ⇐ handoff from travel_planner #planner
    llm claude-3-5-haiku #bookingChat 850 ms 980→120 tok $0.00126
    tool book_hotel #bookHotel 850 ms → result read by llm #s4
    llm claude-3-5-haiku #s4 500 ms 1,190→64 tok $0.00121
`,
  );
  // The structured form says the same, for --json.
  const flights = tree.roots[0]!.children.find((c) => c.label === 'search_flights')!;
  assert.equal(flights.count, 3);
  assert.deepEqual(flights.spanIds, run.ids.flightSearches);
  assert.deepEqual(flights.edges, [{ type: 'tool_result', direction: 'out', spanId: run.ids.secondChat, kind: 'llm', label: 'gpt-4o', count: 3, ends: 1 }]);
  assert.equal(JSON.parse(JSON.stringify(tree)).roots[0].children.length, tree.roots[0]!.children.length);
});

test('repeated siblings fold into one line with their total time and failures, and fold their children alike', () => {
  const root = span({ name: 'invoke_agent researcher', at: 0, ms: 6000, genai: agent('researcher') });
  const searches = Array.from({ length: 9 }, (_, i) =>
    span({ parent: root.spanId, name: 'execute_tool search', at: 100 + i * 500, ms: 500, genai: tool('search'), ...(i === 4 ? { error: 'search backend 503' } : {}) }),
  );
  const http = searches.map((s, i) => span({ parent: s.spanId, name: 'GET /search', at: 120 + i * 500, ms: 400 }));
  const two = [0, 1].map((i) => span({ parent: root.spanId, name: 'execute_tool fetch', at: 5000 + i * 100, ms: 50, genai: tool('fetch') }));
  const tree = buildTraceTree(traceTreeInputFromSpans(TRACE, [root, ...searches, ...http, ...two]));
  const text = renderTraceTree(tree);
  assert.match(text, new RegExp(`^  tool search ×9 #${searches[0]!.spanId} … 4\\.5 s total ✗ 1 failed, first #${searches[4]!.spanId} "search backend 503"( ↻ retry of tool #${searches[4]!.spanId})?$`, 'm'));
  assert.match(text, /^ {4}span GET \/search ×9 #\S+ … 3\.6 s total$/m);
  // Below the fold threshold (3), siblings keep a line each.
  assert.equal(text.match(/^ {2}tool fetch #/gm)?.length, 2);
  const fold = tree.roots[0]!.children[0]!;
  assert.deepEqual([fold.count, fold.errors, fold.maxDurationMs, fold.spanIds?.length], [9, 1, 500, 9]);
  assert.equal(accounted(tree), 1 + 9 + 9 + 2);
  // foldAt 2 folds the pair too; a larger threshold keeps the nine apart.
  assert.match(renderTraceTree(buildTraceTree(traceTreeInputFromSpans(TRACE, [root, ...searches, ...two]), { foldAt: 2 })), /^ {2}tool fetch ×2 /m);
  assert.equal(renderTraceTree(buildTraceTree(traceTreeInputFromSpans(TRACE, [root, ...searches]), { foldAt: 10 })).match(/^ {2}tool search #[0-9a-f]{16} 500 ms/gm)?.length, 9);
});

test('depth limits the levels and says what lies below; expand opens one subtree with every child on its own line', () => {
  const root = span({ name: 'invoke_agent planner', at: 0, ms: 3000, genai: agent('planner') });
  const sub = span({ parent: root.spanId, name: 'invoke_agent worker', at: 10, ms: 2000, genai: agent('worker') });
  const calls = Array.from({ length: 5 }, (_, i) => span({ parent: sub.spanId, name: 'chat gpt-4o-mini', at: 20 + i * 300, ms: 250, genai: llm('gpt-4o-mini', 100, 10), ...(i === 2 ? { error: 'rate limited' } : {}) }));
  const spans = [root, sub, ...calls];
  const input = traceTreeInputFromSpans(TRACE, spans);

  const top = buildTraceTree(input, { depth: 1 });
  assert.equal(top.depth, 1);
  assert.equal(top.truncated, true);
  assert.equal(renderTraceTree(top).split('\n').slice(-3).join('\n'), `agent planner #${root.spanId} 3 s ⇒ handoff to worker #${sub.spanId}\n  … 6 more spans, 1 failed below the depth limit; expand #${root.spanId}\n`);
  assert.equal(accounted(top), spans.length);

  const two = renderTraceTree(buildTraceTree(input, { depth: 2 }));
  assert.match(two, new RegExp(`^  agent worker #${sub.spanId} 2 s ⇐ handoff from planner #${root.spanId}$\\n {4}… 5 more spans, 1 failed below the depth limit; expand #${sub.spanId}$`, 'm'));

  const opened = buildTraceTree(input, { expand: sub.spanId });
  assert.deepEqual(opened.focus, { spanId: sub.spanId, path: [{ spanId: root.spanId, kind: 'agent', label: 'planner' }] });
  const text = renderTraceTree(opened);
  assert.match(text, new RegExp(`^subtree of #${sub.spanId} under agent planner #${root.spanId}$`, 'm'));
  assert.equal(text.match(/^ {2}llm gpt-4o-mini #[0-9a-f]{16} 250 ms 100→10 tok \$0\.00011/gm)?.length, 5);
  assert.match(text, new RegExp(`^  llm gpt-4o-mini #${calls[2]!.spanId} 250 ms 100→10 tok \\$0\\.00011 ✗ ERROR "rate limited"$`, 'm'));
  // The header keeps the whole trace's totals and failures.
  assert.match(text, /^failed spans \(1\):$/m);
  assert.equal(accounted(opened), 6);

  assert.throws(() => buildTraceTree(input, { expand: 'ffffffffffffffff' }), (err: Error) => err instanceof TraceTreeError && err.message === `span ffffffffffffffff is not in trace ${TRACE}`);
});

test('errors are marked with what they said: status message, else the exception event; orphans and services are named', () => {
  const root = span({ name: 'invoke_agent a', at: 0, ms: 100, genai: agent('a') });
  const silent = span({ parent: root.spanId, name: 'execute_tool fetch_page', at: 5, ms: 20, error: '', exception: 'upstream closed the connection', genai: tool('fetch_page') });
  const orphan = span({ parent: 'ffffffffffffffff', name: 'POST /charge', at: 50, ms: 10, error: 'card declined', service: 'payments' });
  const many = Array.from({ length: 12 }, (_, i) => span({ parent: root.spanId, name: `step ${i}`, at: 60 + i, ms: 1, error: `failure ${i}` }));
  const tree = buildTraceTree(traceTreeInputFromSpans(TRACE, [root, silent, orphan, ...many]));
  const text = renderTraceTree(tree);
  assert.match(text, new RegExp(`^  tool fetch_page #${silent.spanId} 20 ms ✗ ERROR "TimeoutError: upstream closed the connection"$`, 'm'));
  assert.match(text, new RegExp(`^span POST /charge #${orphan.spanId} \\[payments\\] \\(parent never arrived\\) 10 ms ✗ ERROR "card declined"$`, 'm'));
  assert.match(text, /^failed spans \(14\):$/m);
  assert.equal(tree.errors.length, 10);
  assert.match(text, /^ {2}… 4 more$/m);
  assert.equal(tree.errorCount, 14);
});

/** Shapes a 1k-span trace can take, from an agent loop to the worst cases for a tree of lines. */
function thousandSpanTraces(): Array<{ name: string; spans: SpanRecord[] }> {
  const loop: SpanRecord[] = [];
  const root = span({ name: 'invoke_agent coder', at: 0, ms: 600_000, genai: agent('coder') });
  loop.push(root);
  for (let i = 0; loop.length < 1000; i++) {
    const at = 10 + i * 2000;
    loop.push(span({ parent: root.spanId, name: 'chat claude-sonnet-4', at, ms: 900, genai: llm('claude-sonnet-4', 20_000 + i * 50, 300) }));
    const t = span({ parent: root.spanId, name: `execute_tool tool_${i % 40}`, at: at + 1000, ms: 700, genai: tool(`tool_${i % 40}`), ...(i % 37 === 5 ? { error: `tool_${i % 40} failed: exit code 1 after a long stack trace that says a lot about nothing in particular` } : {}) });
    loop.push(t);
    if (loop.length < 1000) loop.push(span({ parent: t.spanId, name: `exec bash -lc "npm test -- --grep case${i}"`, at: at + 1010, ms: 600 }));
  }
  const wideRoot = span({ name: 'batch', at: 0, ms: 10_000 });
  const wide = [wideRoot, ...Array.from({ length: 999 }, (_, i) => span({ parent: wideRoot.spanId, name: `distinct operation number ${i} with a rather long descriptive name`, at: 1 + i, ms: 5, ...(i % 100 === 99 ? { error: `distinct failure ${i}` } : {}) }))];
  const deep: SpanRecord[] = [];
  for (let i = 0; i < 1000; i++) deep.push(span({ parent: deep[i - 1]?.spanId ?? null, name: `frame ${i}`, at: i, ms: 2000 - i, ...(i === 998 ? { error: 'deepest failure' } : {}) }));
  const agents: SpanRecord[] = [];
  const top = span({ name: 'invoke_agent supervisor', at: 0, ms: 100_000, genai: agent('supervisor') });
  agents.push(top);
  for (let a = 0; agents.length < 1000; a++) {
    const sub = span({ parent: top.spanId, name: `invoke_agent worker_${a}`, at: a * 1000, ms: 900, genai: agent(`worker_${a}`) });
    agents.push(sub);
    for (let k = 0; k < 8 && agents.length < 1000; k++) agents.push(span({ parent: sub.spanId, name: `step_${a}_${k}`, at: a * 1000 + k * 100, ms: 90, ...(k === 7 && a % 10 === 0 ? { error: 'worker step failed' } : {}) }));
  }
  return [
    { name: 'an agent loop', spans: loop },
    { name: '999 distinct siblings', spans: wide },
    { name: 'a chain 1,000 deep', spans: deep },
    { name: '110 agents of 8 distinct steps', spans: agents },
  ];
}

test('a 1k-span trace of any shape stays under ~8k tokens (32k characters), cutting breadth first and counting what it cut', () => {
  for (const { name, spans } of thousandSpanTraces()) {
    assert.equal(spans.length, 1000, name);
    const tree = buildTraceTree(traceTreeInputFromSpans(TRACE, spans));
    const text = renderTraceTree(tree, { hint: 'x'.repeat(200) });
    assert.ok(text.length < 32_000, `${name}: ${text.length} characters`);
    assert.ok(estimateTokens(text) < 8000, `${name}: ~${estimateTokens(text)} tokens`);
    assert.equal(accounted(tree), 1000, `${name}: every span on a line or counted as cut`);
    assert.equal(tree.errorCount, spans.filter((s) => s.status.code === 'error').length, name);
    // Failed spans are in the header even when their line was cut.
    for (const e of tree.errors) assert.ok(text.includes(`#${e.spanId}`), `${name}: failed span ${e.spanId} named`);
    // The full tree, for a terminal (inspect --full), has no budget.
    const full = buildTraceTree(traceTreeInputFromSpans(TRACE, spans), { maxTokens: Number.POSITIVE_INFINITY });
    assert.equal(full.truncated, false, name);
    assert.equal(accounted(full), 1000, name);
  }
});

test('the agent loop folds to a few lines; a cut tree keeps the top levels and the failures, not the first branch', () => {
  const [loop, , deep] = thousandSpanTraces();
  const text = renderTraceTree(buildTraceTree(traceTreeInputFromSpans(TRACE, loop!.spans)));
  assert.match(text, /^genai: agents coder · 333 llm calls \(claude-sonnet-4\) · 333 tool calls · tokens 9,423,900 in \/ 99,900 out · cost \$9\.52$/m);
  assert.match(text, /^ {2}llm claude-sonnet-4 ×333 #\S+ … 5 min 00 s total 9,423,900→99,900 tok \$9\.52$/m);
  // Breadth first: every tool's folded line is there, though their children's distinct commands are cut.
  assert.equal(text.match(/^ {2}tool tool_\d+ ×\d+ /gm)?.length, 40);
  assert.match(text, /^ {4}… \d more spans not shown$/m);

  const chain = buildTraceTree(traceTreeInputFromSpans(TRACE, deep!.spans));
  assert.equal(chain.truncated, true);
  const rendered = renderTraceTree(chain);
  assert.match(rendered, /^span frame 0 #/m);
  assert.match(rendered, /\[depth \d+\] … \d+ more spans, 1 failed not shown; expand #[0-9a-f]{16}$/m);
});

test('a 20k-span trace builds in well under a second', () => {
  const root = span({ name: 'invoke_agent big', at: 0, ms: 1_000_000, genai: agent('big') });
  const spans = [root];
  for (let i = 0; i < 20_000; i++) spans.push(span({ parent: spans[Math.floor(i / 4)]!.spanId, name: `op ${i % 50}`, at: 1 + i, ms: 10, ...(i % 500 === 0 ? { error: 'x' } : {}) }));
  const input = traceTreeInputFromSpans(TRACE, spans);
  const started = performance.now();
  const tree = buildTraceTree(input);
  const ms = performance.now() - started;
  assert.equal(accounted(tree), spans.length);
  assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
});
