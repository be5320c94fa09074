/**
 * `flowtrace mcp`: an MCP server on stdin/stdout for coding agents, answering from the running
 * Flowtrace (desktop app or `serve`) over its REST API. stdout carries only the protocol; anything
 * for a person goes to stderr. It starts even when no Flowtrace answers yet (an agent launches it at
 * its own start): each tool call then says so, and works as soon as Flowtrace is up.
 */
import { parseArgs } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { UsageError as CliUsageError } from './command';
import { createRestClient } from '../mcp/rest-client';
import { createMcpServer } from '../mcp/server';
import { TOOL_NAMES } from '../mcp/tools';
import { apiBase } from './api-client';

/** For the `flowtrace --help` overview. */
export const MCP_USAGE = `  flowtrace mcp [--url URL]        an MCP server on stdio for coding agents (Claude Code, Cursor, VS Code,
                                   Cline), answering from the running Flowtrace; also at URL/mcp over HTTP
`;

export const MCP_HELP = `Usage: flowtrace mcp [--url URL]

An MCP (Model Context Protocol) server on stdin/stdout, for coding agents. It answers from the
running Flowtrace (the desktop app or \`flowtrace serve\`) at --url, default $FLOWTRACE_URL,
$FLOWTRACE_API or http://127.0.0.1:9600. The same tools are served over streamable HTTP at
<that URL>/mcp.

Tools: ${TOOL_NAMES.join(', ')}

Add it to Claude Code:   claude mcp add flowtrace -- npx flowtrace mcp
Any client's JSON config: { "mcpServers": { "flowtrace": { "command": "npx", "args": ["flowtrace", "mcp"] } } }
(README, "For coding agents: MCP", has Cursor, VS Code and Cline.)

Options:
  --url URL     the running Flowtrace's UI + REST address
  -h, --help    show this help
`;

export interface McpStdioOptions {
  url: string;
  stdin?: Readable;
  stdout?: Writable;
  /** Where a person-facing note goes (never stdout, which carries the protocol). */
  log?: (line: string) => void;
}

/** Serves until stdin ends (the client went away). */
export async function runMcpStdio(options: McpStdioOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const log = options.log ?? ((line: string) => process.stderr.write(`flowtrace mcp: ${line}\n`));
  const api = createRestClient(options.url);
  const server = createMcpServer(api);
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  // A note for the client's log, not a failure: the agent may well start before Flowtrace does.
  api.getStats().then(
    (stats) => log(`serving ${TOOL_NAMES.length} tools from the Flowtrace at ${options.url} (${stats.traces} traces stored)`),
    (err: unknown) => log(`${(err as Error).message}; each tool call will say so until it answers`),
  );
  const end = (): void => void server.close();
  stdin.once('end', end);
  stdin.once('close', end);
  await closed;
}

export async function mcpCommand(argv: string[]): Promise<void> {
  let values: { url?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({ args: argv, options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new CliUsageError(`mcp: ${(err as Error).message}`, { cause: err });
  }
  if (values.help) {
    process.stdout.write(MCP_HELP);
    return;
  }
  await runMcpStdio({ url: apiBase({ url: values.url }) });
}
