/**
 * `flowtrace` command line. `flowtrace serve` runs the headless shell: the engine plus the REST +
 * WebSocket API and the built UI on one port. It prints where each listener is, then `ready`.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEngine } from './engine';
import { VERSION } from './engine/version';
import { startApiServer } from './headless/api-server';
import { defaultDataDir } from './headless/data-dir';

const USAGE = `Usage: flowtrace serve [options]

Runs Flowtrace without a window: OTLP receivers, the REST API and the UI for any browser.

Options:
  --data-dir DIR         where data is kept (default: $FLOWTRACE_DATA_DIR or the OS user data dir)
  --otlp-http-port N     OTLP/HTTP receiver port (default 4318; 0 = any free port)
  --otlp-grpc-port N     OTLP/gRPC receiver port (default 4317; reserved, the gRPC receiver is not built yet)
  --port N               UI + REST API port (default 9600; 0 = any free port)
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
      port: { type: 'string' },
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
  const host = '127.0.0.1';

  const engine = await startEngine({ dataDir, otlpHttpPort, otlpGrpcPort, host });
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
    `Flowtrace ${VERSION} (headless), data in ${dataDir}\n` +
      `  OTLP/HTTP  ${engine.info.otlpHttpEndpoint}   (OTEL_EXPORTER_OTLP_ENDPOINT=${engine.info.otlpHttpEndpoint})\n` +
      `  OTLP/gRPC  not started: the gRPC receiver is not built yet (port ${otlpGrpcPort} reserved)\n` +
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

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'serve') {
      await serve(rest);
      return -1; // keep running
    }
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    const usage = err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`flowtrace: ${(err as Error).message}\n${usage ? '\n' + USAGE : ''}`);
    return usage ? 2 : 1;
  }
}
