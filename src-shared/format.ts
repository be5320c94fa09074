// The numbers Flowtrace shows, in one place so a cost, a token count or a duration reads the same in
// every view (list, header, graph, timeline, span detail), the CLI and the MCP server's answers.
// Three formatters (one per view) had drifted: the list showed "$0.0630", the detail "$0.063" and
// the graph "$0.063", and durations were "1,235 ms" in one place and "1.24 s" in another. Pure.

/** Grouped, never abbreviated: "1,234,567". */
export function formatTokens(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
}

/**
 * $1,234.57, $12.35, $0.50, $0.063, $0.00027, $0.0000345, $0.00000016: two decimals, more only as the size
 * needs (three significant digits at most below a dollar, trailing zeros dropped), never in exponent form, never rounded to $0.00.
 */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0.00';
  const abs = Math.abs(usd);
  const sign = usd < 0 ? '-' : '';
  if (abs >= 1) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const digits = Math.min(20, Math.max(2, 2 - Math.floor(Math.log10(abs))));
  let text = abs.toFixed(digits);
  if (digits > 2) text = text.replace(/0+$/, '').replace(/\.\d$/, (d) => `${d}0`);
  return `${sign}$${text}`;
}

/** What a cost field says: the amount, "no price" when tokens were counted but nothing had a price, null when there is nothing to say. */
export function costLabel(costUsd: number | null | undefined, tokensKnown: boolean): string | null {
  if (typeof costUsd === 'number') return formatUsd(costUsd);
  return tokensKnown || costUsd === null ? 'no price' : null;
}

/** At most `decimals` decimals, trailing zeros dropped: "5", "4.2", "1.24". */
function fixed(x: number, decimals: number): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: decimals });
}

/**
 * A duration in the unit a person would say: "0.012 ms", "4.2 ms", "40 ms", "346 ms", "1.24 s",
 * "12.3 s", "2 min 05 s", "1 h 02 min". At most three significant digits below a minute.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 1) return `${sign}${fixed(abs, Math.min(6, Math.max(2, 1 - Math.floor(Math.log10(abs)))))} ms`;
  if (abs < 1000) return `${sign}${fixed(abs, abs < 10 ? 2 : abs < 100 ? 1 : 0)} ms`;
  // Below a minute in seconds; 59.96 s would round to "60.0 s", so that is a minute already.
  if (abs < 59_950) return `${sign}${fixed(abs / 1000, abs < 10_000 ? 2 : 1)} s`;
  const totalS = Math.round(abs / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${sign}${h} h ${String(m).padStart(2, '0')} min` : `${sign}${m} min ${String(s).padStart(2, '0')} s`;
}
