/**
 * The command table: every `flowtrace` command, grouped as the top-level help shows them. Dispatch,
 * `--help` and the README check (test/cli/help.test.ts) all read this one list, so a command added
 * here without a usage text or a README entry fails a test.
 */
import { VERSION } from '../engine/version';
import { DEFAULT_API_URL } from './api-client';
import { backupCommand, restoreCommand } from './backup';
import { UsageError, wantsHelp, type Command } from './command';
import { memoryCommand, searchCommand } from './memory';
import { exportCommand, importCommand } from './otlp-files';
import { serveCommand } from './serve';
import { tailCommand } from './tail';
import { tracesCommand } from './traces';

export const COMMAND_GROUPS: ReadonlyArray<{ title: string; commands: readonly Command[] }> = [
  { title: 'Run Flowtrace', commands: [serveCommand] },
  {
    title: `Ask the running Flowtrace (desktop app or serve) at --url (or $FLOWTRACE_URL; default ${DEFAULT_API_URL})`,
    commands: [tracesCommand, tailCommand, exportCommand, importCommand, searchCommand, memoryCommand],
  },
  { title: 'Data directory', commands: [backupCommand, restoreCommand] },
];

export const COMMANDS: readonly Command[] = COMMAND_GROUPS.flatMap((g) => g.commands);

export function topLevelUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length)) + 2;
  const groups = COMMAND_GROUPS.map(
    (g) => `${g.title}:\n${g.commands.map((c) => `  flowtrace ${c.synopsis.padEnd(width)}${c.summary}`).join('\n')}`,
  );
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
    process.stdout.write(topic ? topic.usage : topLevelUsage());
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
    process.stdout.write(command.usage);
    return 0;
  }
  try {
    return await command.run([...rest]);
  } catch (err) {
    const usage = err instanceof UsageError;
    const message = (err as Error).message ?? String(err);
    process.stderr.write(`flowtrace ${name}: ${message}${usage ? ` (\`flowtrace ${name} --help\` shows usage)` : ''}\n`);
    return usage ? 2 : 1;
  }
}
