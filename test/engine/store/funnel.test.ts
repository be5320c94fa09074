/**
 * Funnels on a small set counted by hand: runs recorded by the official OTel SDK and sent by its
 * OTLP exporter to a real engine, then the funnel asked for through the contract and over REST.
 * Exact counts, order (a step done before the previous one does not count), outcomes, the runs
 * behind each number, attribute / span-name / kind steps, sessions, and argument errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, startTestEngine } from '../../support/engine';
import { exportSpans } from '../../support/otel';
import { HAND_COUNTED_STEPS, handCountedRuns, recordFunnelRuns } from '../../support/funnel-runs';
import type { Engine } from '../../../src-main/engine';
import type { FunnelResult, FunnelRunSet, FunnelStep } from '../../../src-shared/contract';

const counts = (r: FunnelResult) => r.steps.map((s) => [s.reached.count, s.dropped.count]);
const ids = (set: FunnelRunSet) => set.runs.map((r) => r.id).sort();

describe('funnels', () => {
  let engine: Engine;
  let rest: Awaited<ReturnType<typeof startTestApiServer>>;
  let runs: string[];
  let sessionTraces: string[];
  const base = Date.now() - 3_600_000;
  const steps = HAND_COUNTED_STEPS.map((s) => ({ ...s })) as FunnelStep[];

  before(async () => {
    engine = await startTestEngine();
    rest = await startTestApiServer(engine);
    const shop = recordFunnelRuns('funnel-shop', handCountedRuns(base));
    runs = shop.traceIds;
    await exportSpans(engine.info.otlpHttpEndpoint, 'protobuf', shop.spans);
    // Sessions: a is planner, then (next trace) search and book; b books before it plans; c plans and
    // searches, then its next trace crashes.
    const chat = recordFunnelRuns('funnel-chat', [
      { startMs: base, sessionId: 'sess-a', spans: [{ agent: 'planner', at: 1 }] },
      { startMs: base + 1000, sessionId: 'sess-a', spans: [{ tool: 'search_hotels', at: 1 }, { tool: 'book_hotel', at: 10 }] },
      { startMs: base + 2000, sessionId: 'sess-b', spans: [{ tool: 'search_hotels', at: 1 }, { tool: 'book_hotel', at: 5 }] },
      { startMs: base + 3000, sessionId: 'sess-b', spans: [{ agent: 'planner', at: 1 }] },
      { startMs: base + 4000, sessionId: 'sess-c', spans: [{ agent: 'planner', at: 1 }, { tool: 'search_hotels', at: 10 }] },
      { startMs: base + 5000, sessionId: 'sess-c', spans: [{ plain: 'crash', at: 1, fails: true }] },
    ]);
    sessionTraces = chat.traceIds;
    await exportSpans(engine.info.otlpHttpEndpoint, 'json', chat.spans);
  });
  after(async () => {
    rest.close();
    await engine.close();
  });

  test('6 reach planner, 4 then search, 2 then book; 2 completed, 1 failed, 3 abandoned', async () => {
    const r = await engine.runFunnel({ steps, service: 'funnel-shop' });
    assert.equal(r.mode, 'traces');
    assert.equal(r.runs, 7);
    assert.deepEqual(counts(r), [
      [6, 1],
      [4, 2],
      [2, 2],
    ]);
    assert.deepEqual(
      r.steps.map((s) => [s.conversionFromPrevious, s.conversionFromFirst]),
      [
        [6 / 7, 1],
        [4 / 6, 4 / 6],
        [2 / 4, 2 / 6],
      ],
    );
    const [r1, r2, r3, r4, r5, r6, r7] = runs as [string, string, string, string, string, string, string];
    assert.deepEqual(ids(r.steps[0]!.dropped), [r7]);
    // r6 searched before it planned: its search is not step 2.
    assert.deepEqual(ids(r.steps[1]!.dropped), [r5, r6].sort());
    assert.deepEqual(ids(r.steps[2]!.reached), [r1, r2].sort());
    assert.deepEqual(ids(r.steps[2]!.dropped), [r3, r4].sort());
    assert.deepEqual(ids(r.outcomes.completed), [r1, r2].sort());
    assert.deepEqual(ids(r.outcomes.failed), [r3]);
    assert.deepEqual(ids(r.outcomes.abandoned), [r4, r5, r6].sort());
    // Newest first, each with what it reached and how it ended, linking to its trace.
    assert.deepEqual(
      r.steps[0]!.reached.runs.map((x) => [x.id, x.reached, x.outcome]),
      [
        [r6, 1, 'abandoned'],
        [r5, 1, 'abandoned'],
        [r4, 2, 'abandoned'],
        [r3, 2, 'failed'],
        [r2, 3, 'completed'],
        [r1, 3, 'completed'],
      ],
    );
    const first = r.steps[0]!.reached.runs.at(-1)!;
    assert.equal(first.traceId, r1);
    assert.equal(first.rootName, 'run');
    assert.equal(BigInt(first.startTimeUnixNano), BigInt(base) * 1_000_000n);
  });

  test('order: the same steps reversed reach less', async () => {
    const r = await engine.runFunnel({ steps: [...steps].reverse(), service: 'funnel-shop' });
    // book → search → planner: r7 books but never searches after; nobody books, then searches.
    assert.deepEqual(counts(r), [
      [3, 4],
      [0, 3],
      [0, 0],
    ]);
    assert.equal(r.outcomes.abandoned.count + r.outcomes.failed.count, 3);
  });

  test('runs behind a number are capped at runLimit; the count stays exact', async () => {
    const r = await engine.runFunnel({ steps, service: 'funnel-shop', runLimit: 2 });
    assert.equal(r.steps[0]!.reached.count, 6);
    assert.equal(r.steps[0]!.reached.runs.length, 2);
    assert.deepEqual(
      r.steps[0]!.reached.runs.map((x) => x.id),
      [runs[5], runs[4]],
    );
  });

  test('attribute, span-name and kind steps; the time range', async () => {
    const gold = await engine.runFunnel({ steps: [{ type: 'attribute', key: 'user.tier', value: 'gold' }, steps[1]!, steps[2]!], service: 'funnel-shop' });
    assert.deepEqual(
      gold.steps.map((s) => s.reached.count),
      [3, 2, 1],
    );
    const byName = await engine.runFunnel({ steps: [{ type: 'spanName', value: 'execute_tool search_hotels' }, steps[2]!], service: 'funnel-shop' });
    assert.deepEqual(
      byName.steps.map((s) => s.reached.count),
      [6, 3],
    );
    // A failing matching step makes the run failed, even when it is the last step.
    const failing = await engine.runFunnel({ steps: [steps[0]!, { type: 'spanName', value: 'chat gpt-4o-mini', kind: 'llm' }], service: 'funnel-shop' });
    assert.deepEqual(counts(failing), [
      [6, 1],
      [1, 5],
    ]);
    assert.deepEqual(ids(failing.outcomes.failed), [runs[2]]);
    assert.equal(failing.outcomes.completed.count, 0);
    const wrongKind = await engine.runFunnel({ steps: [{ type: 'spanName', value: 'chat gpt-4o-mini', kind: 'tool' }], service: 'funnel-shop' });
    assert.equal(wrongKind.steps[0]!.reached.count, 0);
    const unknownKey = await engine.runFunnel({ steps: [{ type: 'attribute', key: 'no.such.key', value: 'x' }], service: 'funnel-shop' });
    assert.equal(unknownKey.steps[0]!.reached.count, 0);
    const later = await engine.runFunnel({ steps, service: 'funnel-shop', from: String(BigInt(base + 10_000) * 1_000_000n), to: String(BigInt(base + 40_000) * 1_000_000n) });
    assert.equal(later.runs, 4);
    assert.deepEqual(
      later.steps.map((s) => s.reached.count),
      [4, 3, 1],
    );
  });

  test('sessions: a session is its traces in time order', async () => {
    const r = await engine.runFunnel({ steps, mode: 'sessions', service: 'funnel-chat' });
    assert.equal(r.mode, 'sessions');
    assert.equal(r.runs, 3);
    assert.deepEqual(counts(r), [
      [3, 0],
      [2, 1],
      [1, 1],
    ]);
    assert.deepEqual(ids(r.outcomes.completed), ['sess-a']);
    assert.deepEqual(ids(r.outcomes.abandoned), ['sess-b']);
    assert.deepEqual(ids(r.outcomes.failed), ['sess-c']);
    // The run links to the trace where it got furthest.
    const a = r.outcomes.completed.runs[0]!;
    assert.equal(a.traceId, sessionTraces[1]);
    assert.equal(a.reached, 3);
    // Per trace, the same data: three traces plan, only sess-c's first also searches after, none books.
    const perTrace = await engine.runFunnel({ steps, service: 'funnel-chat' });
    assert.equal(perTrace.runs, 6);
    assert.deepEqual(
      perTrace.steps.map((s) => s.reached.count),
      [3, 1, 0],
    );
  });

  test('REST: GET /api/v1/funnel with JSON steps; bad queries are 400 with the reason', async () => {
    const params = new URLSearchParams({ steps: JSON.stringify(steps), service: 'funnel-shop', runLimit: '3' });
    const res = await fetch(`${rest.base}/api/v1/funnel?${params}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as FunnelResult;
    assert.deepEqual(counts(body), [
      [6, 1],
      [4, 2],
      [2, 2],
    ]);
    assert.equal(body.steps[0]!.reached.runs.length, 3);
    for (const [query, reason] of [
      ['', /steps must be a list/],
      ['steps=nope', /JSON list/],
      [`steps=${encodeURIComponent('[{"type":"agent"}]')}`, /value must be a non-empty string/],
      [`steps=${encodeURIComponent('[{"type":"attribute","value":"x"}]')}`, /key must be/],
      [`steps=${encodeURIComponent('[{"type":"colour","value":"x"}]')}`, /type must be one of/],
      [`steps=${encodeURIComponent(JSON.stringify(steps))}&mode=users`, /mode must be/],
      [`steps=${encodeURIComponent(JSON.stringify(steps))}&runLimit=0`, /runLimit/],
      [`steps=${encodeURIComponent(JSON.stringify(steps))}&from=9&to=1`, /from is after to/],
      [`steps=${encodeURIComponent(JSON.stringify(steps))}&colour=red`, /unknown funnel field/],
    ] as const) {
      const bad = await fetch(`${rest.base}/api/v1/funnel?${query}`);
      assert.equal(bad.status, 400, query);
      assert.match(((await bad.json()) as { error: string }).error, reason);
    }
  });
});
