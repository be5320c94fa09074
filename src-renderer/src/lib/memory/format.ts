// Text of the Memory page: a recall score, an item's metadata on one line, and the commands that
// write to a collection from outside the UI (the empty state shows them).
import type { MemoryStatus } from '../../../../src-shared/contract';
import { formatEmbedder } from '../search/results';

/** Cosine similarity with two decimals: "0.83". */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(2) : '—';
}

/** `source: notes · run: 42`, JSON for nested values, cut at `max`; '' when empty. */
export function formatMetadata(metadata: Record<string, unknown>, max = 160): string {
  const text = Object.entries(metadata)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Single quotes for a POSIX shell, with any single quote inside closed, escaped and reopened. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9._\-/:=@]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function cliRememberExample(collection: string, text: string): string {
  return `flowtrace memory remember ${shellQuote(collection)} ${shellQuote(text)}`;
}

export function curlRememberExample(origin: string, collection: string, text: string): string {
  return [
    `curl -X POST ${origin}/api/v1/memory/${encodeURIComponent(collection)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify({ text, metadata: { source: 'notes' } }))}`,
  ].join('\n');
}

export function curlRecallExample(origin: string, collection: string, query: string): string {
  return [
    `curl -X POST ${origin}/api/v1/memory/${encodeURIComponent(collection)}/recall \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify({ query, k: 3 }))}`,
  ].join('\n');
}

/** One quiet line on what the memory is doing: "1,204 texts · 12 spans waiting · all-MiniLM… · 384-d, local". */
export function statusLine(s: MemoryStatus): string {
  if (!s.enabled) return 'Memory is off';
  const parts = [`${s.items.toLocaleString('en-US')} ${s.items === 1 ? 'text' : 'texts'} remembered`];
  if (s.backlogSpans > 0) parts.push(`${s.backlogSpans.toLocaleString('en-US')} ${s.backlogSpans === 1 ? 'span' : 'spans'} waiting`);
  if (s.skippedSpans > 0) parts.push(`${s.skippedSpans.toLocaleString('en-US')} passed over (backlog full)`);
  if (s.embedder) parts.push(formatEmbedder(s.embedder));
  return parts.join(' · ');
}
