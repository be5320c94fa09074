// Nanosecond timestamps arrive as decimal strings (see the contract). They go through BigInt so the
// sub-millisecond part survives; only the final, human-sized numbers become JS numbers.
import type { NanoString } from '../../../src-shared/contract';

function toBigInt(nano: NanoString): bigint {
  try {
    return BigInt(nano);
  } catch {
    return 0n;
  }
}

/** Milliseconds between two nanosecond strings, with fractional part. */
export function nanoDiffMs(start: NanoString, end: NanoString): number {
  return Number(toBigInt(end) - toBigInt(start)) / 1e6;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Local wall-clock time with milliseconds, e.g. "2025-11-22 14:03:22.123". The date is left out when
 * `now` is the same local day, which keeps list columns short.
 */
export function formatNanoLocal(nano: NanoString, now: Date = new Date()): string {
  const ns = toBigInt(nano);
  const d = new Date(Number(ns / 1_000_000n));
  const ms = Number(ns % 1_000_000_000n / 1_000_000n);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(ms, 3)}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** Full precision for tooltips: ISO date plus the nanoseconds within the second. */
export function formatNanoFull(nano: NanoString): string {
  const ns = toBigInt(nano);
  const d = new Date(Number(ns / 1_000_000n));
  if (Number.isNaN(d.getTime())) return nano;
  const frac = pad(Number(ns % 1_000_000_000n), 9);
  return `${d.toISOString().slice(0, 19)}.${frac}Z`;
}

/** A unix-ms instant as local wall-clock time to the second; the date only when not today. */
export function formatWallClock(ms: number, now: Date = new Date()): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}
