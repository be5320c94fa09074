// A counter that moves when an ingest tick says log records (or metric points) were stored, or that
// data was deleted: the Logs and Metrics pages re-read on it, as the trace list does on span ticks.
// Subscribes for as long as the page is mounted; the transport shares one socket among listeners.
import { useEffect, useState } from 'react';
import { api } from '../../api';

export function useTelemetryTick(signal: 'logs' | 'metrics'): number {
  const [tick, setTick] = useState(0);
  useEffect(
    () =>
      api.onIngest((t) => {
        const fresh = signal === 'logs' ? t.newLogRecords : t.newMetricPoints;
        if (fresh > 0 || t.truncated) setTick((n) => n + 1);
      }),
    [signal],
  );
  return tick;
}
