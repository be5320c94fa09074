// The price table's rows: what the page sends when saved, the message beside each wrong row, and
// what an imported file adds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankRow, listOfRows, mergeImported, pricesOfFile, rowsOf, type PriceRow } from '../../src-renderer/src/lib/prices-form';

const row = (model: string, input: string, output: string, cacheRead = ''): PriceRow => ({ ...blankRow(), model, input, output, cacheRead });

test('rows become the list the engine checks; an added row left blank is no mistake', () => {
  const { list, errors } = listOfRows([row(' my-model ', '0.5', '1.5'), blankRow(), row('gpt-4o', '2', '8', '1')]);
  assert.deepEqual(errors, {});
  assert.deepEqual(list, { 'my-model': { input: 0.5, output: 1.5, cacheRead: null }, 'gpt-4o': { input: 2, output: 8, cacheRead: 1 } });
});

test('each wrong row gets its own message, under its model name', () => {
  const { list, errors } = listOfRows([row('a', 'cheap', '1'), row('b', '1', ''), row('c', '1', '2'), row('c', '3', '4'), row('', '1', '1')]);
  assert.deepEqual(list, {});
  assert.deepEqual(errors, {
    a: 'input must be a number of USD per million tokens (0 or more)',
    b: 'output must be a number of USD per million tokens (0 or more)',
    c: 'is listed twice',
    '': 'a model needs a name',
  });
});

test('the rows of a saved list read back the same list', () => {
  const saved = { z: { input: 1, output: 2, cacheRead: 0.1 }, a: { input: 0, output: 0, cacheRead: null } };
  const rows = rowsOf(saved);
  assert.deepEqual(rows.map((r) => r.model), ['a', 'z']);
  assert.deepEqual(listOfRows(rows).list, saved);
});

test('an imported file is your own list or a table shaped like the shipped one', () => {
  assert.deepEqual(pricesOfFile('mine.json', '{"m": {"input": 1, "output": 2}}'), { m: { input: 1, output: 2, cacheRead: null } });
  assert.deepEqual(pricesOfFile('table.json', '{"date": "2026-01-01", "source": "x", "models": {"m": {"input": 3, "output": 4}}}'), {
    m: { input: 3, output: 4, cacheRead: null },
  });
  assert.throws(() => pricesOfFile('broken.json', '{"m": '), /broken\.json is not JSON/);
  assert.throws(() => pricesOfFile('bad.json', '{"m": {"input": -1, "output": 2}}'), /bad\.json: "m" input must be a number/);
});

test('importing keeps your other rows and replaces a model the file prices too', () => {
  const merged = mergeImported([row('keep', '1', '1'), row('swap', '1', '1'), blankRow()], { swap: { input: 9, output: 9 }, fresh: { input: 2, output: 3 } });
  assert.deepEqual([merged.added, merged.replaced], [1, 1]);
  assert.deepEqual(listOfRows(merged.rows).list, {
    fresh: { input: 2, output: 3, cacheRead: null },
    keep: { input: 1, output: 1, cacheRead: null },
    swap: { input: 9, output: 9, cacheRead: null },
  });
});
