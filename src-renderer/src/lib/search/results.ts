// Pure text and shape of the search page: results grouped by trace (one run, then its matching
// spans), the query's words marked in a snippet, labels, and what to tell the user about the answer
// (the mode the engine fell back to, the embedder). Tested without React (test/renderer).
import type { EmbedderInfo, MemorySource, SearchMode, SearchResult } from '../../../../src-shared/contract';
import { FUNCTION_WORDS } from '../../../../src-shared/function-words';

export const MODE_LABELS: Record<SearchMode, string> = { hybrid: 'Hybrid', semantic: 'By meaning', text: 'By words' };
export const MODE_TITLES: Record<SearchMode, string> = {
  hybrid: 'Meaning and words together (ranks fused)',
  semantic: 'By meaning only: finds paraphrases, other words for the same thing',
  text: 'By words only: every word, as a prefix, any case',
};
export const SEARCH_MODES: readonly SearchMode[] = ['hybrid', 'semantic', 'text'];

export const SOURCE_LABELS: Record<MemorySource, string> = { message: 'Message', tool: 'Tool call', error: 'Error' };

export interface ResultGroup {
  traceId: string;
  /** The trace's root span name when the UI knows it (the trace list has it), else null. */
  rootName: string | null;
  service: string | null;
  /** Distinct agents of its matches, in rank order. */
  agents: string[];
  sessionId: string | null;
  /** The earliest start among its matches. */
  startTimeUnixNano: string;
  /** Its matches, best first (as the engine ranked them). */
  results: SearchResult[];
}

function earlier(a: string, b: string): string {
  try {
    return BigInt(b) < BigInt(a) ? b : a;
  } catch {
    return a;
  }
}

/**
 * One group per trace, ordered by each trace's best match (the engine sends results best first);
 * inside a group, its matches in rank order. The same text of the same span sent twice shows once.
 */
export function groupByTrace(results: readonly SearchResult[], rootNameOf: (traceId: string) => string | undefined = () => undefined): ResultGroup[] {
  const groups = new Map<string, ResultGroup>();
  const seen = new Set<string>();
  for (const r of results) {
    const dup = `${r.traceId}/${r.spanId}/${r.source}/${r.snippet}`;
    if (seen.has(dup)) continue;
    seen.add(dup);
    let g = groups.get(r.traceId);
    if (!g) {
      g = {
        traceId: r.traceId,
        rootName: rootNameOf(r.traceId) ?? null,
        service: r.service ?? null,
        agents: [],
        sessionId: r.sessionId ?? null,
        startTimeUnixNano: r.startTimeUnixNano,
        results: [],
      };
      groups.set(r.traceId, g);
    }
    g.results.push(r);
    g.service ??= r.service ?? null;
    g.sessionId ??= r.sessionId ?? null;
    if (r.agent && !g.agents.includes(r.agent)) g.agents.push(r.agent);
    g.startTimeUnixNano = earlier(g.startTimeUnixNano, r.startTimeUnixNano);
  }
  return [...groups.values()];
}

/** Matches a run shows before "N more in this run": the best few, so the next run stays in sight. */
export const MATCHES_PER_RUN = 3;

/** The matches a group shows, and how many more it holds. */
export function shownResults(g: ResultGroup, expanded: boolean, perRun = MATCHES_PER_RUN): { shown: SearchResult[]; more: number } {
  if (expanded || g.results.length <= perRun + 1) return { shown: g.results, more: 0 };
  return { shown: g.results.slice(0, perRun), more: g.results.length - perRun };
}

/** "1 more match in this run", "12 more matches in this run". */
export function moreLabel(more: number): string {
  return `${more.toLocaleString('en-US')} more ${more === 1 ? 'match' : 'matches'} in this run`;
}

/** A group's heading: the run's root span, else its agent, else its best match's span name. */
export function groupTitle(g: ResultGroup): string {
  return g.rootName || g.agents[0] || g.results[0]?.spanName || 'Trace';
}

/** "1 match in 1 run", "12 matches in 4 runs". */
export function resultsSummary(groups: readonly ResultGroup[]): string {
  const matches = groups.reduce((n, g) => n + g.results.length, 0);
  return `${matches.toLocaleString('en-US')} ${matches === 1 ? 'match' : 'matches'} in ${groups.length.toLocaleString('en-US')} ${groups.length === 1 ? 'run' : 'runs'}`;
}

/** "all-MiniLM-L6-v2-int8 · 384-d, local". */
export function formatEmbedder(info: EmbedderInfo): string {
  return `${info.model} · ${info.dim}-d, ${info.provider}`;
}

/**
 * What to say when the engine answered in another mode than asked: it falls back to words while the
 * vectors are not ready (the memory process is still catching up with ingest). null: nothing to say.
 */
export function modeNotice(asked: SearchMode, used: SearchMode): string | null {
  if (asked !== 'text' && used === 'text') return 'Meaning search is catching up: showing word matches';
  return null;
}

export interface Segment {
  text: string;
  /** A word of the query. */
  hit: boolean;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * The snippet cut where the query's words occur, so they can be marked: whole words, any case,
 * the last one also as a prefix (the word being typed), function words left out unless the query
 * has nothing else, as the engine's word search matches. A match by meaning may share no word with
 * the query: then one unmarked segment.
 */
export function highlightTerms(snippet: string, q: string): Segment[] {
  const all = (q.toLowerCase().match(WORD) ?? []).filter((w) => w.length >= 2);
  const content = all.filter((w) => !FUNCTION_WORDS.has(w));
  const words = content.length > 0 ? content : all;
  if (words.length === 0 || snippet === '') return [{ text: snippet, hit: false }];
  const last = all.at(-1);
  // Longest first, so "hotels" is preferred to "hotel" where both would match.
  const alternatives = [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map((w) => `${escapeRegExp(w)}${w === last ? '[\\p{L}\\p{N}_]*' : ''}(?![\\p{L}\\p{N}_])`);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join('|')})`, 'giu');
  const out: Segment[] = [];
  let at = 0;
  for (const m of snippet.matchAll(pattern)) {
    if (m.index > at) out.push({ text: snippet.slice(at, m.index), hit: false });
    out.push({ text: m[0], hit: true });
    at = m.index + m[0].length;
  }
  if (at < snippet.length) out.push({ text: snippet.slice(at), hit: false });
  return out.length > 0 ? out : [{ text: snippet, hit: false }];
}

/** The short form of an id for headings: the first 8 hex digits. */
export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** The search page's heading for "similar runs": of a span (by name when known) or of a whole trace. */
export function similarTitle(similar: { traceId: string; spanId: string | null }, names: { span?: string; root?: string } = {}): string {
  if (similar.spanId) return `Runs similar to ${names.span ? `“${names.span}”` : `span ${shortId(similar.spanId)}`}`;
  return `Runs similar to ${names.root ? `“${names.root}”` : `trace ${shortId(similar.traceId)}`}`;
}
