/** Messages between the store client (engine thread) and the store worker. */
import type { TraceDetail, TraceListPage, TraceListQuery } from '../../../src-shared/contract';
import type { OtlpEncoding } from '../otlp/responses';

export type Durability = 'normal' | 'full';

export interface StoreWorkerData {
  dbPath: string;
  nativeBinding: string | undefined;
  durability: Durability;
}

export type StoreRequest =
  | { op: 'ingest'; encoding: OtlpEncoding; body: Uint8Array }
  | { op: 'listTraces'; query: TraceListQuery }
  | { op: 'getTrace'; traceId: string }
  | { op: 'counters' }
  | { op: 'close' };

export type IngestResult =
  | { status: 'accepted'; accepted: number; rejected: number; rejectReasons: string[] }
  | { status: 'invalid'; message: string }
  | { status: 'unavailable'; message: string };

export interface StoreResponses {
  ingest: IngestResult;
  listTraces: TraceListPage;
  getTrace: TraceDetail | null;
  counters: { spans: number; traces: number };
  close: null;
}

export type ErrorKind = 'argument' | 'internal';

export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; kind: ErrorKind; message: string };

export type WorkerEvent =
  | { event: 'ready'; recovered: number; spans: number; traces: number }
  | { event: 'compacted'; insertedSpans: number; newTraces: number; traceIds: string[] }
  | { event: 'log'; line: string };
