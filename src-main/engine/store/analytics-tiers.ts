/**
 * The rollups' time tiers (migrations 0007 and 0009): the same rows per minute, per hour and per UTC
 * day, each coarser row the exact merge of the finer ones (counts add, sketches merge). A query reads
 * whole days, then whole hours, then minutes at the ragged ends: at most ~30 + 46 + 118 rows per
 * group for any range, where minutes alone cost up to 43,200 (measured at 1M spans over 30 days:
 * latency by span name 2.3 s from minutes; bench/analytics-queries.ts). Pure.
 */

export interface Tier {
  table: 'analytics_minutes' | 'analytics_hours' | 'analytics_days';
  /** The table's time column: a count of `minutes`-long periods since the unix epoch. */
  column: 'minute' | 'hour' | 'day';
  minutes: number;
}

/** Finest first. */
export const TIERS: readonly Tier[] = [
  { table: 'analytics_minutes', column: 'minute', minutes: 1 },
  { table: 'analytics_hours', column: 'hour', minutes: 60 },
  { table: 'analytics_days', column: 'day', minutes: 1440 },
];

/** Rows of `tier` numbered `from`..`to` (inclusive, in the tier's own periods). */
export interface TierRange {
  tier: Tier;
  from: number;
  to: number;
}

/**
 * Unix minutes lo..hi (inclusive) as the fewest tier rows: the coarsest tier's whole periods inside
 * the range, the finer tiers for what is left on each side.
 */
export function coverMinutes(lo: number, hi: number, tiers: readonly Tier[] = TIERS): TierRange[] {
  if (lo > hi) return [];
  const coarse = tiers[tiers.length - 1]!;
  const w = coarse.minutes;
  const first = Math.ceil(lo / w);
  const last = Math.floor((hi + 1) / w) - 1;
  if (tiers.length === 1 || first > last) {
    return tiers.length === 1 ? [{ tier: coarse, from: lo, to: hi }] : coverMinutes(lo, hi, tiers.slice(0, -1));
  }
  const finer = tiers.slice(0, -1);
  return [...coverMinutes(lo, first * w - 1, finer), { tier: coarse, from: first, to: last }, ...coverMinutes((last + 1) * w, hi, finer)];
}

/** The coarsest tier whose periods tile buckets of `widthMinutes` (aligned to multiples of the width). */
export function tierForBuckets(widthMinutes: number, tiers: readonly Tier[] = TIERS): Tier {
  let best = tiers[0]!;
  for (const t of tiers) if (widthMinutes % t.minutes === 0) best = t;
  return best;
}
