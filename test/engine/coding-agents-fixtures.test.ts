/**
 * Issue 19's ground: the coding-agent fixtures (test/fixtures/coding-agents/) are well-formed and
 * complete against their run's truth, before any engine reads their dialect. Per fixture: every
 * raw OTLP request decodes with the engine's own decoders with nothing rejected, byte counts match
 * `otlp/requests.json`, the set-up's signals all arrived; the truth is the scenario (two agent-loop
 * model calls, one shell call running `echo hi` whose result was `hi`); and the telemetry carries
 * every model call (its cache-read count), the tool call, the prompt and one session id.
 * Reading sessions, costs and tokens out of these dialects is issue 19's work, not this test's.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue, Attributes } from '../../src-shared/contract';
import { usageFor } from '../support/coding-agent-model';
import { listCodingAgentFixtures, loadCodingAgentFixture, type CodingAgentFixture } from '../support/coding-agent-fixtures';

interface SetUp {
  signals: Array<'traces' | 'logs' | 'metrics'>;
  /** The attribute naming the session on the CLI's log records. */
  sessionKey: string;
  /** Whether the truth's tool call is the shell running `echo hi`. */
  isShellEchoHi: (name: string, input: Record<string, unknown>) => boolean;
}

/** The four set-ups of issue 19, by fixture name without the version. */
const SET_UPS: Record<string, SetUp> = {
  'claude-code': {
    signals: ['logs', 'metrics'],
    sessionKey: 'session.id',
    isShellEchoHi: (name, input) => name === 'Bash' && input.command === 'echo hi',
  },
  'claude-code-traces': {
    signals: ['traces', 'logs', 'metrics'],
    sessionKey: 'session.id',
    isShellEchoHi: (name, input) => name === 'Bash' && input.command === 'echo hi',
  },
  'gemini-cli': {
    signals: ['traces', 'logs', 'metrics'],
    sessionKey: 'session.id',
    isShellEchoHi: (name, input) => name === 'run_shell_command' && input.command === 'echo hi',
  },
  // Codex's default model works in "code mode": its one shell call is `exec`, a script that calls
  // `exec_command` with `echo hi` (both appear in its telemetry as tool results).
  codex: {
    signals: ['traces', 'logs', 'metrics'],
    sessionKey: 'conversation.id',
    isShellEchoHi: (name, input) => name === 'exec' && /tools\.exec_command\(\{\s*cmd:\s*"echo hi"\s*\}\)/.test(String(input.input)),
  },
};

function setUpOf(fixture: string): string {
  return fixture.replace(/@[^@]*?(-traces)?$/, (_m, traces: string | undefined) => traces ?? '');
}

/** Every scalar attribute value of every span, span event and log record (arrays flattened). */
function attributeValues(f: CodingAgentFixture): AttributeValue[] {
  const out: AttributeValue[] = [];
  const add = (attrs: Attributes) => {
    for (const v of Object.values(attrs)) {
      if (Array.isArray(v)) out.push(...(v as AttributeValue[]));
      else out.push(v);
    }
  };
  for (const s of f.spans) {
    add(s.attributes);
    for (const e of s.events) add(e.attributes);
  }
  for (const l of f.logs) add(l.attributes);
  return out;
}

const fixtures = listCodingAgentFixtures();

test('the four set-ups of issue 19 each have a fixture', () => {
  assert.deepEqual([...new Set(fixtures.map(setUpOf))].sort(), Object.keys(SET_UPS).sort());
});

for (const name of fixtures) {
  describe(`coding-agent fixture ${name}`, () => {
    const f = loadCodingAgentFixture(name);
    const setUp = SET_UPS[setUpOf(name)];

    test('is named after its tool and version, and says how it was captured', () => {
      assert.ok(setUp, `unknown set-up ${setUpOf(name)}`);
      assert.equal(name.replace(/-traces$/, ''), `${f.meta.tool}@${f.meta.version}`);
      for (const key of ['package', 'capturedAt', 'captureCommand', 'command', 'env', 'files', 'prompt']) assert.ok(key in f.meta, `meta.json lacks ${key}`);
      assert.equal(f.meta.exit, 0, 'the CLI exited cleanly, so its exporters flushed');
    });

    test('every raw request decodes with the engine\'s decoders, nothing rejected', () => {
      assert.ok(f.requests.length > 0);
      for (const r of f.requests) {
        assert.equal(r.raw.length, r.entry.bytes, r.entry.file);
        assert.equal(r.entry.path, `/v1/${r.entry.signal}`);
        assert.match(r.entry.contentType, /^application\/(x-protobuf|json)/);
        assert.equal(r.rejected, 0, `${r.entry.file}: items rejected`);
        const items = r.spans.length + r.logs.length + r.metrics.length;
        assert.ok(items > 0, `${r.entry.file} decodes to nothing`);
      }
      assert.deepEqual([...new Set(f.requests.map((r) => r.entry.signal))].sort(), [...setUp!.signals].sort());
    });

    test('the truth is the scenario: two agent-loop calls, one shell call of `echo hi` that printed hi', () => {
      const t = f.truth;
      assert.equal(t.agentLoopCalls, 2);
      assert.equal(t.modelCalls, t.calls.length);
      assert.equal(t.toolCalls.length, 1);
      const [call] = t.toolCalls;
      assert.ok(setUp!.isShellEchoHi(call!.name, call!.input), `tool call ${JSON.stringify(call)}`);
      assert.equal(t.toolResults.length, 1);
      assert.equal(t.toolResults[0]!.id, call!.id);
      assert.match(t.toolResults[0]!.output, /\bhi\b/);
      t.calls.forEach((c, i) => {
        assert.equal(c.n, i + 1);
        assert.deepEqual(c.usage, usageFor(c.n, t.api), `call ${c.n}: usage as the fake answered it`);
      });
      const loop = t.calls.filter((c) => c.agentLoop);
      assert.equal(loop[0]!.toolCalls.length, 1, 'the first agent-loop call asks for the tool');
      assert.equal(loop[1]!.text, 'The command printed: hi', 'the second answers');
    });

    test('the telemetry carries every model call, the tool call, the prompt and one session', () => {
      const values = attributeValues(f);
      const numbers = new Set(values.map((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v)));
      for (const c of f.truth.calls) assert.ok(numbers.has(c.usage.cacheRead), `call ${c.n}: cache-read count ${c.usage.cacheRead} not in the telemetry`);
      const strings = values.filter((v): v is string => typeof v === 'string');
      assert.ok(strings.includes(f.truth.toolCalls[0]!.name), 'the tool name');
      assert.ok(strings.some((s) => s.includes('echo hi')), 'the tool input');
      assert.ok(strings.includes(String(f.meta.prompt)), 'the prompt');
      const sessions = new Set(f.logs.map((l) => l.attributes[setUp!.sessionKey] ?? l.resource.attributes[setUp!.sessionKey]).filter((v) => v !== undefined));
      assert.equal(sessions.size, 1, `one ${setUp!.sessionKey}: ${[...sessions].join(', ')}`);
      assert.ok(f.metrics.length > 0, 'metric points');
    });
  });
}
