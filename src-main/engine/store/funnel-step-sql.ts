/**
 * The SQL of one funnel step: the condition a span (`s`, a span_rows row: trace-blocks.ts) meets when it matches the
 * step, and the full-text expression every trace holding such a span satisfies (the same `kv` and
 * `name` tokens the trace list filters on; genai-facets.ts FACET for agents, tools and kinds), which
 * narrows the spans the condition is tested on. Pure SQL text and parameters.
 */
import type { FunnelStep } from '../../../src-shared/contract';
import { kvToken } from './attribute-codec';
import { FACET } from './genai-facets';
import { tokens } from './trace-list-sql';

/** The SQL truth of "this span matches the step", with its parameters; the GenAI reading in either stored encoding (genai-facets.ts). */
export function stepCondition(step: FunnelStep, keyId: number | null): { sql: string; params: unknown[] } {
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
    // key id only a value can follow, and a string is never a key id, so `,5,"chat",` is exact (the
    // json_each pairing this replaced made the every-trace bench funnel 10× slower). Most spans do
    // not hold `5,"chat"` at all, and one instr() turns them away: testing the four exact forms on
    // every span cost 2.2× as much (the every-trace bench funnel's marks alone: 573 vs 258 ms).
    // Where it occurs, a first occurrence with `[`/`,` before and `,`/`]` after is a match; any
    // other case (a longer key id ending in 5, a later occurrence) is settled by the four forms.
    const quoted = JSON.stringify(step.value);
    const needle = `${keyId},${quoted}`;
    const alts = [`[${needle},`, `,${needle},`, `[${needle}]`, `,${needle}]`];
    const fitsFirst = `substr(s.attrs, instr(s.attrs, ?) - 1, 1) IN ('[', ',') AND substr(s.attrs, instr(s.attrs, ?) + ${[...needle].length}, 1) IN (',', ']')`;
    const text = [`(instr(s.attrs, ?) > 0 AND (${fitsFirst} OR ${alts.map(() => 'instr(s.attrs, ?) > 0').join(' OR ')}))`];
    params.push(needle, needle, needle, ...alts);
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
export function stepPrefilter(step: FunnelStep): string | null {
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
