/**
 * Issue 5's acceptance line on fixtures captured from real instrumentation libraries (JS and
 * Python, against the fake OpenAI server; see test/fixtures/genai/README.md). Each fixture is
 * decoded with the engine's own OTLP/JSON decoders, every span normalized with its correlated log
 * records, and the trace printed as a readable tree next to the rollup; the print must equal the
 * committed golden.txt. `UPDATE_GOLDEN=1` rewrites the goldens instead (review the diff by eye).
 * Reads files only: no network, no Python.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenAiSpan } from '../../../src-shared/contract';
import { dump, loadFixture, type Meta } from '../../support/genai-dump';

const FIXTURES = new URL('../../fixtures/genai/', import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const dirs = existsSync(FIXTURES)
  ? readdirSync(FIXTURES, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'trace.otlp.json')))
      .map((d) => d.name)
      .sort()
  : [];

describe('GenAI fixtures captured from real instrumentations', () => {
  test('there are fixtures for OpenInference, OpenLLMetry and OTel GenAI, in JS and Python', () => {
    for (const lang of ['js', 'py']) {
      const mine = dirs.filter((d) => d.startsWith(`${lang}-`)).map((d) => (JSON.parse(readFileSync(join(FIXTURES, d, 'meta.json'), 'utf8')) as Meta).dialect);
      assert.deepEqual([...new Set(mine)].sort(), ['openinference', 'openllmetry', 'otel'], `${lang} fixtures`);
    }
  });

  for (const name of dirs) {
    test(name, () => {
      const dir = join(FIXTURES, name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
      const { items, logs } = loadFixture(dir);
      const text = dump(name, `${meta.library} ${meta.version} (${meta.language}, ${meta.dialect} dialect) on ${meta.sdk.name} ${meta.sdk.version}`, items, logs.length);
      const goldenPath = join(dir, 'golden.txt');
      if (UPDATE) writeFileSync(goldenPath, text);
      assert.ok(existsSync(goldenPath), `${name}: no golden.txt (run with UPDATE_GOLDEN=1 and review it)`);
      assert.equal(text, readFileSync(goldenPath, 'utf8'), `${name}: normalized trace differs from golden.txt`);

      // What every capture must show, whatever the library: the scenario's shape, read right.
      const byKind = (k: string) => items.filter((i) => i.genai?.kind === k).map((i) => i.genai as GenAiSpan);
      assert.equal(byKind('agent').length, 1, 'one agent span');
      assert.equal(byKind('agent')[0]?.agentName, 'planner');
      assert.equal(byKind('tool')[0]?.toolName, 'search_hotels');
      const llm = byKind('llm');
      assert.equal(llm.length, 2, 'two chat calls');
      const first = llm[0] as GenAiSpan;
      assert.match(first.responseModel ?? first.requestModel ?? '', /^gpt-4o-mini/);
      // The fake server's usage for the tool-call turn, and a price for gpt-4o-mini.
      assert.equal(first.inputTokens, 120);
      assert.equal(first.outputTokens, 30);
      assert.equal(typeof first.costUsd, 'number');
      assert.deepEqual(first.finishReasons, ['tool_call']);
      assert.ok(
        first.outputMessages?.some((m) => m.parts.some((p) => p.type === 'tool_call' && p.name === 'search_hotels')),
        'the first call asks for search_hotels',
      );
    });
  }
});
