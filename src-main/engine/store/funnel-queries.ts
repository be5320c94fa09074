/**
 * Funnels (README "Funnels"): how many runs (traces, or sessions read as their traces in time order)
 * reach each of a list of steps in order, where they drop off, and how each run ended. Two reads:
 * the runs in range from `traces` (traces_by_start), then one statement that finds the traces that
 * can match each step in the full-text index (funnel-step-sql.ts), reads only those traces' spans
 * (their blocks, through span_rows: trace-blocks.ts), marks each span with the steps it matches and walks each run's marked spans in
 * start order (funnel-walk.ts, as a SQL aggregate): one integer per run comes back. Rejected:
 * one query per step and run (30k statements for a 3-step funnel over 10k traces), matching in JS
 * (every GenAI reading JSON-parsed), and a CTE per step joined to the previous step's choice (the
 * design before this one; see progress() and bench/README.md for the figures).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { FunnelOutcome, FunnelQuery, FunnelResult, FunnelRun, FunnelRunSet, FunnelStep } from '../../../src-shared/contract';
import { DEFAULT_FUNNEL_RUNS } from '../../../src-shared/funnel';
import { decodeWalk, encodeWalk, startWalk, walkSpan, type FunnelWalk } from './funnel-walk';
import { BlockDictionaries } from './block-dictionary';
import { registerSpanRows } from './trace-blocks';
import { stepCondition, stepPrefilter } from './funnel-step-sql';

/** OTLP STATUS_CODE_ERROR. */
const STATUS_ERROR = 2;

/** Ids as hex and times as decimal text straight from SQL: a Buffer and a BigInt per row cost 10× the query at 10k traces. */
interface TraceRow {
  /** traces.rowid: how the walk names the trace where a run got furthest. */
  tr: number;
  trace_id: string;
  start_ns: string;
  root_name: string;
  session_id: string | null;
  error_count: number;
}

interface Run {
  /** The trace id (hex), or the session id. */
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

interface RangeWhere {
  where: string;
  params: unknown[];
}

/** The runs' traces in range, as SQL over `traces t` (the trace list's noise rule applies: internal traces are not runs). */
function rangeWhere(query: FunnelQuery, sessions: boolean): RangeWhere {
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
  return { where: where.join(' AND '), params };
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
  private readonly candidates = new Map<string, BetterSqlite3.Statement>();
  private readonly dictionaries: BlockDictionaries;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.attributeKey = db.prepare('SELECT id FROM attribute_keys WHERE key = ?');
    // @types/better-sqlite3 types step as (accumulator, one value); SQLite passes every argument.
    const step = walkSpan as unknown as (w: FunnelWalk, next: unknown) => void;
    db.aggregate('funnel_walk', { start: startWalk, step, result: encodeWalk, deterministic: true, directOnly: true });
    this.dictionaries = new BlockDictionaries(db);
    registerSpanRows(db, this.dictionaries);
  }

  runFunnel(query: FunnelQuery): FunnelResult {
    const mode = query.mode ?? 'traces';
    const limit = query.runLimit ?? DEFAULT_FUNNEL_RUNS;
    const steps = query.steps;
    const range = rangeWhere(query, mode === 'sessions');
    const runs = this.runsInRange(range, mode === 'sessions');
    const progress = this.progress(runs, steps, range, mode === 'sessions');
    const evaluated = runs.map((run) => progress.get(run) ?? { run, reached: 0, outcome: null, traceId: run.traces[0]!.trace_id, rootName: run.traces[0]!.root_name });
    // Runs come oldest first (ORDER BY start_ns, trace_id; a session where its first trace is): the lists are newest first.
    evaluated.reverse();

    // atLeast[i]: runs that reached step i or further (atLeast[0]: every run).
    const atLeast = new Array<number>(steps.length + 1).fill(0);
    for (const e of evaluated) for (let i = 0; i <= e.reached; i++) atLeast[i]!++;
    const stepResults = steps.map((step, i) => {
      const reached = runSet(evaluated, (e) => e.reached > i, limit);
      const before = atLeast[i]!;
      const firstCount = atLeast[1]!;
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

  /** Traces in range, grouped into sessions when asked. */
  private runsInRange(range: RangeWhere, sessions: boolean): Run[] {
    const sql = `SELECT t.rowid AS tr, lower(hex(t.trace_id)) AS trace_id, CAST(t.start_ns AS TEXT) AS start_ns, t.root_name, t.session_id, t.error_count FROM traces t WHERE ${range.where} ORDER BY t.start_ns, t.trace_id`;
    let stmt = this.candidates.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.candidates.set(sql, stmt);
    }
    const rows = stmt.all(...range.params) as TraceRow[];
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

  /**
   * Every run's progress in one statement. The full-text index says which traces in range can hold
   * a span of each step (allowedSteps); a run enters when one of its traces can hold the first step. The traces
   * of entering runs that can matter (a step allowed, or a failed span) are read once through
   * their blocks (span_rows, trace-blocks.ts), each span is marked with the steps it matches (a bit set; each distinct
   * condition tested once, and only for the steps its trace allows) and whether it failed, and
   * funnel_walk (funnel-walk.ts) walks each run's marked spans in start order. One integer per
   * entering run crosses to JS. Rejected, measured with bench/funnel.ts: a CTE per step joined to
   * the previous step's choice (the design before this one; its joins, GROUP BY sorts and four text
   * tests per condition made the every-trace funnel 1.5-2× slower in process); the full-text sets
   * as hex id sets in JS (~220 ms per step in a store of 1M spans, whatever the range: the range of
   * 10k traces took 2.3 s, now ~0.4 s); returning the marked spans to walk them in JS (row building
   * alone cost 4× the SQL).
   */
  private progress(runs: readonly Run[], steps: readonly FunnelStep[], range: RangeWhere, sessions: boolean): Map<Run, Evaluated> {
    const out = new Map<Run, Evaluated>();
    if (runs.length === 0) return out;
    const byKey = new Map<string | number, Run>();
    const traces = new Map<number, TraceRow>();
    for (const run of runs) {
      byKey.set(sessions ? run.id : run.traces[0]!.tr, run);
      for (const trace of run.traces) traces.set(trace.tr, trace);
    }
    const allowed = this.allowedSteps(steps);
    const { sql: marks, params: markParams } = this.marks(steps);
    // The traces in range read again here (by their index) rather than handed over as a JSON list:
    // building and parsing that list cost ~10 ms per 10k traces.
    const sql = `WITH
      inrange AS MATERIALIZED (
        SELECT t.rowid AS tr, t.trace_id, ${sessions ? 't.session_id' : 't.rowid'} AS run, t.error_count > 0 AS failed FROM traces t WHERE ${range.where}),
      docs AS MATERIALIZED (SELECT min(d.doc_id) AS lo, max(d.doc_id) AS hi FROM inrange t CROSS JOIN search_docs d ON d.trace_id = t.trace_id),
      ${allowed.ctes.map((c) => `${c},`).join(' ')}
      m AS MATERIALIZED (SELECT t.run, t.trace_id, t.tr, t.failed, ${allowed.mask} AS mask FROM inrange t),
      entering AS (SELECT run FROM m GROUP BY run HAVING max(mask & 1) = 1)
      SELECT e.run, (
        SELECT funnel_walk(${marks}, s.status_code = ${STATUS_ERROR}, m.tr, s.start_ns / 1000000000, s.start_ns % 1000000000 ORDER BY s.start_ns, s.id)
        FROM m JOIN all_span_blocks b ON b.trace_id = m.trace_id JOIN span_rows(b.first_row, b.span_ids, b.dict, b.block) s WHERE m.run = e.run AND (m.mask <> 0 OR m.failed))
      FROM entering e`;
    this.dictionaries.loadAll();
    const rows = this.db.prepare(sql).raw().all(...range.params, ...allowed.params, ...markParams) as Array<[string | number, number | null]>;
    for (const [key, code] of rows) {
      if (code === null) continue;
      // Both reads run in one read transaction (a reader's, reader.ts, or the store thread's one
      // synchronous call), so they see the same traces; a key of the one missing from the other
      // would be a bug, and that run keeps reached 0.
      const run = byKey.get(key);
      const walk = decodeWalk(code);
      const at = traces.get(walk.trace);
      if (!run || !at) continue;
      const outcome: FunnelOutcome = walk.stepFailed ? 'failed' : walk.reached === steps.length ? 'completed' : walk.failedAfter ? 'failed' : 'abandoned';
      out.set(run, { run, reached: walk.reached, outcome, traceId: at.trace_id, rootName: at.root_name });
    }
    return out;
  }

  /**
   * The SQL bit set of the steps a trace (`t`) can hold by its search documents, with the CTEs it
   * reads: two per distinct full-text expression (after `docs`, the rowid bounds of the range's documents).
   */
  private allowedSteps(steps: readonly FunnelStep[]): { ctes: string[]; params: unknown[]; mask: string } {
    let always = 0;
    const byExpr = new Map<string, number>();
    steps.forEach((step, i) => {
      const expr = stepPrefilter(step);
      if (expr === null) always |= 1 << i;
      else byExpr.set(expr, (byExpr.get(expr) ?? 0) | (1 << i));
    });
    const exprs = [...byExpr];
    return {
      // f: the matching documents, bounded to the rowids of the documents of the traces in range
      // (docs): a common token matches every document in the store (100k at 1M spans, for a range
      // of 10k traces). a: their traces. Rejected: testing each trace in range with EXISTS against
      // f (~6 µs a probe, 4× the cost of building a).
      ctes: exprs.flatMap((_, k) => [
        `f${k} AS MATERIALIZED (SELECT rowid AS doc_id FROM trace_search WHERE trace_search MATCH ? AND rowid BETWEEN (SELECT lo FROM docs) AND (SELECT hi FROM docs))`,
        `a${k} AS MATERIALIZED (SELECT DISTINCT d.trace_id FROM f${k} JOIN search_docs d ON d.doc_id = f${k}.doc_id)`,
      ]),
      params: exprs.map(([expr]) => expr),
      mask: [String(always), ...exprs.map(([, bits], k) => `(CASE WHEN t.trace_id IN a${k} THEN ${bits} ELSE 0 END)`)].join(' | '),
    };
  }

  /** The SQL bit set of the steps a span (`s`, of trace `m` whose search documents allow the steps in m.mask) matches; one test per distinct condition. */
  private marks(steps: readonly FunnelStep[]): { sql: string; params: unknown[] } {
    const byCondition = new Map<string, { cond: { sql: string; params: unknown[] }; bits: number }>();
    steps.forEach((step, i) => {
      const keyId = step.type === 'attribute' ? ((this.attributeKey.get(step.key ?? '') as { id: number } | undefined)?.id ?? null) : null;
      const cond = stepCondition(step, keyId);
      const key = JSON.stringify([cond.sql, cond.params]);
      const same = byCondition.get(key);
      if (same) same.bits |= 1 << i;
      else byCondition.set(key, { cond, bits: 1 << i });
    });
    const parts = [...byCondition.values()];
    return {
      sql: `((${parts.map(({ cond, bits }) => `(CASE WHEN m.mask & ${bits} <> 0 AND ${cond.sql} THEN ${bits} ELSE 0 END)`).join(' | ')}) & m.mask)`,
      params: parts.flatMap(({ cond }) => cond.params),
    };
  }
}
