/**
 * The machine's clock stepped back inside the store (an NTP step on a VM): arrival order still
 * holds. A trace stored before the step is older than everything that arrives after it, so when the
 * store passes its size limit retention takes it first and keeps the newest, rather than deleting
 * the data that arrived last because its clock time reads an hour earlier. The store runs in a
 * process of its own whose Date.now, in every thread, follows the step (test/support/clock-step.cjs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDataDir } from '../../support/serve-process';

const SUPPORT = join(import.meta.dirname, '../../support');

test('a clock stepped back an hour mid-ingest: retention still takes what arrived first and keeps the newest', { timeout: 90_000 }, () => {
  const offsetFile = join(tempDataDir('flowtrace-clock-'), 'offset');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--require', join(SUPPORT, 'clock-step.cjs'), join(SUPPORT, 'clock-step-scenario.ts')], {
    env: { ...process.env, FLOWTRACE_TEST_CLOCK_OFFSET_FILE: offsetFile },
    encoding: 'utf8',
    timeout: 80_000,
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const kept = JSON.parse(r.stdout) as { firstKept: boolean; newestKept: boolean; traces: number; sent: number };
  assert.ok(kept.traces < kept.sent, `retention ran (${kept.traces} of ${kept.sent} kept)`);
  assert.equal(kept.firstKept, false, 'the trace stored before the step went first');
  assert.equal(kept.newestKept, true, 'the newest trace, received after the step, is kept');
});
