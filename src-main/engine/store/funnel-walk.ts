/**
 * One run's progress through a funnel, decided in one pass over its marked spans in start order
 * (ties in storage order): step i is the first span that matches it and starts strictly after the
 * span taken for step i - 1, which is the earliest choice per step and reaches as many steps as
 * any choice could. Used as a SQLite aggregate (`funnel_walk(... ORDER BY start)`, funnel-queries.ts)
 * so one number per run crosses from SQL to JS. Pure: no node imports.
 *
 * Starts arrive as whole seconds and the nanoseconds within them: a start in ns is past 2^53 and
 * two spans 200 ns apart would compare equal as one JS number.
 */

export interface FunnelWalk {
  /** Steps reached so far; the next step to look for. */
  reached: number;
  /** Position in the pass of the span taken for the last reached step. */
  at: number;
  atSec: number;
  atNs: number;
  /** The trace (its index in the caller's list) of that span. */
  trace: number;
  /** A span taken for a step failed. */
  stepFailed: boolean;
  /** The last failed span seen (the latest start, the order being by start): position and start. */
  failedAt: number;
  failedSec: number;
  failedNs: number;
  seen: number;
}

export function startWalk(): FunnelWalk {
  return { reached: 0, at: -1, atSec: 0, atNs: 0, trace: -1, stepFailed: false, failedAt: -1, failedSec: 0, failedNs: 0, seen: 0 };
}

/** One span: `steps` has bit i set when it matches step i; spans must come by start, then a stable tie-breaker. */
export function walkSpan(w: FunnelWalk, steps: number, failed: number, trace: number, sec: number, ns: number): void {
  const i = w.seen++;
  // Sorted by start, so "strictly after" is "not at the same instant".
  if ((steps >> w.reached) & 1 && (w.reached === 0 || sec !== w.atSec || ns !== w.atNs)) {
    w.reached++;
    w.at = i;
    w.atSec = sec;
    w.atNs = ns;
    w.trace = trace;
    if (failed) w.stepFailed = true;
  }
  if (failed) {
    w.failedAt = i;
    w.failedSec = sec;
    w.failedNs = ns;
  }
}

export interface WalkOutcome {
  reached: number;
  trace: number;
  /** A span taken for a step failed. */
  stepFailed: boolean;
  /** A span starting at or after the last reached step's failed. */
  failedAfter: boolean;
}

const STEP_BITS = 16; // MAX_FUNNEL_STEPS is 8; reached 0..8 needs 4 bits, the flags 2 more

/** The walk as one SQL integer (null when no step was reached): reached, the two flags, then the trace. */
export function encodeWalk(w: FunnelWalk): number | null {
  if (w.reached === 0) return null;
  // The last failed span starts at or after the last step's: later in the pass, or at the same instant before it.
  const failedAfter = w.failedAt > w.at || (w.failedAt >= 0 && w.failedSec === w.atSec && w.failedNs === w.atNs);
  return w.reached + (w.stepFailed ? STEP_BITS : 0) + (failedAfter ? 2 * STEP_BITS : 0) + 4 * STEP_BITS * w.trace;
}

export function decodeWalk(code: number): WalkOutcome {
  const low = code % (4 * STEP_BITS);
  return {
    reached: low % STEP_BITS,
    stepFailed: (low & STEP_BITS) !== 0,
    failedAfter: (low & (2 * STEP_BITS)) !== 0,
    trace: (code - low) / (4 * STEP_BITS),
  };
}
