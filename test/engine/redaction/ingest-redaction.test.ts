// Redaction of a whole request as the receivers hand it over: one without anything to redact is
// passed on as the same bytes, unparsed; one with a secret comes back as OTLP/JSON holding the
// redacted spans, in a buffer of its own (it is transferred to the store thread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { IngestRedaction } from '../../../src-main/engine/redaction/ingest-redaction';
import { parseRedactionRules } from '../../../src-main/engine/redaction/rules';
import { recordAgentTrace } from '../../support/otel';

const KEY = Buffer.alloc(32, 1);

test('a request with nothing to redact is passed on as it came; one with a secret as redacted OTLP/JSON in its own buffer', () => {
  const redaction = new IngestRedaction(parseRedactionRules(''), KEY);
  const clean = ProtobufTraceSerializer.serializeRequest(recordAgentTrace().spans)!;
  const passed = redaction.apply('traces', 'protobuf', clean);
  assert.equal(passed.body, clean);
  assert.equal(passed.encoding, 'protobuf');

  const sent = recordAgentTrace();
  (sent.spans[0]!.attributes as Record<string, unknown>).token = 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
  const leaky = ProtobufTraceSerializer.serializeRequest(sent.spans)!;
  const out = redaction.apply('traces', 'protobuf', leaky);
  assert.equal(out.encoding, 'json');
  assert.equal(out.redactedItems, 1);
  assert.equal(out.body.byteOffset, 0);
  assert.equal(out.body.byteLength, out.body.buffer.byteLength, 'the body owns its whole buffer');
  const spans = decodeTraceRequestJson(out.body).spans;
  assert.equal(spans.length, sent.spans.length);
  const span = spans.find((s) => s.spanId === sent.spans[0]!.spanContext().spanId)!;
  assert.equal(span.attributes.token, '[redacted:github-token]');
  assert.equal(span.attributes['flowtrace.redacted.count'], 1);
});

test('all detectors off and no rules: nothing is searched at all', () => {
  const redaction = new IngestRedaction(parseRedactionRules('secrets off'), KEY);
  assert.equal(redaction.active, false);
  const body = new TextEncoder().encode('{"resourceSpans":[]} ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789');
  assert.equal(redaction.apply('traces', 'json', body).body, body);
});
