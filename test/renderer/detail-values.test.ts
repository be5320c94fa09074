/** How the detail panel writes values: JSON, folded text, money, tokens, models, log severities, class names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { valueText } from '../../src-renderer/src/lib/detail/json';
import { foldPoint } from '../../src-renderer/src/lib/detail/fold';
import { costText, modelText } from '../../src-renderer/src/lib/detail/format';
import { formatTokens, formatUsd } from '../../src-renderer/src/lib/format';
import { severityLabel, severityLevel } from '../../src-renderer/src/lib/detail/severity';
import { kindClass, roleClass } from '../../src-renderer/src/lib/detail/css-classes';

test('tool arguments sent as JSON text and as structure read the same, pretty-printed', () => {
  const pretty = '{\n  "city": "Lisbon",\n  "nights": 2\n}';
  assert.deepEqual(valueText('{"city":"Lisbon","nights":2}'), { text: pretty, json: true });
  assert.deepEqual(valueText({ city: 'Lisbon', nights: 2 }), { text: pretty, json: true });
  assert.deepEqual(valueText(' [1, 2] '), { text: '[\n  1,\n  2\n]', json: true });
});

test('text that is not a JSON object or array stays exactly as sent', () => {
  assert.deepEqual(valueText('{"city": "Lis'), { text: '{"city": "Lis', json: false }, 'truncated JSON falls back to the raw text');
  assert.deepEqual(valueText('42'), { text: '42', json: false });
  assert.deepEqual(valueText('line one\n  line two'), { text: 'line one\n  line two', json: false });
  assert.deepEqual(valueText('<img src=x onerror=alert(1)>'), { text: '<img src=x onerror=alert(1)>', json: false });
  assert.deepEqual(valueText(7), { text: '7', json: false });
  assert.deepEqual(valueText(null), { text: 'null', json: false });
  assert.deepEqual(valueText(undefined), { text: '', json: false });
});

test('long text folds after the line or character budget; short text and slivers do not fold', () => {
  const limits = { maxChars: 100, maxLines: 3 };
  assert.equal(foldPoint('short', limits), null);
  assert.equal(foldPoint('a\nb\nc', limits), null, 'exactly three lines fit');
  const lines = 'one\ntwo\nthree\nfour\nfive\nsix';
  assert.equal(lines.slice(0, foldPoint(lines, limits)!), 'one\ntwo\nthree');
  const long = 'x'.repeat(300);
  assert.equal(foldPoint(long, limits), 100);
  assert.equal(foldPoint('x'.repeat(120), limits), null, 'hiding 20 characters is not worth a click');
  const nearBreak = `${'y'.repeat(90)}\n${'z'.repeat(200)}`;
  assert.equal(foldPoint(nearBreak, limits), 90, 'a line end near the limit makes the cut');
});

test('USD shows a fraction of a cent instead of $0.00, and "no price" differs from no cost', () => {
  assert.equal(formatUsd(12.3456), '$12.35');
  assert.equal(formatUsd(0.5), '$0.50');
  assert.equal(formatUsd(0.01), '$0.01');
  assert.equal(formatUsd(0.00027), '$0.00027');
  assert.equal(formatUsd(0.0000345), '$0.0000345');
  assert.equal(formatUsd(1.6e-7), '$0.00000016');
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(costText({ costUsd: null }), 'no price');
  assert.equal(costText({}), null);
  assert.equal(costText({ costUsd: 0.00027 }), '$0.00027');
  assert.equal(formatTokens(1234567), '1,234,567');
});

test('request and response model read as one value', () => {
  assert.equal(modelText({ requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18' }), 'gpt-4o-mini → gpt-4o-mini-2024-07-18');
  assert.equal(modelText({ requestModel: 'gpt-4o', responseModel: 'gpt-4o' }), 'gpt-4o');
  assert.equal(modelText({ requestModel: 'gpt-4o' }), 'gpt-4o');
  assert.equal(modelText({}), null);
});

test('log severity: the producer text wins, else the OTLP number range', () => {
  assert.equal(severityLabel(9, 'INFO'), 'INFO');
  assert.equal(severityLabel(17, ''), 'ERROR');
  assert.equal(severityLabel(0, ''), '—');
  assert.equal(severityLevel(13), 'warn');
  assert.equal(severityLevel(24), 'fatal');
  assert.equal(severityLevel(25), 'unset');
});

test('roles and kinds from span data map onto a fixed set of class names', () => {
  assert.equal(roleClass('Assistant'), 'assistant');
  assert.equal(roleClass('developer'), 'system');
  assert.equal(roleClass('constructor'), 'other');
  assert.equal(roleClass('x onclick=1'), 'other');
  assert.equal(kindClass('llm'), 'llm');
  assert.equal(kindClass('__proto__'), 'other');
});
