/**
 * What a shell (Electron or headless) gets from the engine: the contract's API plus the few
 * controls only a shell needs (pause, shutdown). Shells never see the database or the receivers.
 */
import type { ForwardEndpoint } from '../../src-shared/forwarding';
import type { Backoff } from './forward/endpoint-forwarder';
import type { EngineInfo, FlowtraceApi } from '../../src-shared/contract';
import type { Durability } from './store/protocol';
import type { RetentionSettings } from './store/retention';
import type { OtlpHttpTimeouts } from './receiver/otlp-http';
import type { OtlpGrpcTimeouts } from './receiver/otlp-grpc';
import type { ModelPrice } from './genai/prices';
import type { MemoryChildLauncher } from './memory/memory-child';
import type { TraceCounts } from './store/protocol';
import type { EmbedderConfig } from './memory/memory-protocol';
import type { SettingKey, SettingsView } from '../../src-shared/settings';

/** The memory's settings (docs/memory.md); every field has a default. */
export interface MemoryOptions {
  /** Default: the shipped all-MiniLM-L6-v2 (resources/embedder), run locally. */
  embedder?: EmbedderConfig;
  /** Feed rows waiting beyond which the oldest are passed over; default 200,000. */
  backlogMaxRows?: number;
  /** Run the memory at the lowest CPU priority (default true), so it never slows ingest. */
  lowPriority?: boolean;
  /** How its process is started: a Node child process by default; the desktop app uses utilityProcess. */
  launch?: MemoryChildLauncher;
}

export interface EngineOptions {
  /** Where the SQLite file lives; created if missing. */
  dataDir: string;
  /** OTLP/HTTP port; 0 picks a free one. Default 4318. */
  otlpHttpPort?: number;
  /** OTLP/gRPC port; 0 picks a free one. Default 4317. */
  otlpGrpcPort?: number;
  /** Largest OTLP/gRPC request, compressed or decompressed; larger ones get RESOURCE_EXHAUSTED. Default 4 MiB. */
  otlpGrpcMaxMessageBytes?: number;
  /** How long a slow OTLP/HTTP client may take (headers 10 s, whole request 60 s, keep-alive idle 60 s by default). */
  otlpHttpTimeouts?: Partial<OtlpHttpTimeouts>;
  /** How long an OTLP/gRPC connection may stay (idle 2 min, age 5 min + 30 s grace by default). */
  otlpGrpcTimeouts?: Partial<OtlpGrpcTimeouts>;
  /** Listen address; loopback by default. */
  host?: string;
  /**
   * Bearer token both OTLP receivers require (`Authorization: Bearer …`, or gRPC `authorization`
   * metadata). Required whenever `host` is not a loopback address.
   */
  otlpToken?: string;
  /** Browser origins allowed to send OTLP/HTTP (CORS for exactly these); none by default. */
  otlpAllowedOrigins?: readonly string[];
  /** Path to a better-sqlite3 binary built for this runtime's ABI (Electron); default: node_modules. */
  nativeBinding?: string;
  /** `normal` (default) survives a process crash; `full` also survives power loss, at some cost. */
  durability?: Durability;
  /** Age and size limits; defaults 30 days and 10 GB. */
  retention?: Partial<RetentionSettings>;
  /** How often retention runs; default 60 s. */
  retentionIntervalMs?: number;
  /** A hard ceiling on the database size; writes beyond it are refused as on a full disk (503). */
  hardLimitBytes?: number;
  /** Acknowledged-but-unindexed spans beyond which exporters get 503 + Retry-After; default 16,000. */
  compactionBacklogLimit?: number;
  /**
   * Model prices (USD per million tokens) from the user's settings, by model name (default: the data
   * directory's `prices.json`, when there is one); matched like the
   * shipped table (docs/genai-normalization.md) and winning over it and over costs spans report.
   */
  genaiPriceOverrides?: Record<string, ModelPrice>;
  /**
   * false: spans are stored without their GenAI reading (no rollups, cost or GenAI list filters for
   * what arrives meanwhile; span detail still reads GenAI when a span is opened). Default true. It
   * exists to measure what normalization costs ingest (`bench/genai-cost.ts`).
   */
  genaiAtIngest?: boolean;
  /**
   * false: requests are stored as they came, without redaction at ingest (docs/redaction.md); the
   * saved rules wait for a run without it. Default true. It exists to measure what redaction costs
   * ingest (`bench/genai-cost.ts --feature redaction`).
   */
  redaction?: boolean;
  /**
   * Upstream OTLP endpoints to forward to for this run (`serve --forward`), instead of the saved
   * ones (forwarding.json, the settings page). docs/forwarding.md.
   */
  forward?: ForwardEndpoint[];
  /** An endpoint's backlog past this many bytes drops its oldest requests, with a notice. Default 1 GB, or a quarter of the retention size limit when that is smaller. */
  forwardMaxBacklogBytes?: number;
  /** The forwarders' retry backoff; tests shorten it. Default 1 s doubling to 60 s. */
  forwardBackoff?: Backoff;
  /**
   * false: compaction keeps no per-minute analytics rollups (the dashboard shows nothing for what
   * arrives meanwhile). Default true. It exists to measure what they cost ingest (`bench/genai-cost.ts`).
   */
  analytics?: boolean;
  /**
   * Decode protobuf span requests, and read their GenAI semantics, in a worker thread beside the
   * store's (store/span-decoder.ts). Default: when the machine has more than one CPU, where it lifts
   * ingest throughput; false decodes on the store thread, as a one-CPU machine does anyway.
   */
  spanDecodeWorker?: boolean;
  /**
   * Reader threads, each with its own read-only connection, serving reads beside the store thread
   * (store/reader-pool.ts), so a click is not queued behind a long read or compaction. Default 2;
   * 0 runs every read on the store thread.
   */
  storeReaders?: number;
  /**
   * The memory: runs and collections searchable by meaning, in a process of its own. Default on
   * with the local embedder; false turns it off (search and memory calls then fail with a clear error).
   */
  memory?: MemoryOptions | false;
  /** One line per notable event; default: stderr. */
  log?: (line: string) => void;
  /**
   * Settings a command-line flag or environment variable set for this run (they win over the
   * saved ones), so the settings page can say so.
   */
  settingsOverridden?: ReadonlyArray<SettingKey | 'otlpToken'>;
}

export interface Engine extends FlowtraceApi {
  readonly info: EngineInfo;
  /** While paused, OTLP requests get 503 + Retry-After, so exporters keep their data and retry. */
  setIngestPaused(paused: boolean): void;
  isIngestPaused(): boolean;
  /** Traces that started at or after fromNs, and how many of them failed, as the trace list counts them (the tray's "today"). */
  countTracesSince(fromNs: string): Promise<TraceCounts>;
  /** After every saved settings edit, from any window, REST or IPC. */
  onSettingsChanged(listener: (view: SettingsView) => void): () => void;
  /** Stops the receivers, finishes pending commits and compaction, closes the store. */
  close(): Promise<void>;
}
