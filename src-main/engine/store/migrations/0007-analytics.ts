/**
 * 0007: analytics rollups (issue 15). One row per (group dimension, minute, group key), kept at
 * compaction (store/analytics-rollups.ts), so the dashboard's latency percentiles and time series
 * read a few thousand small rows instead of scanning spans. No data carried over: a store from
 * before this version shows analytics from its first compaction after the upgrade (building the
 * sketches needs every stored span's duration, a scan this migration would hold a transaction for).
 */
import type { Migration } from '../migrate';

export const migration0007: Migration = {
  version: 7,
  name: 'analytics',
  sql: `
    CREATE TABLE analytics_minutes (
      dim           INTEGER NOT NULL,  -- ANALYTICS_DIMS index: 0 model, 1 agent, 2 tool, 3 service, 4 span name
      minute        INTEGER NOT NULL,  -- unix minute of the spans' start
      key           TEXT    NOT NULL,  -- the group (a model, a service…); '(other)' past the per-minute bound
      spans         INTEGER NOT NULL,
      errors        INTEGER NOT NULL,
      -- usage of LLM calls (llm, embedding, reranker spans) in the group, as the traces' rollups count it
      input_tokens  INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL,
      total_tokens  INTEGER NOT NULL,
      cost_usd      REAL    NOT NULL,
      sketch        BLOB    NOT NULL,  -- DDSketch of span durations in ms (src-shared/ddsketch.ts), 1 % relative accuracy
      -- (dim, minute) first: every query is one dimension over a time range; retention deletes old minutes per dim.
      PRIMARY KEY (dim, minute, key)
    ) STRICT, WITHOUT ROWID;
  `,
};
