/**
 * Where the CLI's client commands find the running Flowtrace: `--url`, else `$FLOWTRACE_URL`, else
 * `$FLOWTRACE_API` (as `flowtrace search` and `memory` read it), else the default API port on loopback.
 */
import { UsageError as CliUsageError } from './command';
import { DEFAULT_API_URL, normalizeApiUrl } from '../mcp/rest-client';

export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const url = flag ?? (env.FLOWTRACE_URL || env.FLOWTRACE_API || DEFAULT_API_URL);
  try {
    return normalizeApiUrl(url);
  } catch (err) {
    throw new CliUsageError(`--url: ${(err as Error).message}`, { cause: err });
  }
}
