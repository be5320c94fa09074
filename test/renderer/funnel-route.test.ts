/**
 * The Funnels page's URL state: steps, mode, service and the open run list survive a
 * format → parse round trip through the route, and a hand-edited link degrades to defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRoute, parseRoute } from '../../src-renderer/src/lib/route';
import { EMPTY_FUNNEL, funnelQueryOf, type FunnelRouteState } from '../../src-renderer/src/lib/funnel-route';
import { ALL_TIME } from '../../src-renderer/src/lib/time-range';

test('a funnel round-trips through the hash', () => {
  const funnel: FunnelRouteState = {
    steps: [
      { type: 'agent', value: 'planner' },
      { type: 'attribute', key: 'user.tier', value: 'gold & co', kind: 'agent' },
    ],
    mode: 'sessions',
    service: 'shop',
    open: { step: 1, set: 'dropped' },
  };
  const hash = formatRoute({ view: 'funnels', funnel });
  assert.match(hash, /^#\/funnels\?steps=/);
  assert.match(hash, /open=2\.dropped/);
  assert.deepEqual(parseRoute(hash), { view: 'funnels', funnel });
  const failed = { ...funnel, open: { outcome: 'failed' as const } };
  assert.deepEqual(parseRoute(formatRoute({ view: 'funnels', funnel: failed })), { view: 'funnels', funnel: failed });
  assert.equal(formatRoute({ view: 'funnels', funnel: EMPTY_FUNNEL }), '#/funnels');
});

test('a hand-edited link falls back to defaults, step by field', () => {
  assert.deepEqual(parseRoute('#/funnels?steps=nope&mode=users&range=1y&open=9.reached'), { view: 'funnels', funnel: EMPTY_FUNNEL });
  const bad = parseRoute(`#/funnels?steps=${encodeURIComponent('[{"type":"colour","value":"x"}]')}`);
  assert.deepEqual(bad, { view: 'funnels', funnel: EMPTY_FUNNEL });
});

test('the query: a relative range starts that long before now', () => {
  const q = funnelQueryOf({ ...EMPTY_FUNNEL, steps: [{ type: 'tool', value: 'x' }] }, { choice: '1h', from: '', to: '' }, 7_200_000);
  assert.equal(q.from, String(3_600_000n * 1_000_000n));
  assert.equal(q.service, undefined);
  assert.equal(funnelQueryOf({ ...EMPTY_FUNNEL, steps: [{ type: 'tool', value: 'x' }] }, ALL_TIME, 0).from, undefined);
});
