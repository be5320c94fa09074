/**
 * `flowtrace mcp` run from source (`node --import tsx src-main/mcp/stdio-main.ts --url URL`), for
 * tests and development; the built CLI routes `flowtrace mcp` to the same mcpCommand.
 */
import { UsageError as CliUsageError } from '../cli/command';
import { mcpCommand } from '../cli/mcp';

try {
  await mcpCommand(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`flowtrace: ${(err as Error).message}\n`);
  process.exitCode = err instanceof CliUsageError ? 2 : 1;
}
