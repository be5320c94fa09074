/**
 * What keeping session summaries (migration 0008) costs compaction: the same decoded requests
 * compacted into fresh stores, alternately with the real SessionSummaries and with one that writes
 * nothing (what compaction did before 0008), in slices of 8 requests as the store worker does.
 * Measured as CPU time of this one thread (process.cpuUsage), which shared cores disturb less than
 * wall time. --sessions N makes runs share N session ids (default: each run its own session, the
 * worst case: a new row per trace).
 *
 *   node --import tsx bench/session-compaction.ts [--spans 200000] [--sessions N] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AgentSpanGenerator, Batcher, type EncodedBatch } from './gen/agent-spans';
import { intArg } from './lib/args';
import { migrate } from '../src-main/engine/store/migrate';
import { AttributeKeys } from '../src-main/engine/store/attribute-codec';
import { ResourceScopes } from '../src-main/engine/store/resource-scopes';
import { Compactor, type AcceptedBatch } from '../src-main/engine/store/compactor';
import { SessionSummaries } from '../src-main/engine/store/session-summaries';
import { decodeAndNormalize, ingestNormalizeOptions } from '../src-main/engine/store/span-decoding';

function usage(message: string): never {
  throw new Error(`usage: node --import tsx bench/session-compaction.ts [--spans N] [--sessions N] [--rounds N]; ${message}`);
}
const int = intArg(usage);
const argv = process.argv.slice(2);
const opt = (name: string, def: number | undefined, min: number, max: number): number | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? def : int(name, argv[i + 1], min, max);
};
const SPANS = opt('spans', 200_000, 1000, 10_000_000)!;
const SESSIONS = opt('sessions', undefined, 1, 10_000_000);
const ROUNDS = opt('rounds', 3, 1, 100)!;
const SLICE = 8;

/** Compaction before 0008: no session rows at all. */
class NoSummaries extends SessionSummaries {
  override touch(): void {}
  override touchSessionsLoggedIn(): void {}
  override reconcile(): void {}
}

const generator = new AgentSpanGenerator({ seed: 8, ...(SESSIONS === undefined ? {} : { sessions: SESSIONS }) });
const batcher = new Batcher(512);
const encoded: EncodedBatch[] = [];
for (let spans = 0; spans < SPANS; ) {
  const t = generator.nextTrace();
  spans += t.spans.length;
  encoded.push(...batcher.add(t.spans));
}
const last = batcher.flush();
if (last) encoded.push(last);
const options = ingestNormalizeOptions(undefined, true);
// Decoded once: the span-decode worker does this off the store thread.
const decoded = encoded.map((b, i) => ({ seq: i + 1, receivedAt: Date.now(), ...decodeAndNormalize(b.body, options) }));

function run(withSummaries: boolean): number {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrace-session-compaction-'));
  try {
    const db = new Database(join(dir, 'bench.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, 'bench.sqlite');
    const summaries = withSummaries ? new SessionSummaries(db) : new NoSummaries(db);
    const compactor = new Compactor(db, new AttributeKeys(db), new ResourceScopes(db), summaries, options);
    const before = process.cpuUsage();
    for (let i = 0; i < decoded.length; i += SLICE) {
      // Copies: the compactor may keep what it is given.
      compactor.compact(decoded.slice(i, i + SLICE).map((b): AcceptedBatch => ({ ...b, spans: [...b.spans] })));
    }
    const used = process.cpuUsage(before);
    db.close();
    return (used.user + used.system) / 1000;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const spans = decoded.reduce((n, b) => n + b.spans.length, 0);
console.log(`${spans.toLocaleString()} spans in ${decoded.length} requests, ${SESSIONS === undefined ? 'a session per run' : `${SESSIONS.toLocaleString()} sessions`}; CPU ms of compaction (one thread):`);
const times: Record<'without' | 'with', number[]> = { without: [], with: [] };
for (let r = 0; r < ROUNDS; r++) {
  times.without.push(run(false));
  times.with.push(run(true));
  console.log(`  round ${r + 1}: without summaries ${times.without.at(-1)!.toFixed(0)} ms, with ${times.with.at(-1)!.toFixed(0)} ms`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const [a, b] = [median(times.without), median(times.with)];
console.log(`median: without ${a.toFixed(0)} ms (${Math.round(spans / (a / 1000)).toLocaleString()} spans/s), with ${b.toFixed(0)} ms (${Math.round(spans / (b / 1000)).toLocaleString()} spans/s): ${(((b - a) / a) * 100).toFixed(1)} % more CPU per span`);
