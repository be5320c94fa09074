/**
 * Funnels (README "Funnels"): how many runs (traces, or sessions read as their traces in time order)
 * reach each of a list of steps in order, where they drop off, and how each run ended. Three reads:
 * the runs in range from `traces` (traces_by_start), the traces that can match a step from the
 * full-text index (the same `kv` and `name` tokens the trace list filters on, genai-facets.ts FACET
 * for agents, tools and kinds), then one pass over only those traces' spans (spans_by_trace) that
 * returns, per span, which steps it matches and whether it failed. The ordering and outcomes are
 * decided here, in one loop per run. Rejected: one query per step and run (30k statements for a
 * 3-step funnel over 10k traces), and matching in JS (every GenAI reading JSON-parsed); the single
 * span pass keeps a 3-step funnel over 10k traces at ~100 ms (bench/funnel.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { FunnelOutcome, FunnelQuery, FunnelResult, FunnelRun, FunnelRunSet, FunnelStep } from '../../../src-shared/contract';
import { DEFAULT_FUNNEL_RUNS } from '../../../src-shared/funnel';
import { kvToken } from './attribute-codec';
import { FACET } from './genai-facets';
import { tokens } from './trace-list-sql';

/** OTLP STATUS_CODE_ERROR. */
const STATUS_ERROR = 2;

const MATCHING_TRACES = 'SELECT DISTINCT d.trace_id FROM trace_search f JOIN search_docs d ON d.doc_id = f.rowid WHERE trace_search MATCH ?';

interface TraceRow {
  trace_id: Buffer;
  start_ns: bigint;
  root_name: string;
  session_id: string | null;
  error_count: bigint;
}

interface Run {
  id: string;
  start: bigint;
  /** In start order. */
  traces: TraceRow[];
}

interface SpanHit {
  start: bigint;
  failed: boolean;
  /** Bit i: matches step i. */
  steps: number;
  trace: TraceRow;
}

interface Evaluated {
  run: Run;
  reached: number;
  outcome: FunnelOutcome | null;
  traceId: string;
  rootName: string;
}

/** The SQL truth of "this span matches the step", with its parameters; the GenAI reading in either stored encoding (genai-facets.ts). */
function stepCondition(step: FunnelStep, keyId: number | null): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const kind = "coalesce(s.genai ->> '$.k', s.genai ->> '$.kind', 'other')";
  if (step.type === 'agent' || step.type === 'tool') {
    const field = step.type === 'agent' ? "coalesce(s.genai ->> '$.ag', s.genai ->> '$.agentName')" : "coalesce(s.genai ->> '$.tn', s.genai ->> '$.toolName')";
    parts.push(`s.genai IS NOT NULL AND ${kind} = ? AND ${field} = ?`);
    params.push(step.type, step.value);
  } else if (step.type === 'spanName') {
    parts.push('s.name = ?');
    params.push(step.value);
  } else {
    if (keyId === null) return { sql: '0', params: [] };
    // attrs is [keyId, value, …] (attribute-codec.ts); a value matches as the text its kv token was
    // made from: strings as they are, numbers and booleans as JS prints them.
    parts.push(`EXISTS (SELECT 1 FROM json_each(s.attrs) a JOIN json_each(s.attrs) b ON b.key = a.key + 1
      WHERE a.key % 2 = 0 AND a.atom = ? AND (CASE b.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
        WHEN 'text' THEN b.atom WHEN 'integer' THEN CAST(b.atom AS TEXT) WHEN 'real' THEN CAST(b.atom AS TEXT) END) = ?)`);
    params.push(keyId, step.value);
  }
  if (step.kind !== undefined) {
    parts.push(`s.genai IS NOT NULL AND ${kind} = ?`);
    params.push(step.kind);
  }
  return { sql: `(${parts.join(' AND ')})`, params };
}

/** The full-text expression that every trace holding a matching span satisfies; null when the index cannot narrow it. */
function stepPrefilter(step: FunnelStep): string | null {
  const kv: string[] = [];
  let name: string | null = null;
  if (step.type === 'agent') kv.push(kvToken(FACET.agent, step.value));
  else if (step.type === 'tool') kv.push(kvToken(FACET.tool, step.value));
  else if (step.type === 'attribute') kv.push(kvToken(step.key ?? '', step.value));
  else {
    const words = tokens(step.value);
    if (words.length > 0) name = `name : (${words.map((w) => `"${w}"`).join(' AND ')})`;
  }
  if (step.kind !== undefined) kv.push(kvToken(FACET.kind, step.kind));
  const exprs = [...(kv.length ? [`kv : (${kv.join(' AND ')})`] : []), ...(name ? [name] : [])];
  return exprs.length ? exprs.join(' AND ') : null;
}

function runSet(evaluated: readonly Evaluated[], keep: (e: Evaluated) => boolean, limit: number): FunnelRunSet {
  const runs: FunnelRun[] = [];
  let count = 0;
  for (const e of evaluated) {
    if (!keep(e)) continue;
    count++;
    if (runs.length < limit) {
      runs.push({ id: e.run.id, traceId: e.traceId, rootName: e.rootName, startTimeUnixNano: e.run.start.toString(), reached: e.reached, outcome: e.outcome });
    }
  }
  return { count, runs };
}

export class FunnelQueries {
  private readonly attributeKey: BetterSqlite3.Statement;
  private readonly matching: BetterSqlite3.Statement;
  private readonly candidates = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: BetterSqlite3.Database) {
    this.attributeKey = db.prepare('SELECT id FROM attribute_keys WHERE key = ?');
    this.matching = db.prepare(MATCHING_TRACES);
  }

  runFunnel(query: FunnelQuery): FunnelResult {
    const mode = query.mode ?? 'traces';
    const limit = query.runLimit ?? DEFAULT_FUNNEL_RUNS;
    const steps = query.steps;
    const runs = this.runsInRange(query, mode === 'sessions');

    // Runs that can reach the first step: one of their traces is in its full-text set.
    const first = this.prefiltered(steps[0]!);
    const entering = first === null ? runs : runs.filter((r) => r.traces.some((t) => first.has(t.trace_id.toString('hex'))));
    const hits = this.spanHits(entering, steps);

    const evaluated = runs.map((run) => this.evaluate(run, steps.length, hits.get(run) ?? []));
    evaluated.sort((a, b) => (a.run.start === b.run.start ? (a.run.id < b.run.id ? 1 : -1) : a.run.start < b.run.start ? 1 : -1));

    const stepResults = steps.map((step, i) => {
      const reached = runSet(evaluated, (e) => e.reached > i, limit);
      const before = i === 0 ? runs.length : evaluated.filter((e) => e.reached > i - 1).length;
      const firstCount = evaluated.filter((e) => e.reached > 0).length;
      return {
        step,
        reached,
        dropped: runSet(evaluated, (e) => e.reached === i, limit),
        conversionFromPrevious: before === 0 ? 0 : reached.count / before,
        conversionFromFirst: firstCount === 0 ? 0 : reached.count / firstCount,
      };
    });
    const outcome = (o: FunnelOutcome) => runSet(evaluated, (e) => e.outcome === o, limit);
    return { mode, runs: runs.length, steps: stepResults, outcomes: { completed: outcome('completed'), abandoned: outcome('abandoned'), failed: outcome('failed') } };
  }

  /** Traces in range (the trace list's noise rule applies: internal traces are not runs), grouped into sessions when asked. */
  private runsInRange(query: FunnelQuery, sessions: boolean): Run[] {
    const where = ['NOT (t.has_genai = 0 AND t.service_name IN (SELECT service_name FROM genai_services))'];
    const params: unknown[] = [];
    if (query.from !== undefined) {
      where.push('t.start_ns >= ?');
      params.push(BigInt(query.from));
    }
    if (query.to !== undefined) {
      where.push('t.start_ns <= ?');
      params.push(BigInt(query.to));
    }
    if (query.service !== undefined) {
      where.push('t.service_name = ?');
      params.push(query.service);
    }
    if (sessions) where.push('t.session_id IS NOT NULL');
    const sql = `SELECT t.trace_id, t.start_ns, t.root_name, t.session_id, t.error_count FROM traces t WHERE ${where.join(' AND ')} ORDER BY t.start_ns, t.trace_id`;
    let stmt = this.candidates.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).safeIntegers(true);
      this.candidates.set(sql, stmt);
    }
    const rows = stmt.all(...params) as TraceRow[];
    if (!sessions) return rows.map((t) => ({ id: t.trace_id.toString('hex'), start: t.start_ns, traces: [t] }));
    const bySession = new Map<string, Run>();
    for (const t of rows) {
      const id = t.session_id!;
      const run = bySession.get(id);
      if (run) run.traces.push(t);
      else bySession.set(id, { id, start: t.start_ns, traces: [t] });
    }
    return [...bySession.values()];
  }

  /** Hex ids of the traces whose search documents can hold a span matching the step; null: any trace. */
  private prefiltered(step: FunnelStep): Set<string> | null {
    const expr = stepPrefilter(step);
    if (expr === null) return null;
    const out = new Set<string>();
    for (const row of this.matching.all(expr) as Array<{ trace_id: Buffer }>) out.add(row.trace_id.toString('hex'));
    return out;
  }

  /**
   * One pass over the spans of the entering runs' traces that can matter (a step's full-text set, or
   * a failed span): per span, the steps it matches as a bit set, and whether it failed.
   */
  private spanHits(entering: readonly Run[], steps: readonly FunnelStep[]): Map<Run, SpanHit[]> {
    const out = new Map<Run, SpanHit[]>();
    if (entering.length === 0) return out;
    const sets = steps.map((s) => this.prefiltered(s));
    const traceOf = new Map<string, { trace: TraceRow; run: Run }>();
    for (const run of entering) {
      for (const trace of run.traces) {
        const hex = trace.trace_id.toString('hex');
        if (trace.error_count > 0n || sets.some((set) => set === null || set.has(hex))) traceOf.set(hex, { trace, run });
      }
    }
    if (traceOf.size === 0) return out;
    const conds = steps.map((step) => {
      const keyId = step.type === 'attribute' ? ((this.attributeKey.get(step.key ?? '') as { id: number } | undefined)?.id ?? null) : null;
      return stepCondition(step, keyId);
    });
    const flags = conds.map((c, i) => `(CASE WHEN ${c.sql} THEN ${1 << i} ELSE 0 END)`).join(' | ');
    const sql = `SELECT s.trace_id, s.start_ns, s.status_code, ${flags} AS steps FROM spans s
      WHERE s.trace_id IN (SELECT unhex(value) FROM json_each(?))
        AND (s.status_code = ${STATUS_ERROR} OR ${conds.map((c) => c.sql).join(' OR ')})`;
    const params = [...conds.flatMap((c) => c.params), JSON.stringify([...traceOf.keys()]), ...conds.flatMap((c) => c.params)];
    const rows = this.db.prepare(sql).safeIntegers(true).all(...params) as Array<{ trace_id: Buffer; start_ns: bigint; status_code: bigint; steps: bigint }>;
    for (const row of rows) {
      const owner = traceOf.get(row.trace_id.toString('hex'));
      if (!owner) continue;
      let list = out.get(owner.run);
      if (!list) out.set(owner.run, (list = []));
      list.push({ start: row.start_ns, failed: Number(row.status_code) === STATUS_ERROR, steps: Number(row.steps), trace: owner.trace });
    }
    return out;
  }

  /**
   * Greedy in time: each step takes its earliest matching span that starts after the previous step's
   * (strictly), which reaches as many steps as any choice could.
   */
  private evaluate(run: Run, stepCount: number, hits: SpanHit[]): Evaluated {
    hits.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let reached = 0;
    let after: bigint | null = null;
    let stepFailed = false;
    let at: TraceRow = run.traces[0]!;
    for (let i = 0; i < stepCount; i++) {
      const bit = 1 << i;
      const hit = hits.find((h) => (h.steps & bit) !== 0 && (after === null || h.start > after));
      if (!hit) break;
      reached++;
      after = hit.start;
      at = hit.trace;
      if (hit.failed) stepFailed = true;
    }
    let outcome: FunnelOutcome | null = null;
    if (reached > 0) {
      if (stepFailed) outcome = 'failed';
      else if (reached === stepCount) outcome = 'completed';
      else outcome = hits.some((h) => h.failed && h.start >= after!) ? 'failed' : 'abandoned';
    }
    return { run, reached, outcome, traceId: at.trace_id.toString('hex'), rootName: at.root_name };
  }
}
