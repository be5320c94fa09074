// Runs an async job so that at most one run is in flight and at most one more is queued: a burst
// of ingest ticks turns into two fetches, not one per tick, and the last tick is never missed.
// The job reports its own errors (into the store); a rejection here is only swallowed.

export interface Coalesced {
  /** Ask for a run; resolves when a run that started after this call has finished. */
  trigger(): Promise<void>;
}

export function coalesce(job: () => Promise<void>): Coalesced {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const start = (): Promise<void> => {
    running = job()
      .catch(() => {})
      .finally(() => {
        running = null;
      });
    return running;
  };

  return {
    trigger() {
      // A queued run has not started yet, so it will see whatever this caller wanted seen.
      if (queued) return queued;
      if (!running) return start();
      queued = running.then(() => {
        queued = null;
        return start();
      });
      return queued;
    },
  };
}
