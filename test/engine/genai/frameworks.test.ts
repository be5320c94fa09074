/**
 * Issue 12: every agent framework read right. Each fixture under test/fixtures/frameworks/ is a real
 * framework run with its real instrumentation against the scripted fake model
 * (test/support/fake-model.ts); `truth.json` is the fake model's own log of that run. Per fixture:
 * - the normalized trace prints exactly as the reviewed golden.txt;
 * - what Flowtrace reads equals the run's truth: model calls, input and output tokens, the tool
 *   calls (names and arguments, in order), and the agents, handoffs and session the scenario has
 *   (expect.json), except for the gaps expect.json names with the instrumentation's reason;
 * - fixtures of the same run through different instrumentations read the same;
 * - the support table in docs/frameworks.md is the one these checks produce.
 * `UPDATE_GOLDEN=1` rewrites goldens and the table instead (review the diff by eye). Files only.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentGraph, AttributeValue, GenAiSpan } from '../../../src-shared/contract';
import { buildAgentGraph, handoffTarget } from '../../../src-main/engine/genai/graph';
import { rollupTrace } from '../../../src-main/engine/genai/rollup';
import type { RunTruth } from '../../support/fake-model';
import { dump, loadFixture, type Normalized } from '../../support/genai-dump';

const ROOT = new URL('../../fixtures/frameworks/', import.meta.url).pathname;
const DOC = new URL('../../../docs/frameworks.md', import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** What a fixture can read; each is a column of the support table. */
const ASPECTS = ['messages', 'tools', 'tokens', 'agents', 'handoffs', 'sessions'] as const;
type Aspect = (typeof ASPECTS)[number];

interface Expect {
  framework: string;
  instrumentation: string;
  /** Fixtures with the same `run` are one scenario through different instrumentations: they must read the same. */
  run?: string;
  agents: string[];
  /** [from, to] agent names. */
  handoffs: Array<[string, string]>;
  session?: string;
  /** An aspect the instrumentation does not send, with why (checked absent-or-wrong is not allowed: only what it lacks). */
  gaps?: Partial<Record<Aspect, string>>;
}

interface Meta {
  framework: string;
  frameworkVersion: string;
  instrumentation: string;
  instrumentationVersion: string;
  language: string;
}

interface Reading {
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  toolCalls: Array<{ name: string; arguments: unknown }>;
  agents: string[];
  handoffs: Array<[string, string]>;
  session: string | null;
  /** The trace rollup's count (the list and the trace header show it). */
  rollupToolCalls: number;
  messages: boolean;
}

function readFixture(items: Normalized[], graph: AgentGraph): Reading {
  const rollup = rollupTrace(items.map(({ span, genai }) => ({ spanId: span.spanId, parentSpanId: span.parentSpanId, genai })));
  const label = new Map(graph.nodes.map((n) => [n.id, n.label]));
  const genai = items.filter((i) => i.genai !== null) as Array<{ span: Normalized['span']; genai: GenAiSpan }>;
  const toolCalls = genai
    .filter(({ span, genai: g }) => g.kind === 'tool' && handoffTarget(g, span.name) === undefined)
    .map(({ genai: g }) => ({ name: g.toolName ?? '(unnamed)', arguments: toolArguments(g) }));
  return {
    llmCalls: rollup.llmCalls,
    inputTokens: rollup.inputTokens,
    outputTokens: rollup.outputTokens,
    toolCalls,
    agents: [...new Set(genai.filter(({ genai: g }) => g.kind === 'agent' && g.agentName !== undefined).map(({ genai: g }) => g.agentName as string))].sort(),
    handoffs: graph.edges.filter((e) => e.type === 'handoff').map((e) => [label.get(e.from) ?? e.from, label.get(e.to) ?? e.to] as [string, string]),
    session: rollup.sessionId,
    rollupToolCalls: rollup.toolCalls,
    messages: genai.some(({ genai: g }) => g.kind === 'llm' && (g.inputMessages?.length ?? 0) > 0 && (g.outputMessages?.length ?? 0) > 0),
  };
}

/** A tool span's arguments as sent (the tool_call part its input reads as), parsed when JSON. */
function toolArguments(g: GenAiSpan): unknown {
  for (const m of g.inputMessages ?? []) {
    for (const p of m.parts) {
      if (p.type !== 'tool_call') continue;
      if (typeof p.arguments !== 'string') return p.arguments;
      try {
        return JSON.parse(p.arguments);
      } catch {
        return p.arguments;
      }
    }
  }
  return undefined;
}

/**
 * Whether a tool call the model asked for is a handoff, by the graph's own recognition
 * (handoffTarget: a `transfer_to_*` tool, or a handoff tool naming its agent in its arguments).
 */
function isHandoffCall(c: RunTruth['toolCalls'][number]): boolean {
  const asCall: GenAiSpan = { kind: 'tool', toolName: c.name, inputMessages: [{ role: 'assistant', parts: [{ type: 'tool_call', id: c.id, name: c.name, arguments: c.arguments as AttributeValue }] }] };
  return handoffTarget(asCall, '') !== undefined;
}

/** Checks one aspect against the run's truth; returns the failures (none: the aspect reads right). */
function check(aspect: Aspect, r: Reading, truth: RunTruth, expect: Expect): string[] {
  const wrong: string[] = [];
  const same = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${what}: read ${JSON.stringify(got)}, the run had ${JSON.stringify(want)}`);
  };
  switch (aspect) {
    case 'messages':
      if (!r.messages) wrong.push('no LLM call has both input and output messages');
      break;
    case 'tools': {
      const asked = truth.toolCalls.filter((c) => !isHandoffCall(c));
      same('tool calls', r.toolCalls.map((c) => c.name), asked.map((c) => c.name));
      r.toolCalls.forEach((c, i) => {
        if (c.arguments !== undefined && asked[i] !== undefined) same(`arguments of tool call ${i + 1} (${c.name})`, c.arguments, asked[i]?.arguments);
      });
      if (asked.length > 0 && r.toolCalls.every((c) => c.arguments === undefined)) wrong.push('no tool call has its arguments');
      same("the trace rollup's tool calls", r.rollupToolCalls, r.toolCalls.length);
      break;
    }
    case 'tokens':
      same('model calls', r.llmCalls, truth.modelCalls);
      same('input tokens', r.inputTokens, truth.inputTokens);
      same('output tokens', r.outputTokens, truth.outputTokens);
      break;
    case 'agents':
      same('agents', r.agents, [...expect.agents].sort());
      break;
    case 'handoffs':
      same('handoffs', r.handoffs, expect.handoffs);
      break;
    case 'sessions':
      same('session', r.session, expect.session ?? null);
      break;
  }
  return wrong;
}

/** Whether the run had something of this aspect to read (a run without handoffs still must not show one: '·'). */
function inScenario(aspect: Aspect, expect: Expect, truth: RunTruth): boolean {
  if (aspect === 'handoffs') return expect.handoffs.length > 0;
  if (aspect === 'agents') return expect.agents.length > 0;
  if (aspect === 'sessions') return expect.session !== undefined;
  if (aspect === 'tools') return truth.toolCalls.some((c) => !isHandoffCall(c));
  return true;
}

const dirs = existsSync(ROOT)
  ? readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, d.name, 'trace.otlp.json')))
      .map((d) => d.name)
      .sort()
  : [];

interface Row {
  dir: string;
  expect: Expect;
  meta: Meta;
  reading: Reading;
  cells: Record<Aspect, string>;
}

function tableOf(rows: Row[]): string {
  const lines = [
    `| framework | instrumentation | ${ASPECTS.join(' | ')} | fixture |`,
    `|---|---|${ASPECTS.map(() => '---').join('|')}|---|`,
  ];
  const sorted = [...rows].sort((a, b) => a.expect.framework.localeCompare(b.expect.framework) || a.expect.instrumentation.localeCompare(b.expect.instrumentation));
  for (const r of sorted) {
    lines.push(`| ${r.expect.framework} ${r.meta.frameworkVersion} | ${r.expect.instrumentation} ${r.meta.instrumentationVersion} | ${ASPECTS.map((a) => r.cells[a]).join(' | ')} | \`${r.dir}\` |`);
  }
  const notes = sorted.flatMap((r) => ASPECTS.filter((a) => r.expect.gaps?.[a] !== undefined).map((a) => `- ${r.expect.framework} / ${r.expect.instrumentation}, ${a}: ${r.expect.gaps?.[a]}`));
  const legend = '✓ read right (checked against the run); · not in this run (and none read); — the instrumentation does not send it:';
  return [...lines, '', legend, '', ...(notes.length > 0 ? notes : ['- (no gaps)'])].join('\n');
}

const rows: Row[] = [];

describe('agent frameworks captured with their own instrumentations', () => {
  for (const dir of dirs) {
    test(dir, () => {
      const path = join(ROOT, dir);
      const expect = JSON.parse(readFileSync(join(path, 'expect.json'), 'utf8')) as Expect;
      const meta = JSON.parse(readFileSync(join(path, 'meta.json'), 'utf8')) as Meta;
      const truth = JSON.parse(readFileSync(join(path, 'truth.json'), 'utf8')) as RunTruth;
      const { items, logs } = loadFixture(path);

      const title = `${meta.framework} ${meta.frameworkVersion} through ${meta.instrumentation} ${meta.instrumentationVersion} (${meta.language})`;
      const text = dump(dir, title, items, logs.length);
      const goldenPath = join(path, 'golden.txt');
      if (UPDATE) writeFileSync(goldenPath, text);
      assert.ok(existsSync(goldenPath), `${dir}: no golden.txt (run with UPDATE_GOLDEN=1 and review it)`);
      assert.equal(text, readFileSync(goldenPath, 'utf8'), `${dir}: normalized trace differs from golden.txt`);

      const graph = buildAgentGraph(items.map(({ span, genai }) => ({ ...span, genai })));
      const reading = readFixture(items, graph);
      const cells = {} as Record<Aspect, string>;
      const failures: string[] = [];
      for (const aspect of ASPECTS) {
        const gap = expect.gaps?.[aspect];
        const wrong = check(aspect, reading, truth, expect);
        if (gap !== undefined) {
          // A gap must be real: if the aspect reads right after all, the gap note is stale.
          assert.ok(wrong.length > 0, `${dir}: expect.json names a gap in ${aspect}, but it reads right: drop the gap`);
          cells[aspect] = '—';
        } else {
          failures.push(...wrong.map((w) => `${aspect}: ${w}`));
          cells[aspect] = inScenario(aspect, expect, truth) ? '✓' : '·';
        }
      }
      assert.deepEqual(failures, [], `${dir} misread`);
      rows.push({ dir, expect, meta, reading, cells });
    });
  }

  test('fixtures of one run through different instrumentations read the same', () => {
    const runs = new Map<string, Row[]>();
    for (const r of rows) if (r.expect.run !== undefined) runs.set(r.expect.run, [...(runs.get(r.expect.run) ?? []), r]);
    for (const [run, group] of runs) {
      const [first, ...rest] = group;
      for (const other of rest) {
        // What one of the two does not send (a gap, checked above to be real) is not compared.
        const gap = (a: Aspect) => (first as Row).expect.gaps?.[a] !== undefined || other.expect.gaps?.[a] !== undefined;
        const view = (r: Row) => ({
          agents: gap('agents') ? null : r.reading.agents,
          handoffs: gap('handoffs') ? null : r.reading.handoffs,
          toolCalls: gap('tools') ? null : r.reading.toolCalls.map((c) => c.name),
          tokens: gap('tokens') ? null : [r.reading.inputTokens, r.reading.outputTokens],
        });
        assert.deepEqual(view(other), view(first as Row), `${run}: ${other.dir} reads differently from ${first?.dir}`);
      }
    }
  });

  test('docs/frameworks.md holds the support table these fixtures produce', () => {
    assert.equal(rows.length, dirs.length, 'every fixture test ran and passed');
    const table = tableOf(rows);
    const doc = readFileSync(DOC, 'utf8');
    const start = '<!-- support-table:start (written by UPDATE_GOLDEN=1 node --import tsx --test test/engine/genai/frameworks.test.ts) -->';
    const end = '<!-- support-table:end -->';
    const a = doc.indexOf(start);
    const b = doc.indexOf(end);
    assert.ok(a !== -1 && b > a, `docs/frameworks.md has no support-table markers (${start} … ${end})`);
    const current = doc.slice(a + start.length, b).trim();
    if (UPDATE && current !== table) writeFileSync(DOC, `${doc.slice(0, a + start.length)}\n${table}\n${doc.slice(b)}`);
    else assert.equal(current, table, 'docs/frameworks.md: the support table is not the one the fixtures produce (UPDATE_GOLDEN=1 rewrites it)');
  });
});
