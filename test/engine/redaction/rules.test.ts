// The redaction rules file: what each line sets, and a bad line refused with its number and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RULES_TEXT, parseRedactionRules, RedactionRulesError, redactsAnything } from '../../../src-main/engine/redaction/rules';

test('defaults: every secret detector masks, personal data is off; the shipped example text changes nothing', () => {
  const rules = parseRedactionRules(DEFAULT_RULES_TEXT);
  assert.equal(rules.detectors['openai-key'], 'mask');
  assert.equal(rules.detectors['private-key'], 'mask');
  assert.equal(rules.detectors.email, 'off');
  assert.equal(rules.detectors.card, 'off');
  assert.deepEqual(rules, parseRedactionRules(''));
});

test('groups, single detectors, value and key rules; a later line wins', () => {
  const rules = parseRedactionRules('pii hash\nsecrets off\ndetector jwt on\ndetector email drop\nvalue mask /ACME-\\d+/i as acme\nkey drop *secret*');
  assert.equal(rules.detectors.phone, 'hash');
  assert.equal(rules.detectors.email, 'drop');
  assert.equal(rules.detectors['openai-key'], 'off');
  assert.equal(rules.detectors.jwt, 'mask');
  assert.equal(rules.values[0]!.name, 'acme');
  assert.ok(rules.values[0]!.pattern.test('acme-12'));
  assert.ok(rules.keys[0]!.matcher.test('DB_SECRET_VALUE'));
  assert.ok(!redactsAnything(parseRedactionRules('secrets off')));
  assert.ok(redactsAnything(parseRedactionRules('secrets off\nkey drop x.token')));
});

test('a bad line is refused with its number and what is wrong with it', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['# ok\nsecrets maybe', 2, /secrets takes one of on, off, mask, hash, drop, not "maybe"/],
    ['detector nope on', 1, /unknown detector "nope"; detectors: anthropic-key, openai-key/],
    ['\n\nvalue mask ACME', 3, /between slashes/],
    ['value mask /(unclosed/', 1, /not a valid regular expression/],
    ['value mask /x*/', 1, /matches the empty string/],
    ['value mask /x/g', 1, /flags may be i, m, s, u, not "g"/],
    ['value erase /x/', 1, /"value" needs an action first \(mask, hash, drop\), not "erase"/],
    ['key drop *', 1, /would match every attribute/],
    ['key drop a b', 1, /one attribute key or glob/],
    ['key drop x as bad name!', 1, /one attribute key or glob|may hold only/],
    ['redact everything', 1, /unknown rule "redact"/],
  ];
  for (const [text, line, message] of cases) {
    assert.throws(
      () => parseRedactionRules(text),
      (err: unknown) => err instanceof RedactionRulesError && err.line === line && message.test(err.message) && err.message.startsWith(`line ${line}: `),
      text,
    );
  }
});
