// The time axis: tick spacing (1-2-5 steps, at least a label's width apart at the current zoom) and
// the labels for ticks and bar durations. Times are offsets from the trace's start in fractional ms.

export interface Ticks {
  /** Distance between ticks in ms. */
  step: number;
  /** Tick times in ms, ascending, all within [start, end]. */
  values: number[];
}

const MAX_TICKS = 1000;

/** The smallest 1-2-5 step that puts ticks at least `minGapPx` apart over `widthPx` pixels. */
export function chooseTicks(startMs: number, endMs: number, widthPx: number, minGapPx = 90): Ticks {
  const span = endMs - startMs;
  if (!(span > 0) || !(widthPx > 0)) return { step: 0, values: [] };
  const raw = (minGapPx * span) / widthPx;
  const pow = 10 ** Math.floor(Math.log10(raw));
  let step = 10 * pow;
  for (const m of [1, 2, 5]) {
    // Relative slack: a window far from zero loses digits in end − start.
    if (m * pow >= raw * (1 - 1e-6)) {
      step = m * pow;
      break;
    }
  }
  const values: number[] = [];
  // Multiples of the step, not repeated additions, so 0.1-steps do not drift.
  const first = Math.ceil(startMs / step - 1e-9) || 0; // never -0
  const last = Math.floor(endMs / step + 1e-9);
  for (let k = first; k <= last && values.length < MAX_TICKS; k++) values.push(k * step);
  return { step, values };
}

export interface TimeUnit {
  name: string;
  ms: number;
}

const UNITS: TimeUnit[] = [
  { name: 's', ms: 1000 },
  { name: 'ms', ms: 1 },
  { name: 'µs', ms: 1e-3 },
  { name: 'ns', ms: 1e-6 },
];

/**
 * One unit for every label on the axis, chosen by the largest time shown, so labels read
 * "9.5 s, 10.0 s" rather than "9,500 ms" next to "10 s".
 */
export function axisUnit(maxAbsMs: number): TimeUnit {
  for (const u of UNITS) if (maxAbsMs >= u.ms) return u;
  return UNITS[UNITS.length - 1]!;
}

/** A tick label with as many decimals as the step needs, e.g. "1.25 s", "40 ms", "0". */
export function formatTick(valueMs: number, stepMs: number, unit: TimeUnit): string {
  if (Math.abs(valueMs) < stepMs * 1e-6) return '0';
  const decimals = Math.min(9, Math.max(0, -Math.floor(Math.log10(stepMs / unit.ms) + 1e-9)));
  return `${(valueMs / unit.ms).toFixed(decimals)} ${unit.name}`;
}
