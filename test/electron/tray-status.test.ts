// The tray tooltip: span count and rate, paused ingest, a busy receiver, the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { localMidnightNs, SpanRate, trayTooltip } from '../../src-main/electron/tray-status';

const listening = [
  { kind: 'otlp-http' as const, state: 'listening' as const, host: '127.0.0.1', port: 4318, endpoint: 'http://127.0.0.1:4318' },
  { kind: 'otlp-grpc' as const, state: 'listening' as const, host: '127.0.0.1', port: 4317, endpoint: 'http://127.0.0.1:4317' },
];

test('count, rate, the day and the API on their lines; a busy receiver and a pause are said', () => {
  assert.equal(
    trayTooltip({ spans: 12_345, spansPerSecond: 250.4, paused: false, receivers: listening, apiUrl: 'http://127.0.0.1:9600', today: { traces: 1_204, failed: 37 } }),
    'Flowtrace: 12,345 spans · 250/s\nToday: 1,204 traces, 37 failed\nAPI http://127.0.0.1:9600',
  );
  const busy = [{ ...listening[0]!, state: 'busy' as const, endpoint: null }, listening[1]!];
  assert.equal(
    trayTooltip({ spans: 0, spansPerSecond: null, paused: true, receivers: busy, apiUrl: null, today: null }),
    'Flowtrace: 0 spans (ingest paused)\nOTLP/HTTP not receiving: port 4318 busy\nAPI off',
  );
  assert.match(trayTooltip({ spans: 1, spansPerSecond: null, paused: false, receivers: listening, apiUrl: null, today: { traces: 1, failed: 0 } }), /\nToday: 1 trace, none failed\n/);
  assert.match(trayTooltip({ spans: 1, spansPerSecond: null, paused: false, receivers: listening, apiUrl: null, today: { traces: 2, failed: 1 } }), /\nToday: 2 traces, 1 failed\n/);
});

test('the rate is spans per second over the last ten seconds of ticks', () => {
  const rate = new SpanRate();
  assert.equal(rate.add(0, 0), null);
  assert.equal(rate.add(1000, 2000), 500);
  assert.equal(rate.add(1000, 4000), 250);
  // Old samples leave the window: the rate follows what happens now.
  rate.add(1000, 20_000);
  assert.equal(rate.add(1000, 22_000), 0);
});

test("today starts at the last local midnight", () => {
  const afternoon = new Date(2026, 11, 6, 15, 42, 7, 123).getTime();
  const midnight = new Date(2026, 11, 6, 0, 0, 0, 0).getTime();
  assert.equal(localMidnightNs(afternoon), `${midnight}000000`);
  assert.equal(localMidnightNs(midnight), `${midnight}000000`, 'midnight itself is today');
});
