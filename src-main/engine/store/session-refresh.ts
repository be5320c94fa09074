/**
 * Rebuilds stale session summaries (migration 0008) in the store worker's spare time
 * (spare-time.ts). A go may take far longer than its budget (one session can: a trace of a million
 * spans is one session whose build reads all its GenAI spans), which the spare-time pacing absorbs.
 * A busy session is rebuilt once per go, not once per compaction slice. A read never waits for
 * this: a stale row it meets is built by the read itself (session-queries.ts).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SessionQueries } from './session-queries';
import { SpareTimeWork } from './spare-time';

export class SessionRefresh extends SpareTimeWork {
  protected readonly failure = 'session summaries could not be rebuilt';

  constructor(
    db: BetterSqlite3.Database,
    private readonly sessions: SessionQueries,
    busy: () => boolean,
    log: (line: string) => void,
    now: () => number = () => performance.now(),
  ) {
    // 1 % while ingest flows (`busy`, worker.ts): ingest first. At 4 % a load whose runs keep
    // returning to the same sessions (each rebuild reads the whole session) took ~2.5 % of ingest
    // throughput; a read of a stale summary builds it itself, so nothing waits on these goes.
    super(db, { busy: 0.01, idle: 0.5 }, busy, log, now);
  }

  protected step(budgetMs: number): boolean {
    return this.sessions.refreshStale(budgetMs);
  }
}
