/**
 * Model prices and cost. The shipped table (resources/genai-prices.json, dated, with its source) is
 * matched on the response model, then the request model, after removing provider prefixes and
 * dated/version suffixes; failing an exact match, the longest key that is a prefix of the name at
 * a `-` boundary wins. User overrides are a second table that wins ties. Pure.
 */
import shippedTable from '../../../resources/genai-prices.json';
import type { ModelPrice } from '../../../src-shared/prices';
import { isObject } from './values';

export type { ModelPrice };

export interface PriceTable {
  /** When the prices were read (YYYY-MM-DD). */
  date: string;
  source: string;
  models: Record<string, ModelPrice>;
}

export interface PriceOptions {
  /** Defaults to the shipped table. */
  table?: PriceTable;
  /** From settings; a model here is priced from here even when the table or the span says otherwise. */
  overrides?: Record<string, ModelPrice>;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
}

function price(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** Keeps the entries that are well formed; a broken entry costs its model a price, not the table. */
export function parsePrices(raw: unknown): Record<string, ModelPrice> {
  const out: Record<string, ModelPrice> = {};
  if (!isObject(raw)) return out;
  for (const [model, entry] of Object.entries(raw)) {
    if (!isObject(entry) || model === '__proto__') continue;
    const input = price(entry.input);
    const output = price(entry.output);
    if (input === undefined || output === undefined) continue;
    out[model] = { input, output, cacheRead: price(entry.cacheRead) ?? null };
  }
  return out;
}

export function parsePriceTable(raw: unknown): PriceTable {
  const o = isObject(raw) ? raw : {};
  return {
    date: typeof o.date === 'string' ? o.date : '',
    source: typeof o.source === 'string' ? o.source : '',
    models: parsePrices(o.models),
  };
}

export const SHIPPED_PRICES: PriceTable = parsePriceTable(shippedTable);

/**
 * The comparable form of a model name: lowercase; without a routing/provider prefix (`openai/`,
 * `models/`, `azure/`, Bedrock's `us.anthropic.`); without `:…`/`@…` tags (Bedrock `:0`, Vertex
 * `@20240620`, Ollama `:8b`); without trailing dates, `-v1`-style versions and `-latest`; and with
 * dots between digits written as dashes, so `claude-3.5-sonnet` and `claude-3-5-sonnet` agree.
 */
export function canonicalModel(name: string): string {
  let s = name.trim().toLowerCase();
  s = s.slice(s.lastIndexOf('/') + 1);
  s = s.replace(/^(us|eu|apac|au|jp|ca|global)\./, '');
  s = s.replace(/^(anthropic|openai|meta|amazon|mistral|cohere|ai21|deepseek|google|xai|writer)\./, '');
  s = s.replace(/[@:].*$/, '');
  s = s.replace(/(\d)\.(?=\d)/g, '$1-');
  for (;;) {
    const next = s.replace(/-(latest|v\d+|\d{4}-\d{2}-\d{2}|\d{8}|\d{4})$/, '');
    if (next === s || next === '') break;
    s = next;
  }
  return s;
}

type Index = Map<string, ModelPrice>;
const indexes = new WeakMap<Record<string, ModelPrice>, Index>();

function indexOf(models: Record<string, ModelPrice>): Index {
  let index = indexes.get(models);
  if (!index) {
    index = new Map();
    for (const [name, p] of Object.entries(models)) index.set(canonicalModel(name), p);
    indexes.set(models, index);
  }
  return index;
}

/** Exact canonical match, else the longest key that prefixes the name at a `-` boundary. */
function lookup(index: Index, model: string): { key: string; price: ModelPrice } | undefined {
  let cache = lookups.get(index);
  if (!cache) {
    cache = new Map();
    lookups.set(index, cache);
  }
  const hit = cache.get(model);
  if (hit !== undefined) return hit ?? undefined;
  const found = lookupUncached(index, model);
  // Bounded: model names come from producers; an endless stream of distinct ones must not grow it.
  if (cache.size >= LOOKUP_CACHE_SIZE) cache.clear();
  cache.set(model, found ?? null);
  return found;
}

/**
 * Every GenAI span with usage looks up its model (canonical form: a handful of regexes, then a scan
 * of the table for the longest prefix), and a store sees few distinct model names: the answer is
 * kept per table. Tables are not modified after indexOf (settings replace the overrides object).
 */
const lookups = new WeakMap<Index, Map<string, { key: string; price: ModelPrice } | null>>();
const LOOKUP_CACHE_SIZE = 4096;

function lookupUncached(index: Index, model: string): { key: string; price: ModelPrice } | undefined {
  const canonical = canonicalModel(model);
  if (canonical === '') return undefined;
  const exact = index.get(canonical);
  if (exact) return { key: canonical, price: exact };
  let best: { key: string; price: ModelPrice } | undefined;
  for (const [key, p] of index) {
    if (canonical.startsWith(key + '-') && (!best || key.length > best.key.length)) best = { key, price: p };
  }
  return best;
}

export interface PriceMatch {
  key: string;
  price: ModelPrice;
  from: 'override' | 'table';
}

/**
 * The response model first, then the request model; for each, the closest entry (exact, else the
 * longest prefix) of the overrides and of the table together, an override winning a tie. So an
 * override of `gpt-4o` reprices `gpt-4o-2024-08-06` but not `gpt-4o-mini`, which the table knows
 * more precisely.
 */
export function findPrice(models: ReadonlyArray<string | undefined>, options: PriceOptions = {}): PriceMatch | undefined {
  const overrides = options.overrides ? indexOf(options.overrides) : undefined;
  const table = indexOf((options.table ?? SHIPPED_PRICES).models);
  for (const name of models) {
    if (typeof name !== 'string' || name.trim() === '') continue;
    const fromOverride = overrides ? lookup(overrides, name) : undefined;
    const fromTable = lookup(table, name);
    if (fromOverride && (!fromTable || fromOverride.key.length >= fromTable.key.length)) return { ...fromOverride, from: 'override' };
    if (fromTable) return { ...fromTable, from: 'table' };
  }
  return undefined;
}

/**
 * USD for the usage at a price. Input tokens include cached ones (OTel and OpenAI count them in),
 * so cached tokens are taken out of the input and priced at the cache-read rate; a producer that
 * reports cache reads on top of the input (Anthropic's API) yields cacheRead > input, and then
 * the uncached part is clamped at 0 rather than going negative.
 */
export function costAt(usage: Usage, p: ModelPrice): number {
  const input = usage.inputTokens ?? 0;
  const cached = usage.cacheReadTokens ?? 0;
  const uncached = Math.max(0, input - cached);
  const cacheRate = p.cacheRead ?? p.input;
  const usd = (uncached * p.input + cached * cacheRate + (usage.outputTokens ?? 0) * p.output) / 1_000_000;
  // Float noise (0.1 + 0.2) would make equal costs compare unequal across dialects.
  return Math.round(usd * 1e10) / 1e10;
}
