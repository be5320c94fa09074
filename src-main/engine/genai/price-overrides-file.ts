/**
 * The user's own model prices: a JSON file (`prices.json` in the data directory, or `serve --prices
 * FILE`) of `{"model": {"input": USD per 1M tokens, "output": …, "cacheRead"?: …}}`. Unlike the
 * shipped table, every entry is checked and a bad one stops the start with its file and model
 * named: a silently skipped price would show a wrong cost.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ModelPrice } from './prices';

export const PRICE_OVERRIDES_FILE = 'prices.json';

function usdPerMillion(file: string, model: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new Error(`${file}: "${model}".${field} must be a number of USD per million tokens (0 or more)`);
  }
  return v;
}

export function readPriceOverrides(file: string): Record<string, ModelPrice> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not readable JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${file} must be a JSON object of model name → {"input", "output", "cacheRead"?}`);
  }
  const out: Record<string, ModelPrice> = {};
  for (const [model, entry] of Object.entries(raw)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${file}: "${model}" must be an object {"input", "output", "cacheRead"?}`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).filter((k) => k !== 'input' && k !== 'output' && k !== 'cacheRead');
    if (unknown.length) throw new Error(`${file}: "${model}" has unknown field "${unknown[0]}" (use input, output, cacheRead)`);
    Object.defineProperty(out, model, {
      value: {
        input: usdPerMillion(file, model, 'input', e.input),
        output: usdPerMillion(file, model, 'output', e.output),
        cacheRead: e.cacheRead === undefined ? null : usdPerMillion(file, model, 'cacheRead', e.cacheRead),
      },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** The data directory's price file when there is one; undefined otherwise. */
export function readDataDirPriceOverrides(file: string): Record<string, ModelPrice> | undefined {
  return existsSync(file) ? readPriceOverrides(file) : undefined;
}
