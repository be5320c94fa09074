/**
 * Flowtrace as an MCP server (the official SDK's McpServer) over any client of the contract: the
 * engine in process (streamable HTTP at `/mcp`) or the REST client of a running Flowtrace
 * (`flowtrace mcp` over stdio). Transport-free: the callers connect the transport.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { VERSION } from '../engine/version';
import { registerTools, type McpApi } from './tools';

const INSTRUCTIONS =
  'Flowtrace stores the OpenTelemetry traces of AI agent runs (agents, LLM calls, tool calls, tokens, cost, errors) on this machine. ' +
  'Start with list_traces (filters: text, errors, agent, tool, model, time) or search (by meaning), then get_trace for a run as a compact tree and get_span for one span\'s messages, attributes, events and logs. ' +
  'Sessions group the turns of a conversation (list_sessions, get_session). recall and remember read and write a shared memory of texts.';

export function createMcpServer(api: McpApi): McpServer {
  const server = new McpServer({ name: 'flowtrace', title: 'Flowtrace', version: VERSION }, { instructions: INSTRUCTIONS, capabilities: { tools: {} } });
  registerTools(server, api);
  return server;
}
