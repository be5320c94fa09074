// Pure text for the session views: token splits, a cost with where it came from, a tool input in one
// line. Kept apart from the components so it is tested without React.
import type { AttributeValue, CostSource, SessionModelCall, SessionSummary } from '../../../../src-shared/contract';
import { formatDuration, formatUsd } from '../../lib/format';
import { NONE, NO_PRICE } from '../../lib/list/format';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const COST_SOURCE_LABELS: Record<CostSource, string> = {
  reported: 'reported by the tool',
  prices: 'from the price table',
  mixed: 'partly reported, partly from the price table',
  none: 'no price',
};

export function formatCount(n: number | null): string {
  return n === null ? NONE : integer.format(n);
}

/** "$0.0119 (reported by the tool)", or "no price". */
export function formatSessionCost(s: Pick<SessionSummary, 'costUsd' | 'costSource'>): string {
  if (s.costUsd === null) return s.costSource === 'none' ? NO_PRICE : NONE;
  return `${formatUsd(s.costUsd)} (${COST_SOURCE_LABELS[s.costSource]})`;
}

/** First to last activity: "4.21 s", "12m 03s". */
export function formatSessionDuration(s: Pick<SessionSummary, 'firstActivityUnixNano' | 'lastActivityUnixNano'>): string {
  return formatDuration(Number(BigInt(s.lastActivityUnixNano) - BigInt(s.firstActivityUnixNano)) / 1e6);
}

/** "—", "1 in 1 turn", "3 in 2 turns". */
export function formatSessionErrors(s: Pick<SessionSummary, 'errors' | 'failedTurns'>): string {
  if (s.errors === 0) return NONE;
  return `${integer.format(s.errors)} in ${integer.format(s.failedTurns)} ${s.failedTurns === 1 ? 'turn' : 'turns'}`;
}

/** A list cell: the first `max` names, then "+N" for the rest ("—" when none). */
export function formatNames(names: readonly string[], max = 2): string {
  if (names.length === 0) return NONE;
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} +${names.length - max}` : shown;
}

export function formatCallCost(c: SessionModelCall): string {
  if (c.costUsd === null) return NO_PRICE;
  return c.costSource === 'reported' ? `${formatUsd(c.costUsd)} reported` : formatUsd(c.costUsd);
}

/** "in 3,100 (cache read 2,010 · write 501) · out 23 (reasoning 6)". */
export function formatCallTokens(c: Pick<SessionModelCall, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'reasoningTokens'>): string {
  const cache = [
    c.cacheReadTokens ? `cache read ${integer.format(c.cacheReadTokens)}` : null,
    c.cacheWriteTokens ? `write ${integer.format(c.cacheWriteTokens)}` : null,
  ].filter((x) => x !== null);
  const input = `in ${formatCount(c.inputTokens)}${cache.length ? ` (${cache.join(' · ')})` : ''}`;
  const output = `out ${formatCount(c.outputTokens)}${c.reasoningTokens ? ` (reasoning ${integer.format(c.reasoningTokens)})` : ''}`;
  return `${input} · ${output}`;
}

/** A tool's input on one line: `command: echo hi`-style for flat objects, JSON otherwise, cut at `max`. */
export function formatToolInput(input: AttributeValue | null, max = 200): string {
  if (input === null) return NONE;
  let text: string;
  if (typeof input === 'string') text = input;
  else if (typeof input === 'object' && !Array.isArray(input)) {
    text = Object.entries(input)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' · ');
  } else text = JSON.stringify(input);
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
