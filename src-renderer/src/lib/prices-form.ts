/**
 * The price table's rows as typed (strings, so a typo stays visible and gets our message), and the
 * way from rows to the list the engine checks, and from an imported file to rows.
 */
import { checkPriceList, type ModelPrice, type PriceList } from '../../../src-shared/prices';
import { SettingsError } from '../../../src-shared/settings';

export interface PriceRow {
  /** Stable across edits of the name, for React's keys. */
  id: number;
  model: string;
  input: string;
  output: string;
  /** Blank: cached input is priced as input. */
  cacheRead: string;
}

let nextId = 1;

export function blankRow(): PriceRow {
  return { id: nextId++, model: '', input: '', output: '', cacheRead: '' };
}

const usd = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));

export function rowsOf(list: PriceList): PriceRow[] {
  return Object.keys(list)
    .sort((a, b) => a.localeCompare(b))
    .map((model) => {
      const p = list[model]!;
      return { id: nextId++, model, input: usd(p.input), output: usd(p.output), cacheRead: usd(p.cacheRead) };
    });
}

/** The key a row's message is filed under: its model name, as the engine names it. */
export function rowKey(row: PriceRow): string {
  return row.model.trim();
}

/**
 * The list the rows say, or a message per wrong row (by rowKey). Rows left wholly blank are
 * ignored: an added row not filled in is no mistake.
 */
export function listOfRows(rows: readonly PriceRow[]): { list: PriceList; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const raw = new Map<string, Record<string, unknown>>();
  for (const row of rows) {
    const model = rowKey(row);
    if (model === '' && row.input.trim() === '' && row.output.trim() === '' && row.cacheRead.trim() === '') continue;
    if (model === '') {
      errors[''] = 'a model needs a name';
      continue;
    }
    if (raw.has(model)) {
      errors[model] = 'is listed twice';
      continue;
    }
    const number = (text: string): number | string => (text.trim() === '' ? '' : Number(text.trim()));
    const entry: Record<string, unknown> = { input: number(row.input), output: number(row.output) };
    if (row.cacheRead.trim() !== '') entry.cacheRead = number(row.cacheRead);
    raw.set(model, entry);
  }
  try {
    // fromEntries defines own properties: no model name reaches a prototype.
    const list = checkPriceList(Object.fromEntries(raw));
    return { list, errors };
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    return { list: {}, errors: { ...err.fields, ...errors } };
  }
}

/**
 * The prices in an imported file: your own list (`{"model": {"input", "output", "cacheRead"?}}`, as
 * `serve --prices` reads) or a table shaped like the shipped one (`{"date", "source", "models": …}`).
 * Throws with a message naming what is wrong.
 */
export function pricesOfFile(name: string, text: string): PriceList {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const models = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'models' in raw ? (raw as { models: unknown }).models : raw;
  try {
    return checkPriceList(models);
  } catch (err) {
    if (!(err instanceof SettingsError)) throw err;
    const problems = Object.entries(err.fields).map(([model, message]) => (model === 'prices' ? message : `"${model}" ${message}`));
    throw new Error(`${name}: ${problems.join('; ')}`, { cause: err });
  }
}

/** The rows with the imported prices in: a model already listed takes the file's price. */
export function mergeImported(rows: readonly PriceRow[], imported: PriceList): { rows: PriceRow[]; added: number; replaced: number } {
  const byModel = new Map(rows.filter((r) => rowKey(r) !== '').map((r) => [rowKey(r), r]));
  let added = 0;
  let replaced = 0;
  for (const [model, price] of Object.entries(imported) as Array<[string, ModelPrice]>) {
    const [row] = rowsOf({ [model]: price });
    if (byModel.has(model)) replaced++;
    else added++;
    byModel.set(model, row!);
  }
  return { rows: [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model)), added, replaced };
}
