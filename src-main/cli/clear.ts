/**
 * `flowtrace delete trace ID | session ID | --all --yes`: Clear data on a running Flowtrace (the
 * desktop app or `serve`) over its REST API, as the UI's Delete buttons do. Everything needs --yes,
 * as the UI needs its confirmation. Plain lines for people, `--json` for scripts (the API's answer
 * as it is). Exit 0 done, 1 failed (unknown id, nothing answering), 2 a usage mistake; every error
 * is one line on stderr. src-main/cli.ts wires it (DELETE_USAGE is its `--help`).
 */
import { parseArgs } from 'node:util';
import type { DeletedCounts } from '../../src-shared/contract';
import { CLEAR_ALL_CONFIRMATION } from '../../src-shared/contract';
import { apiBase, DEFAULT_API_URL } from './api-client';
import { UsageError } from './command';

export const DELETE_SYNOPSIS = 'delete trace ID | session ID | --all --yes';
export const DELETE_SUMMARY = 'delete a trace, a session, or everything, from the running Flowtrace';

export const DELETE_USAGE = `Usage:
  flowtrace delete trace TRACE_ID      the trace: its spans, the log records logged in it, and what
                                       the memory remembered of it
  flowtrace delete session SESSION_ID  the session: the traces that name it, its log records and
                                       metric points
  flowtrace delete --all --yes         every trace, log record, metric point and session (memory
                                       collections agents wrote are kept)

This cannot be undone; \`flowtrace backup FILE\` keeps a copy first.

Options:
  --url URL   the running Flowtrace (default: $FLOWTRACE_URL or ${DEFAULT_API_URL});
              --api URL and $FLOWTRACE_API are accepted too
  --yes       needed with --all
  --json      the API's answer as JSON: {"traces","spans","logs","metricPoints"}
  -h, --help  this help
`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function describe(c: DeletedCounts): string {
  const parts = [count(c.traces, 'trace'), count(c.spans, 'span')];
  if (c.logs > 0) parts.push(count(c.logs, 'log record'));
  if (c.metricPoints > 0) parts.push(count(c.metricPoints, 'metric point'));
  return parts.join(', ');
}

interface Target {
  /** For messages: `trace 4bf9…`, `session "abc"`, `all data`. */
  what: string;
  path: string;
}

function targetOf(positionals: string[], all: boolean, yes: boolean): Target {
  if (all) {
    if (positionals.length > 0) throw new UsageError('--all deletes everything: give no trace or session with it');
    if (!yes) throw new UsageError('deleting everything cannot be undone: add --yes to go ahead');
    return { what: 'all data', path: `/api/v1/data?confirm=${CLEAR_ALL_CONFIRMATION}` };
  }
  const [kind, id, ...more] = positionals;
  if (kind === undefined) throw new UsageError('say what to delete: trace ID, session ID, or --all --yes');
  if (kind !== 'trace' && kind !== 'session') throw new UsageError(`delete what? "${kind}" is not trace or session`);
  if (id === undefined || id === '') throw new UsageError(`delete ${kind} needs the ${kind}'s id`);
  if (more.length > 0) throw new UsageError(`delete ${kind} takes one id, not ${1 + more.length}`);
  if (kind === 'trace' && !/^[0-9a-fA-F]{32}$/.test(id)) throw new UsageError(`a trace id is 32 hex characters, not "${id}"`);
  const what = kind === 'trace' ? `trace ${id.toLowerCase()}` : `session ${JSON.stringify(id)}`;
  return { what, path: `/api/v1/${kind === 'trace' ? 'traces' : 'sessions'}/${encodeURIComponent(kind === 'trace' ? id.toLowerCase() : id)}` };
}

async function send(base: string, target: Target): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${base}${target.path}`, { method: 'DELETE' });
  } catch (err) {
    const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
    throw new Error(`no Flowtrace answers at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message}); start it with \`flowtrace serve\` or the desktop app, or point --url at it`, { cause: err });
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new Error(`${base} answered HTTP ${res.status}, not JSON: is it a Flowtrace? ${text.slice(0, 120)}`);
  }
}

/** Runs `flowtrace delete …`; returns the exit status. */
export async function deleteCommand(argv: string[], io: CliIo = processIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(DELETE_USAGE.trimEnd());
    return 0;
  }
  let base: string;
  let target: Target;
  let json: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { url: { type: 'string' }, api: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, yes: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
    base = apiBase(values, io.env);
    target = targetOf(positionals, values.all === true, values.yes === true);
    json = values.json === true;
  } catch (err) {
    const message = (err as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    io.err(`flowtrace delete: ${message} (see flowtrace delete --help)`);
    return 2;
  }
  try {
    const { status, body } = await send(base, target);
    if (status === 404) {
      io.err(`flowtrace delete: no ${target.what} in the Flowtrace at ${base}`);
      return 1;
    }
    if (status !== 200) {
      io.err(`flowtrace delete: ${target.what}: ${(body as { error?: string }).error ?? `HTTP ${status}`}`);
      return 1;
    }
    const counts = body as DeletedCounts;
    io.out(json ? JSON.stringify(counts) : `deleted ${target.what}: ${describe(counts)}`);
    return 0;
  } catch (err) {
    io.err(`flowtrace delete: ${(err as Error).message}`);
    return 1;
  }
}
