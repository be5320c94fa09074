/**
 * The user's own model prices: a JSON file (`prices.json` in the data directory, written by the
 * settings page, or `serve --prices FILE`) of `{"model": {"input": USD per 1M tokens, "output": …,
 * "cacheRead"?: …}}`. Unlike the shipped table, every entry is checked and a bad one stops the
 * start with its file and model named: a silently skipped price would show a wrong cost.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { checkPriceList, type PriceList } from '../../../src-shared/prices';
import { SettingsError } from '../../../src-shared/settings';

export const PRICE_OVERRIDES_FILE = 'prices.json';

export function readPriceOverrides(file: string): PriceList {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not readable JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return checkPriceList(raw);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    const problems = Object.entries(err.fields).map(([model, message]) => (model === 'prices' ? message : `"${model}".${message}`));
    throw new Error(`${file}: ${problems.join('; ')}`, { cause: err });
  }
}

/** The data directory's price file when there is one; undefined otherwise. */
export function readDataDirPriceOverrides(file: string): PriceList | undefined {
  return existsSync(file) ? readPriceOverrides(file) : undefined;
}

/** Written whole to a temporary file and renamed over the old one: a crash leaves one or the other. */
export function writePriceOverrides(file: string, prices: PriceList): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(prices, null, 2)}\n`);
  renameSync(temp, file);
}

export function removePriceOverrides(file: string): void {
  rmSync(file, { force: true });
}
