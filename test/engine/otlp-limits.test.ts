/**
 * Size limits on what one span may carry, end to end over a real socket: a huge value is cut, extra
 * attributes, events and links are dropped and counted in the span, the exporter is told in a
 * partial-success warning (nothing rejected), and everything else is stored as sent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Engine } from '../../src-main/engine';
import { MAX_ATTRIBUTES, MAX_EVENTS_PER_SPAN, MAX_LINKS_PER_SPAN, MAX_VALUE_BYTES } from '../../src-main/engine/otlp/limits';
import { WireReader } from '../../src-main/engine/otlp/wire';
import { post, startTestEngine } from '../support/engine';

/** A span far over every limit, recorded by the real SDK with its own limits lifted. */
function oversizedSpan(): ReadableSpan {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'limits-test' }),
    spanLimits: { attributeCountLimit: 1000, eventCountLimit: 1000, linkCountLimit: 1000, attributePerEventCountLimit: 1000 },
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const attributes: Record<string, string> = { 'gen_ai.input.messages': 'ü'.repeat(MAX_VALUE_BYTES) + 'tail' };
  for (let i = 0; i < MAX_ATTRIBUTES + 20; i++) attributes[`attr.${i}`] = `v${i}`;
  const span = provider.getTracer('limits').startSpan('chat huge', {
    attributes,
    links: Array.from({ length: MAX_LINKS_PER_SPAN + 3 }, (_, i) => ({
      context: { traceId: 'ab'.repeat(16), spanId: (i + 1).toString(16).padStart(16, '0'), traceFlags: 1 },
    })),
  });
  for (let i = 0; i < MAX_EVENTS_PER_SPAN + 5; i++) span.addEvent(`chunk ${i}`);
  span.end();
  return memory.getFinishedSpans()[0]!;
}

/** ExportTraceServiceResponse.partial_success {1: rejected_spans, 2: error_message}. */
function readPartialSuccess(bytes: Uint8Array): { rejected: number; message: string } {
  const out = { rejected: 0, message: '' };
  const r = new WireReader(bytes);
  while (!r.done()) {
    const tag = r.tag();
    if (tag !== ((1 << 3) | 2)) {
      r.skip(tag & 7);
      continue;
    }
    const p = r.message();
    while (!p.done()) {
      const t = p.tag();
      if (t === 1 << 3) out.rejected = p.varint32();
      else if (t === ((2 << 3) | 2)) out.message = p.string();
      else p.skip(t & 7);
    }
  }
  return out;
}

describe('per-span limits', () => {
  let engine: Engine;
  before(async () => {
    engine = await startTestEngine();
  });
  after(async () => {
    await engine.close();
  });

  for (const encoding of ['protobuf', 'json'] as const) {
    test(`${encoding}: an oversized span is trimmed, counted, stored, and the exporter is warned`, async () => {
      const span = oversizedSpan();
      const body = encoding === 'protobuf' ? ProtobufTraceSerializer.serializeRequest([span])! : JsonTraceSerializer.serializeRequest([span])!;
      const res = await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, body, {
        'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
      });
      assert.equal(res.status, 200);
      const partial =
        encoding === 'protobuf'
          ? readPartialSuccess(res.body)
          : (() => {
              const p = (JSON.parse(res.body.toString()) as { partialSuccess: { rejectedSpans?: string; errorMessage: string } }).partialSuccess;
              return { rejected: Number(p.rejectedSpans ?? 0), message: p.errorMessage };
            })();
      assert.equal(partial.rejected, 0, 'nothing rejected');
      assert.match(partial.message, /1 value\(s\) longer than 65536 bytes were truncated/);
      assert.match(partial.message, /21 attribute\(s\) beyond 128/);
      assert.match(partial.message, /5 event\(s\) beyond 128/);
      assert.match(partial.message, /3 link\(s\) beyond 128/);

      const stored = await engine.getSpan(span.spanContext().traceId, span.spanContext().spanId);
      assert.ok(stored, 'the span is stored');
      const messages = stored.attributes['gen_ai.input.messages'] as string;
      assert.equal(Buffer.byteLength(messages), MAX_VALUE_BYTES, 'cut to the limit, on a character boundary');
      assert.ok(messages.startsWith('üü') && !messages.includes('\uFFFD'), 'no character split');
      assert.equal(Object.keys(stored.attributes).length, MAX_ATTRIBUTES);
      assert.equal(stored.attributes['attr.0'], 'v0', 'the first attributes sent are the ones kept');
      assert.equal(stored.droppedAttributesCount, 21);
      assert.equal(stored.events.length, MAX_EVENTS_PER_SPAN);
      assert.equal(stored.events[0]!.name, 'chunk 0');
      assert.equal(stored.droppedEventsCount, 5);
      assert.equal(stored.links.length, MAX_LINKS_PER_SPAN);
      assert.equal(stored.droppedLinksCount, 3);
    });
  }

  test('a span within every limit gets a plain success, no warning', async () => {
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
    provider.getTracer('limits').startSpan('small', { attributes: { 'gen_ai.request.model': 'gpt-4o-mini' } }).end();
    const res = await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, ProtobufTraceSerializer.serializeRequest(memory.getFinishedSpans())!, {
      'content-type': 'application/x-protobuf',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0, 'an empty ExportTraceServiceResponse');
  });
});

test('an attribute named __proto__ is stored and read back as sent', async () => {
  const engine = await startTestEngine();
  try {
    const body = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{
        traceId: '0102030405060708090a0b0c0d0e0f11', spanId: 'a0a1a2a3a4a5a6a7', name: 'p',
        attributes: [{ key: '__proto__', value: { stringValue: 'x' } }, { key: 'a', value: { stringValue: 'b' } }],
      }] }] }],
    });
    const res = await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, body, { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    const span = await engine.getSpan('0102030405060708090a0b0c0d0e0f11', 'a0a1a2a3a4a5a6a7');
    assert.deepEqual(Object.entries(span!.attributes), [['__proto__', 'x'], ['a', 'b']]);
  } finally {
    await engine.close();
  }
});
