// The session summaries' rebuild keeps to its share of the store thread, even when one session
// takes far longer to build than a go's budget (a trace of a million spans is one session): the
// next go waits in proportion, 1 % of the thread while ingest waits on compaction, half when not.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { SessionRefresh } from '../../../src-main/engine/store/session-refresh';
import type { SessionQueries } from '../../../src-main/engine/store/session-queries';

function harness(buildMs: number, busy: boolean) {
  let clock = 0;
  const goes: number[] = [];
  const sessions = {
    refreshStale: () => {
      goes.push(clock);
      clock += buildMs;
      return false;
    },
  } as unknown as SessionQueries;
  const state = { busy };
  const refresh = new SessionRefresh(new Database(':memory:'), sessions, () => state.busy, () => {}, () => clock);
  const advance = (ms: number) => {
    clock += ms;
    mock.timers.tick(ms);
  };
  return { refresh, goes, advance, state };
}

test('while busy, a go that took 2 s holds the next one off for 200 s (1 % of the thread)', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { refresh, goes, advance } = harness(2000, true);
  refresh.schedule();
  advance(250);
  assert.deepEqual(goes, [250], 'the first go after the usual delay');
  // Every compaction asks again; the session is stale again each time.
  for (let ms = 0; ms < 197_000; ms += 250) {
    refresh.schedule();
    advance(250);
  }
  assert.equal(goes.length, 1, 'no go within 200 s of the last one’s start');
  for (let ms = 0; ms < 1500; ms += 250) {
    refresh.schedule();
    advance(250);
  }
  assert.equal(goes.length, 2);
  assert.ok(goes[1]! - goes[0]! >= 200_000, `the second go ${goes[1]! - goes[0]!} ms after the first`);
  refresh.close();
});

test('a cheap go keeps the usual cadence; with nothing waiting, a long go takes half the thread', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const cheap = harness(2, true);
  for (let i = 0; i < 4; i++) {
    cheap.refresh.schedule();
    cheap.advance(250);
  }
  assert.equal(cheap.goes.length, 4, 'every 250 ms');
  cheap.refresh.close();

  // Nothing waiting on compaction: the goes may take half the thread, so a 2 s go is followed 2 s later.
  const idle = harness(2000, true);
  idle.refresh.schedule();
  idle.advance(250);
  idle.state.busy = false;
  idle.refresh.schedule(0);
  idle.advance(1999);
  assert.equal(idle.goes.length, 1);
  idle.advance(1);
  assert.equal(idle.goes.length, 2, 'ingest stopped: the next go within the go’s own time');
  idle.refresh.close();
});
