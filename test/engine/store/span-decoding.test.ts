/**
 * The span-decode worker hands the store thread its GenAI readings packed (typed arrays and a table
 * of strings, span-decoding.ts). Whatever the store then indexes — rollups, filters, the dashboard's
 * rollups — must read exactly what normalizeSpan read, for every framework and dialect captured in
 * the fixtures, including the readings without a price (cost null) and the spans with none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GenAiSpan, SpanRecord } from '../../../src-shared/contract';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { storedGenAi } from '../../../src-main/engine/store/genai-facets';
import { ingestNormalizeOptions, packReadings, readingAt } from '../../../src-main/engine/store/span-decoding';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

function fixtureTraces(): Array<{ name: string; spans: SpanRecord[] }> {
  const out: Array<{ name: string; spans: SpanRecord[] }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const sub = join(dir, entry.name);
      const file = join(sub, 'trace.otlp.json');
      if (existsSync(file)) out.push({ name: sub.slice(FIXTURES.length + 1), spans: decodeTraceRequestJson(readFileSync(file)).spans });
      walk(sub);
    }
  };
  walk(join(FIXTURES, 'genai'));
  walk(join(FIXTURES, 'frameworks'));
  return out;
}

/** The reading without its absent keys: packed readings carry every index key, undefined where absent. */
function present(g: GenAiSpan | null): Record<string, unknown> | null {
  return g === null ? null : Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined));
}

test('every captured framework span reads the same packed as normalizeSpan read it', () => {
  const options = ingestNormalizeOptions(undefined, true)!;
  const traces = fixtureTraces();
  assert.ok(traces.length >= 20, `found ${traces.length} fixture traces`);
  let readings = 0;
  let nullCosts = 0;
  for (const { name, spans } of traces) {
    const direct = spans.map((span) => normalizeSpan(span, undefined, options));
    const packed = packReadings(direct);
    direct.forEach((g, i) => {
      assert.deepEqual(present(readingAt(packed, i)), present(g), `${name}: span ${spans[i]!.name}`);
      assert.equal(packed.stored[i], g === null ? null : storedGenAi(g), `${name}: span ${spans[i]!.name} as stored`);
      if (g !== null) readings++;
      if (g?.costUsd === null) nullCosts++;
    });
  }
  assert.ok(readings > 100, `${readings} readings compared`);
  assert.ok(nullCosts > 0, 'some reading has a cost of null (an unpriced model), and it must stay null, not 0');
});
