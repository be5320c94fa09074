/**
 * The trace list sorted by cost and by tokens (most first, traces without usage last), over GenAI
 * turns sent by the OTel exporter: cursor pages of 2 walk every trace once, in order, through ties
 * (same model, same usage, same cost) broken by trace id; minCostUsd keeps only the priced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine } from '../../../src-main/engine';
import type { TraceSort, TraceSummary } from '../../../src-shared/contract';
import { exportSpans } from '../../support/otel';
import { recordGenAiTurn, recordPlainTrace } from '../../support/otel-genai';
import { tempDataDir } from '../../support/serve-process';

test('sort=cost and sort=tokens page through ties in order, the unpriced last', async () => {
  const engine = await startEngine({ memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {} });
  try {
    const now = Date.now() - 60_000;
    // Three priced models, two or three turns each (ties), a model without a price, and two plain traces.
    const models = ['gpt-4o', 'gpt-4o', 'gpt-4o', 'gpt-4o-mini', 'gpt-4o-mini', 'claude-sonnet-4-5', 'claude-sonnet-4-5', 'local-llama-3'];
    for (const [i, model] of models.entries()) {
      await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', recordGenAiTurn({ serviceName: 'agent', model, startMs: now + i * 1000 }).spans);
    }
    for (let i = 0; i < 2; i++) await exportSpans(engine.info.otlpHttpEndpoint, 'json', recordPlainTrace('web').spans);

    const walk = async (sort: TraceSort, extra: { minCostUsd?: number } = {}): Promise<TraceSummary[]> => {
      const out: TraceSummary[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await engine.listTraces({ sort, limit: 2, ...extra, ...(cursor ? { cursor } : {}) });
        out.push(...page.traces);
        if (page.nextCursor === null) return out;
        cursor = page.nextCursor;
      }
      throw new Error('more pages than traces');
    };
    const all = await engine.listTraces({ limit: 100 });
    assert.equal(all.traces.length, 10);

    const byCost = await walk('cost');
    assert.deepEqual(new Set(byCost.map((t) => t.traceId)), new Set(all.traces.map((t) => t.traceId)));
    assert.equal(byCost.length, 10);
    const cost = (t: TraceSummary) => t.genai?.costUsd ?? -1;
    const priced = byCost.filter((t) => cost(t) >= 0);
    assert.equal(priced.length, 7);
    assert.deepEqual(new Set(priced.map((t) => t.genai!.models[0])), new Set(['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5']));
    for (let i = 1; i < byCost.length; i++) {
      const [a, b] = [byCost[i - 1]!, byCost[i]!];
      assert.ok(cost(a) > cost(b) || (cost(a) === cost(b) && a.traceId > b.traceId), `${i}: ${cost(a)} ${a.traceId} before ${cost(b)} ${b.traceId}`);
    }
    // The three gpt-4o turns cost the same: a tie that spans a page boundary.
    assert.equal(new Set(byCost.filter((t) => t.genai?.models[0] === 'gpt-4o').map(cost)).size, 1);

    assert.deepEqual((await walk('cost', { minCostUsd: 0 })).map((t) => t.traceId), priced.map((t) => t.traceId));

    const byTokens = await walk('tokens');
    assert.equal(byTokens.length, 10);
    const tokens = (t: TraceSummary) => t.genai?.totalTokens ?? -1;
    for (let i = 1; i < byTokens.length; i++) {
      const [a, b] = [byTokens[i - 1]!, byTokens[i]!];
      assert.ok(tokens(a) > tokens(b) || (tokens(a) === tokens(b) && a.traceId > b.traceId), `${i}`);
    }
    await assert.rejects(engine.listTraces({ sort: 'newest', cursor: (await engine.listTraces({ sort: 'cost', limit: 1 })).nextCursor! }), /different sort order/);
  } finally {
    await engine.close();
  }
});
