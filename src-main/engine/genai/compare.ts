/**
 * Compare two runs: their agents, LLM calls and tool calls aligned by structure (the agent a step
 * runs in), name and order. Pure. Steps hang under their nearest agent ancestor; the children of two
 * matched agents are aligned with a longest common subsequence of keys (`llm`, `tool:name`,
 * `agent:name`), so one inserted tool call shifts nothing after it; matched agents recurse, and an
 * unmatched agent's whole subtree is added or removed. Rejected: aligning the flat span lists, which
 * pairs steps of different agents as soon as one agent does one more thing.
 */
import type {
  CompareFieldDiff,
  CompareResult,
  CompareRunTotals,
  CompareStep,
  CompareStepSide,
  GenAiMessage,
  GenAiPart,
  TraceDetail,
  SpanRecord,
} from '../../../src-shared/contract';
import { rollupTrace } from './rollup';

type StepKind = CompareStep['kind'];

interface Node {
  span: SpanRecord;
  kind: StepKind;
  name: string;
  key: string;
  startNs: bigint;
  children: Node[];
}

interface Run {
  roots: Node[];
  t0: bigint;
}

/** Past this many LCS cells (after trimming the common prefix and suffix), a greedy walk aligns instead: O(n·m) memory must stay small. */
const LCS_CELL_LIMIT = 4_000_000;

function stepKind(span: SpanRecord): StepKind | null {
  const k = span.genai?.kind;
  return k === 'agent' || k === 'llm' || k === 'tool' ? k : null;
}

function modelOf(span: SpanRecord): string | null {
  return span.genai?.responseModel ?? span.genai?.requestModel ?? null;
}

function buildRun(trace: TraceDetail): Run {
  const byId = new Map<string, SpanRecord>();
  for (const s of trace.spans) byId.set(s.spanId, s);
  const nodes = new Map<string, Node>();
  let t0: bigint | null = null;
  for (const span of trace.spans) {
    const start = BigInt(span.startTimeUnixNano);
    if (t0 === null || start < t0) t0 = start;
    const kind = stepKind(span);
    if (!kind) continue;
    const g = span.genai!;
    const name = kind === 'agent' ? (g.agentName ?? span.name) : kind === 'tool' ? (g.toolName ?? span.name) : (modelOf(span) ?? span.name);
    const key = kind === 'llm' ? 'llm' : `${kind}:${name}`;
    nodes.set(span.spanId, { span, kind, name, key, startNs: start, children: [] });
  }
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    // The nearest agent above; a cycle or a missing parent ends the walk at the top level.
    let parent: Node | null = null;
    const seen = new Set<string>([node.span.spanId]);
    for (let p = node.span.parentSpanId; p !== null && !seen.has(p); ) {
      seen.add(p);
      const candidate = nodes.get(p);
      if (candidate?.kind === 'agent') {
        parent = candidate;
        break;
      }
      p = byId.get(p)?.parentSpanId ?? null;
    }
    (parent ? parent.children : roots).push(node);
  }
  const order = (list: Node[]): void => {
    list.sort((x, y) => (x.startNs < y.startNs ? -1 : x.startNs > y.startNs ? 1 : 0));
    for (const n of list) order(n.children);
  };
  order(roots);
  return { roots, t0: t0 ?? 0n };
}

/** Pairs of indices matched by key, in order: a longest common subsequence, exact within the cell limit. */
export function alignKeys(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  let lo = 0;
  while (lo < a.length && lo < b.length && a[lo] === b[lo]) {
    pairs.push([lo, lo]);
    lo++;
  }
  let ha = a.length;
  let hb = b.length;
  const tail: Array<[number, number]> = [];
  while (ha > lo && hb > lo && a[ha - 1] === b[hb - 1]) {
    ha--;
    hb--;
    tail.push([ha, hb]);
  }
  const n = ha - lo;
  const m = hb - lo;
  if (n > 0 && m > 0) {
    if (n * m <= LCS_CELL_LIMIT) {
      // table[i][j]: LCS length of a[lo+i..ha) and b[lo+j..hb), so the walk goes forwards.
      const w = m + 1;
      const table = new Uint32Array((n + 1) * w);
      for (let i = n - 1; i >= 0; i--) {
        for (let j = m - 1; j >= 0; j--) {
          table[i * w + j] = a[lo + i] === b[lo + j] ? table[(i + 1) * w + j + 1]! + 1 : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
        }
      }
      let i = 0;
      let j = 0;
      while (i < n && j < m) {
        if (a[lo + i] === b[lo + j]) {
          pairs.push([lo + i, lo + j]);
          i++;
          j++;
        } else if (table[(i + 1) * w + j]! >= table[i * w + j + 1]!) i++;
        else j++;
      }
    } else {
      // Greedy: each a-key takes the next unused equal b-key.
      const next = new Map<string, number[]>();
      for (let j = hb - 1; j >= lo; j--) (next.get(b[j]!) ?? next.set(b[j]!, []).get(b[j]!)!).push(j);
      let floor = lo;
      for (let i = lo; i < ha; i++) {
        const list = next.get(a[i]!);
        while (list && list.length > 0 && list[list.length - 1]! < floor) list.pop();
        const j = list?.pop();
        if (j !== undefined) {
          pairs.push([i, j]);
          floor = j + 1;
        }
      }
    }
  }
  for (let k = tail.length - 1; k >= 0; k--) pairs.push(tail[k]!);
  return pairs;
}

function partText(p: GenAiPart): string {
  switch (p.type) {
    case 'text':
    case 'reasoning':
      return p.content;
    case 'tool_call':
      return `→ ${p.name}(${valueText(p.arguments)})`;
    case 'tool_call_response':
      return `← ${valueText(p.response)}`;
    case 'blob':
      return `[${p.modality}]`;
    case 'uri':
      return p.uri;
    case 'file':
      return `[file ${p.fileId}]`;
    case 'other':
      return `[${p.originalType}]`;
  }
}

function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
}

function messagesText(messages: readonly GenAiMessage[] | undefined, system?: readonly GenAiPart[]): string | null {
  const lines: string[] = [];
  if (system && system.length > 0) lines.push(`system: ${system.map(partText).join(' ')}`);
  for (const m of messages ?? []) lines.push(`${m.role}: ${m.parts.map(partText).join(' ')}`);
  return lines.length > 0 ? lines.join('\n') : null;
}

function toolArguments(span: SpanRecord): string | null {
  for (const m of span.genai?.inputMessages ?? []) for (const p of m.parts) if (p.type === 'tool_call') return valueText(p.arguments);
  return null;
}

function toolResult(span: SpanRecord): string | null {
  for (const m of span.genai?.outputMessages ?? []) for (const p of m.parts) if (p.type === 'tool_call_response') return valueText(p.response);
  return null;
}

function fieldDiffs(kind: StepKind, a: SpanRecord, b: SpanRecord): CompareFieldDiff[] {
  const diffs: CompareFieldDiff[] = [];
  const add = (field: CompareFieldDiff['field'], x: string | null, y: string | null): void => {
    if (x !== y) diffs.push({ field, a: x, b: y });
  };
  if (kind === 'llm') {
    add('model', modelOf(a), modelOf(b));
    add('input', messagesText(a.genai?.inputMessages, a.genai?.systemInstructions), messagesText(b.genai?.inputMessages, b.genai?.systemInstructions));
    add('output', messagesText(a.genai?.outputMessages), messagesText(b.genai?.outputMessages));
  } else if (kind === 'tool') {
    add('arguments', toolArguments(a), toolArguments(b));
    add('result', toolResult(a), toolResult(b));
  }
  // An agent's "same" is about itself; its steps say what changed inside it.
  if ((a.status.code === 'error') !== (b.status.code === 'error')) {
    add('status', a.status.code === 'error' ? `error: ${a.status.message}` : a.status.code, b.status.code === 'error' ? `error: ${b.status.message}` : b.status.code);
  }
  return diffs;
}

function side(node: Node, t0: bigint): CompareStepSide {
  const s = node.span;
  return {
    spanId: s.spanId,
    spanName: s.name,
    startMs: Number(node.startNs - t0) / 1e6,
    durationMs: Math.max(0, Number(BigInt(s.endTimeUnixNano) - node.startNs) / 1e6),
    status: s.status.code,
    tokens: s.genai?.totalTokens ?? null,
    costUsd: s.genai?.costUsd ?? null,
    model: modelOf(s),
  };
}

function delta(a: CompareStepSide | undefined, b: CompareStepSide | undefined): CompareStep['delta'] {
  return {
    tokens: (b?.tokens ?? 0) - (a?.tokens ?? 0),
    costUsd: (b?.costUsd ?? 0) - (a?.costUsd ?? 0),
    durationMs: (b?.durationMs ?? 0) - (a?.durationMs ?? 0),
  };
}

function totals(trace: TraceDetail, t0: bigint): CompareRunTotals {
  const rollup = rollupTrace(trace.spans.map((s) => ({ spanId: s.spanId, parentSpanId: s.parentSpanId, genai: s.genai })));
  const ids = new Set(trace.spans.map((s) => s.spanId));
  // The root as the list shows it: the earliest span without a parent here.
  const root = trace.spans.find((s) => s.parentSpanId === null || !ids.has(s.parentSpanId)) ?? trace.spans[0];
  let end = t0;
  for (const s of trace.spans) {
    const e = BigInt(s.endTimeUnixNano);
    if (e > end) end = e;
  }
  const service = root?.resource.attributes['service.name'];
  return {
    traceId: trace.traceId,
    rootName: root?.name ?? '',
    serviceName: typeof service === 'string' ? service : '',
    startTimeUnixNano: t0.toString(),
    sessionId: rollup.sessionId,
    tokens: rollup.totalTokens,
    costUsd: rollup.costUsd,
    durationMs: Number(end - t0) / 1e6,
    spanCount: trace.spans.length,
    llmCalls: rollup.llmCalls,
    toolCalls: rollup.toolCalls,
    errors: trace.spans.filter((s) => s.status.code === 'error').length,
  };
}

export function compareTraces(a: TraceDetail, b: TraceDetail): CompareResult {
  const ra = buildRun(a);
  const rb = buildRun(b);
  const steps: CompareStep[] = [];

  const emitOne = (node: Node, which: 'a' | 'b', agent: string | null, depth: number): void => {
    const s = side(node, which === 'a' ? ra.t0 : rb.t0);
    const step: CompareStep =
      which === 'a'
        ? { status: 'removed', kind: node.kind, name: node.name, agent, depth, a: s, delta: delta(s, undefined) }
        : { status: 'added', kind: node.kind, name: node.name, agent, depth, b: s, delta: delta(undefined, s) };
    steps.push(step);
    for (const c of node.children) emitOne(c, which, node.name, depth + 1);
  };

  const walk = (xs: Node[], ys: Node[], agent: string | null, depth: number): void => {
    const pairs = alignKeys(xs.map((n) => n.key), ys.map((n) => n.key));
    let i = 0;
    let j = 0;
    const flush = (toI: number, toJ: number): void => {
      // Unmatched steps between two matches, in start order across both runs.
      while (i < toI || j < toJ) {
        const takeA = i < toI && (j >= toJ || Number(xs[i]!.startNs - ra.t0) <= Number(ys[j]!.startNs - rb.t0));
        if (takeA) emitOne(xs[i++]!, 'a', agent, depth);
        else emitOne(ys[j++]!, 'b', agent, depth);
      }
    };
    for (const [pi, pj] of pairs) {
      flush(pi, pj);
      const x = xs[pi]!;
      const y = ys[pj]!;
      const sa = side(x, ra.t0);
      const sb = side(y, rb.t0);
      const diffs = fieldDiffs(x.kind, x.span, y.span);
      steps.push({
        status: diffs.length > 0 ? 'changed' : 'same',
        kind: x.kind,
        name: y.name,
        agent,
        depth,
        a: sa,
        b: sb,
        ...(diffs.length > 0 ? { diffs } : {}),
        delta: delta(sa, sb),
      });
      if (x.kind === 'agent') walk(x.children, y.children, y.name, depth + 1);
      i = pi + 1;
      j = pj + 1;
    }
    flush(xs.length, ys.length);
  };
  walk(ra.roots, rb.roots, null, 0);
  return { steps, totals: { a: totals(a, ra.t0), b: totals(b, rb.t0) } };
}
