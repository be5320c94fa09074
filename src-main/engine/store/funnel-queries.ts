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

const MATCHING_TRACES = 'SELECT DISTINCT lower(hex(d.trace_id)) FROM trace_search f JOIN search_docs d ON d.doc_id = f.rowid WHERE trace_search MATCH ?';

/** Ids as hex and times as decimal text straight from SQL: a Buffer and a BigInt per row cost 10× the query at 10k traces. */
interface TraceRow {
  trace_id: string;
  start_ns: string;
  root_name: string;
  session_id: string | null;
  error_count: number;
}

interface Run {
  id: string;
  start: string;
  /** In start order. */
  traces: TraceRow[];
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
    // attrs is JSON [keyId, value, …] (attribute-codec.ts). A string value is found as text: after a
    // key id only a value can follow, and a string is never a key id, so `,5,"chat",` is exact (four
    // instr() calls; the json_each pairing it replaced made the every-trace bench funnel 10× slower).
    // A number or boolean is matched through json_each, behind the same kind of text test.
    const quoted = JSON.stringify(step.value);
    const alts = [`[${keyId},${quoted},`, `,${keyId},${quoted},`, `[${keyId},${quoted}]`, `,${keyId},${quoted}]`];
    const text = alts.map(() => 'instr(s.attrs, ?) > 0');
    params.push(...alts);
    if (/^(true|false|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(step.value)) {
      text.push(`(instr(s.attrs, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(s.attrs) a JOIN json_each(s.attrs) b ON b.key = a.key + 1
        WHERE a.key % 2 = 0 AND a.atom = ? AND b.type IN ('true', 'false', 'integer', 'real')
          AND (CASE b.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(b.atom AS TEXT) END) = ?))`);
      params.push(`${keyId},${step.value}`, keyId, step.value);
    }
    parts.push(`(${text.join(' OR ')})`);
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
      runs.push({ id: e.run.id, traceId: e.traceId, rootName: e.rootName, startTimeUnixNano: e.run.start, reached: e.reached, outcome: e.outcome });
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
    this.matching = db.prepare(MATCHING_TRACES).pluck();
  }

  runFunnel(query: FunnelQuery): FunnelResult {
    const mode = query.mode ?? 'traces';
    const limit = query.runLimit ?? DEFAULT_FUNNEL_RUNS;
    const steps = query.steps;
    const runs = this.runsInRange(query, mode === 'sessions');

    // Runs that can reach the first step: one of their traces is in its full-text set.
    const first = this.prefiltered(steps[0]!);
    const entering = first === null ? runs : runs.filter((r) => r.traces.some((t) => first.has(t.trace_id)));
    const progress = this.progress(entering, steps, first);
    const evaluated = runs.map((run) => progress.get(run) ?? { run, reached: 0, outcome: null, traceId: run.traces[0]!.trace_id, rootName: run.traces[0]!.root_name });
    // Runs come oldest first (ORDER BY start_ns, trace_id; a session where its first trace is): the lists are newest first.
    evaluated.reverse();

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
    const sql = `SELECT lower(hex(t.trace_id)) AS trace_id, CAST(t.start_ns AS TEXT) AS start_ns, t.root_name, t.session_id, t.error_count FROM traces t WHERE ${where.join(' AND ')} ORDER BY t.start_ns, t.trace_id`;
    let stmt = this.candidates.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.candidates.set(sql, stmt);
    }
    const rows = stmt.all(...params) as TraceRow[];
    if (!sessions) return rows.map((t) => ({ id: t.trace_id, start: t.start_ns, traces: [t] }));
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
    for (const id of this.matching.all(expr) as string[]) out.add(id);
    return out;
  }

  /**
   * Every entering run's progress, decided in SQL: one pass over the spans of its traces that can
   * matter (a step's full-text set, or any trace with a failed span) marks each span with the steps
   * it matches (a bit set) and whether it failed; then, per step, the earliest matching span that
   * starts after the previous step's (strictly), which reaches as many steps as any choice could.
   * One row per run crosses to JS. Rejected: returning the marked spans and walking them in JS: 70k
   * rows for the every-trace bench funnel cost 4× the SQL's own time in row building alone.
   */
  private progress(entering: readonly Run[], steps: readonly FunnelStep[], first: Set<string> | null): Map<Run, Evaluated> {
    const out = new Map<Run, Evaluated>();
    if (entering.length === 0) return out;
    const sets = steps.slice(1).map((s) => this.prefiltered(s));
    const flat: Array<{ trace: TraceRow; run: Run }> = [];
    // [trace id, run index, bit set of the steps its search document allows]: a span is tested
    // against a step only where the index says it can match, so the columns the test reads (attrs,
    // genai; often kilobytes, in overflow pages) are not read for the others.
    const traceRows: Array<[string, number, number]> = [];
    entering.forEach((run, ri) => {
      for (const trace of run.traces) {
        const hex = trace.trace_id;
        let mask = first === null || first.has(hex) ? 1 : 0;
        sets.forEach((set, i) => {
          if (set === null || set.has(hex)) mask |= 1 << (i + 1);
        });
        if (mask !== 0 || trace.error_count > 0) {
          flat.push({ trace, run });
          traceRows.push([hex, ri, mask]);
        }
      }
    });
    const conds = steps.map((step) => {
      const keyId = step.type === 'attribute' ? ((this.attributeKey.get(step.key ?? '') as { id: number } | undefined)?.id ?? null) : null;
      return stepCondition(step, keyId);
    });
    const flags = conds.map((c, i) => `(CASE WHEN (t.mask & ${1 << i}) <> 0 AND ${c.sql} THEN ${1 << i} ELSE 0 END)`).join(' | ');
    // min(st) with bare columns: SQLite takes ti and bad from the row holding the minimum.
    const stepCtes = steps.map((_, i) =>
      i === 0
        ? `s0 AS (SELECT ri, min(st) AS st, ti, bad FROM marked WHERE m & 1 GROUP BY ri)`
        : `s${i} AS (SELECT k.ri, min(k.st) AS st, k.ti, k.bad FROM marked k JOIN s${i - 1} p ON p.ri = k.ri WHERE k.m & ${1 << i} AND k.st > p.st GROUP BY k.ri)`,
    );
    const idx = steps.map((_, i) => i);
    const last = (col: string) => (idx.length === 1 ? `s0.${col}` : `coalesce(${[...idx].reverse().map((i) => `s${i}.${col}`).join(', ')})`);
    const sql = `WITH t AS MATERIALIZED (
        SELECT j.key AS ti, unhex(j.value ->> 0) AS trace_id, j.value ->> 1 AS ri, j.value ->> 2 AS mask FROM json_each(?) j),
      raw AS MATERIALIZED (
        SELECT t.ri, t.ti, s.start_ns AS st, s.status_code = ${STATUS_ERROR} AS bad, ${flags} AS m
        FROM t JOIN spans s ON s.trace_id = t.trace_id),
      marked AS MATERIALIZED (SELECT ri, ti, st, bad, m FROM raw WHERE m <> 0 OR bad),
      ${stepCtes.join(',\n      ')}
      SELECT s0.ri, ${idx.map((i) => `(s${i}.st IS NOT NULL)`).join(' + ')} AS reached, ${last('ti')} AS ti,
        ${idx.map((i) => `coalesce(s${i}.bad, 0)`).join(' OR ')} AS step_bad,
        EXISTS (SELECT 1 FROM marked e WHERE e.ri = s0.ri AND e.bad AND e.st >= ${last('st')}) AS bad_after
      FROM s0 ${idx.slice(1).map((i) => `LEFT JOIN s${i} ON s${i}.ri = s0.ri`).join(' ')}`;
    const params = [JSON.stringify(traceRows), ...conds.flatMap((c) => c.params)];
    const rows = this.db.prepare(sql).raw().all(...params) as Array<[number, number, number, number, number]>;
    for (const [ri, reached, ti, stepBad, badAfter] of rows) {
      const run = entering[ri]!;
      const at = flat[ti]!.trace;
      const outcome: FunnelOutcome = stepBad ? 'failed' : reached === steps.length ? 'completed' : badAfter ? 'failed' : 'abandoned';
      out.set(run, { run, reached, outcome, traceId: at.trace_id, rootName: at.root_name });
    }
    return out;
  }
}
