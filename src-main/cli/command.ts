/**
 * What every `flowtrace` command is: a name, a one-line summary for the top-level help, a usage
 * text for `--help`, and run(). A usage mistake throws UsageError (exit 2); anything else that goes
 * wrong is a failure (exit 1). Either way the user gets one line on stderr, never a stack trace.
 */
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Command {
  name: string;
  /** `flowtrace --help` lists each command as `synopsis  summary`. */
  synopsis: string;
  summary: string;
  /**
   * The whole `flowtrace NAME --help` text, ending in a newline; a function for a command whose
   * text lives in a module too heavy to load for every other command (usageOf reads either).
   */
  usage: string | (() => Promise<string>);
  /** The exit status; KEEP_RUNNING for a command that lives on (serve) until a signal ends it. */
  run(argv: string[]): Promise<number>;
}

export const KEEP_RUNNING = -1;

export async function usageOf(command: Command): Promise<string> {
  return typeof command.usage === 'string' ? command.usage : command.usage();
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
type Options = Record<string, OptionSpec>;

/** parseArgs' own messages run to three sentences; the first says what is wrong. */
function firstSentence(message: string): string {
  const cut = message.search(/\.\s/);
  const s = cut < 0 ? message.replace(/\.$/, '') : message.slice(0, cut);
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/**
 * The one line a UsageError becomes: without a repeated `NAME: ` prefix, and a parseArgs message cut
 * to its first sentence (for commands that call parseArgs themselves).
 */
export function usageMessage(name: string, err: Error): string {
  const message = err.message.startsWith(`${name}: `) ? err.message.slice(name.length + 2) : err.message;
  return /^(Unknown option|Option '|Unexpected argument)/.test(message) ? firstSentence(message) : message;
}

/** Strict parseArgs whose mistakes become one-line UsageErrors; `--help` is handled before this runs. */
export function parse<const T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(firstSentence((err as Error).message));
    throw err;
  }
}

/** `-h`/`--help` anywhere before a `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

export function positiveInt(value: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

/** stdout, one line at a time. */
export function out(line: string): void {
  process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
}
