/**
 * `flowtrace serve`: the headless shell. The engine plus the REST + WebSocket API and the built UI
 * on one loopback port; prints where each listener is, then `ready`, and runs until SIGINT/SIGTERM.
 * The engine and the server are imported when serve runs, not when the CLI starts: every other
 * command starts without loading them (about half of the CLI's start-up time).
 */
import { applyForwardingUpdate, ForwardingError, parseHeaderArgument, type ForwardEndpoint } from '../../src-shared/forwarding';
import { fileURLToPath } from 'node:url';
import { VERSION } from '../engine/version';
import { RECEIVER_LABELS, type ReceiverStatus } from '../../src-shared/contract';
import type { EmbedderSetting, SettingKey } from '../../src-shared/settings';
import { readSettingsFile } from '../engine/settings/settings-file';
import type { EmbedderConfig } from '../engine/memory/memory-protocol';
import type { ApiListener } from '../headless/api-listen';
import { DEFAULT_API_PORT } from '../headless/api-port';
import { defaultDataDir } from '../headless/data-dir';
import { KEEP_RUNNING, parse, UsageError, type Command } from './command';

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

/** The saved embedder as the engine takes it: undefined for the local model, 'off' for none. */
function savedEmbedder(setting: EmbedderSetting): EmbedderConfig | 'off' | undefined {
  if (setting.kind === 'off') return 'off';
  if (setting.kind === 'local') return undefined;
  const apiKey = process.env.FLOWTRACE_EMBEDDER_API_KEY;
  return apiKey ? { kind: 'openai', baseUrl: setting.url, model: setting.model, apiKey } : { kind: 'openai', baseUrl: setting.url, model: setting.model };
}

/** --forward URL… with the --forward-header K=V… they all carry; undefined when none is given. */
function forwardEndpoints(urls: string[], headerArgs: string[]): ForwardEndpoint[] | undefined {
  if (urls.length === 0) {
    if (headerArgs.length > 0) throw new UsageError('--forward-header needs a --forward URL');
    return undefined;
  }
  try {
    const headers = Object.fromEntries(headerArgs.map(parseHeaderArgument));
    return applyForwardingUpdate([], urls.map((url) => ({ url, headers })));
  } catch (err) {
    if (err instanceof ForwardingError) throw new UsageError(`--forward: ${Object.values(err.fields).join('; ')}`);
    throw new UsageError((err as Error).message);
  }
}

function optionalPort(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : port(value, flag, 0);
}

/** The built renderer sits next to out/main in out/renderer. */
function rendererDir(): string {
  return fileURLToPath(new URL('../renderer', import.meta.url));
}

export const serveCommand: Command = {
  name: 'serve',
  synopsis: 'serve [options]',
  summary: 'run the engine, REST API and UI without a window',
  usage: `Usage: flowtrace serve [options]

Runs Flowtrace without a window: the OTLP receivers, the REST API + WebSocket and the UI for any
browser, all on loopback. Prints where each listener is, then "ready". One Flowtrace at a time per
data directory. Ctrl-C stops it cleanly. A busy OTLP port does not stop it: that receiver waits,
and the UI or POST /api/v1/receivers/{kind}/retry binds it.

Settings saved in the Settings page (settings.json in the data directory: ports, OTLP address and
token, retention, durability, embedder) apply wherever no flag below is given; a flag wins for
its run only.

Options:
  --data-dir DIR         where data is kept (default: $FLOWTRACE_DATA_DIR or the OS user data dir,
                         the same as the desktop app's; see README "Your data")
  --otlp-http-port N     OTLP/HTTP receiver port (default 4318; 0 = any free port)
  --otlp-grpc-port N     OTLP/gRPC receiver port (default 4317; 0 = any free port)
  --otlp-host ADDR       address of both OTLP receivers (default 127.0.0.1); any other address
                         needs --otlp-token, because the network can then reach them
  --otlp-token TOKEN     bearer token the OTLP receivers require (or $FLOWTRACE_OTLP_TOKEN);
                         exporters send OTEL_EXPORTER_OTLP_HEADERS="authorization=Bearer TOKEN"
  --otlp-allow-origin O  a browser origin (e.g. http://localhost:5173) allowed to send OTLP/HTTP,
                         with CORS for it; repeatable; none by default
  --prices FILE          your model prices, JSON {"model": {"input": USD/1M tokens, "output": …,
                         "cacheRead": …}}; they win over the shipped table (default: prices.json
                         in the data dir, if present)
  --no-genai-ingest      store spans without reading their GenAI semantics at ingest (no rollups,
                         cost or GenAI filters for them); for measuring what that reading costs
  --no-analytics         keep no per-minute analytics rollups at ingest (the dashboard shows
                         nothing for what arrives meanwhile); for measuring what they cost
  --forward URL          also send everything received on to an upstream OTLP endpoint (a team's
                         Collector, Jaeger, Tempo): http(s)://host:port for OTLP/HTTP,
                         grpc://host:port or grpcs://host:port (TLS) for OTLP/gRPC; repeatable.
                         Queued in the data dir: nothing is lost while it is down, across restarts
                         (docs/forwarding.md). Wins over the endpoints saved in Settings for this run
  --forward-header K=V   a header sent with every forwarded request (e.g. authorization=Bearer X);
                         repeatable, for every --forward endpoint
  --forward-max-mb N     an endpoint that falls more than N MB behind drops its oldest requests, with
                         a notice (default 1024, or a quarter of --retention-gb when that is less)
  --no-redaction         store what arrives as it came, secrets included (redaction.rules in the
                         data dir waits for a run without it); for measuring what redaction costs
  --no-span-decode-worker
                         decode spans on the store's thread, not in a worker beside it (the
                         default on one-CPU machines); for measuring what the worker brings
  --store-readers N      reader threads serving reads beside the store's thread (default 2; 0: every
                         read on the store's thread, as before the reader pool)
  --no-memory            do not remember runs or serve search and memory (docs/memory.md)
  --embedder KIND        local (default: the shipped all-MiniLM-L6-v2, offline), openai (any
                         OpenAI-compatible /v1/embeddings: Ollama, LM Studio, OpenAI; with
                         --embedder-url and --embedder-model, key in $FLOWTRACE_EMBEDDER_API_KEY),
                         or hashing (for tests: it misses paraphrases)
  --embedder-url URL     base URL of the OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434
  --embedder-model NAME  its embedding model, e.g. nomic-embed-text
  --port N               UI + REST API port (default ${DEFAULT_API_PORT}; 0 = any free port; always loopback)
  --durability MODE      normal (default): acknowledged data survives a crash of Flowtrace;
                         full: it also survives power loss (slower ingest)
  --retention-days N     delete traces received more than N days ago (default 30)
  --retention-gb N       delete the oldest traces while the store uses more than N GB (default 10)

Example:
  flowtrace serve --data-dir ./flowtrace-data --port 9700
`,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      'data-dir': { type: 'string' },
      'otlp-http-port': { type: 'string' },
      'otlp-grpc-port': { type: 'string' },
      'otlp-host': { type: 'string' },
      'otlp-token': { type: 'string' },
      'otlp-allow-origin': { type: 'string', multiple: true },
      prices: { type: 'string' },
      'no-genai-ingest': { type: 'boolean' },
      'no-analytics': { type: 'boolean' },
      'no-redaction': { type: 'boolean' },
      forward: { type: 'string', multiple: true },
      'forward-header': { type: 'string', multiple: true },
      'forward-max-mb': { type: 'string' },
      'no-span-decode-worker': { type: 'boolean' },
      'store-readers': { type: 'string' },
      'no-memory': { type: 'boolean' },
      embedder: { type: 'string' },
      'embedder-url': { type: 'string' },
      'embedder-model': { type: 'string' },
      port: { type: 'string' },
      durability: { type: 'string' },
      'retention-days': { type: 'string' },
      'retention-gb': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`takes no arguments, only options (got "${positionals[0]}")`);
    const dataDir = values['data-dir'] ?? defaultDataDir();
    // The settings page's saved values (settings.json in the data dir) unless a flag says otherwise
    // for this run; the page is told which flags won.
    const saved = readSettingsFile(dataDir);
    const overridden: Array<SettingKey | 'otlpToken'> = [];
    const flagged = <T>(flagValue: T | undefined, key: SettingKey | 'otlpToken'): T | undefined => {
      if (flagValue !== undefined) overridden.push(key);
      return flagValue;
    };
    const otlpHttpPort = flagged(optionalPort(values['otlp-http-port'], '--otlp-http-port'), 'otlpHttpPort') ?? saved.settings.otlpHttpPort;
    const otlpGrpcPort = flagged(optionalPort(values['otlp-grpc-port'], '--otlp-grpc-port'), 'otlpGrpcPort') ?? saved.settings.otlpGrpcPort;
    const apiPort = port(values.port, '--port', DEFAULT_API_PORT);
    const durability = flagged(values.durability, 'durability') ?? saved.settings.durability;
    if (durability !== 'normal' && durability !== 'full') throw new UsageError(`--durability must be normal or full, not "${durability}"`);
    const days = flagged(positive(values['retention-days'], '--retention-days'), 'retentionDays') ?? saved.settings.retentionDays;
    const gb = flagged(positive(values['retention-gb'], '--retention-gb'), 'retentionGb') ?? saved.settings.retentionGb;
    const readersFlag = values['store-readers'];
    if (readersFlag !== undefined && !/^(?:[0-9]|1[0-6])$/.test(readersFlag)) throw new UsageError(`--store-readers must be a whole number from 0 to 16, not "${readersFlag}"`);
    const host = '127.0.0.1';
    const otlpHost = flagged(values['otlp-host'], 'otlpHost') ?? saved.settings.otlpHost;
    const otlpToken = flagged(values['otlp-token'] ?? process.env.FLOWTRACE_OTLP_TOKEN, 'otlpToken') ?? saved.token ?? undefined;
    const origins = values['otlp-allow-origin'] ?? [];
    for (const o of origins) {
      if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new UsageError(`--otlp-allow-origin must be scheme://host[:port], not "${o}"`);
    }

    const forward = forwardEndpoints(values.forward ?? [], values['forward-header'] ?? []);
    const forwardMaxMb = positive(values['forward-max-mb'], '--forward-max-mb');

    const embedderFlagged = values.embedder !== undefined || values['no-memory'] === true;
    if (embedderFlagged) overridden.push('embedder');
    const embedder = embedderFlagged ? embedderConfig(values.embedder, values['embedder-url'], values['embedder-model']) : savedEmbedder(saved.settings.embedder);
    const [{ startEngine }, { retentionOf }, { readPriceOverrides }, { startApiOnFirstFreePort }] = await Promise.all([
      import('../engine'),
      import('../engine/store/retention'),
      import('../engine/genai/price-overrides-file'),
      import('../headless/api-listen'),
    ]);
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
      ...(values['no-redaction'] ? { redaction: false } : {}),
      ...(forward ? { forward } : {}),
      ...(forwardMaxMb !== undefined ? { forwardMaxBacklogBytes: Math.round(forwardMaxMb * 1024 * 1024) } : {}),
      ...(values['no-span-decode-worker'] ? { spanDecodeWorker: false } : {}),
      ...(readersFlag !== undefined ? { storeReaders: Number(readersFlag) } : {}),
      ...(values['no-memory'] || embedder === 'off' ? { memory: false } : embedder ? { memory: { embedder } } : {}),
      durability,
      retention: retentionOf({ retentionDays: days, retentionGb: gb }),
      settingsOverridden: overridden,
    });
    let api: ApiListener;
    try {
      api = await startApiOnFirstFreePort(
        {
          api: engine,
          host,
          rendererDir: rendererDir(),
          health: () => ({ ingestPaused: engine.isIngestPaused(), otlpHttpEndpoint: engine.info.otlpHttpEndpoint }),
        },
        [apiPort],
      );
    } catch (err) {
      await engine.close();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new Error(`UI/REST port ${apiPort} on ${host} is in use; pick another with --port`, { cause: err });
      }
      throw err;
    }
    process.stdout.write(
      `Flowtrace ${VERSION} (headless), data in ${dataDir}, durability ${durability}\n` +
        engine.info.receivers.map((r) => receiverLine(r, api.url)).join('') +
        `  UI + REST  ${api.url}\n` +
        'ready\n',
    );

    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`flowtrace: ${signal}, shutting down\n`);
      void api.close();
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
    return KEEP_RUNNING;
  },
};

/** The startup line of one receiver: where to point exporters, or that its port is busy and how to retry. */
function receiverLine(r: ReceiverStatus, apiUrl: string): string {
  const label = RECEIVER_LABELS[r.kind];
  if (r.state !== 'listening' || r.endpoint === null) {
    return `  ${label}  NOT LISTENING: ${r.error ?? r.state}; the UI's banner retries it, or POST ${apiUrl.replace(/\/$/, '')}/api/v1/receivers/${r.kind}/retry\n`;
  }
  const protocol = r.kind === 'otlp-grpc' ? ' with OTEL_EXPORTER_OTLP_PROTOCOL=grpc' : '';
  return `  ${label}  ${r.endpoint}   (OTEL_EXPORTER_OTLP_ENDPOINT=${r.endpoint}${protocol})\n`;
}
