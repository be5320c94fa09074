/**
 * spans.genai is written by a hand-rolled JSON writer (storedGenAi) for speed; it must write what
 * JSON.stringify of the compact object would, and read back (readStoredGenAi) to the reading it
 * was given, for every reading of the samples and captured fixtures, index and full.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenAiSpan, SpanRecord } from '../../../src-shared/contract';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { readStoredGenAi, storedGenAi } from '../../../src-main/engine/store/genai-facets';
import { agentRun } from '../genai/samples';

const FIXTURES = new URL('../../fixtures/genai/', import.meta.url).pathname;

function spans(): SpanRecord[] {
  const out: SpanRecord[] = (['otel', 'openinference', 'openllmetry'] as const).flatMap((d) => Object.values(agentRun(d)));
  for (const lib of readdirSync(FIXTURES, { withFileTypes: true })) {
    const file = join(FIXTURES, lib.name, 'trace.otlp.json');
    if (lib.isDirectory() && existsSync(file)) out.push(...decodeTraceRequestJson(readFileSync(file)).spans);
  }
  return out;
}

/** Without the content fields, which are never stored. */
function stored(g: GenAiSpan): GenAiSpan {
  const { inputMessages: _i, outputMessages: _o, systemInstructions: _s, toolDefinitions: _t, ...rest } = g;
  return rest;
}

test('stored readings are valid JSON and read back to what was stored, for every sample and fixture', () => {
  let n = 0;
  for (const span of spans()) {
    for (const scope of ['index', 'full'] as const) {
      const g = normalizeSpan(span, undefined, { scope });
      if (!g) continue;
      n++;
      const text = storedGenAi(g);
      assert.doesNotThrow(() => JSON.parse(text), text);
      const back = readStoredGenAi(text);
      // The operation a kind implies is left out and not restored (the fresh reading has it).
      const expected = stored(g);
      if (back.operation === undefined) delete expected.operation;
      assert.deepEqual(back, expected, `${span.name} (${scope}): ${text}`);
    }
  }
  assert.ok(n >= 40, `readings checked: ${n}`);
});

test('odd values survive: quotes and newlines in names, zero tokens, null cost', () => {
  const g: GenAiSpan = { kind: 'tool', toolName: 'say "hi"\nthere', inputTokens: 0, outputTokens: 0, costUsd: null, finishReasons: ['stop'] };
  assert.deepEqual(readStoredGenAi(storedGenAi(g)), { kind: 'tool', inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: null, toolName: 'say "hi"\nthere', finishReasons: ['stop'] });
  assert.equal(storedGenAi({ kind: 'other' }), '{"k":"other"}');
});
