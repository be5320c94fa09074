/**
 * Sessions from any signal (issue 19) in the store: a session that only log records and metric
 * points name exists and has its turn; retention drops the session with the last of its data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine } from '../../../src-main/engine';
import { eventually } from '../../support/engine';
import { loadCodingAgentFixture, replayFixture } from '../../support/coding-agent-fixtures';
import { tempDataDir } from '../../support/serve-process';

test('a Claude Code session sent as log events and metrics only is a session with its turn; retention removes it with its data', async () => {
  const f = loadCodingAgentFixture('claude-code@2.1.332');
  const engine = await startEngine({ memory: false, dataDir: tempDataDir(), otlpHttpPort: 0, otlpGrpcPort: 0, log: () => {}, retention: { maxAgeMs: 1500 }, retentionIntervalMs: 200 });
  try {
    await replayFixture(f, engine.info.otlpHttpEndpoint);
    const page = await eventually(async () => {
      const p = await engine.listSessions({});
      return p.sessions.length === 1 && p.sessions[0]!.llmCalls === 2 ? p : null;
    });
    const s = page.sessions[0]!;
    assert.equal(s.sessionId, f.logs[0]!.attributes['session.id']);
    assert.equal(s.serviceName, 'claude-code');
    assert.deepEqual(s.users, [f.logs[0]!.attributes['user.id']], 'the user.id Claude Code puts on every event');
    assert.deepEqual([s.errors, s.failedTurns], [0, 0]);
    const detail = (await engine.getSession(s.sessionId))!;
    assert.equal(detail.traces.length, 0, 'no traces: the turn comes from log events');
    assert.deepEqual(detail.turns.map((t) => [t.source, t.llmCalls.length, t.toolCalls.map((c) => c.name), t.answer]), [
      ['events', 2, ['Bash'], 'The command printed: hi'],
    ]);
    // Everything was received more than maxAgeMs ago once the clock moves on: the session goes too.
    await eventually(async () => ((await engine.listSessions({})).sessions.length === 0 ? true : null), 10_000);
    assert.equal(await engine.getSession(s.sessionId), null);
  } finally {
    await engine.close();
  }
});
