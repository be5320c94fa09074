/**
 * The command table: every `flowtrace` command, grouped as the top-level help shows them. Dispatch,
 * `--help` and the README check (test/cli/help.test.ts) all read this one list, so a command added
 * here without a usage text or a README entry fails a test.
 */
import { VERSION } from '../engine/version';
import { DEFAULT_API_URL } from './api-client';
import { backupCommand, restoreCommand } from './backup';
import { DELETE_SUMMARY, DELETE_SYNOPSIS, DELETE_USAGE, deleteCommand } from './clear';
import { usageMessage, usageOf, UsageError, wantsHelp, type Command } from './command';
import { memoryCommand, searchCommand } from './memory';
import { exportCommand, importCommand } from './otlp-files';
import { serveCommand } from './serve';
import { tailCommand } from './tail';
import { tracesCommand } from './traces';
import { verifyCommand } from './verify';

// The MCP server, the trace tree and Clear data are written as plain functions of argv with their
// own help texts (src-main/cli/mcp.ts, inspect.ts, clear.ts); these entries put them in the table.
// mcp and inspect are loaded only when used: the MCP SDK and zod alone took ~0.4 s of every
// command's start.
const inspect: Command = {
  name: 'inspect',
  synopsis: 'inspect TRACE_ID',
  summary: 'a trace as a tree: kinds, tokens, cost, errors, edges',
  usage: async () => (await import('./inspect')).INSPECT_HELP,
  run: async (argv) => {
    await (await import('./inspect')).inspectCommand(argv);
    return 0;
  },
};

const mcp: Command = {
  name: 'mcp',
  synopsis: 'mcp',
  summary: 'an MCP server on stdio for coding agents',
  usage: async () => (await import('./mcp')).MCP_HELP,
  run: async (argv) => {
    await (await import('./mcp')).mcpCommand(argv);
    return 0;
  },
};

const del: Command = {
  name: 'delete',
  synopsis: DELETE_SYNOPSIS,
  summary: DELETE_SUMMARY,
  usage: DELETE_USAGE,
  run: (argv) => deleteCommand(argv),
};

export const COMMAND_GROUPS: ReadonlyArray<{ title: string; commands: readonly Command[] }> = [
  { title: 'Run Flowtrace', commands: [serveCommand] },
  {
    title: `Ask the running Flowtrace, the desktop app or serve (--url, default ${DEFAULT_API_URL})`,
    commands: [tracesCommand, inspect, tailCommand, exportCommand, importCommand, searchCommand, memoryCommand, del, mcp],
  },
  { title: 'Data directory', commands: [backupCommand, restoreCommand, verifyCommand] },
];

export const COMMANDS: readonly Command[] = COMMAND_GROUPS.flatMap((g) => g.commands);

/** Synopses longer than this put their summary on the next line. */
const SYNOPSIS_COLUMN = 30;

export function topLevelUsage(): string {
  const width = Math.min(SYNOPSIS_COLUMN, Math.max(...COMMANDS.map((c) => c.synopsis.length))) + 2;
  const column = '  flowtrace '.length + width;
  const line = (c: Command) => {
    if (c.synopsis.length + 2 <= width) return `  flowtrace ${c.synopsis.padEnd(width)}${c.summary}`;
    const indent = column + c.summary.length <= 100 ? column : 6;
    return `  flowtrace ${c.synopsis}\n${' '.repeat(indent)}${c.summary}`;
  };
  const groups = COMMAND_GROUPS.map((g) => `${g.title}:\n${g.commands.map(line).join('\n')}`);
  return `Usage: flowtrace COMMAND [options]

Flowtrace ${VERSION}: local-first observability for AI agents.

${groups.join('\n\n')}

\`flowtrace COMMAND --help\` shows a command's options; \`flowtrace --version\` prints the version.
Exit status: 0 done, 1 failed, 2 wrong usage.
`;
}

/** Runs one command line; returns the exit status (KEEP_RUNNING for serve). Never throws. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(topLevelUsage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    if (rest[0] !== undefined && !topic) {
      process.stderr.write(`flowtrace: no command "${rest[0]}"; \`flowtrace --help\` lists them\n`);
      return 2;
    }
    process.stdout.write(topic ? await usageOf(topic) : topLevelUsage());
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`flowtrace: unknown command "${name}"; \`flowtrace --help\` lists them\n`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(await usageOf(command));
    return 0;
  }
  try {
    return await command.run([...rest]);
  } catch (err) {
    const usage = err instanceof UsageError;
    const message = usage ? usageMessage(name, err) : ((err as Error).message ?? String(err));
    process.stderr.write(`flowtrace ${name}: ${message}${usage ? ` (\`flowtrace ${name} --help\` shows usage)` : ''}\n`);
    return usage ? 2 : 1;
  }
}
