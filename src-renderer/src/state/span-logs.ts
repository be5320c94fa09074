// Log records of the open span: loaded when a span opens (or on request), newest load wins (see
// lib/detail/span-logs-state.ts). One span at a time; the panel shows them only when the key is its own.
import { create } from 'zustand';
import { api, errorMessage } from '../api';
import { applyFailure, applyPage, initialSpanLogs, spanLogsKey, startLoad, type SpanLogsState } from '../lib/detail/span-logs-state';

/** Records fetched per span; a span with more says so rather than paging (rare for one span). */
export const SPAN_LOG_LIMIT = 200;

export const useSpanLogsStore = create<SpanLogsState>()(() => initialSpanLogs);

export function loadSpanLogs(traceId: string, spanId: string): void {
  useSpanLogsStore.setState((s) => startLoad(s, spanLogsKey(traceId, spanId)));
  const { seq } = useSpanLogsStore.getState();
  api.listLogs({ traceId, spanId, limit: SPAN_LOG_LIMIT }).then(
    (page) => useSpanLogsStore.setState((s) => applyPage(s, seq, page)),
    (err: unknown) => useSpanLogsStore.setState((s) => applyFailure(s, seq, errorMessage(err))),
  );
}
