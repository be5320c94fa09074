/**
 * queries at scale: the query dataset opened by a real engine; each query timed ≥ `runs` times
 * through the engine API, then the same through REST (startApiServer on loopback, keep-alive
 * client, body parsed as JSON). Every result is also checked against what the generator recorded,
 * so a fast wrong answer shows up as WRONG rather than as a good figure.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SpanRecord, TraceDetail, TraceListPage, TraceListQuery } from '../../src-shared/contract';
import { traceListSearchParams } from '../../src-shared/trace-list-params';
import { startEngine, type Engine } from '../../src-main/engine/index';
import { startApiServer } from '../../src-main/headless/api-server';
import { HttpClient } from '../lib/http';
import { atMost, errorMessage, percentile, type Report } from '../lib/report';
import { REPO_ROOT } from '../lib/serve';
import type { DatasetManifest } from '../lib/workload';
import type { BenchContext } from './context';

type Check = (result: unknown) => string | null;

interface QueryCase {
  name: string;
  /** p50 target through the engine, ms. */
  target: number;
  engine: (e: Engine) => Promise<unknown>;
  rest: (http: HttpClient, base: string) => Promise<unknown>;
  check: Check;
}

const PAGE = 50;

/** `expected`: how many traces match in all (null: unknown, but at least one). */
function listCheck(expected: number | null, each?: (t: TraceListPage['traces'][number]) => string | null): Check {
  return (r) => {
    const page = r as TraceListPage;
    if (expected === null) {
      if (page.traces.length === 0) return 'empty page';
    } else {
      const want = Math.min(PAGE, expected);
      if (page.traces.length !== want) return `${page.traces.length} traces on the page, expected ${want}`;
    }
    if (each) for (const t of page.traces) {
      const bad = each(t);
      if (bad) return bad;
    }
    return null;
  };
}

/** A non-empty page in descending `value` order. */
function descending(value: (t: TraceListPage['traces'][number]) => number, what: string): Check {
  return (r) => {
    const page = r as TraceListPage;
    if (page.traces.length === 0) return 'empty page';
    for (let i = 1; i < page.traces.length; i++) if (value(page.traces[i]!) > value(page.traces[i - 1]!)) return `not in descending ${what}`;
    return null;
  };
}

function listCase(name: string, query: TraceListQuery, target: number, check: Check): QueryCase {
  return {
    name,
    target,
    engine: (e) => e.listTraces(query),
    rest: (http, base) => http.getJson<TraceListPage>(`${base}/api/v1/traces?${traceListSearchParams(query).toString()}`),
    check,
  };
}

function casesOf(m: DatasetManifest, secondPage: string | null): QueryCase[] {
  const f = m.filters;
  const from = BigInt(f.window.startFrom);
  const to = BigInt(f.window.startTo);
  const cases: QueryCase[] = [
    listCase('list first page, no filter', {}, 5, listCheck(m.totalTraces)),
    listCase(`service = ${f.service.value}`, { service: f.service.value }, 5, listCheck(f.service.traces, (t) => (t.serviceName === f.service.value ? null : `service ${t.serviceName}`))),
    listCase(`rootName = ${f.rootName.value}`, { rootName: f.rootName.value }, 5, listCheck(f.rootName.traces, (t) => (t.rootName === f.rootName.value ? null : `root ${t.rootName}`))),
    listCase(`spanName = ${f.spanName.value}`, { spanName: f.spanName.value }, 5, listCheck(f.spanName.traces)),
    listCase('status = error', { status: 'error' }, 5, listCheck(f.status.traces, (t) => (t.errorCount > 0 ? null : 'a trace without errors'))),
    listCase(`minDurationMs = ${f.minDurationMs.value}`, { minDurationMs: f.minDurationMs.value }, 5, listCheck(f.minDurationMs.traces, (t) => (t.durationMs >= f.minDurationMs.value - 0.001 ? null : `duration ${t.durationMs}`))),
    listCase('startFrom/startTo (1% window)', { startFrom: f.window.startFrom, startTo: f.window.startTo }, 5, listCheck(f.window.traces, (t) => {
      const s = BigInt(t.startTimeUnixNano);
      return s >= from && s <= to ? null : `start ${t.startTimeUnixNano} outside the window`;
    })),
    listCase(`attributes ${f.attribute.key}=${f.attribute.value}`, { attributes: { [f.attribute.key]: f.attribute.value } }, 5, listCheck(f.attribute.traces)),
    listCase(`attributes ${f.rareAttribute.key}=${f.rareAttribute.value} (rare)`, { attributes: { [f.rareAttribute.key]: f.rareAttribute.value } }, 5, listCheck(f.rareAttribute.traces)),
    listCase('sort = longest', { sort: 'longest' }, 5, (r) => {
      const page = r as TraceListPage;
      const first = page.traces[0];
      if (!first) return 'empty page';
      if (Math.abs(first.durationMs - f.longestMs) > 0.01) return `longest is ${first.durationMs} ms, expected ${f.longestMs}`;
      for (let i = 1; i < page.traces.length; i++) if (page.traces[i]!.durationMs > page.traces[i - 1]!.durationMs) return 'not in descending duration';
      return null;
    }),
    listCase('sort = oldest', { sort: 'oldest' }, 5, listCheck(m.totalTraces)),
    listCase('sort = cost', { sort: 'cost' }, 5, descending((t) => t.genai?.costUsd ?? -1, 'cost')),
    // The dashboard's "most expensive traces": priced ones of a window, most first.
    listCase('sort = cost, minCostUsd = 0, 1% window', { sort: 'cost', minCostUsd: 0, startFrom: f.window.startFrom, startTo: f.window.startTo }, 5, descending((t) => t.genai?.costUsd ?? -1, 'cost')),
    listCase('sort = tokens', { sort: 'tokens' }, 5, descending((t) => t.genai?.totalTokens ?? -1, 'tokens')),
    listCase(`service + status = error`, { service: f.service.value, status: 'error' }, 5, listCheck(null, (t) => (t.errorCount > 0 && t.serviceName === f.service.value ? null : 'wrong trace'))),
    listCase(`q = ${f.common.word} (${((f.common.traces / m.totalTraces) * 100).toFixed(1)}% of traces)`, { q: f.common.word }, 50, listCheck(f.common.traces)),
    listCase(`q = ${f.rare.word} (${f.rare.traces} traces)`, { q: f.rare.word }, 50, listCheck(f.rare.traces)),
    listCase(`q = ${f.common.word} + service`, { q: f.common.word, service: f.service.value }, 50, listCheck(null)),
  ];
  if (secondPage) cases.splice(1, 0, listCase('list second page (cursor)', { cursor: secondPage }, 5, listCheck(m.totalTraces - PAGE)));
  const traceCase = (name: string, id: string, spans: number, target: number): QueryCase => ({
    name,
    target,
    engine: (e) => e.getTrace(id),
    rest: (http, base) => http.getJson<TraceDetail>(`${base}/api/v1/traces/${id}`),
    check: (r) => {
      const t = r as TraceDetail | null;
      return t && t.spans.length === spans ? null : `got ${t ? t.spans.length : 'no'} spans, expected ${spans}`;
    },
  });
  cases.push(traceCase(`getTrace, ${m.big1k.spans}-span trace`, m.big1k.traceId, m.big1k.spans, 2));
  cases.push(traceCase(`getTrace, ${m.big100k.spans}-span trace`, m.big100k.traceId, m.big100k.spans, 400));
  cases.push({
    name: 'getSpan in the 100k-span trace',
    target: 2,
    engine: (e) => e.getSpan(m.big100k.traceId, m.big100k.spanId),
    rest: (http, base) => http.getJson<SpanRecord>(`${base}/api/v1/traces/${m.big100k.traceId}/spans/${m.big100k.spanId}`),
    check: (r) => ((r as SpanRecord | null)?.spanId === m.big100k.spanId ? null : 'wrong or missing span'),
  });
  return cases;
}

interface Timing {
  samples: number[];
  error: string | null;
  wrong: string | null;
}

async function timeCase(fn: () => Promise<unknown>, check: Check, runs: number, budgetMs: number): Promise<Timing> {
  let wrong: string | null = null;
  try {
    // Two warm-up runs (statement preparation, page cache), checked but not timed.
    for (let i = 0; i < 2; i++) wrong ??= check(await fn());
  } catch (err) {
    return { samples: [], error: errorMessage(err), wrong: null };
  }
  const samples: number[] = [];
  const deadline = performance.now() + budgetMs;
  try {
    for (let i = 0; i < runs && (performance.now() < deadline || samples.length < 5); i++) {
      const t = performance.now();
      await fn();
      samples.push(performance.now() - t);
    }
  } catch (err) {
    return { samples, error: errorMessage(err), wrong };
  }
  return { samples, error: null, wrong };
}

function record(report: Report, section: string, c: QueryCase, t: Timing, target: number | null, engineP50?: number): number | null {
  const tgt = target === null ? undefined : atMost(target);
  if (t.error !== null) {
    report.unavailable(section, `${c.name} p50`, 'ms', t.error, tgt);
    return null;
  }
  const p50 = percentile(t.samples, 50);
  const wrong = t.wrong ? `WRONG: ${t.wrong}; ` : '';
  const diff = engineP50 === undefined ? 0 : p50 - engineP50;
  const over = engineP50 === undefined ? '' : `; ${(p50 / engineP50).toFixed(1)}× engine, ${diff >= 0 ? '+' : '−'}${Math.abs(diff).toFixed(2)} ms`;
  report.add(section, `${c.name} p50`, p50, 'ms', {
    ...(tgt ? { target: tgt } : {}),
    note: `${wrong}p95 ${percentile(t.samples, 95).toFixed(2)} ms, ${t.samples.length} runs${over}`,
  });
  return p50;
}

/** Pages through every match (500 per page, at most 60 pages) and compares the count with the generator's. */
async function countCheck(ctx: BenchContext, engine: Engine, label: string, query: TraceListQuery, expected: number): Promise<void> {
  let count = 0;
  let cursor: string | null = null;
  try {
    for (let page = 0; page < 60; page++) {
      const res: TraceListPage = await engine.listTraces({ ...query, limit: 500, ...(cursor ? { cursor } : {}) });
      count += res.traces.length;
      cursor = res.nextCursor;
      if (!cursor) break;
    }
  } catch (err) {
    ctx.report.unavailable('queries', `all matches of ${label}`, 'traces', errorMessage(err));
    return;
  }
  const complete = cursor === null;
  ctx.report.add('queries', `all matches of ${label}`, count, 'traces', {
    note: count === expected ? 'as generated' : complete ? `WRONG: the generator recorded ${expected}` : `stopped after 60 pages; the generator recorded ${expected}`,
  });
}

export async function runQueries(ctx: BenchContext, sections: { engine: boolean; rest: boolean }): Promise<void> {
  const { report, options } = ctx;
  const ds = await ctx.dataset();
  const m = ds.manifest;
  const f = m.filters;
  ctx.log(
    `filters match: service ${f.service.traces}, rootName ${f.rootName.traces}, spanName ${f.spanName.traces}, error ${f.status.traces}, ` +
      `≥${f.minDurationMs.value} ms ${f.minDurationMs.traces}, window ${f.window.traces}, model ${f.attribute.traces}, user ${f.rareAttribute.traces}, ` +
      `"${f.common.word}" ${f.common.traces}, "${f.rare.word}" ${f.rare.traces} of ${m.totalTraces} traces`,
  );
  const engineLog: string[] = [];
  const t0 = performance.now();
  const engine = await startEngine({ memory: false, dataDir: ds.dir, otlpHttpPort: 0, otlpGrpcPort: 0, log: (l) => engineLog.push(l) });
  report.add('queries', 'engine start on the dataset (in-process)', performance.now() - t0, 'ms', { note: `${m.totalSpans} spans` });
  let server: Server | null = null;
  const http = new HttpClient(1);
  try {
    let secondPage: string | null = null;
    try {
      secondPage = (await engine.listTraces({})).nextCursor;
    } catch (err) {
      ctx.log(`first page failed: ${errorMessage(err)}`);
    }
    const cases = casesOf(m, secondPage);
    if (sections.engine) {
      // Exact counts, untimed: a first page of 50 cannot show a trace missing from a larger match set.
      await countCheck(ctx, engine, `q = ${f.rare.word}`, { q: f.rare.word }, f.rare.traces);
      await countCheck(ctx, engine, `q = ${f.common.word}`, { q: f.common.word }, f.common.traces);
      await countCheck(ctx, engine, `${f.rareAttribute.key}=${f.rareAttribute.value}`, { attributes: { [f.rareAttribute.key]: f.rareAttribute.value } }, f.rareAttribute.traces);
      await countCheck(ctx, engine, 'the 1% time window', { startFrom: f.window.startFrom, startTo: f.window.startTo }, f.window.traces);
      await countCheck(ctx, engine, `minDurationMs = ${f.minDurationMs.value}`, { minDurationMs: f.minDurationMs.value }, f.minDurationMs.traces);
    }
    const engineP50 = new Map<string, number>();
    if (sections.engine) {
      for (const c of cases) {
        const t = await timeCase(() => c.engine(engine), c.check, options.runs, 60_000);
        const p50 = record(report, 'queries', c, t, c.target);
        if (p50 !== null) engineP50.set(c.name, p50);
      }
    }
    if (sections.rest) {
      server = await startApiServer({ api: engine, host: '127.0.0.1', port: 0, rendererDir: join(REPO_ROOT, 'out/renderer') });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const c of cases) {
        const t = await timeCase(() => c.rest(http, base), c.check, options.runs, 90_000);
        const e = engineP50.get(c.name);
        // Target: within 3× of the engine (or of the engine target when the engine was not measured).
        record(report, 'rest', c, t, e !== undefined ? 3 * e : 3 * c.target, e);
      }
    }
  } finally {
    http.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await engine.close();
    for (const l of engineLog) ctx.log(`engine: ${l}`);
  }
}
