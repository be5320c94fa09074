/**
 * What the engine and its memory process say to each other (memory-service.ts, memory-process.ts).
 * The memory process asks the engine for what it needs of the store (the feed, which traces still
 * exist), since the store worker alone owns flowtrace.sqlite's schema.
 */
import type {
  CollectionName,
  MemoryCollectionInfo,
  MemoryItem,
  MemoryItemInput,
  MemoryStatus,
  RecallQuery,
  RecalledItem,
  SearchAnswer,
  SearchQuery,
} from '../../../src-shared/contract';
import type { MemoryFeedBatch } from '../store/protocol';

/** Which embedder the memory process runs (docs/memory.md). */
export type EmbedderConfig =
  | { kind: 'local'; modelDir: string }
  | { kind: 'openai'; baseUrl: string; model: string; apiKey?: string }
  /** Tests only: misses paraphrases, never a default. */
  | { kind: 'hashing'; dim?: number };

export interface MemoryProcessConfig {
  /** `<data-dir>/memory`. */
  dir: string;
  nativeBinding: string | undefined;
  embedder: EmbedderConfig;
  /** Feed rows waiting beyond which the oldest are passed over (MemoryStatus.skippedSpans). */
  backlogMaxRows: number;
  /** Lower the process's CPU priority (niceness 19); off only where a test measures without it. */
  lowPriority: boolean;
}

export interface MemoryOps {
  search: { args: [SearchQuery]; result: SearchAnswer };
  listCollections: { args: []; result: MemoryCollectionInfo[] };
  remember: { args: [CollectionName, MemoryItemInput]; result: { id: string } };
  recall: { args: [CollectionName, RecallQuery]; result: { items: RecalledItem[] } };
  listItems: { args: [CollectionName, { limit: number; cursor: string | null }]; result: { items: MemoryItem[]; nextCursor: string | null } };
  forget: { args: [CollectionName, string]; result: boolean };
  status: { args: []; result: Omit<MemoryStatus, 'enabled'> };
}
export type MemoryOp = keyof MemoryOps;

/** Engine → memory process. */
export type ToMemory =
  | { type: 'init'; config: MemoryProcessConfig }
  | { [K in MemoryOp]: { type: 'request'; id: number; op: K; args: MemoryOps[K]['args'] } }[MemoryOp]
  | { type: 'feed'; id: number; batch: MemoryFeedBatch | null; error?: string }
  | { type: 'traces-exist'; id: number; existing: string[] | null; error?: string }
  /** New spans were compacted: the feed may have work. */
  | { type: 'ingested' }
  /** Retention deleted traces: items of traces that are gone must go too. */
  | { type: 'retained' }
  | { type: 'close' };

/** Memory process → engine. */
export type FromMemory =
  | { type: 'ready'; embedder: MemoryStatus['embedder']; indexNote: string | null }
  | { type: 'init-failed'; message: string }
  | { type: 'response'; id: number; ok: true; value: unknown }
  | { type: 'response'; id: number; ok: false; message: string; argument: boolean }
  | { type: 'feed-request'; id: number; afterRowId: number; limit: number }
  | { type: 'traces-exist-request'; id: number; traceIds: string[] }
  | { type: 'log'; line: string }
  | { type: 'closed' };
