/**
 * Collects benchmark figures, prints each on its own line with its target beside it, and writes
 * them all as JSON. A figure that could not be measured carries `value: null` and says why.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Target {
  /** `min`: the value must be at least `value`; `max`: at most. */
  kind: 'min' | 'max';
  value: number;
}

export interface Figure {
  section: string;
  name: string;
  value: number | null;
  unit: string;
  target: Target | null;
  /** null when there is no target or no value. */
  pass: boolean | null;
  note: string | null;
}

export interface FigureOptions {
  target?: Target;
  note?: string;
}

export function atLeast(value: number): Target {
  return { kind: 'min', value };
}

export function atMost(value: number): Target {
  return { kind: 'max', value };
}

export function formatNumber(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Number.isInteger(v)) return String(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

export class Report {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];

  constructor(readonly meta: Record<string, unknown>) {}

  add(section: string, name: string, value: number | null, unit: string, options: FigureOptions = {}): Figure {
    const target = options.target ?? null;
    const pass = target === null || value === null ? null : target.kind === 'min' ? value >= target.value : value <= target.value;
    const fig: Figure = { section, name, value, unit, target, pass, note: options.note ?? null };
    this.figures.push(fig);
    const shown = value === null ? 'n/a' : `${formatNumber(value)} ${unit}`;
    const tgt = target ? `target ${target.kind === 'min' ? '≥' : '≤'} ${formatNumber(target.value)} ${unit}` : '';
    const verdict = pass === null ? '' : pass ? 'PASS' : 'FAIL';
    const line = `[${section}] ${name.padEnd(52)} ${shown.padStart(20)}   ${tgt.padEnd(30)} ${verdict.padEnd(4)}${options.note ? `  (${options.note})` : ''}`;
    console.log(line.trimEnd());
    return fig;
  }

  /** A figure that could not be measured (feature missing, error): printed as n/a with the reason. */
  unavailable(section: string, name: string, unit: string, reason: string, target?: Target): Figure {
    return this.add(section, name, null, unit, { note: `n/a: ${reason}`, ...(target ? { target } : {}) });
  }

  note(line: string): void {
    this.notes.push(line);
    console.log(`  · ${line}`);
  }

  write(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ meta: this.meta, figures: this.figures, notes: this.notes }, null, 2) + '\n');
  }
}

/** Nearest-rank percentile of `samples` (not modified). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.length > 160 ? `${msg.slice(0, 157)}...` : msg;
}
