/**
 * What the memory remembers from a span: messages as `role: text`, tool calls with their results,
 * errors; long texts cut near 200 words with overlap; one hash per text so repeats are stored once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenAiSpan, SpanRecord } from '../../../src-shared/contract';
import { CHUNK_WORDS, chunked, memoryTextsOf, textHash } from '../../../src-main/engine/memory/chunker';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';

function span(over: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    parentSpanId: null,
    traceState: '',
    name: 'chat gpt-4o',
    kind: 'client',
    startTimeUnixNano: '1000',
    endTimeUnixNano: '2000',
    status: { code: 'unset', message: '' },
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: {}, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    ...over,
  };
}

const words = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `w${from + i}`).join(' ');

test('an LLM call: each input and output message as role: text, tool calls and results as the model saw them; no system prompt', () => {
  const genai: GenAiSpan = {
    kind: 'llm',
    inputMessages: [
      { role: 'system', parts: [{ type: 'text', content: 'You are a travel agent.' }] },
      { role: 'developer', parts: [{ type: 'text', content: 'Answer in French.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }, { type: 'blob', mimeType: 'image/png', modality: 'image', content: 'iVBOR' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: 'rainy, 12°C' }] },
      { role: 'user', parts: [{ type: 'text', content: '   ' }] },
    ],
    outputMessages: [
      { role: 'assistant', parts: [{ type: 'reasoning', content: 'they want weather' }, { type: 'text', content: 'It is rainy in Paris.' }] },
    ],
  };
  assert.deepEqual(
    memoryTextsOf(span(), genai).map((t) => `${t.source} | ${t.text}`),
    [
      'message | user: Weather in Paris?',
      'message | assistant: call get_weather({"city":"Paris"})',
      'message | tool: rainy, 12°C',
      'message | assistant: It is rainy in Paris.',
    ],
  );
});

test('a tool span: tool NAME(arguments) → result, from what the normalizer read of any dialect', () => {
  const otel = span({
    name: 'execute_tool get_weather',
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.call.arguments': '{"city":"Paris"}',
      'gen_ai.tool.call.result': '{"forecast":"rainy"}',
    },
  });
  const g = normalizeSpan(otel);
  assert.equal(g?.kind, 'tool');
  assert.deepEqual(memoryTextsOf(otel, g), [{ source: 'tool', text: 'tool get_weather({"city":"Paris"}) → {"forecast":"rainy"}', hash: textHash('tool', 'tool get_weather({"city":"Paris"}) → {"forecast":"rainy"}') }]);
  // No result captured: the call alone. Neither: nothing (the name is in the trace list's index).
  const noResult: GenAiSpan = { kind: 'tool', toolName: 'lookup', inputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: null, name: 'lookup', arguments: 'PNR 42' }] }] };
  assert.deepEqual(memoryTextsOf(span(), noResult).map((t) => t.text), ['tool lookup(PNR 42)']);
  assert.deepEqual(memoryTextsOf(span(), { kind: 'tool', toolName: 'lookup' }), []);
});

test('a failed span: its status message and exception events, once when they say the same', () => {
  const failed = span({
    status: { code: 'error', message: 'ValueError: unknown city Atlantis' },
    events: [
      { timeUnixNano: '1500', name: 'exception', attributes: { 'exception.type': 'ValueError', 'exception.message': 'unknown city Atlantis', 'exception.stacktrace': 'Traceback…' }, droppedAttributesCount: 0 },
      { timeUnixNano: '1600', name: 'exception', attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'upstream took 30 s' }, droppedAttributesCount: 0 },
      { timeUnixNano: '1700', name: 'log', attributes: { message: 'not an exception' }, droppedAttributesCount: 0 },
    ],
  });
  assert.deepEqual(memoryTextsOf(failed, null), [
    { source: 'error', text: 'ValueError: unknown city Atlantis\nTimeoutError: upstream took 30 s', hash: textHash('error', 'ValueError: unknown city Atlantis\nTimeoutError: upstream took 30 s') },
  ]);
  // An exception recorded on a span that did not fail is not an error of the run.
  assert.deepEqual(memoryTextsOf(span({ events: failed.events }), null), []);
  // A failure with no message and no exception says nothing to remember.
  assert.deepEqual(memoryTextsOf(span({ status: { code: 'error', message: '' } }), null), []);
  // A failed LLM call gives its messages and its error.
  const g: GenAiSpan = { kind: 'llm', inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }] };
  assert.deepEqual(memoryTextsOf(span({ status: { code: 'error', message: 'rate limited' } }), g).map((t) => t.source), ['message', 'error']);
});

test('a long message is cut near 120 words with overlap; continuations say whose they are', () => {
  const g: GenAiSpan = { kind: 'llm', inputMessages: [{ role: 'user', parts: [{ type: 'text', content: words(500) }] }] };
  const texts = memoryTextsOf(span(), g).map((t) => t.text);
  assert.equal(texts.length, 5);
  assert.ok(texts[0]!.startsWith('user: w0 w1'));
  assert.ok(texts[1]!.startsWith('user: … w108 '), texts[1]!.slice(0, 30));
  assert.ok(texts[0]!.endsWith(' w119'));
  // The last chunk takes the tail, up to 145 words, rather than leaving a stub.
  assert.ok(texts[4]!.startsWith('user: … w432 ') && texts[4]!.endsWith(' w499'));
  for (const t of texts) assert.ok(t.split(/\s+/).length <= CHUNK_WORDS + 25 + 3);
  // Every word is in some chunk.
  const seen = new Set(texts.flatMap((t) => t.match(/w\d+/g) ?? []));
  assert.equal(seen.size, 500);
});

test('a text up to 145 words stays whole; whitespace inside a chunk is kept as written', () => {
  assert.equal(chunked('user: ', words(145)).length, 1);
  assert.equal(chunked('user: ', words(146)).length, 2);
  assert.deepEqual(chunked('', 'line one\n\n  line two  '), ['line one\n\n  line two']);
  assert.deepEqual(chunked('user: ', ' \n\t '), []);
});

test('texts without spaces (minified JSON, base64) are cut by characters; a huge text stops at 16 chunks', () => {
  const blob = 'x'.repeat(5000);
  const parts = chunked('tool t', `(${blob})`);
  assert.ok(parts.length >= 5 && parts.length <= 7, String(parts.length));
  for (const p of parts) assert.ok(p.length <= 1000 + 20);
  assert.equal(parts.map((p, i) => (i === 0 ? p.slice('tool t('.length) : p.slice('tool t … '.length))).join('').replace(/\)$/, '').length >= 5000, true);
  const huge = chunked('tool read_file', `(${words(20000)})`);
  assert.equal(huge.length, 16);
  assert.ok(huge[15]!.startsWith('tool read_file … '));
});

test('hashes: of source and text, stable, and a repeated message in one span is one text', () => {
  assert.equal(textHash('message', 'user: hi'), textHash('message', 'user: hi'));
  assert.notEqual(textHash('message', 'user: hi'), textHash('tool', 'user: hi'));
  assert.notEqual(textHash('message', 'user: hi'), textHash('message', 'user: hi!'));
  assert.match(textHash('message', ''), /^[0-9a-f]{28}$/);
  // Pinned: a changed hash would store every text of a run again after an upgrade.
  assert.equal(textHash('message', 'user: hi'), '13249926c2e9380e024e3914fce8');
  const g: GenAiSpan = {
    kind: 'llm',
    inputMessages: [
      { role: 'user', parts: [{ type: 'text', content: 'same' }] },
      { role: 'user', parts: [{ type: 'text', content: 'same' }] },
    ],
  };
  assert.equal(memoryTextsOf(span(), g).length, 1);
  // Across spans, the memory's (trace, hash) key makes a resent history one item (memory-db.test.ts).
  const later = memoryTextsOf(span({ spanId: 'c'.repeat(16) }), g);
  assert.equal(later[0]!.hash, memoryTextsOf(span(), g)[0]!.hash);
});

test('a plain span that did not fail gives nothing; an agent span with messages gives them', () => {
  assert.deepEqual(memoryTextsOf(span(), null), []);
  const agent: GenAiSpan = { kind: 'agent', agentName: 'planner', outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Booked.' }] }] };
  assert.deepEqual(memoryTextsOf(span(), agent).map((t) => t.text), ['assistant: Booked.']);
});
