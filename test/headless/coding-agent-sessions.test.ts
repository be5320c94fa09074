/**
 * Issue 19's acceptance: each captured coding-agent run (test/fixtures/coding-agents/) replayed byte
 * for byte to a real `flowtrace serve` (real HTTP, the raw bodies with their content types and
 * encodings, in arrival order), then its session read through REST and checked against the run's
 * own truth (the fake model server's log): model calls, the tool call's name and input, tokens
 * (output exactly; input with cache reads and writes apart), and the cost the tool reported itself.
 * Needs the build (`npx electron-vite build`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionDetail, SessionListPage, TraceSummary } from '../../src-shared/contract';
import { listCodingAgentFixtures, loadCodingAgentFixture, replayFixture, type CodingAgentFixture } from '../support/coding-agent-fixtures';
import { eventually } from '../support/engine';
import { startServe, type ServeProcess } from '../support/serve-process';

/** The cost figures the tool reported itself: Claude Code's `api_request.cost_usd`, per call. */
function reportedCosts(f: CodingAgentFixture): number[] {
  return f.logs.filter((l) => l.attributes['event.name'] === 'api_request' && typeof l.attributes['cost_usd'] === 'number').map((l) => l.attributes['cost_usd'] as number);
}

/** Codex's `exec` is a freeform tool: the model's input is the text itself, which truth keeps as `{input}`. */
function expectedInput(input: Record<string, unknown>, got: unknown): unknown {
  const keys = Object.keys(input);
  return typeof got === 'string' && keys.length === 1 && keys[0] === 'input' ? input['input'] : input;
}

for (const name of listCodingAgentFixtures()) {
  describe(`coding agent ${name} replayed to flowtrace serve`, () => {
    const f = loadCodingAgentFixture(name);
    let serve: ServeProcess;
    let detail: SessionDetail;
    let list: SessionListPage;

    before(async () => {
      serve = await startServe();
      await replayFixture(f, serve.otlpHttp);
      // Compaction is asynchronous: wait until the session has its model calls.
      detail = await eventually(async () => {
        const l = (await (await fetch(`${serve.api}/api/v1/sessions`)).json()) as SessionListPage;
        if (l.sessions.length === 0 || l.sessions[0]!.llmCalls < f.truth.modelCalls) return null;
        list = l;
        const res = await fetch(`${serve.api}/api/v1/sessions/${encodeURIComponent(l.sessions[0]!.sessionId)}`);
        return res.status === 200 ? ((await res.json()) as SessionDetail) : null;
      }, 15_000);
    });
    after(async () => serve?.stop());

    test('one session with one turn, holding every model call', () => {
      assert.equal(list.sessions.length, 1, JSON.stringify(list.sessions.map((s) => s.sessionId)));
      assert.deepEqual(list.sessions[0], detail.summary);
      assert.equal(detail.turns.length, 1);
      assert.equal(detail.summary.llmCalls, f.truth.modelCalls);
      assert.equal(detail.turns[0]!.llmCalls.length, f.truth.modelCalls);
      assert.equal(detail.turns[0]!.prompt, 'Run `echo hi` in the shell and tell me what it printed.');
    });

    test('the tool call: name and input as the model asked', () => {
      const counted = detail.turns[0]!.toolCalls.filter((c) => !c.nested);
      assert.equal(detail.summary.toolCalls, f.truth.toolCalls.length);
      assert.equal(counted.length, f.truth.toolCalls.length);
      for (const [i, want] of f.truth.toolCalls.entries()) {
        assert.equal(counted[i]!.name, want.name);
        assert.deepEqual(counted[i]!.input, expectedInput(want.input, counted[i]!.input));
      }
    });

    test('tokens per call and in sum: output exactly, input with cache read and write apart', () => {
      const calls = detail.turns[0]!.llmCalls;
      for (const [i, want] of f.truth.calls.entries()) {
        const got = calls[i]!;
        assert.equal(got.model, want.responseModel, `call ${i + 1} model`);
        assert.equal(got.outputTokens, want.usage.output, `call ${i + 1} output`);
        assert.equal(got.inputTokens, want.usage.input, `call ${i + 1} input`);
        assert.equal(got.cacheReadTokens, want.usage.cacheRead, `call ${i + 1} cache read`);
        assert.equal(got.cacheWriteTokens ?? 0, want.usage.cacheWrite ?? 0, `call ${i + 1} cache write`);
        if (want.usage.reasoning !== null) assert.equal(got.reasoningTokens, want.usage.reasoning, `call ${i + 1} reasoning`);
      }
      const s = detail.summary;
      assert.equal(s.outputTokens, f.truth.usage.output);
      assert.equal(s.inputTokens, f.truth.usage.input);
      assert.equal(s.cacheReadTokens, f.truth.usage.cacheRead);
      assert.equal(s.cacheWriteTokens, f.truth.usage.cacheWrite ?? 0);
      if (f.truth.usage.reasoning !== null) assert.equal(s.reasoningTokens, f.truth.usage.reasoning);
      assert.deepEqual(s.models, [...new Set(f.truth.calls.map((c) => c.responseModel))].sort());
    });

    test('noise: internal traces stay stored and searchable but are not listed as runs', async () => {
      const get = async (q: string) => ((await (await fetch(`${serve.api}/api/v1/traces?limit=500${q}`)).json()) as { traces: TraceSummary[] }).traces;
      const all = await get('&internal=true');
      assert.equal(all.length, new Set(f.spans.map((s) => s.traceId)).size, 'every trace is stored');
      const listed = await get('');
      assert.ok(listed.every((t) => t.genai !== undefined), 'only traces with GenAI spans are runs');
      for (const turn of detail.turns) if (turn.traceIds[0]) assert.ok(listed.some((t) => t.traceId === turn.traceIds[0]), 'the turn’s trace is listed');
      const internal = all.find((t) => t.genai === undefined);
      if (internal) {
        // Searching finds it: by root name here.
        const found = await get(`&rootName=${encodeURIComponent(internal.rootName)}`);
        assert.ok(found.some((t) => t.traceId === internal.traceId));
      }
      if (name.startsWith('codex')) assert.ok(all.length >= 20 && listed.length <= 2, `${all.length} stored, ${listed.length} listed`);
    });

    test('cost: the tool’s own where it reports one, and the session says which it used', () => {
      const reported = reportedCosts(f);
      if (reported.length === 0) {
        assert.notEqual(detail.summary.costSource, 'reported');
        assert.equal(detail.turns[0]!.llmCalls.some((c) => c.costSource === 'reported'), false);
        return;
      }
      assert.equal(detail.summary.costSource, 'reported');
      assert.deepEqual(detail.turns[0]!.llmCalls.map((c) => c.costUsd), reported);
      assert.ok(Math.abs(detail.summary.costUsd! - reported.reduce((a, b) => a + b, 0)) < 1e-12);
      // The metric (claude_code.cost.usage) agrees with the events' sum.
      const metric = f.metrics.filter((m) => m.name === 'claude_code.cost.usage').reduce((a, m) => a + Number(m.value), 0);
      assert.ok(Math.abs(metric - detail.summary.costUsd!) < 1e-9, `metric ${metric} vs ${detail.summary.costUsd}`);
    });
  });
}
