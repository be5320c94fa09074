// The check of a price list that the settings page, the REST route and `serve --prices` share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPriceList, samePrices } from '../../src-shared/prices';
import { SettingsError, settingsErrorAsMessage, settingsErrorInMessage } from '../../src-shared/settings';

function refusal(raw: unknown): Record<string, string> {
  try {
    checkPriceList(raw);
  } catch (err) {
    assert.ok(err instanceof SettingsError);
    return err.fields;
  }
  assert.fail('the list was taken');
}

test('a good list is taken as given, a missing cached price reading as "priced as input"', () => {
  assert.deepEqual(checkPriceList({ 'my-model': { input: 0.5, output: 1.5 }, 'gpt-4o': { input: 2, output: 8, cacheRead: 1 } }), {
    'my-model': { input: 0.5, output: 1.5, cacheRead: null },
    'gpt-4o': { input: 2, output: 8, cacheRead: 1 },
  });
  assert.deepEqual(checkPriceList({}), {});
});

test('every wrong model is named with what is wrong with it, and nothing of the list is taken', () => {
  assert.deepEqual(
    refusal({
      ok: { input: 1, output: 2 },
      cheap: { input: 'cheap', output: 2 },
      negative: { input: 1, output: -1, cacheRead: -2 },
      extra: { input: 1, output: 2, batch: 0.5 },
      bare: 3,
      ' padded ': { input: 1, output: 1 },
      '': { input: 1, output: 1 },
    }),
    {
      cheap: 'input must be a number of USD per million tokens (0 or more)',
      negative: 'output and cacheRead must be numbers of USD per million tokens (0 or more)',
      extra: 'has unknown field "batch" (use input, output, cacheRead)',
      bare: 'must be an object {"input", "output", "cacheRead"?}',
      ' padded ': 'a model name has no spaces at either end',
      '': 'a model needs a name',
    },
  );
  assert.match(refusal([]).prices!, /JSON object of model name/);
  assert.match(refusal(null).prices!, /JSON object of model name/);
});

test('a model called __proto__ is refused rather than reaching the prototype', () => {
  const fields = refusal(JSON.parse('{"__proto__": {"input": 1, "output": 2}}'));
  assert.deepEqual(fields, Object.fromEntries([['__proto__', 'not a model name']]));
  assert.equal(Object.getPrototypeOf(fields), Object.prototype);
});

test('samePrices compares what each model costs, not the order of the entries', () => {
  const a = { x: { input: 1, output: 2 }, y: { input: 3, output: 4, cacheRead: null } };
  assert.equal(samePrices(a, { y: { input: 3, output: 4 }, x: { input: 1, output: 2, cacheRead: null } }), true);
  assert.equal(samePrices(a, { x: { input: 1, output: 2 } }), false);
  assert.equal(samePrices(a, { x: { input: 1, output: 2 }, y: { input: 3, output: 4, cacheRead: 1 } }), false);
  assert.equal(samePrices({}, {}), true);
});

test("a refusal's fields survive the trip through an IPC error's message", () => {
  const sent = new SettingsError({ 'gpt-4o': 'input must be a number', otlpHttpPort: 'a port is a whole number from 1 to 65535' });
  const message = `Error invoking remote method 'flowtrace:updatePrices': Error: ${settingsErrorAsMessage(sent)}`;
  assert.deepEqual(settingsErrorInMessage(message)?.fields, sent.fields);
  assert.equal(settingsErrorInMessage("Error invoking remote method 'flowtrace:getTrace': Error: boom"), null);
});
