// The log records correlated with the open span, as pure state changes. Each load gets a sequence
// number and only the newest load may write: an answer for a span the user has already left (or a
// superseded reload of the same span) is dropped, not shown under the wrong span.
import type { LogListPage, LogRecordView } from '../../../../src-shared/contract';

export interface SpanLogsState {
  /** `traceId/spanId` the state is about; '' before the first load. */
  key: string;
  seq: number;
  loading: boolean;
  /** Oldest first, as a span's story reads. */
  logs: LogRecordView[];
  /** The engine has more records for this span than were fetched. */
  truncated: boolean;
  error: string | null;
}

export const initialSpanLogs: SpanLogsState = { key: '', seq: 0, loading: false, logs: [], truncated: false, error: null };

export function spanLogsKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

/** A new load; a reload of the same span keeps what it shows until the answer comes. */
export function startLoad(state: SpanLogsState, key: string): SpanLogsState {
  const same = state.key === key;
  return { key, seq: state.seq + 1, loading: true, logs: same ? state.logs : [], truncated: same && state.truncated, error: null };
}

export function applyPage(state: SpanLogsState, seq: number, page: LogListPage): SpanLogsState {
  if (seq !== state.seq) return state;
  // The engine answers newest first.
  return { ...state, loading: false, logs: [...page.logs].reverse(), truncated: page.nextCursor !== null, error: null };
}

export function applyFailure(state: SpanLogsState, seq: number, message: string): SpanLogsState {
  if (seq !== state.seq) return state;
  return { ...state, loading: false, error: message };
}
