/**
 * The store's funnel (SQL marks and funnel_walk) against the plain reference (support/funnel-reference.ts)
 * on random small data: runs recorded by the OTel SDK with starts drawn from a few offsets (so
 * ties happen), random failures and sessions, and random funnels over every step type, kinds and
 * both modes. Every run's reached step, outcome and linked trace must agree.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestEngine } from '../../support/engine';
import { exportSpans } from '../../support/otel';
import { recordFunnelRuns, type FunnelRunSpec, type FunnelSpan } from '../../support/funnel-runs';
import { referenceProgress, type ReferenceRun } from '../../support/funnel-reference';
import type { Engine } from '../../../src-main/engine';
import type { FunnelMode, FunnelResult, FunnelRun, FunnelStep, GenAiKind, SpanRecord } from '../../../src-shared/contract';
import { seededRandom as prng } from '../../support/seeded-random';

const SERVICE = 'funnel-random';
const AGENTS = ['planner', 'booker'];
const TOOLS = ['search_hotels', 'book_hotel', 'get_weather'];
const MODELS = ['gpt-4o-mini', 'o3'];
const PLAIN = ['crash', 'cache'];
const KINDS: GenAiKind[] = ['agent', 'tool', 'llm'];

function randomRuns(random: () => number, base: number, count: number): FunnelRunSpec[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const runs: FunnelRunSpec[] = [];
  for (let i = 0; i < count; i++) {
    const spans: FunnelSpan[] = [];
    const n = 1 + Math.floor(random() * 6);
    for (let k = 0; k < n; k++) {
      // Offsets from 1 to 6 ms: spans of a run often start at the same instant.
      const at = 1 + Math.floor(random() * 6);
      const fails = random() < 0.15;
      // The first span is a GenAI one: a trace with none, from a GenAI service, is not a run (the noise rule).
      const shape = k === 0 ? Math.floor(random() * 3) : Math.floor(random() * 4);
      if (shape === 0) {
        const attributes = pick([{}, { 'user.tier': 'gold' }, { 'user.tier': 'silver' }, { attempt: 2 }, { cached: true }]);
        spans.push({ agent: pick(AGENTS), at, fails, attributes });
      } else if (shape === 1) spans.push({ tool: pick(TOOLS), at, fails });
      else if (shape === 2) spans.push({ llm: pick(MODELS), at, fails });
      else spans.push({ plain: pick(PLAIN), at, fails });
    }
    // A second apart: spans of different traces never start at the same instant.
    const run: FunnelRunSpec = { startMs: base + i * 1000, spans };
    if (random() < 0.8) run.sessionId = `sess-${Math.floor(random() * 20)}`;
    runs.push(run);
  }
  return runs;
}

function randomStep(random: () => number): FunnelStep {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const options: Array<() => FunnelStep> = [
    () => ({ type: 'agent', value: pick([...AGENTS, 'nobody']) }),
    () => ({ type: 'tool', value: pick(TOOLS) }),
    () => ({ type: 'spanName', value: pick([`execute_tool ${pick(TOOLS)}`, `chat ${pick(MODELS)}`, `invoke_agent ${pick(AGENTS)}`, ...PLAIN, 'run']) }),
    () => ({ type: 'attribute', key: 'user.tier', value: pick(['gold', 'silver']) }),
    () => ({ type: 'attribute', key: 'gen_ai.operation.name', value: pick(['chat', 'execute_tool', 'invoke_agent']) }),
    () => ({ type: 'attribute', key: pick(['attempt', 'cached']), value: pick(['2', 'true', '3']) }),
  ];
  const step = pick(options)();
  if (random() < 0.2) step.kind = pick(KINDS);
  return step;
}

/** Every run of the result with what it reached and how it ended (runLimit is at least the run count). */
function runsOf(result: FunnelResult): Map<string, FunnelRun> {
  const out = new Map<string, FunnelRun>();
  for (const set of [result.steps[0]!.reached, result.steps[0]!.dropped]) for (const run of set.runs) out.set(run.id, run);
  return out;
}

describe('funnels agree with the plain reference on random data', () => {
  let engine: Engine;
  const traces = new Map<string, { traceId: string; sessionId: string | undefined; spans: SpanRecord[] }>();

  before(async () => {
    engine = await startTestEngine();
    const specs = randomRuns(prng(15), Date.now() - 3_600_000, 80);
    const recorded = recordFunnelRuns(SERVICE, specs);
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', recorded.spans);
    for (const [i, traceId] of recorded.traceIds.entries()) {
      const detail = await engine.getTrace(traceId);
      assert.ok(detail, `trace ${traceId} stored`);
      traces.set(traceId, { traceId, sessionId: specs[i]!.sessionId, spans: detail.spans });
    }
  });
  after(async () => {
    await engine.close();
  });

  function referenceRuns(mode: FunnelMode): ReferenceRun[] {
    const all = [...traces.values()];
    if (mode === 'traces') return all.map((t) => ({ id: t.traceId, traces: [t] }));
    const bySession = new Map<string, ReferenceRun>();
    for (const t of all) {
      if (t.sessionId === undefined) continue;
      const run = bySession.get(t.sessionId) ?? bySession.set(t.sessionId, { id: t.sessionId, traces: [] }).get(t.sessionId)!;
      run.traces.push(t);
    }
    return [...bySession.values()];
  }

  for (const mode of ['traces', 'sessions'] as const) {
    test(`${mode}: 60 random funnels of 1 to 4 steps`, async () => {
      const random = prng(mode === 'traces' ? 1 : 2);
      const runs = referenceRuns(mode);
      const seen = new Map<string, number>();
      const note = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);
      for (let q = 0; q < 60; q++) {
        const steps = Array.from({ length: 1 + Math.floor(random() * 4) }, () => randomStep(random));
        const label = `${mode} #${q} ${JSON.stringify(steps)}`;
        const result = await engine.runFunnel({ steps, mode, service: SERVICE, runLimit: 500 });
        assert.equal(result.runs, runs.length, label);
        const got = runsOf(result);
        for (const run of runs) {
          const want = referenceProgress(run, steps);
          const actual = got.get(run.id);
          assert.ok(actual, `${label}: run ${run.id} listed`);
          assert.equal(actual.reached, want.reached, `${label}: run ${run.id} reached`);
          assert.equal(actual.traceId, want.traceId, `${label}: run ${run.id} trace`);
          if (!want.tieDecidesFailure) assert.equal(actual.outcome, want.outcome, `${label}: run ${run.id} outcome`);
          note(want.tieDecidesFailure ? 'tie' : String(want.outcome));
          if (want.reached >= 2) note('2+ steps');
        }
      }
      // The data exercises what it is meant to: every outcome, runs past one step, and few runs left unchecked.
      for (const what of ['completed', 'abandoned', 'failed', 'null', '2+ steps']) assert.ok((seen.get(what) ?? 0) >= 5, `${what}: ${seen.get(what)}`);
      assert.ok((seen.get('tie') ?? 0) < runs.length * 3, `ties decided the outcome of ${seen.get('tie')} runs`);
    });
  }
});
