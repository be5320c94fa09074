/**
 * The span-decode worker derives each trace's GenAI rollup and facet tokens from its request
 * (span-decoding.ts summarizeTraces), and compaction stores them as they are for a new trace whose
 * spans all came in that request, rolling up the dashboard's groups from the packed readings. A
 * trace's row, its filter tokens and the dashboard's rollups must come out the same whichever way
 * they were derived (there, from the readings unpacked here, or read here without the worker): for
 * every captured framework and dialect, for traces split over requests, for spans sent again, and
 * for a span id sent twice in one request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SpanRecord } from '../../../src-shared/contract';
import { decodeTraceRequestJson } from '../../../src-main/engine/otlp/decode-json';
import { normalizeSpan } from '../../../src-main/engine/genai/normalize';
import { migrate } from '../../../src-main/engine/store/migrate';
import { AttributeKeys } from '../../../src-main/engine/store/attribute-codec';
import { ResourceScopes } from '../../../src-main/engine/store/resource-scopes';
import { Compactor, type AcceptedBatch } from '../../../src-main/engine/store/compactor';
import { SessionSummaries } from '../../../src-main/engine/store/session-summaries';
import { ingestNormalizeOptions, packReadings, summarizeTraces, type ReadGenAi } from '../../../src-main/engine/store/span-decoding';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const options = ingestNormalizeOptions(undefined, true)!;

function fixtureRequests(): SpanRecord[][] {
  const out: SpanRecord[][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const file = join(dir, entry.name, 'trace.otlp.json');
      if (existsSync(file)) out.push(decodeTraceRequestJson(readFileSync(file)).spans);
      walk(join(dir, entry.name));
    }
  };
  walk(join(FIXTURES, 'genai'));
  walk(join(FIXTURES, 'frameworks'));
  return out;
}

/** A fixture's spans under another trace id, so the same runs can arrive again in other shapes. */
function retraced(spans: SpanRecord[], prefix: string): SpanRecord[] {
  return spans.map((s) => ({ ...s, traceId: prefix + s.traceId.slice(prefix.length) }));
}

type Derived = 'worker' | 'unpacked' | 'here';

function read(spans: SpanRecord[], summarized: boolean): ReadGenAi {
  const readings = spans.map((span) => normalizeSpan(span, undefined, options));
  const genai = packReadings(readings);
  if (summarized) genai.traces = summarizeTraces(spans, readings);
  return genai;
}

/** Slices of requests, in the order compaction gets them. */
function workload(): SpanRecord[][][] {
  const fixtures = fixtureRequests();
  assert.ok(fixtures.length >= 20, `found ${fixtures.length} fixture traces`);
  const slices: SpanRecord[][][] = [];
  // Each run whole in a request, eight requests a slice.
  for (let i = 0; i < fixtures.length; i += 8) slices.push(fixtures.slice(i, i + 8));
  // The same runs cut into requests of 5 spans: most traces span requests, some slices.
  const pooled = fixtures.flatMap((spans) => retraced(spans, 'b1'));
  const small: SpanRecord[][] = [];
  for (let i = 0; i < pooled.length; i += 5) small.push(pooled.slice(i, i + 5));
  for (let i = 0; i < small.length; i += 3) slices.push(small.slice(i, i + 3));
  // Exporter retries: a few whole runs sent again (the trace is stored by then).
  slices.push(fixtures.slice(0, 4));
  // A span id twice in one request, the second differing: the first is the one kept.
  const twice = fixtures.map((spans) => retraced(spans, 'c2')).map((spans) => [
    ...spans,
    ...spans.slice(0, 2).map((s) => ({ ...s, attributes: { ...s.attributes, 'gen_ai.usage.input_tokens': 999_999, 'gen_ai.request.model': 'twice-model' } })),
  ]);
  for (let i = 0; i < twice.length; i += 8) slices.push(twice.slice(i, i + 8));
  return slices;
}

interface Stored {
  rows: Map<string, unknown>;
  tokens: Map<string, string[]>;
  rollups: unknown[];
}

function compactAll(slices: SpanRecord[][][], derived: Derived, tamper?: (genai: ReadGenAi) => void): Stored {
  const db = new Database(':memory:');
  try {
    migrate(db, ':memory:');
    const compactor = new Compactor(db, new AttributeKeys(db), new ResourceScopes(db), new SessionSummaries(db), options);
    let seq = 0;
    for (const slice of slices) {
      const batches = slice.map((spans): AcceptedBatch => {
        if (derived === 'here') return { seq: ++seq, receivedAt: 1_000 + seq, spans: [...spans] };
        const genai = read(spans, derived === 'worker');
        tamper?.(genai);
        return { seq: ++seq, receivedAt: 1_000 + seq, spans: [...spans], genai };
      });
      compactor.compact(batches);
    }
    compactor.writeAnalytics();
    const rollups = db
      .prepare('SELECT dim, minute, key, spans, errors, input_tokens, output_tokens, total_tokens, round(cost_usd, 9) AS cost, hex(sketch) AS sketch FROM analytics_minutes ORDER BY dim, minute, key')
      .all();
    const rows = new Map<string, unknown>();
    for (const row of db
      .prepare('SELECT hex(trace_id) AS id, span_count, has_genai, input_tokens, output_tokens, total_tokens, cost_usd, llm_calls, tool_calls, models, agents, session_id FROM traces')
      .all() as Array<{ id: string }>) {
      rows.set(row.id, row);
    }
    // The index keeps no text (contentless): its vocabulary says which tokens each document holds.
    db.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, 'trace_search', 'instance')");
    const tokens = new Map<string, string[]>();
    for (const { id, term } of db
      .prepare("SELECT hex(d.trace_id) AS id, v.term FROM temp.vocab v JOIN search_docs d ON d.doc_id = v.doc WHERE v.col = 'kv'")
      .all() as Array<{ id: string; term: string }>) {
      tokens.set(id, [...(tokens.get(id) ?? []), term]);
    }
    for (const list of tokens.values()) list.sort();
    return { rows, tokens, rollups };
  } finally {
    db.close();
  }
}

test("a trace's rollup, its filter tokens and the dashboard's rollups are stored the same whether the span-decode worker derived them or compaction did", () => {
  const slices = workload();
  const derivedHere = compactAll(slices, 'unpacked');
  for (const other of [compactAll(slices, 'worker'), compactAll(slices, 'here')]) {
    assert.deepEqual([...other.rows.keys()].sort(), [...derivedHere.rows.keys()].sort());
    for (const [id, row] of derivedHere.rows) {
      assert.deepEqual(other.rows.get(id), row, `trace ${id}`);
      assert.deepEqual(other.tokens.get(id), derivedHere.tokens.get(id), `trace ${id}: filter tokens`);
    }
    assert.deepEqual(other.rollups, derivedHere.rollups);
  }
  assert.ok(derivedHere.rows.size >= 60, `${derivedHere.rows.size} traces`);
  const models = derivedHere.rollups.filter((r) => (r as { dim: number }).dim === 0);
  assert.ok(models.some((r) => (r as { input_tokens: number }).input_tokens > 0), 'some model rollup has tokens');
  const withGenai = [...derivedHere.rows.values()].filter((r) => (r as { has_genai: number }).has_genai === 1).length;
  assert.ok(withGenai >= 40, `${withGenai} GenAI traces compared`);
  const twiceModel = [...derivedHere.rows.values()].filter((r) => String((r as { models: string }).models).includes('twice-model'));
  assert.deepEqual(twiceModel, [], 'the second copy of a span id in a request is not the one stored');
});

test("the worker's summaries are what compaction stores for a new trace from one request (a tampered one shows)", () => {
  const slices = workload();
  const derivedHere = compactAll(slices, 'unpacked');
  const tampered = compactAll(slices, 'worker', (genai) => {
    const traces = genai.traces!;
    for (let t = 0; t < traces.hasGenai.length; t++) traces.numbers[t * 6] = traces.numbers[t * 6]! + 1_000;
  });
  const differing = [...derivedHere.rows].filter(([id, row]) => {
    const other = tampered.rows.get(id) as { input_tokens: number } | undefined;
    return other !== undefined && other.input_tokens !== (row as { input_tokens: number }).input_tokens;
  });
  // The whole runs of the first slices and the requests with a span sent twice are new traces from one request.
  assert.ok(differing.length >= 40, `${differing.length} traces took the worker's rollup`);
});
