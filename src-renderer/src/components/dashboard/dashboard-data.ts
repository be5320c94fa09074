// The dashboard's pure parts: a range to nanosecond bounds, a time series to uPlot's columns, the
// budget check. Tested without React (test/renderer/dashboard-data.test.ts).
import type { AnalyticsMetric, AnalyticsTimeseries } from '../../../../src-shared/contract';
import { formatDuration, formatTokens, formatUsd } from '../../../../src-shared/format';
import { rangeWindow, type TimeRange } from '../../lib/time-range';

export const METRIC_LABELS: Record<AnalyticsMetric, string> = { spans: 'Spans', errors: 'Errors', tokens: 'Tokens', cost: 'Cost', p95Ms: 'p95 latency' };

/**
 * The app's range as unix-nanosecond decimal strings, ending at `now` (unix ms) unless it names
 * its own end. No `from` ("all time", or a custom range open at its start): all that is stored.
 */
export function rangeBounds(range: TimeRange, now: number): { from?: string; to: string } {
  const { from, to } = rangeWindow(range, now);
  return { ...(from !== undefined ? { from } : {}), to: to ?? (BigInt(Math.floor(now)) * 1_000_000n).toString() };
}

/** Start of the UTC day holding `now`, as unix nanoseconds: the budget's day (rollup buckets are UTC-aligned). */
export function utcDayStart(now: number): string {
  return (BigInt(Math.floor(now / 86_400_000) * 86_400_000) * 1_000_000n).toString();
}

/** uPlot's columns: x in unix seconds, one series per key (null where a bucket has nothing), keys by total. */
export function chartColumns(ts: AnalyticsTimeseries): { keys: string[]; data: Array<Array<number | null>> } {
  const totals = new Map<string, number>();
  for (const b of ts.buckets) for (const [k, v] of Object.entries(b.values)) totals.set(k, (totals.get(k) ?? 0) + v);
  const keys = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const x = ts.buckets.map((b) => Number(BigInt(b.t) / 1_000_000_000n));
  const series = keys.map((k) => ts.buckets.map((b) => b.values[k] ?? null));
  return { keys, data: [x, ...series] };
}

export function formatMetric(metric: AnalyticsMetric, v: number): string {
  if (metric === 'cost') return formatUsd(v);
  if (metric === 'p95Ms') return formatDuration(v);
  return formatTokens(v);
}

/** The notice to raise, or null: today's cost against the daily budget (null or ≤ 0 means no budget). */
export function budgetNotice(todayUsd: number, budgetUsd: number | null): string | null {
  if (budgetUsd === null || !(budgetUsd > 0) || todayUsd <= budgetUsd) return null;
  return `Today's cost ${formatUsd(todayUsd)} is over the daily budget of ${formatUsd(budgetUsd)} (UTC day).`;
}

const BUDGET_KEY = 'flowtrace.dailyBudgetUsd';

export function loadBudget(): number | null {
  try {
    const v = Number(localStorage.getItem(BUDGET_KEY));
    return v > 0 ? v : null;
  } catch {
    return null;
  }
}

export function saveBudget(usd: number | null): void {
  try {
    if (usd === null) localStorage.removeItem(BUDGET_KEY);
    else localStorage.setItem(BUDGET_KEY, String(usd));
  } catch {
    // Storage refused (private mode): the budget lasts this page only.
  }
}
