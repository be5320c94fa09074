/**
 * The writes other than ingest (the WriteHandle of handlers.ts): deletes the user asks for,
 * clearing all data, feedback, and retention (on its timer, on new settings, on a full disk). Each
 * delete is followed by what a delete owes the rest of the store thread: the compactor forgets what
 * it kept of the deleted traces, session summaries are refreshed, and the engine hears it as it
 * hears retention (totals, the memory's purge, a tick for views).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DeletedCounts } from '../../../src-shared/contract';
import type { Annotations } from './annotations';
import type { AttributeKeys } from './attribute-codec';
import type { CompactionScheduler } from './compaction-scheduler';
import type { Compactor } from './compactor';
import type { Deletion } from './deletion';
import type { WriteHandle } from './handlers';
import type { WorkerEvent } from './protocol';
import type { Queries } from './queries';
import type { ReadSequence } from './read-sequence';
import type { ResourceScopes } from './resource-scopes';
import type { Retention, RetentionSettings } from './retention';
import type { SessionRefresh } from './session-refresh';

export interface WriteParts {
  db: BetterSqlite3.Database;
  keys: AttributeKeys;
  resourceScopes: ResourceScopes;
  queries: Pick<Queries, 'forgetResources'>;
  compactor: Compactor;
  compaction: Pick<CompactionScheduler, 'compact'>;
  retention: Retention;
  deletion: Deletion;
  annotations: Annotations;
  sessionRefresh: SessionRefresh;
  /** Readers drop their cached keys, resources and scopes when clearing all data lets ids be reused. */
  sequence: Pick<ReadSequence, 'bumpEpoch'>;
}

export class StoreWrites implements WriteHandle {
  private retentionSettings: RetentionSettings;
  private readonly retentionTimer: NodeJS.Timeout;

  constructor(
    private readonly parts: WriteParts,
    retention: RetentionSettings,
    retentionIntervalMs: number,
    private readonly emit: (event: WorkerEvent) => void,
  ) {
    this.retentionSettings = retention;
    this.retentionTimer = setInterval(() => this.runRetention(), retentionIntervalMs);
  }

  get annotations(): Pick<Annotations, 'annotate' | 'delete'> {
    return this.parts.annotations;
  }

  deleteTrace(traceId: string): DeletedCounts | null {
    // The rollups written behind first: they count what the delete takes, as they did when it arrived.
    this.parts.compactor.writeAnalytics();
    return this.deleted(`trace ${traceId}`, this.parts.deletion.deleteTrace(traceId));
  }

  deleteSession(sessionId: string): DeletedCounts | null {
    this.parts.compactor.writeAnalytics();
    return this.deleted(`session ${JSON.stringify(sessionId)}`, this.parts.deletion.deleteSession(sessionId));
  }

  /**
   * Everything goes; the interned dictionaries' caches with their tables. VACUUM then gives the
   * space back and rewrites the file without the deleted pages (they would otherwise keep the old
   * content until reused); on an emptied store it copies next to nothing. It cannot run inside the
   * transaction, and a failure (another connection, a backup, holding the file) leaves the data
   * deleted all the same.
   */
  clearAll(): DeletedCounts {
    const { db, deletion, keys, resourceScopes, queries, compactor, sequence } = this.parts;
    const counts = deletion.clearAll();
    sequence.bumpEpoch();
    keys.forgetAll();
    resourceScopes.forgetAll();
    queries.forgetResources();
    compactor.afterClearAll();
    try {
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      this.emit({ event: 'log', line: `after clearing all data, VACUUM failed (the space is reused by new data): ${(err as Error).message}` });
    }
    return this.deleted('all data', counts)!;
  }

  setRetention(settings: RetentionSettings): void {
    this.retentionSettings = settings;
    this.runRetention();
  }

  runRetention(): void {
    const { compaction, compactor, retention, sessionRefresh } = this.parts;
    try {
      compaction.compact(Infinity, true);
      compactor.writeAnalytics();
      const result = retention.enforce(this.retentionSettings);
      // afterDelete, not only forgetRollups: retention may take the newest spans when over the size limit.
      if (result.deletedTraces > 0 || result.rebuiltRollups) compactor.afterDelete();
      sessionRefresh.schedule();
      if (result.deletedTraces > 0) {
        this.emit({ event: 'log', line: `retention deleted ${result.deletedTraces} trace(s), ${result.deletedSpans} span(s)` });
        this.emit({ event: 'retained', deletedTraces: result.deletedTraces, deletedSpans: result.deletedSpans });
      }
      if (result.deletedLogs > 0 || result.deletedMetricPoints > 0) {
        this.emit({ event: 'log', line: `retention deleted ${result.deletedLogs} log record(s), ${result.deletedMetricPoints} metric point(s)` });
      }
    } catch (err) {
      this.emit({ event: 'log', line: `retention failed: ${(err as Error).message}` });
    }
  }

  /** Shutdown: no retention run after the file is closed. */
  stop(): void {
    clearInterval(this.retentionTimer);
  }

  private deleted(what: string, counts: DeletedCounts | null): DeletedCounts | null {
    if (counts === null) return null;
    this.parts.compactor.afterDelete();
    this.parts.sessionRefresh.schedule();
    this.emit({
      event: 'log',
      line: `deleted ${what}: ${counts.traces} trace(s), ${counts.spans} span(s), ${counts.logs} log record(s), ${counts.metricPoints} metric point(s)`,
    });
    this.emit({ event: 'retained', deletedTraces: counts.traces, deletedSpans: counts.spans });
    return counts;
  }
}
