/** The Logs and Metrics pages' state in the URL hash: round trips (with the app's range beside), defaults for junk, chart picking. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute, parseRouteRange } from '../../src-renderer/src/lib/route';
import { ALL_TIME } from '../../src-renderer/src/lib/time-range';
import { MAX_CHARTS, toggleHeatmap, toggleMetric, type LogsRoute, type MetricsRoute } from '../../src-renderer/src/lib/telemetry/route';

test('a logs route carries search, service, severity floor (and the app range), and round-trips', () => {
  assert.deepEqual(parseRoute('#/logs'), { view: 'logs', q: '', service: '', severity: null });
  const route: LogsRoute = { view: 'logs', q: 'tool failed: 50% & more', service: 'trip planner', severity: 'warn' };
  const hash = formatRoute(route, { choice: '1h', from: '', to: '' });
  assert.equal(hash, '#/logs?q=tool+failed%3A+50%25+%26+more&service=trip+planner&severity=warn&range=1h');
  assert.deepEqual(parseRoute(hash), route);
  assert.deepEqual(parseRouteRange(hash), { choice: '1h', from: '', to: '' });
  assert.equal(formatRoute(parseRoute('#/logs')), '#/logs');
});

test('unknown severities and ranges fall back to no filter', () => {
  assert.deepEqual(parseRoute('#/logs?severity=loud&range=3y&service=%20'), { view: 'logs', q: '', service: '', severity: null });
  assert.deepEqual(parseRoute('#/metrics?range=forever&heat=unpicked'), { view: 'metrics', names: [], heatmaps: [] });
  assert.deepEqual(parseRouteRange('#/metrics?range=forever'), ALL_TIME);
});

test('a metrics route keeps the picked names in order, once each, at most MAX_CHARTS', () => {
  const route: MetricsRoute = { view: 'metrics', names: ['gen_ai.client.token.usage', 'http.server.duration'], heatmaps: ['http.server.duration'] };
  const hash = formatRoute(route, { choice: '24h', from: '', to: '' });
  assert.equal(hash, '#/metrics?name=gen_ai.client.token.usage&name=http.server.duration&heat=http.server.duration&range=24h');
  assert.deepEqual(parseRoute(hash), route);
  const many = Array.from({ length: MAX_CHARTS + 3 }, (_, i) => `name=m${i % (MAX_CHARTS + 1)}`).join('&');
  const parsed = parseRoute(`#/metrics?${many}`) as MetricsRoute;
  assert.equal(parsed.names.length, MAX_CHARTS);
  assert.deepEqual(parsed.names, Array.from({ length: MAX_CHARTS }, (_, i) => `m${i}`));
});

test('toggling a metric adds it last, removes it when picked, and refuses past the cap; a histogram switches to a heatmap and back', () => {
  let route: MetricsRoute = { view: 'metrics', names: [], heatmaps: [] };
  route = toggleMetric(route, 'a');
  route = toggleMetric(route, 'b');
  assert.deepEqual(route.names, ['a', 'b']);
  assert.deepEqual(toggleMetric(route, 'a').names, ['b']);
  const heat = toggleHeatmap(route, 'b');
  assert.deepEqual(heat.heatmaps, ['b']);
  assert.deepEqual(toggleHeatmap(heat, 'b').heatmaps, []);
  assert.deepEqual(toggleMetric(heat, 'b'), { ...route, names: ['a'], heatmaps: [] }, 'unpicking a chart forgets its heatmap');
  const full: MetricsRoute = { ...route, names: Array.from({ length: MAX_CHARTS }, (_, i) => `m${i}`) };
  assert.equal(toggleMetric(full, 'extra'), full);
});
