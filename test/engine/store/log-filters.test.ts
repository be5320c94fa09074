/**
 * The log list's service and severity filters (issue 15's Logs page): exact service.name of the
 * record's resource, severity number at or above a floor, combined with the other filters and
 * paging, validated at the boundary and over REST. Real SQLite, real sockets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { post, startTestEngine } from '../../support/engine';
import { parseLogListQuery } from '../../../src-shared/validate';

const JSON_CT = { 'content-type': 'application/json' };

function logsJson(service: string, records: Array<{ body: string; time: string; severity: number }>): string {
  return JSON.stringify({
    resourceLogs: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [{
        scope: { name: 'filters' },
        logRecords: records.map((r) => ({ body: { stringValue: r.body }, timeUnixNano: r.time, observedTimeUnixNano: r.time, severityNumber: r.severity })),
      }],
    }],
  });
}

test('listLogs filters by service and by minimum severity, with the other filters and pages', async () => {
  const engine = await startTestEngine();
  try {
    const t = (s: number) => `17000000${String(s).padStart(2, '0')}000000000`;
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/logs`, logsJson('planner', [
      { body: 'plan debug', time: t(1), severity: 5 },
      { body: 'plan warn', time: t(2), severity: 13 },
      { body: 'plan error', time: t(3), severity: 17 },
    ]), JSON_CT)).status, 200);
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/logs`, logsJson('executor', [
      { body: 'exec info', time: t(4), severity: 9 },
      { body: 'exec unset', time: t(5), severity: 0 },
      { body: 'exec fatal', time: t(6), severity: 21 },
    ]), JSON_CT)).status, 200);

    const bodies = async (q: Parameters<typeof engine.listLogs>[0]) => (await engine.listLogs(q)).logs.map((l) => l.body);
    assert.deepEqual(await bodies({ service: 'planner' }), ['plan error', 'plan warn', 'plan debug']);
    assert.deepEqual(await bodies({ service: 'nobody' }), []);
    assert.deepEqual(await bodies({ minSeverity: 13 }), ['exec fatal', 'plan error', 'plan warn']);
    assert.deepEqual(await bodies({ minSeverity: 1 }), ['exec fatal', 'exec info', 'plan error', 'plan warn', 'plan debug'], 'unset severity (0) falls below any floor');
    assert.deepEqual(await bodies({ service: 'executor', minSeverity: 9, q: 'EXEC' }), ['exec fatal', 'exec info']);
    assert.deepEqual(await bodies({ service: 'planner', from: t(2), to: t(6) }), ['plan error', 'plan warn']);

    const first = await engine.listLogs({ service: 'planner', limit: 2 });
    assert.deepEqual(first.logs.map((l) => l.body), ['plan error', 'plan warn']);
    assert.ok(first.nextCursor);
    assert.deepEqual(await bodies({ service: 'planner', limit: 2, cursor: first.nextCursor }), ['plan debug']);
  } finally {
    await engine.close();
  }
});

test('the boundary reads service and minSeverity (REST passes strings) and refuses a severity outside 1–24', () => {
  assert.deepEqual(parseLogListQuery({ service: 'planner', minSeverity: '13' }), { service: 'planner', minSeverity: 13 });
  assert.deepEqual(parseLogListQuery({ service: '', minSeverity: '' }), {});
  assert.throws(() => parseLogListQuery({ minSeverity: '0' }), /minSeverity must be an integer from 1 to 24/);
  assert.throws(() => parseLogListQuery({ minSeverity: 25 }), /minSeverity/);
  assert.throws(() => parseLogListQuery({ minSeverity: 2.5 }), /minSeverity/);
});

test('log records and metric points alone raise an ingest tick that counts them, so the Logs and Metrics pages stay live', async () => {
  const engine = await startTestEngine();
  try {
    const ticks: Array<{ newSpans: number; newLogRecords: number; newMetricPoints: number }> = [];
    const off = engine.onIngest((t) => ticks.push({ newSpans: t.newSpans, newLogRecords: t.newLogRecords, newMetricPoints: t.newMetricPoints }));
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/logs`, logsJson('live', [
      { body: 'a', time: '1700000000000000000', severity: 9 },
      { body: 'b', time: '1700000001000000000', severity: 9 },
    ]), JSON_CT)).status, 200);
    const metrics = JSON.stringify({
      resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'live.gauge', gauge: { dataPoints: [{ timeUnixNano: '1700000000000000000', asDouble: 1 }] } }] }] }],
    });
    assert.equal((await post(`${engine.info.otlpHttpEndpoint}/v1/metrics`, metrics, JSON_CT)).status, 200);
    await engine.listLogs({}); // a read drains the memtable: both are compacted now
    const deadline = Date.now() + 5000;
    while (ticks.reduce((n, t) => n + t.newMetricPoints, 0) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    off();
    assert.equal(ticks.reduce((n, t) => n + t.newLogRecords, 0), 2);
    assert.equal(ticks.reduce((n, t) => n + t.newMetricPoints, 0), 1);
    assert.equal(ticks.reduce((n, t) => n + t.newSpans, 0), 0);
  } finally {
    await engine.close();
  }
});
