/**
 * The incremental rollup (TraceRollupState) must not depend on the order spans arrive in: fed in
 * any order and batching, it equals rollupTrace over the same spans in start order, for random
 * trees (with missing parents) and random usage on agents, LLM calls and tools (so usage both
 * below and above counted spans). And the bounded cache evicts least recently used traces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GenAiKind, GenAiSpan } from '../../../src-shared/contract';
import { rollupTrace, type RollupItem } from '../../../src-main/engine/genai/rollup';
import { RollupStates, TraceRollupState } from '../../../src-main/engine/genai/rollup-state';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

type Item = RollupItem & { start: bigint };

function randomTrace(r: () => number, n: number): Item[] {
  const kinds: GenAiKind[] = ['agent', 'llm', 'tool', 'chain'];
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const parent = i === 0 ? null : r() < 0.05 ? `missing${i}` : `s${Math.floor(r() * i)}`;
    let genai: GenAiSpan | null = null;
    if (r() < 0.8) {
      const kind = kinds[Math.floor(r() * kinds.length)]!;
      genai = { kind };
      if (r() < 0.5) {
        genai.inputTokens = Math.floor(r() * 1000);
        genai.outputTokens = Math.floor(r() * 100);
        if (r() < 0.7) genai.costUsd = Math.round(r() * 1e6) / 1e8;
        else if (r() < 0.5) genai.costUsd = null;
      }
      if (kind === 'llm') genai.requestModel = ['gpt-4o', 'gpt-4o-mini', 'claude'][Math.floor(r() * 3)]!;
      if (kind === 'agent') genai.agentName = ['planner', 'booker'][Math.floor(r() * 2)]!;
      if (r() < 0.1) genai.sessionId = `sess${Math.floor(r() * 3)}`;
    }
    items.push({ spanId: `s${i}`, parentSpanId: parent, genai, start: BigInt(Math.floor(r() * 1e6)) });
  }
  return items;
}

const byStart = (a: Item, b: Item) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);

test('adding spans in any order and batching gives rollupTrace of the whole trace', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const items = randomTrace(r, 1 + Math.floor(r() * 60));
    const shuffled = [...items].sort(() => r() - 0.5);
    const state = new TraceRollupState();
    let at = 0;
    while (at < shuffled.length) {
      const batch = shuffled.slice(at, at + 1 + Math.floor(r() * 10));
      at += batch.length;
      for (const item of batch) state.add(item);
      const seen = shuffled.slice(0, at).sort(byStart);
      assert.deepEqual(state.rollup(), rollupTrace(seen), `seed ${seed} after ${at} spans`);
    }
  }
});

test('a duplicate span id adds nothing', () => {
  const state = new TraceRollupState();
  const item: Item = { spanId: 'a', parentSpanId: null, genai: { kind: 'llm', inputTokens: 5, outputTokens: 1 }, start: 1n };
  state.add(item);
  state.add(item);
  assert.equal(state.rollup().inputTokens, 5);
  assert.equal(state.size, 1);
});

test('the cache keeps the most recently used traces within its span bound', () => {
  const states = new RollupStates(10);
  const fill = (id: string, n: number) => {
    const s = states.get(id) ?? new TraceRollupState();
    const before = s.size;
    for (let i = 0; i < n; i++) s.add({ spanId: `${id}-${before + i}`, parentSpanId: null, genai: null, start: 0n });
    states.keep(id, s, before);
  };
  fill('a', 4);
  fill('b', 4);
  assert.ok(states.get('a'), 'a touched again: now the most recent');
  fill('c', 4); // 12 > 10: the least recently used (b) goes
  assert.equal(states.get('b'), undefined);
  assert.ok(states.get('a') && states.get('c'));
  fill('huge', 20); // alone over the bound: not kept, and it evicts the rest trying
  assert.equal(states.get('huge'), undefined);
});
