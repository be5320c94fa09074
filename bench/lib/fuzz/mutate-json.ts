/**
 * Mutations of OTLP/JSON requests: structural (a node of the parsed request replaced by a value of
 * another type, a key deleted or renamed to a prototype-ish name, AnyValue nested deep) and textual
 * (flips, truncation, stray tokens, deletions), so both JSON.parse failures and well-formed JSON of
 * the wrong shape reach the decoder.
 */
import type { Rng } from '../../gen/agent-spans';
import type { Corpus } from './corpus';
import type { MutatedCase } from './mutate-protobuf';

type Key = string | number;
type Container = Record<string, unknown> | unknown[];
type Ref = { parent: Container; key: Key };

/** Paths (keys from the root) of every node of a seed, computed once per seed. */
const pathCache = new WeakMap<object, Key[][]>();

function pathsOf(root: unknown, limit = 4000): Key[][] {
  if (root === null || typeof root !== 'object') return [];
  const cached = pathCache.get(root);
  if (cached) return cached;
  const out: Key[][] = [];
  const stack: Array<[unknown, Key[]]> = [[root, []]];
  while (stack.length > 0 && out.length < limit) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const entries: Array<[Key, unknown]> = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    for (const [k, child] of entries) {
      out.push([...path, k]);
      stack.push([child, [...path, k]]);
    }
  }
  pathCache.set(root, out);
  return out;
}

function shallowCopy(v: Container): Container {
  return Array.isArray(v) ? v.slice() : Object.assign(Object.create(null) as Record<string, unknown>, v);
}

/**
 * A copy of `root` in which the containers along `path` are fresh (the seed stays untouched, and
 * only a path's worth is copied per case); returns the new root and the copied parent of the node.
 */
function copyAlong(root: Container, path: readonly Key[]): { root: Container; ref: Ref } {
  const newRoot = shallowCopy(root);
  let parent = newRoot;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const child = shallowCopy((parent as Record<Key, unknown>)[k] as Container);
    put(parent, k, child);
    parent = child;
  }
  return { root: newRoot, ref: { parent, key: path[path.length - 1]! } };
}

/** Sets a property as an own data property, even for "__proto__". */
function put(obj: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Deep values are spliced into the text after JSON.stringify (which recurses and would overflow
 * the stack on them): the tree carries a marker string, replaced by text built without recursion.
 */
const DEEP_MARKER = '\u0001deep:';

function deepMarker(kind: 'any' | 'any-mixed' | 'array', levels: number): string {
  return `${DEEP_MARKER}${kind}:${levels}`;
}

function deepText(kind: string, levels: number): string {
  if (kind === 'array') return '['.repeat(levels) + '1' + ']'.repeat(levels);
  let open = '';
  let close = '';
  for (let i = 1; i < levels; i++) {
    if (kind === 'any-mixed' && i % 2 === 0) {
      open = '{"kvlistValue":{"values":[{"key":"k","value":' + open;
      close += '}]}}';
    } else {
      open = '{"arrayValue":{"values":[' + open;
      close += ']}}';
    }
  }
  return open + '{"stringValue":"leaf"}' + close;
}

function stringifyWithDeep(root: unknown): string {
  const text = JSON.stringify(root);
  if (!text.includes('\\u0001deep:')) return text;
  return text.replace(/"\\u0001deep:([a-z-]+):(\d+)"/g, (_, kind: string, levels: string) => deepText(kind, Number(levels)));
}

function interestingValue(rng: Rng): { value: unknown; what: string } {
  const options: Array<() => { value: unknown; what: string }> = [
    () => ({ value: null, what: 'null' }),
    () => ({ value: true, what: 'true' }),
    () => ({ value: rng.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, 4294967296]), what: 'number' }),
    () => ({ value: rng.pick(['', '0', '-1', 'NaN', 'Infinity', '-Infinity', '1'.repeat(25), 'zz', '1e5', ' 7', '0x10']), what: 'string' }),
    () => ({ value: rng.pick(['0'.repeat(32), 'F'.repeat(32), 'a'.repeat(16), 'é'.repeat(16), '\ud800'.repeat(16)]), what: 'id-like string' }),
    () => ({ value: [], what: '[]' }),
    () => ({ value: {}, what: '{}' }),
    () => ({ value: [{}, null, 1, 'x', []], what: 'mixed array' }),
    () => ({ value: { stringValue: {} }, what: 'stringValue: {}' }),
    () => ({ value: { arrayValue: { values: 'x' } }, what: 'values: "x"' }),
    () => ({ value: { intValue: rng.pick(['99999999999999999999', '-9223372036854775809', 1.5, '1.0', true]) }, what: 'odd intValue' }),
    () => ({ value: { doubleValue: rng.pick(['', ' ', 'abc', '1e999', {}, null]) }, what: 'odd doubleValue' }),
    () => {
      const levels = rng.weighted([[rng.int(30, 36), 6], [rng.pick([1000, 3000]), 1]] as const);
      const kind = rng.chance(0.5) ? 'any-mixed' : 'any';
      return { value: deepMarker(kind, levels), what: `AnyValue nested ${levels} levels (${kind})` };
    },
    () => {
      const levels = rng.weighted([[100, 4], [5000, 2], [100_000, 1]] as const);
      return { value: deepMarker('array', levels), what: `array nested ${levels} levels` };
    },
  ];
  return rng.pick(options)();
}

const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'stringValue', 'arrayValue', 'kvlistValue', 'values', ''];

function structural(value: unknown, rng: Rng, steps: string[]): string | null {
  const paths = pathsOf(value);
  if (paths.length === 0) return null;
  const { root, ref } = copyAlong(value as Container, rng.pick(paths));
  const where = String(ref.key);
  const op = rng.weighted([['replace', 6], ['delete', 2], ['rename', 2], ['duplicate', 1], ['wrap', 1]] as const);
  switch (op) {
    case 'replace': {
      const v = interestingValue(rng);
      steps.push(`replace .${where} with ${v.what}`);
      put(ref.parent, ref.key, v.value);
      break;
    }
    case 'delete':
      steps.push(`delete .${where}`);
      if (Array.isArray(ref.parent)) ref.parent.splice(ref.key as number, 1);
      else delete ref.parent[ref.key as string];
      break;
    case 'rename': {
      if (Array.isArray(ref.parent)) return null;
      const name = rng.pick(ODD_KEYS);
      steps.push(`rename .${where} to "${name}"`);
      const v = ref.parent[ref.key as string];
      delete ref.parent[ref.key as string];
      put(ref.parent, name, v);
      break;
    }
    case 'duplicate': {
      if (!Array.isArray(ref.parent)) return null;
      const n = rng.int(1, 20);
      steps.push(`duplicate [${where}] ×${n}`);
      ref.parent.splice(ref.key as number, 0, ...new Array<unknown>(n).fill(ref.parent[ref.key as number]));
      break;
    }
    case 'wrap':
      steps.push(`wrap .${where} in an array`);
      put(ref.parent, ref.key, [(ref.parent as Record<string, unknown>)[ref.key as string]]);
      break;
  }
  return stringifyWithDeep(root);
}

const TOKENS = ['{', '}', '[', ']', '"', ',', ':', 'null', '1e999', '-0', '"\\ud800"', '\\', '\u0000', 'ü', '9'.repeat(400)];

function textual(text: string, rng: Rng, steps: string[]): string {
  const pos = () => rng.int(0, Math.max(0, text.length - 1));
  switch (rng.int(0, 4)) {
    case 0: {
      const p = pos();
      steps.push(`flip char ${p}`);
      return text.slice(0, p) + String.fromCharCode(text.charCodeAt(p) ^ (1 << rng.int(0, 6))) + text.slice(p + 1);
    }
    case 1: {
      const p = pos();
      steps.push(`truncate at ${p}`);
      return text.slice(0, p);
    }
    case 2: {
      const p = pos();
      const t = rng.pick(TOKENS);
      steps.push(`insert ${JSON.stringify(t.slice(0, 12))} at ${p}`);
      return text.slice(0, p) + t + text.slice(p);
    }
    case 3: {
      const p = pos();
      const n = rng.int(1, 40);
      steps.push(`delete ${n} chars at ${p}`);
      return text.slice(0, p) + text.slice(p + n);
    }
    default: {
      const p = pos();
      const n = rng.int(1, 200);
      const to = pos();
      steps.push(`copy ${n} chars from ${p} to ${to}`);
      return text.slice(0, to) + text.slice(p, p + n) + text.slice(to);
    }
  }
}

export function mutateJson(corpus: Corpus, rng: Rng): MutatedCase {
  const seed = rng.pick(corpus.json);
  const steps: string[] = [];
  let text = seed.text;
  if (seed.value !== undefined && rng.chance(0.6)) {
    text = structural(seed.value, rng, steps) ?? text;
    if (rng.chance(0.2)) text = textual(text, rng, steps);
  } else {
    const n = rng.int(1, 3);
    for (let i = 0; i < n; i++) text = textual(text, rng, steps);
  }
  if (steps.length === 0) steps.push('no-op');
  return { seed: seed.name, steps, bytes: new TextEncoder().encode(text) };
}
