/**
 * The user's model prices, as the settings page edits them and the engine saves them (`prices.json`
 * in the data directory): model name → USD per million tokens. Shared so the page says the same
 * as the engine that checks an edit, entry by entry.
 */
import { SettingsError } from './settings';

/** USD per million tokens. cacheRead null or absent: cached input is priced as input. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead?: number | null;
}

export type PriceList = Record<string, ModelPrice>;

/** What GET, PUT and DELETE /api/v1/settings/prices answer. */
export interface PricesView {
  /** The table that ships with Flowtrace: when its prices were read, and from where. */
  shipped: { date: string; source: string; models: PriceList };
  /** Your prices (prices.json): a model here is priced from here, whatever the shipped table says. */
  yours: PriceList;
  /** Your saved prices differ from the ones this run prices with: they apply after a restart. */
  restartNeeded: boolean;
  /** A `--prices` flag sets this run's prices; yours are kept for a run without it. */
  overridden: boolean;
}

export const MAX_MODEL_NAME_LENGTH = 200;
const PRICE_FIELDS = ['input', 'output', 'cacheRead'] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function modelNameProblem(model: string): string | null {
  if (model.trim() === '') return 'a model needs a name';
  if (model !== model.trim()) return 'a model name has no spaces at either end';
  if (model.length > MAX_MODEL_NAME_LENGTH) return `a model name is at most ${MAX_MODEL_NAME_LENGTH} characters`;
  if (model === '__proto__') return 'not a model name';
  return null;
}

/**
 * The list as given, or SettingsError with one message per wrong model (keyed by its name; `prices`
 * when the whole is not a list). Messages start with the field they are about, so a file reader can
 * put `"model".` in front.
 */
export function checkPriceList(raw: unknown): PriceList {
  if (!isPlainObject(raw)) throw new SettingsError({ prices: 'send a JSON object of model name → {"input", "output", "cacheRead"?} in USD per million tokens' });
  // Pairs, made an object by fromEntries, which defines own properties: no model name (even
  // __proto__) can reach a prototype.
  const errors: Array<[string, string]> = [];
  const entries: Array<[string, ModelPrice]> = [];
  for (const [model, entry] of Object.entries(raw)) {
    const nameProblem = modelNameProblem(model);
    if (nameProblem) {
      errors.push([model, nameProblem]);
      continue;
    }
    if (!isPlainObject(entry)) {
      errors.push([model, 'must be an object {"input", "output", "cacheRead"?}']);
      continue;
    }
    const unknown = Object.keys(entry).find((k) => !(PRICE_FIELDS as readonly string[]).includes(k));
    if (unknown !== undefined) {
      errors.push([model, `has unknown field "${unknown}" (use input, output, cacheRead)`]);
      continue;
    }
    const wrong = PRICE_FIELDS.filter((field) => {
      const v = entry[field];
      if (field === 'cacheRead' && (v === undefined || v === null)) return false;
      return typeof v !== 'number' || !Number.isFinite(v) || v < 0;
    });
    if (wrong.length > 0) {
      errors.push([model, `${wrong.join(' and ')} must be ${wrong.length > 1 ? 'numbers' : 'a number'} of USD per million tokens (0 or more)`]);
      continue;
    }
    const cacheRead = entry.cacheRead as number | null | undefined;
    entries.push([model, { input: entry.input as number, output: entry.output as number, cacheRead: cacheRead ?? null }]);
  }
  if (errors.length > 0) throw new SettingsError(Object.fromEntries(errors));
  return Object.fromEntries(entries);
}

/** Whether two lists price every model the same (order of entries aside). */
export function samePrices(a: PriceList, b: PriceList): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((model) => {
    const x = a[model]!;
    const y = Object.hasOwn(b, model) ? b[model] : undefined;
    return y !== undefined && x.input === y.input && x.output === y.output && (x.cacheRead ?? null) === (y.cacheRead ?? null);
  });
}
