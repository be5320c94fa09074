/** The attribute filter and "copy all" of the span detail. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortedEntries } from '../../src-renderer/src/lib/attributes';
import { attributesJson, filterEntries } from '../../src-renderer/src/lib/detail/attributes';

const attrs = {
  'gen_ai.tool.name': 'search_hotels',
  'gen_ai.tool.call.id': 'call_1',
  'http.response.status_code': 504,
  'app.tags': ['Lisbon', 'two-nights'],
};

const keys = (query: string) => filterEntries(sortedEntries(attrs), query).map(([k]) => k);

test('the filter matches a key or a value, in any case', () => {
  assert.deepEqual(keys('tool'), ['gen_ai.tool.call.id', 'gen_ai.tool.name']);
  assert.deepEqual(keys('SEARCH_'), ['gen_ai.tool.name'], 'by value, case-insensitive');
  assert.deepEqual(keys('504'), ['http.response.status_code'], 'numbers match as written');
  assert.deepEqual(keys('lisbon'), ['app.tags'], 'inside an array value');
  assert.deepEqual(keys('nothing-like-this'), []);
  assert.equal(keys('  ').length, 4, 'a blank filter shows everything');
});

test('copy all gives the attributes as JSON with keys in table order', () => {
  const json = attributesJson(attrs);
  assert.deepEqual(JSON.parse(json), attrs);
  assert.deepEqual(Object.keys(JSON.parse(json) as object), ['app.tags', 'gen_ai.tool.call.id', 'gen_ai.tool.name', 'http.response.status_code']);
});
