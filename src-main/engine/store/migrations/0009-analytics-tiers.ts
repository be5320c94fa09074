/**
 * 0009: hourly and daily rollup tiers (issue 15), so a dashboard range reads whole days and hours
 * and minutes only at its ragged ends (store/analytics-tiers.ts). Same columns as analytics_minutes;
 * a row is the exact merge of the minute rows under it. Carries data over: each tier is built from
 * the one below, read in primary-key order so one period's groups are held at a time.
 * Also the trace list's sort by cost and by tokens (most first, unpriced last): expression indexes
 * replace the partial ones of 0004, which the minCostUsd/minTokens filters now read through.
 */
import type { Migration } from '../migrate';
import { mergeTier } from '../analytics-tier-merge';

const tierTable = (table: string, column: string, what: string) => `
    CREATE TABLE ${table} (
      dim           INTEGER NOT NULL,  -- as analytics_minutes.dim
      ${column.padEnd(13)} INTEGER NOT NULL,  -- ${what} of the spans' start
      key           TEXT    NOT NULL,  -- as stored in analytics_minutes (the per-minute bound applies)
      spans         INTEGER NOT NULL,
      errors        INTEGER NOT NULL,
      input_tokens  INTEGER NOT NULL,
      output_tokens INTEGER NOT NULL,
      total_tokens  INTEGER NOT NULL,
      cost_usd      REAL    NOT NULL,
      sketch        BLOB    NOT NULL,  -- the merge of the minutes' DDSketches
      PRIMARY KEY (dim, ${column}, key)
    ) STRICT, WITHOUT ROWID;`;

export const migration0009: Migration = {
  version: 9,
  name: 'analytics-tiers',
  sql: `
    ${tierTable('analytics_hours', 'hour', 'unix hour')}
    ${tierTable('analytics_days', 'day', 'unix day (UTC)')}
    -- Hours and days are written behind compaction (analytics-rollups.ts): a period marked here may
    -- lack minutes compacted since its last write, and is rebuilt from them after a crash.
    CREATE TABLE analytics_stale (
      tier   INTEGER NOT NULL,  -- 0 analytics_hours, 1 analytics_days
      dim    INTEGER NOT NULL,
      period INTEGER NOT NULL,  -- the hour or the day
      PRIMARY KEY (tier, dim, period)
    ) STRICT, WITHOUT ROWID;

    -- sort=cost / sort=tokens: most first, traces without usage last (as -1), keyset-paged on
    -- (value, trace_id). The 0004 partial indexes served only minCostUsd/minTokens, which read
    -- these now (a minimum is never negative, so the -1 of the unpriced never passes it).
    DROP INDEX traces_by_cost;
    DROP INDEX traces_by_tokens;
    CREATE INDEX traces_by_cost_desc ON traces (coalesce(cost_usd, -1.0) DESC, trace_id DESC);
    CREATE INDEX traces_by_tokens_desc ON traces (coalesce(total_tokens, -1) DESC, trace_id DESC);
  `,
  data: (db) => {
    mergeTier(db, { table: 'analytics_minutes', column: 'minute', minutes: 1 }, { table: 'analytics_hours', column: 'hour', minutes: 60 });
    mergeTier(db, { table: 'analytics_hours', column: 'hour', minutes: 60 }, { table: 'analytics_days', column: 'day', minutes: 1440 });
  },
};
