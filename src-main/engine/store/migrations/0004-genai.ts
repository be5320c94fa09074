/**
 * 0004: GenAI semantics (issue 5). Each span keeps its normalized `GenAiSpan` (without the message
 * content, which its raw attributes already hold) as JSON; each trace keeps its rollup in columns
 * (0002 already added input_tokens, output_tokens, cost_usd, session_id). The distinct models,
 * agents, tools and kinds of a trace go into the full-text index's `kv` column as hashed tokens of
 * reserved keys, like attribute filters: a side table of them cost ~100 B/span (12 values per
 * trace, twice with its trace-id index for retention) where the tokens cost a few.
 *
 * Spans stored before this migration keep genai NULL: normalizing them would mean decoding every
 * stored span inside the migration (minutes at a million spans, on the app's first start), and the
 * raw attributes are kept, so nothing is lost; only their traces show no GenAI rollup.
 */
import type { Migration } from '../migrate';

export const migration0004: Migration = {
  version: 4,
  name: 'genai',
  sql: `
    -- GenAiSpan as JSON; NULL when the span carries no GenAI marker.
    ALTER TABLE spans ADD COLUMN genai TEXT;

    -- The trace's rollup (rollupTrace). NULL everywhere while has_genai = 0.
    ALTER TABLE traces ADD COLUMN has_genai INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE traces ADD COLUMN total_tokens INTEGER;
    ALTER TABLE traces ADD COLUMN llm_calls INTEGER;
    ALTER TABLE traces ADD COLUMN tool_calls INTEGER;
    ALTER TABLE traces ADD COLUMN models TEXT;            -- JSON array, distinct, sorted
    ALTER TABLE traces ADD COLUMN agents TEXT;            -- JSON array, distinct, sorted

    -- GenAI traces newest first (every GenAI filter implies has_genai = 1), and the numeric filters.
    CREATE INDEX traces_genai_by_start ON traces (start_ns DESC, trace_id DESC) WHERE has_genai = 1;
    CREATE INDEX traces_by_tokens ON traces (total_tokens) WHERE total_tokens IS NOT NULL;
    CREATE INDEX traces_by_cost ON traces (cost_usd) WHERE cost_usd IS NOT NULL;
    -- Sessions: the turns of one session in time order, and the session list's grouping.
    CREATE INDEX traces_by_session ON traces (session_id, start_ns, trace_id) WHERE session_id IS NOT NULL;
  `,
};
