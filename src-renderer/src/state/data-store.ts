// Server data: the trace list for the current filters, open traces keyed by id, stats (counts, size,
// store notices) and engine info. Only the loaders in ./loaders.ts write here; components subscribe with narrow selectors.
import { create } from 'zustand';
import type { AgentGraph, EngineInfo, ReceiverKind, SpanRecord, StoreNotice } from '../../../src-shared/contract';
import type { TraceOutline } from '../../../src-shared/trace-outline';
import { initialListState, type ListState } from './list-state';

export interface TraceEntry {
  /** The trace's shape; undefined until the first answer; null when the engine does not know the trace (yet). */
  outline: TraceOutline | null | undefined;
  /** The agent graph, every node (the view folds repeats itself); undefined until the first answer. */
  graph?: AgentGraph | null;
  error: string | null;
}

export interface Counts {
  spans: number;
  traces: number;
}

interface DataState {
  list: ListState;
  services: string[];
  traces: Record<string, TraceEntry>;
  /** Full span records fetched for the detail panel, by spanKey(traceId, spanId); null: not found. */
  spans: Record<string, SpanRecord | null>;
  counts: Counts | null;
  /** Database plus WAL on disk; null until stats first arrive. */
  dbBytes: number | null;
  /** What the store had to do that the user must know about; newest last, as the engine sends them. */
  notices: StoreNotice[];
  info: EngineInfo | null;
  infoError: string | null;
  /** Receivers moved off a busy port in this window: their new endpoint, until dismissed. */
  movedReceivers: Partial<Record<ReceiverKind, string | null>>;
}

export const useDataStore = create<DataState>()(() => ({
  list: initialListState,
  services: [],
  traces: {},
  spans: {},
  counts: null,
  dbBytes: null,
  notices: [],
  info: null,
  infoError: null,
  movedReceivers: {},
}));

export function spanKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}
