/**
 * The query commands' view of a running Flowtrace (the desktop app or `serve`): its REST API at
 * `--url`, else `$FLOWTRACE_URL`, else `http://127.0.0.1:9600`. `--api` and `$FLOWTRACE_API` are
 * the same thing under the name the memory commands were first documented with.
 */
import { DEFAULT_API_URL } from '../headless/api-port';
import { UsageError } from './command';

export { DEFAULT_API_URL };

/** The options every query command takes, for parse(). */
export const URL_OPTIONS = {
  url: { type: 'string' },
  api: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const URL_USAGE = `  --url URL      the running Flowtrace (default: $FLOWTRACE_URL or ${DEFAULT_API_URL});
                 --api URL and $FLOWTRACE_API are accepted too
  --json         the API's answer as JSON, for scripts
`;

export function apiBase(values: { url?: string | undefined; api?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string {
  if (values.url !== undefined && values.api !== undefined && values.url !== values.api) throw new UsageError('give --url or --api, not both');
  const flag = values.url !== undefined ? '--url' : values.api !== undefined ? '--api' : env.FLOWTRACE_URL ? '$FLOWTRACE_URL' : env.FLOWTRACE_API ? '$FLOWTRACE_API' : null;
  const base = values.url ?? values.api ?? (env.FLOWTRACE_URL || env.FLOWTRACE_API || DEFAULT_API_URL);
  if (!/^https?:\/\/[^/\s]+\/?$/.test(base)) throw new UsageError(`${flag ?? '--url'} must be http://host:port, not "${base}"`);
  return base.replace(/\/$/, '');
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function unreachable(base: string, err: unknown): Error {
  const cause = (err as Error).cause;
  const why = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : (err as Error).message;
  return new Error(`no Flowtrace answers at ${base} (${why}); start it with \`flowtrace serve\` or the desktop app, or point --url at it`, { cause: err });
}

export class ApiClient {
  constructor(readonly base: string) {}

  /** The raw response of a request that reached the server (any status). */
  async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw unreachable(this.base, err);
    }
  }

  /** The JSON answer; an error status becomes ApiError with the server's message. null for 204. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return JSON.parse(await this.text(method, path, body)) as T;
  }

  async get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  /** The body as text, after the same status checks as json(). */
  async text(method: string, path: string, body?: unknown): Promise<string> {
    const res = await this.fetch(method, path, body);
    if (res.status === 204) return 'null';
    const text = await res.text();
    if (res.ok) return text;
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch {
      message = `${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`;
    }
    throw new ApiError(message, res.status);
  }
}
