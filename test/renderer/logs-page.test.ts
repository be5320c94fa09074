/** The Logs page's pure parts: a route → the engine's query, a record → its list row. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecordView } from '../../src-shared/contract';
import { bodySummary, LOG_REFRESH_MAX, logKeys, logQuery, logRow, logsKey, servicesOf } from '../../src-renderer/src/lib/telemetry/logs';
import type { LogsRoute } from '../../src-renderer/src/lib/telemetry/route';
import { ALL_TIME, type TimeRange } from '../../src-renderer/src/lib/time-range';
import { parseLogListQuery } from '../../src-shared/validate';

const route = (over: Partial<LogsRoute> = {}): LogsRoute => ({ view: 'logs', q: '', service: '', severity: null, ...over });
const last15m: TimeRange = { choice: '15m', from: '', to: '' };

function record(over: Partial<LogRecordView> = {}): LogRecordView {
  return {
    traceId: null,
    spanId: null,
    timeUnixNano: '1765022400000000000',
    observedTimeUnixNano: '1765022400000000001',
    severityNumber: 9,
    severityText: '',
    body: 'hello',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    eventName: '',
    resource: { attributes: { 'service.name': 'planner' }, droppedAttributesCount: 0 },
    scope: { name: 's', version: '', attributes: {}, droppedAttributesCount: 0 },
    ...over,
  } as LogRecordView;
}

test('a route becomes the engine query the boundary accepts: severity as its lowest number, range as from', () => {
  const now = 1_765_022_400_000;
  const q = logQuery(route({ q: '  timeout ', service: 'planner', severity: 'warn' }), last15m, now, 200);
  assert.deepEqual(q, { limit: 200, q: 'timeout', service: 'planner', minSeverity: 13, from: `${now - 900_000}000000` });
  assert.deepEqual(parseLogListQuery(q), q);
  assert.deepEqual(logQuery(route(), ALL_TIME, now, 5000, 'c1'), { limit: LOG_REFRESH_MAX, cursor: 'c1' });
  assert.deepEqual(logQuery(route({ severity: 'trace' }), ALL_TIME, now, 0).minSeverity, 1);
  assert.deepEqual(logQuery(route({ severity: 'fatal' }), ALL_TIME, now, 1).minSeverity, 21);
});

test('the filters key ignores surrounding blanks of the search and changes with every filter', () => {
  assert.equal(logsKey(route({ q: ' a ' }), ALL_TIME), logsKey(route({ q: 'a' }), ALL_TIME));
  const keys = new Set([route(), route({ q: 'a' }), route({ service: 's' }), route({ severity: 'info' })].map((r) => logsKey(r, ALL_TIME)));
  keys.add(logsKey(route(), last15m));
  assert.equal(keys.size, 5);
});

test('a record in a span links to that span in its trace; one outside a span links nowhere', () => {
  const inSpan = logRow(record({ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), severityNumber: 17, eventName: 'gen_ai.choice' }));
  assert.deepEqual(inSpan.link, { view: 'trace', traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) });
  assert.equal(inSpan.level, 'error');
  assert.equal(inSpan.label, 'ERROR');
  assert.equal(inSpan.service, 'planner');
  assert.equal(inSpan.eventName, 'gen_ai.choice');
  assert.equal(logRow(record()).link, null);
});

test('a row shows the producer severity text, and the observed time when the record has none', () => {
  const row = logRow(record({ severityText: 'Warning', severityNumber: 13, timeUnixNano: '0' }));
  assert.equal(row.label, 'Warning');
  assert.equal(row.level, 'warn');
  assert.equal(row.timeNs, '1765022400000000001');
  assert.equal(logRow(record({ severityNumber: 0 })).level, 'unset');
  assert.equal(logRow(record({ attributes: { a: 1, b: 'x' } })).attributeCount, 2);
});

test('the body summary is one line: strings folded, structures as JSON, long ones cut', () => {
  assert.equal(bodySummary('line one\n  line two'), 'line one ⏎ line two');
  assert.equal(bodySummary({ tool: 'search', args: [1, 2] }), '{"tool":"search","args":[1,2]}');
  assert.equal(bodySummary(null), '');
  const long = bodySummary('x'.repeat(2000));
  assert.equal(long.length, 501);
  assert.ok(long.endsWith('…'));
});

test('the service options: known services, those in the loaded records and the one filtered on, sorted, once each', () => {
  const logs = [record(), record({ resource: { attributes: { 'service.name': 'executor' }, droppedAttributesCount: 0 } }), record({ resource: { attributes: {}, droppedAttributesCount: 0 } })];
  assert.deepEqual(servicesOf(logs, ['planner', 'api'], 'gone'), ['api', 'executor', 'gone', 'planner']);
});

test('row keys stay with their record when newer records arrive above, and tell identical records apart', () => {
  const a = record({ body: 'a', observedTimeUnixNano: '1' });
  const b = record({ body: 'b', observedTimeUnixNano: '2' });
  const twin = record({ body: 'b', observedTimeUnixNano: '2' });
  const before = logKeys([b, a]);
  const after = logKeys([record({ body: 'new', observedTimeUnixNano: '3' }), b, a]);
  assert.deepEqual(after.slice(1), before);
  const keys = logKeys([b, twin]);
  assert.equal(new Set(keys).size, 2);
});
