/**
 * MCP over streamable HTTP at `/mcp`, over the engine in process. Stateless (the SDK's mode): a fresh
 * server and transport per POST, so no client can pile up sessions; JSON answers (the tools send no
 * progress); GET and DELETE 405, as the specification allows. The API server's loopback Host check
 * runs first; here a browser page of another origin is refused (any page can reach loopback).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMcpServer } from '../mcp/server';
import type { McpApi } from '../mcp/tools';

export interface McpHttpOptions {
  /** The API server's own rule for browser Origins (its own page only). */
  isAllowedOrigin: (req: IncomingMessage) => boolean;
}

/** A remember call carries at most 32 KB of text and 16 KB of metadata; 1 MiB is plenty for any call. */
const MAX_BODY_BYTES = 1024 * 1024;

function jsonRpcError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

export type McpHttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createMcpHttpHandler(api: McpApi, options: McpHttpOptions): McpHttpHandler {
  return async (req, res) => {
    if (!options.isAllowedOrigin(req)) return jsonRpcError(res, 403, `Origin "${req.headers.origin ?? ''}" may not use Flowtrace's MCP endpoint`);
    if (req.method !== 'POST') {
      return jsonRpcError(res, 405, 'Flowtrace serves MCP statelessly: POST JSON-RPC messages to /mcp (there is no server-to-client stream to GET, nor a session to DELETE)', { allow: 'POST' });
    }
    const server = createMcpServer(api);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: MAX_BODY_BYTES });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
}
