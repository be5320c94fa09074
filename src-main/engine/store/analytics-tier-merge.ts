/**
 * Builds coarser rollup rows from finer ones (analytics-tiers.ts): migration 0009 fills the hours
 * and days from existing minutes, and retention rebuilds the hour and day that hold its cutoff from
 * the minutes it kept. Rows are read a window of periods at a time (better-sqlite3 cannot write while
 * a read of the same connection is open), so memory stays bounded whatever the store holds.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { DDSketch } from '../../../src-shared/ddsketch';

/** A tier as a migration names it: migrations do not follow later changes to TIERS. */
export interface TierTable {
  table: string;
  column: string;
  minutes: number;
}

interface RollupRow {
  dim: number;
  t: number;
  key: string;
  spans: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
  sketch: Uint8Array;
}

type Group = Omit<RollupRow, 'sketch'> & { merged: DDSketch };

/** Periods of the coarser tier read per statement. */
const WINDOW = 64;

/**
 * Replaces the rows of `to` with the merge of the rows of `from` under them: all of them, or only
 * those of one dimension's `period` (in `to`'s periods).
 */
export function mergeTier(db: BetterSqlite3.Database, from: TierTable, to: TierTable, only?: { dim: number; period: number }): void {
  const factor = to.minutes / from.minutes;
  const cols = `${from.column} AS t, key, spans, errors, input_tokens, output_tokens, total_tokens, cost_usd, sketch`;
  const read = db.prepare(`SELECT ${cols} FROM ${from.table} WHERE dim = ? AND ${from.column} BETWEEN ? AND ? ORDER BY ${from.column}`);
  const next = db.prepare(`SELECT min(${from.column}) FROM ${from.table} WHERE dim = ? AND ${from.column} >= ?`).pluck();
  const insert = db.prepare(`INSERT INTO ${to.table} (dim, ${to.column}, key, spans, errors, input_tokens, output_tokens, total_tokens, cost_usd, sketch)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const mergeWindow = (dim: number, first: number, periods: number) => {
    const groups = new Map<string, Group>();
    for (const r of read.all(dim, first * factor, (first + periods) * factor - 1) as RollupRow[]) {
      const t = Math.floor(r.t / factor);
      const id = `${t}:${r.key}`;
      let g = groups.get(id);
      if (g === undefined) {
        g = { dim, t, key: r.key, spans: 0, errors: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, cost_usd: 0, merged: new DDSketch() };
        groups.set(id, g);
      }
      g.spans += r.spans;
      g.errors += r.errors;
      g.input_tokens += r.input_tokens;
      g.output_tokens += r.output_tokens;
      g.total_tokens += r.total_tokens;
      g.cost_usd += r.cost_usd;
      g.merged.mergeEncoded(r.sketch);
    }
    for (const g of groups.values()) {
      insert.run(g.dim, g.t, g.key, g.spans, g.errors, g.input_tokens, g.output_tokens, g.total_tokens, g.cost_usd, Buffer.from(g.merged.encode()));
    }
  };
  if (only !== undefined) {
    db.prepare(`DELETE FROM ${to.table} WHERE dim = ? AND ${to.column} = ?`).run(only.dim, only.period);
    mergeWindow(only.dim, only.period, 1);
    return;
  }
  db.prepare(`DELETE FROM ${to.table}`).run();
  for (const dim of db.prepare(`SELECT DISTINCT dim FROM ${from.table}`).pluck().all() as number[]) {
    for (let t = next.get(dim, -Number.MAX_SAFE_INTEGER) as number | null; t !== null; ) {
      const first = Math.floor(t / factor);
      mergeWindow(dim, first, WINDOW);
      t = next.get(dim, (first + WINDOW) * factor) as number | null;
    }
  }
}
