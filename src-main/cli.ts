/**
 * `flowtrace` command line. `serve` runs the headless shell (the engine plus the REST + WebSocket
 * API and the built UI on one port) and prints where each listener is, then `ready`. `backup` and
 * `restore` work on a data directory's database as one file.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DB_FILE, startEngine } from './engine';
import { VERSION } from './engine/version';
import { lockDataDir } from './engine/data-dir-lock';
import { backupDatabase, restoreDatabase } from './engine/store/backup';
import { DEFAULT_RETENTION } from './engine/store/retention';
import { startApiServer } from './headless/api-server';
import { defaultDataDir } from './headless/data-dir';
import { readPriceOverrides } from './engine/genai/price-overrides-file';
import { CliUsageError, MEMORY_USAGE, memoryCommand, searchCommand } from './cli-memory';
import type { EmbedderConfig } from './engine/memory/memory-protocol';

const USAGE = `Usage:
  flowtrace serve [options]        run without a window: OTLP receivers, REST API, UI for any browser
  flowtrace backup FILE [--data-dir DIR]    copy the database to FILE (consistent, works while serving)
  flowtrace restore FILE [--data-dir DIR]   replace the database with FILE (Flowtrace must be stopped;
                                            the current one is moved aside, never deleted)
${MEMORY_USAGE}
Options for serve:
  --data-dir DIR         where data is kept (default: $FLOWTRACE_DATA_DIR or the OS user data dir)
  --otlp-http-port N     OTLP/HTTP receiver port (default 4318; 0 = any free port)
  --otlp-grpc-port N     OTLP/gRPC receiver port (default 4317; 0 = any free port)
  --otlp-host ADDR       address of both OTLP receivers (default 127.0.0.1); any other address
                         needs --otlp-token, because the network can then reach them
  --otlp-token TOKEN     bearer token the OTLP receivers require (or $FLOWTRACE_OTLP_TOKEN); exporters
                         send OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer TOKEN"
  --otlp-allow-origin O  a browser origin (e.g. http://localhost:5173) allowed to send OTLP/HTTP,
                         with CORS for it; repeatable; none by default
  --prices FILE          your model prices, JSON {"model": {"input": USD/1M tokens, "output": …,
                         "cacheRead": …}}; they win over the shipped table (default: prices.json
                         in the data dir, if present)
  --no-genai-ingest      store spans without reading their GenAI semantics at ingest (no rollups,
                         cost or GenAI filters for them); for measuring what that reading costs
  --no-analytics         keep no per-minute analytics rollups at ingest (the dashboard shows
                         nothing for what arrives meanwhile); for measuring what they cost
  --no-span-decode-worker
                         decode spans on the store's thread, not in a worker beside it (the
                         default on one-CPU machines); for measuring what the worker brings
  --no-memory            do not remember runs or serve search and memory (docs/memory.md)
  --embedder KIND        local (default: the shipped all-MiniLM-L6-v2, offline), openai (any
                         OpenAI-compatible /v1/embeddings: Ollama, LM Studio, OpenAI; with
                         --embedder-url and --embedder-model, key in $FLOWTRACE_EMBEDDER_API_KEY),
                         or hashing (for tests: it misses paraphrases)
  --embedder-url URL     base URL of the OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434
  --embedder-model NAME  its embedding model, e.g. nomic-embed-text
  --port N               UI + REST API port (default 9600; 0 = any free port; always loopback)
  --durability MODE      normal (default): acknowledged data survives a crash of Flowtrace;
                         full: it also survives power loss (slower ingest)
  --retention-days N     delete traces received more than N days ago (default 30)
  --retention-gb N       delete the oldest traces while the store uses more than N GB (default 10)
  -h, --help             show this help
  -v, --version          print the version
`;

class UsageError extends Error {}

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`${flag} must be a port number from 0 to 65535, not "${value}"`);
  return n;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, not "${value}"`);
  return n;
}

/** undefined: the default (the local model). */
function embedderConfig(kind: string | undefined, url: string | undefined, model: string | undefined): EmbedderConfig | undefined {
  if (kind === undefined || kind === 'local') {
    if (url !== undefined || model !== undefined) throw new UsageError('--embedder-url and --embedder-model go with --embedder openai');
    return undefined;
  }
  if (kind === 'hashing') return { kind: 'hashing' };
  if (kind !== 'openai') throw new UsageError(`--embedder must be local, openai or hashing, not "${kind}"`);
  if (url === undefined || !/^https?:\/\/\S+$/.test(url)) throw new UsageError('--embedder openai needs --embedder-url http(s)://host:port');
  if (model === undefined || model === '') throw new UsageError('--embedder openai needs --embedder-model NAME');
  const apiKey = process.env.FLOWTRACE_EMBEDDER_API_KEY;
  return apiKey ? { kind: 'openai', baseUrl: url, model, apiKey } : { kind: 'openai', baseUrl: url, model };
}

/** The built renderer sits next to out/main in out/renderer. */
function rendererDir(): string {
  return fileURLToPath(new URL('../renderer', import.meta.url));
}

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      'otlp-http-port': { type: 'string' },
      'otlp-grpc-port': { type: 'string' },
      'otlp-host': { type: 'string' },
      'otlp-token': { type: 'string' },
      'otlp-allow-origin': { type: 'string', multiple: true },
      prices: { type: 'string' },
      'no-genai-ingest': { type: 'boolean' },
      'no-analytics': { type: 'boolean' },
      'no-span-decode-worker': { type: 'boolean' },
      'no-memory': { type: 'boolean' },
      embedder: { type: 'string' },
      'embedder-url': { type: 'string' },
      'embedder-model': { type: 'string' },
      port: { type: 'string' },
      durability: { type: 'string' },
      'retention-days': { type: 'string' },
      'retention-gb': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const otlpHttpPort = port(values['otlp-http-port'], '--otlp-http-port', 4318);
  const otlpGrpcPort = port(values['otlp-grpc-port'], '--otlp-grpc-port', 4317);
  const apiPort = port(values.port, '--port', 9600);
  const durability = values.durability ?? 'normal';
  if (durability !== 'normal' && durability !== 'full') throw new UsageError(`--durability must be normal or full, not "${durability}"`);
  const days = positive(values['retention-days'], '--retention-days');
  const gb = positive(values['retention-gb'], '--retention-gb');
  const host = '127.0.0.1';
  const otlpHost = values['otlp-host'] ?? host;
  const otlpToken = values['otlp-token'] ?? process.env.FLOWTRACE_OTLP_TOKEN;
  const origins = values['otlp-allow-origin'] ?? [];
  for (const o of origins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new UsageError(`--otlp-allow-origin must be scheme://host[:port], not "${o}"`);
  }

  const embedder = embedderConfig(values.embedder, values['embedder-url'], values['embedder-model']);
  const engine = await startEngine({
    dataDir,
    otlpHttpPort,
    otlpGrpcPort,
    host: otlpHost,
    ...(otlpToken ? { otlpToken } : {}),
    otlpAllowedOrigins: origins,
    ...(values.prices !== undefined ? { genaiPriceOverrides: readPriceOverrides(values.prices) } : {}),
    ...(values['no-genai-ingest'] ? { genaiAtIngest: false } : {}),
    ...(values['no-analytics'] ? { analytics: false } : {}),
    ...(values['no-span-decode-worker'] ? { spanDecodeWorker: false } : {}),
    ...(values['no-memory'] ? { memory: false } : embedder ? { memory: { embedder } } : {}),
    durability,
    retention: {
      maxAgeMs: days !== undefined ? days * 24 * 3600 * 1000 : DEFAULT_RETENTION.maxAgeMs,
      maxBytes: gb !== undefined ? gb * 1024 ** 3 : DEFAULT_RETENTION.maxBytes,
    },
  });
  let api: Server;
  try {
    api = await startApiServer({
      api: engine,
      host,
      port: apiPort,
      rendererDir: rendererDir(),
      health: () => ({ ingestPaused: engine.isIngestPaused(), otlpHttpEndpoint: engine.info.otlpHttpEndpoint }),
    });
  } catch (err) {
    await engine.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`UI/REST port ${apiPort} on ${host} is in use; pick another with --port`, { cause: err });
    }
    throw err;
  }
  const apiUrl = `http://${host}:${(api.address() as AddressInfo).port}`;
  process.stdout.write(
    `Flowtrace ${VERSION} (headless), data in ${dataDir}, durability ${durability}\n` +
      `  OTLP/HTTP  ${engine.info.otlpHttpEndpoint}   (OTEL_EXPORTER_OTLP_ENDPOINT=${engine.info.otlpHttpEndpoint})\n` +
      `  OTLP/gRPC  ${engine.info.otlpGrpcEndpoint}   (OTEL_EXPORTER_OTLP_ENDPOINT=${engine.info.otlpGrpcEndpoint} with OTEL_EXPORTER_OTLP_PROTOCOL=grpc)\n` +
      `  UI + REST  ${apiUrl}\n` +
      'ready\n',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`flowtrace: ${signal}, shutting down\n`);
    api.close();
    api.closeAllConnections();
    engine.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`flowtrace: error while shutting down: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function fileAndDataDir(argv: string[], command: string): { file: string; dataDir: string } {
  const { values, positionals } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' } }, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one FILE`);
  return { file: resolve(positionals[0]!), dataDir: values['data-dir'] ?? defaultDataDir() };
}

function backup(argv: string[]): void {
  const { file, dataDir } = fileAndDataDir(argv, 'backup');
  const { bytes } = backupDatabase(join(dataDir, DB_FILE), file);
  process.stdout.write(`backed up ${join(dataDir, DB_FILE)} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB)\n`);
}

function restore(argv: string[]): void {
  const { file, dataDir } = fileAndDataDir(argv, 'restore');
  const unlock = lockDataDir(dataDir);
  try {
    const movedTo = restoreDatabase(file, dataDir, DB_FILE);
    process.stdout.write(`restored ${file} into ${dataDir}${movedTo ? `; the previous database was moved to ${movedTo}` : ''}\n`);
  } finally {
    unlock();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        await serve(rest);
        return -1; // keep running
      case 'backup':
        backup(rest);
        return 0;
      case 'restore':
        restore(rest);
        return 0;
      case 'search':
        await searchCommand(rest);
        return 0;
      case 'memory':
        await memoryCommand(rest);
        return 0;
      case '--version':
      case '-v':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    const usage = err instanceof UsageError || err instanceof CliUsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`flowtrace: ${(err as Error).message}\n${usage ? '\n' + USAGE : ''}`);
    return usage ? 2 : 1;
  }
}
