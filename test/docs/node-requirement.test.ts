// The README's Node requirement is the one npm checks: every package in the lockfile accepts the
// oldest Node the README names, so `npm ci` there prints no EBADENGINE warning a user would take
// for a failed install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import semver from 'semver';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: unknown; version?: string }>;
};
const readme = readFileSync(new URL('README.md', root), 'utf8');

const oldestNode = semver.minVersion(pkg.engines.node)!;

test('the README names the Node version package.json requires', () => {
  const named = /Node\.js ≥ (\d+\.\d+(?:\.\d+)?)/.exec(readme);
  assert.ok(named, 'README states "Node.js ≥ X.Y"');
  assert.equal(semver.coerce(named[1])!.version, oldestNode.version);
});

test('every installed package accepts the oldest Node the README names', () => {
  const refusing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const engines = entry.engines;
    if (typeof engines !== 'object' || engines === null || Array.isArray(engines)) continue;
    const range = (engines as { node?: unknown }).node;
    if (typeof range !== 'string') continue;
    if (!semver.satisfies(oldestNode, range)) refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} wants node ${range}`);
  }
  assert.deepEqual(refusing, [], `npm ci on Node ${oldestNode.version} would warn`);
});
