// Redaction of decoded telemetry: each built-in secret is found where an agent's spans carry it
// (attributes at any depth, GenAI messages as JSON text, events, resource, names), replaced as its
// action says, and counted on the span; prose and near-misses are left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecordView, SpanRecord } from '../../../src-shared/contract';
import { DETECTORS, ibanValid, luhnValid } from '../../../src-main/engine/redaction/detectors';
import { REDACTED_COUNT_KEY, REDACTED_RULES_KEY, Redactor } from '../../../src-main/engine/redaction/redactor';
import { parseRedactionRules } from '../../../src-main/engine/redaction/rules';

const KEY = Buffer.alloc(32, 7);

const SECRETS: Record<string, string> = {
  'openai-key': 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0f',
  'anthropic-key': 'sk-ant-api03-Zy9xWv8uTs7rQp6oNm5lKj4iHg3fEd2cBa1',
  'aws-access-key': 'AKIAIOSFODNN7EXAMPLE',
  'github-token': 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
  'google-api-key': 'AIzaSyA1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1v',
  'slack-token': 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
};

function span(attributes: SpanRecord['attributes'], over: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', parentSpanId: null, traceState: '',
    name: 'chat gpt-4o', kind: 'client', startTimeUnixNano: '1', endTimeUnixNano: '2', status: { code: 'unset', message: '' },
    attributes, droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    resource: { attributes: { 'service.name': 'agent' }, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    ...over,
  };
}

function redactor(text = ''): Redactor {
  return new Redactor(parseRedactionRules(text), KEY);
}

test('every built-in secret is masked, in plain values and inside GenAI message JSON, and the span counts it', () => {
  for (const [id, secret] of Object.entries(SECRETS)) {
    const messages = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `use ${secret} please` }] }]);
    const s = span({ 'gen_ai.input.messages': messages, plain: secret, nested: { list: ['ok', `x ${secret} y`] } });
    assert.equal(redactor().redactSpans([s]), 1, id);
    const all = JSON.stringify(s);
    assert.ok(!all.includes(secret), `${id} left in ${all}`);
    assert.equal(s.attributes.plain, `[redacted:${id}]`);
    assert.equal(s.attributes[REDACTED_COUNT_KEY], 3, id);
    assert.deepEqual(s.attributes[REDACTED_RULES_KEY], [id]);
    assert.match(String(s.attributes['gen_ai.input.messages']), new RegExp(`use \\[redacted:${id}\\] please`));
  }
});

test('only the secret part goes: the token after Bearer, the password in a URL, an AWS secret named as such', () => {
  const s = span({
    'http.request.header.authorization': 'Bearer abcdefghijklmnop0123456789',
    'db.connection_string': 'postgres://app:hunter2secret@db.internal:5432/prod',
    env: 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  });
  redactor().redactSpans([s]);
  assert.equal(s.attributes['http.request.header.authorization'], 'Bearer [redacted:bearer-token]');
  assert.equal(s.attributes['db.connection_string'], 'postgres://app:[redacted:url-password]@db.internal:5432/prod');
  assert.equal(s.attributes.env, 'AWS_SECRET_ACCESS_KEY=[redacted:aws-secret-key]');
});

test('a private key block goes whole, also when it was cut before its END line', () => {
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----';
  const s = span({ key: `before\n${pem}\nafter`, cut: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC' });
  redactor().redactSpans([s]);
  assert.equal(s.attributes.key, 'before\n[redacted:private-key]\nafter');
  assert.equal(s.attributes.cut, '[redacted:private-key]');
});

test('prose, ids and near-misses are left as they are', () => {
  const values = {
    a: 'the task-runner asked for a risk-assessment of the disk-usage',
    b: 'skip AKIA because it is short: AKIA123',
    c: 'eyJhbGciOiJIUzI1NiJ9 alone is just base64 JSON',
    d: 'https://example.com/path?x=1',
    e: 'bearer of bad news',
    f: '4111 1111 1111 1112', // not Luhn-valid, and cards are off by default anyway
  };
  const s = span({ ...values });
  assert.equal(redactor().redactSpans([s]), 0);
  assert.deepEqual(s.attributes, values);
});

test('personal data is off by default; `pii on` masks emails, phones, Luhn-valid cards and mod-97-valid IBANs only', () => {
  const values = { email: 'write to jane.doe@example.org', phone: 'call +1 (415) 555-0132 now', card: '4111 1111 1111 1111', iban: 'GB82 WEST 1234 5698 7654 32', badCard: '4111 1111 1111 1112', year: 'in 2024' };
  const off = span({ ...values });
  assert.equal(redactor().redactSpans([off]), 0);
  const on = span({ ...values });
  redactor('pii on').redactSpans([on]);
  assert.deepEqual(on.attributes, {
    email: 'write to [redacted:email]',
    phone: 'call [redacted:phone] now',
    card: '[redacted:card]',
    iban: '[redacted:iban]',
    badCard: '4111 1111 1111 1112',
    year: 'in 2024',
    [REDACTED_COUNT_KEY]: 4,
    [REDACTED_RULES_KEY]: ['card', 'email', 'iban', 'phone'],
  });
  assert.ok(luhnValid('4111111111111111') && !luhnValid('4111111111111112'));
  assert.ok(ibanValid('DE89370400440532013000') && !ibanValid('DE89370400440532013001'));
});

test('hash is keyed and stable: equal secrets read the same, different keys differ; drop removes the attribute', () => {
  const secret = SECRETS['openai-key']!;
  const a = span({ one: secret, two: `again ${secret}` });
  redactor('detector openai-key hash').redactSpans([a]);
  const token = /\[redacted:openai-key:([0-9a-f]{12})\]/.exec(String(a.attributes.one))?.[1];
  assert.ok(token, String(a.attributes.one));
  assert.equal(a.attributes.two, `again [redacted:openai-key:${token}]`);
  const other = span({ one: secret });
  new Redactor(parseRedactionRules('detector openai-key hash'), Buffer.alloc(32, 8)).redactSpans([other]);
  assert.notEqual(other.attributes.one, a.attributes.one, 'another data directory, another key');

  const d = span({ keep: 'fine', gone: `token ${secret}` }, { name: `call with ${secret}` });
  redactor('detector openai-key drop').redactSpans([d]);
  assert.equal(d.attributes.gone, undefined);
  assert.equal(d.attributes.keep, 'fine');
  assert.equal(d.name, '[dropped:openai-key]');
  assert.equal(d.attributes[REDACTED_COUNT_KEY], 2);
});

test('user rules: a value pattern and key globs (any case, nested keys too), a later line winning', () => {
  const s = span({
    'customer.id': 'order for ACME-123456 shipped',
    'http.request.header.X-Api-Password': 'p4ss',
    config: { db: { Password: 'x', host: 'db' } },
    'user.token': 'abc',
  });
  redactor('value mask /ACME-[0-9]{6}/ as acme-id\nkey drop *password*\nkey hash user.*\nkey mask user.token').redactSpans([s]);
  assert.equal(s.attributes['customer.id'], 'order for [redacted:acme-id] shipped');
  assert.equal(s.attributes['http.request.header.X-Api-Password'], undefined);
  assert.equal(s.attributes.config, undefined, 'a drop inside a map drops the attribute holding it');
  assert.equal(s.attributes['user.token'], '[redacted:key-line-4]');
  assert.deepEqual(s.attributes[REDACTED_RULES_KEY], ['acme-id', 'key-line-2', 'key-line-4']);
});

test('events, links, status, resource and scope are searched; a shared resource counts on each of its spans', () => {
  const secret = SECRETS['github-token']!;
  const resource = { attributes: { 'service.name': 'agent', 'deploy.token': secret }, droppedAttributesCount: 0 };
  const spans = [1, 2].map(() =>
    span({}, {
      resource,
      status: { code: 'error', message: `auth failed for ${secret}` },
      events: [{ timeUnixNano: '1', name: 'exception', attributes: { 'exception.message': secret }, droppedAttributesCount: 0 }],
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b7ad6b7169203332', traceState: '', attributes: { note: secret }, droppedAttributesCount: 0 }],
    }),
  );
  assert.equal(redactor().redactSpans(spans), 2);
  assert.ok(!JSON.stringify(spans).includes(secret));
  for (const s of spans) assert.equal(s.attributes[REDACTED_COUNT_KEY], 4, 'status, event, link, resource');
});

test('log bodies of any shape are searched, and a dropped body says by which rule', () => {
  const secret = SECRETS.jwt!;
  const log = (body: LogRecordView['body']): LogRecordView => ({
    traceId: null, spanId: null, timeUnixNano: '1', observedTimeUnixNano: '1', severityNumber: 9, severityText: 'INFO', body,
    attributes: {}, droppedAttributesCount: 0, flags: 0, eventName: '',
    resource: { attributes: {}, droppedAttributesCount: 0 }, scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
  });
  const logs = [log(`token=${secret}`), log({ content: [{ text: secret }] }), log('nothing here')];
  assert.equal(redactor().redactLogs(logs), 2);
  assert.equal(logs[0]!.body, 'token=[redacted:jwt]');
  assert.deepEqual(logs[1]!.body, { content: [{ text: '[redacted:jwt]' }] });
  assert.equal(logs[2]!.attributes[REDACTED_COUNT_KEY], undefined);
  const dropped = [log(`token=${secret}`)];
  redactor('detector jwt drop').redactLogs(dropped);
  assert.equal(dropped[0]!.body, '[dropped:jwt]');
});

test('every detector has an anchor that finds it in raw bytes where its pattern needs a word boundary', () => {
  for (const d of DETECTORS) {
    const example = SECRETS[d.id];
    if (!example) continue;
    // A protobuf length byte that is a letter, right before the string.
    assert.ok(d.anchor.test(`J${example}J`), d.id);
  }
});

test('anchors carry no flags, since the enabled ones are searched as one expression', () => {
  for (const d of DETECTORS) assert.equal(d.anchor.flags, '', d.id);
});
