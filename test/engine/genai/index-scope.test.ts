/**
 * Compaction normalizes with scope `index` (only what rollups and list filters need) and reads
 * complete the rest. That is only sound if an index reading is exactly the full reading cut down to
 * INDEX_FIELDS: same values, nothing extra, nothing missing. Checked on the three-dialect samples
 * and on every captured fixture (instrumentation and agent-framework fixtures).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GenAiSpan, SpanRecord } from '../../../src-shared/contract';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { INDEX_FIELDS, normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { agentRun } from './samples';

const FIXTURES = new URL('../../fixtures/genai/', import.meta.url).pathname;
/** The agent-framework fixtures too (test/fixtures/frameworks/), whose dialects read fields at index scope. */
const FRAMEWORKS = new URL('../../fixtures/frameworks/', import.meta.url).pathname;

function pick(g: GenAiSpan): Partial<GenAiSpan> {
  const out: Record<string, unknown> = {};
  for (const f of INDEX_FIELDS) if (g[f] !== undefined) out[f] = g[f];
  return out as Partial<GenAiSpan>;
}

function fixtureSpans(): SpanRecord[] {
  const spans: SpanRecord[] = [];
  for (const [root, lib] of [FIXTURES, FRAMEWORKS].flatMap((r) => (existsSync(r) ? readdirSync(r, { withFileTypes: true }).map((l) => [r, l] as const) : []))) {
    const file = join(root, lib.name, 'trace.otlp.json');
    if (lib.isDirectory() && existsSync(file)) spans.push(...decodeTraceRequestJson(readFileSync(file)).spans);
  }
  return spans;
}

test('an index reading is the full reading cut to INDEX_FIELDS, for every sample and fixture span', () => {
  const spans = [...(['otel', 'openinference', 'openllmetry'] as const).flatMap((d) => Object.values(agentRun(d))), ...fixtureSpans()];
  let genai = 0;
  for (const span of spans) {
    const full = normalizeSpan(span);
    const index = normalizeSpan(span, undefined, { scope: 'index' });
    assert.equal(index === null, full === null, `${span.name}: GenAI or not must not depend on the scope`);
    if (!full || !index) continue;
    genai++;
    assert.deepEqual(index, pick(full), span.name);
  }
  assert.ok(genai >= 20, `expected many GenAI spans, got ${genai}`);
});
