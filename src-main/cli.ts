/**
 * `flowtrace` command line (built to out/main/cli.js, run by bin/flowtrace.mjs). The commands live
 * in src-main/cli/, one file per family, listed in cli/commands.ts; this entry only dispatches.
 */
import { runCli } from './cli/commands';

export async function main(argv: string[]): Promise<number> {
  // `flowtrace traces | head`: a closed pipe ends the command quietly, as it does for other tools.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return runCli(argv);
}
