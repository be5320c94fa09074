// Theme colours as cytoscape can take them: what the browser normalizes a CSS colour to, parsed,
// and translucent fills made opaque over the panel so edges never show through a node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blendOver, parseHex, parseRgb } from '../../src-renderer/src/lib/graph/colors';

test('the forms a canvas or getComputedStyle write parse; anything else is refused', () => {
  assert.deepEqual(parseRgb('rgba(198, 47, 58, 0.1)'), [198, 47, 58, 0.1]);
  assert.deepEqual(parseRgb('rgb(20 22 27 / 50%)'), [20, 22, 27, 0.5]);
  assert.deepEqual(parseHex('#c62f3a1a'), [198, 47, 58, 26 / 255]);
  assert.deepEqual(parseHex('#fff'), [255, 255, 255, 1]);
  assert.equal(parseRgb('oklch(0.6 0.1 20)'), null);
  assert.equal(parseHex('#12345'), null);
});

test('a soft error fill over a dark panel becomes an opaque dark red, not pink', () => {
  const darkPanel = parseHex('#1b1e25')!;
  assert.equal(blendOver(parseRgb('rgba(255, 107, 116, 0.12)')!, darkPanel), 'rgb(54, 39, 46)');
  assert.equal(blendOver(parseHex('#4f5bd5')!, darkPanel), 'rgb(79, 91, 213)', 'opaque colours pass through');
});
