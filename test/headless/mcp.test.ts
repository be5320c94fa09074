/**
 * The MCP server against a real `flowtrace serve` fed by the official OTel exporters: a client from
 * the official MCP SDK, over stdio (`flowtrace mcp --url …`, a process of its own talking REST) and
 * over streamable HTTP at `/mcp`, lists the tools and calls each one with real data; `get_trace`
 * shows the run's agents, tools, tokens and failing span; bad arguments come back as tool errors
 * and the server keeps answering.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { MemoryStatus } from '../../src-shared/contract';
import { recordAgentRun, type AgentRun } from '../support/agent-run';
import { exportSpans } from '../support/otel';
import { exportOnce } from '../support/otel-signals';
import { REPO_ROOT, startServe, type ServeProcess } from '../support/serve-process';

const TOOLS = ['get_session', 'get_span', 'get_trace', 'list_sessions', 'list_traces', 'recall', 'remember', 'search', 'stats'];
const STDIO_MAIN = join(REPO_ROOT, 'src-main/mcp/stdio-main.ts');
const NO_TRACE = '0123456789abcdef0123456789abcdef';

let server: ServeProcess;
let run: AgentRun;

/** A log record emitted inside the failed hotel search, as an agent's logger would. */
async function sendSpanLog(otlpHttp: string, traceId: string, spanId: string): Promise<void> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'trip-planner' }), processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  provider.getLogger('trip-planner.tools').emit({
    context: trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'hotel API slow: no answer after 1000 ms, giving up',
  });
  await provider.forceFlush();
  await exportOnce(new OTLPLogExporter({ url: `${otlpHttp}/v1/logs` }), [...memory.getFinishedLogRecords()]);
  await provider.shutdown();
}

before(async () => {
  server = await startServe({ args: ['--embedder', 'hashing'] });
  run = recordAgentRun({ handoffSpan: true });
  await exportSpans(server.otlpHttp, 'protobuf', run.spans);
  await sendSpanLog(server.otlpHttp, run.traceId, run.ids.failedHotelSearch);
  // Search answers from the memory, which remembers the run off the ingest path.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (await (await fetch(`${server.api}/api/v1/memory/status`)).json()) as MemoryStatus;
    if (status.backlogSpans === 0 && status.items > 0) break;
    if (Date.now() > deadline) throw new Error(`memory did not catch up: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

after(async () => {
  await server?.stop();
});

interface ToolAnswer {
  text: string;
  isError: boolean;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as Array<{ type: string; text?: string }>;
  return { text: content.map((c) => c.text ?? '').join('\n'), isError: result.isError === true };
}

async function ok(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const answer = await call(client, name, args);
  assert.equal(answer.isError, false, `${name} failed: ${answer.text}`);
  return answer.text;
}

async function fails(client: Client, name: string, args: Record<string, unknown>, pattern: RegExp): Promise<void> {
  const answer = await call(client, name, args);
  assert.equal(answer.isError, true, `${name}(${JSON.stringify(args)}) should fail, answered: ${answer.text}`);
  assert.match(answer.text, pattern);
}

const transports: Record<string, () => Promise<Client>> = {
  stdio: async () => {
    const client = new Client({ name: 'flowtrace-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', STDIO_MAIN, '--url', server.api], cwd: REPO_ROOT, stderr: 'pipe' }));
    return client;
  },
  'streamable HTTP at /mcp': async () => {
    const client = new Client({ name: 'flowtrace-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.api}/mcp`)));
    return client;
  },
};

for (const [over, connect] of Object.entries(transports)) {
  describe(`MCP over ${over}`, () => {
    let client: Client;
    before(async () => {
      client = await connect();
    });
    after(async () => {
      await client?.close();
    });

    test('lists every tool with a description and an input schema', async () => {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), TOOLS);
      for (const t of tools) {
        assert.ok((t.description ?? '').length > 80, `${t.name} has a useful description`);
        assert.equal(t.inputSchema.type, 'object');
      }
      const listTraces = tools.find((t) => t.name === 'list_traces')!;
      for (const filter of ['q', 'status', 'service', 'agent', 'tool', 'model', 'kind', 'minDurationMs', 'startFrom', 'attributes', 'cursor']) {
        assert.ok(filter in (listTraces.inputSchema.properties ?? {}), `list_traces takes ${filter}`);
      }
      assert.deepEqual(tools.find((t) => t.name === 'get_trace')!.inputSchema.required, ['traceId']);
      assert.equal(tools.find((t) => t.name === 'remember')!.annotations?.readOnlyHint, false);
    });

    test('list_traces: the run, and its filters', async () => {
      const all = await ok(client, 'list_traces');
      assert.match(all, new RegExp(`^${run.traceId} · .* · trip-planner · "invoke_agent travel_planner" · 17 spans, 1 failed · agents booking_agent, travel_planner`, 'm'));
      assert.match(all, /session conv_lisbon_0517/);
      assert.match(await ok(client, 'list_traces', { tool: 'search_hotels', status: 'error', startFrom: '1h' }), new RegExp(run.traceId));
      assert.equal(await ok(client, 'list_traces', { agent: 'nobody' }), 'No traces match.');
    });

    test("get_trace: the run's agents, tools, tokens, edges and the failing span", async () => {
      const text = await ok(client, 'get_trace', { traceId: run.traceId });
      const failed = run.ids.failedHotelSearch;
      assert.match(text, /genai: agents booking_agent, travel_planner · 5 llm calls \(claude-3-5-haiku, gpt-4o\) · 6 tool calls · tokens 9,070 in \/ 633 out/);
      assert.match(text, new RegExp(`failed spans \\(1\\):\\n  tool search_hotels #${failed}: "hotel API timed out after 1000 ms"`));
      assert.match(text, new RegExp(`^agent travel_planner #${run.ids.planner} 9.2 s ⇒ handoff to booking_agent #${run.ids.booking}$`, 'm'));
      assert.match(text, /^ {2}tool search_flights ×3 (#[0-9a-f]{16} ){3}1\.44 s total → result read by llm #[0-9a-f]{16} \(×3\)$/m);
      assert.match(text, /^ {4}span GET ×3 /m);
      assert.match(text, new RegExp(`^  tool search_hotels #${failed} 1 s ✗ ERROR "hotel API timed out after 1000 ms"`, 'm'));
      assert.match(text, new RegExp(`^  tool search_hotels #${run.ids.hotelRetry} 600 ms .*↻ retry of tool #${failed}$`, 'm'));
      assert.match(text, new RegExp(`^  agent booking_agent #${run.ids.booking} 2\\.4 s ⇐ handoff from travel_planner #${run.ids.planner}$`, 'm'));
      assert.match(text, new RegExp(`^    llm claude-3-5-haiku #${run.ids.bookingChat} 850 ms 980→120 tok \\$`, 'm'));
      assert.match(text, /^ {2}llm gpt-4o ×3 .* 6,900→449 tok \$/m);

      const opened = await ok(client, 'get_trace', { traceId: run.traceId, expand: run.ids.planner, depth: 2 });
      assert.match(opened, new RegExp(`subtree of #${run.ids.planner} \\(a top span\\)`));
      for (const id of run.ids.flightSearches) assert.match(opened, new RegExp(`^  tool search_flights #${id} 480 ms`, 'm'));
      assert.match(opened, new RegExp(`^    … 1 more span below the depth limit; expand #${run.ids.flightSearches[0]}$`, 'm'));
    });

    test('get_span: the conversation, attributes, events and logs', async () => {
      const chat = await ok(client, 'get_span', { traceId: run.traceId, spanId: run.ids.firstChat });
      assert.match(chat, /^genai: operation chat · provider openai · model gpt-4o · tokens 1,840 in \/ 212 out · cost \$/m);
      assert.match(chat, /^ {2}\[user\] Plan a 3-day trip to Lisbon/m);
      assert.match(chat, /^ {4}→ tool call search_flights \(call_fl_1\): \{"from":"BER","to":"LIS","date":"2026-05-14"\}$/m);
      assert.match(chat, /^ {2}gen_ai\.request\.model: gpt-4o$/m);

      const failed = await ok(client, 'get_span', { traceId: run.traceId, spanId: `#${run.ids.failedHotelSearch}` });
      assert.match(failed, /status ERROR "hotel API timed out after 1000 ms"/);
      assert.match(failed, /^ {2}\+1 s exception exception\.type=TimeoutError exception\.message=hotel API timed out after 1000 ms$/m);
      assert.match(failed, /^logs \(1, oldest first\):\n {2}\S+Z WARN: hotel API slow: no answer after 1000 ms, giving up$/m);
    });

    test('list_sessions and get_session', async () => {
      // The failed hotel search is the run's one error span.
      assert.match(await ok(client, 'list_sessions'), /^conv_lisbon_0517 · trip-planner · 1 turn · 5 llm calls · .* · 1 error in 1 turn · models /m);
      const session = await ok(client, 'get_session', { sessionId: 'conv_lisbon_0517' });
      assert.match(session, /^session conv_lisbon_0517 · trip-planner/);
      assert.match(session, new RegExp(`^turn 1 · .* · 1 error · trace ${run.traceId}`, 'm'));
      assert.match(session, /^ {2}llm calls: gpt-4o ×3, claude-3-5-haiku ×2$/m);
      assert.match(session, /^ {2}tool calls: .*search_flights ×3/m);
    });

    test('search, remember, recall and stats', async () => {
      const found = await ok(client, 'search', { q: 'hotel API timed out' });
      assert.match(found, new RegExp(`trace ${run.traceId} span #[0-9a-f]{16}`));
      const remembered = await ok(client, 'remember', { collection: 'notes', text: 'The hotel API of trip-planner times out after one second; retry once.', metadata: { team: 'travel' } });
      assert.match(remembered, /^Remembered in "notes" as #\d+\.$/);
      const recalled = await ok(client, 'recall', { collection: 'notes', query: 'hotel API times out', filter: { team: 'travel' } });
      assert.match(recalled, /The hotel API of trip-planner times out after one second; retry once\./);
      assert.match(recalled, /metadata \{"team":"travel"\}/);
      const stats = await ok(client, 'stats');
      assert.match(stats, /^stored: 1 trace, 17 spans/m);
      assert.match(stats, /memory collections: notes \(\d+ items?\)/);
      assert.match(stats, /embedder hashing/);
    });

    test('bad arguments are tool errors with a clear message, and the server keeps answering', async () => {
      await fails(client, 'get_trace', { traceId: NO_TRACE }, new RegExp(`^No trace ${NO_TRACE} is stored; list_traces`));
      await fails(client, 'get_trace', { traceId: 'not-a-trace' }, /traceId must be 32 hex characters/);
      await fails(client, 'get_trace', { traceId: run.traceId, expand: 'ffffffffffffffff' }, new RegExp(`span ffffffffffffffff is not in trace ${run.traceId}`));
      await fails(client, 'get_trace', {}, /traceId/);
      await fails(client, 'list_traces', { kind: 'banana' }, /kind/);
      await fails(client, 'list_traces', { startFrom: 'last tuesday' }, /startFrom must be an ISO 8601 time/);
      await fails(client, 'list_traces', { limit: 0 }, /limit/);
      await fails(client, 'get_span', { traceId: run.traceId, spanId: 'ffffffffffffffff' }, /^No span ffffffffffffffff in trace/);
      await fails(client, 'get_session', { sessionId: 'no-such-session' }, /^No session "no-such-session"/);
      await fails(client, 'search', {}, /search needs q/);
      await fails(client, 'recall', { collection: 'bad name!', query: 'x' }, /collection/);
      assert.match(await ok(client, 'stats'), /^stored: 1 trace/m);
    });
  });
}

/** `flowtrace inspect …` from source (the CLI routes `inspect` to the same inspectCommand). */
function inspect(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const code = "const { inspectCommand } = await import('./src-main/cli/inspect.ts'); await inspectCommand(process.argv.slice(1));";
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, '--', ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

test('inspect prints the sent trace as the same tree, --json its structured form', () => {
  const text = inspect(run.traceId, '--url', server.api);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^trace ${run.traceId} "invoke_agent travel_planner" · trip-planner · 9\\.2 s · 17 spans, 1 failed$`, 'm'));
  assert.match(text.stdout, new RegExp(`^  tool search_hotels #${run.ids.failedHotelSearch} 1 s ✗ ERROR "hotel API timed out after 1000 ms"`, 'm'));
  assert.ok(!text.stdout.includes('\x1b['), 'no colour off a terminal');
  const json = inspect(run.traceId, '--url', server.api, '--json', '--depth', '1');
  assert.equal(json.status, 0, json.stderr);
  const tree = JSON.parse(json.stdout) as { spanCount: number; roots: Array<{ spanId: string; hidden: { spans: number; errors: number } }> };
  assert.equal(tree.spanCount, 17);
  assert.deepEqual([tree.roots[0]!.spanId, tree.roots[0]!.hidden], [run.ids.planner, { spans: 16, errors: 1, reason: 'depth' }]);
});

test('/mcp refuses a foreign page and has no stream to GET', async () => {
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } } };
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const foreign = await fetch(`${server.api}/mcp`, { method: 'POST', headers: { ...headers, origin: 'https://evil.example' }, body: JSON.stringify(init) });
  assert.equal(foreign.status, 403);
  assert.match(((await foreign.json()) as { error: { message: string } }).error.message, /Origin "https:\/\/evil\.example" may not use/);
  const own = await fetch(`${server.api}/mcp`, { method: 'POST', headers: { ...headers, origin: server.api }, body: JSON.stringify(init) });
  assert.equal(own.status, 200);
  assert.equal(((await own.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name, 'flowtrace');
  const get = await fetch(`${server.api}/mcp`, { headers: { accept: 'text/event-stream' } });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  await get.body?.cancel();
});

test('flowtrace mcp with no Flowtrace running still serves, and each call says what is wrong', async () => {
  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(free.address() as { port: number }).port}`;
  await new Promise((resolve) => free.close(resolve));
  const client = new Client({ name: 'flowtrace-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', STDIO_MAIN, '--url', url], cwd: REPO_ROOT, stderr: 'pipe' }));
  try {
    assert.equal((await client.listTools()).tools.length, TOOLS.length);
    await fails(client, 'stats', {}, new RegExp(`^no Flowtrace answers at ${url} \\(connect ECONNREFUSED .*\\); start the desktop app or \`flowtrace serve\``));
    await fails(client, 'list_traces', {}, /^no Flowtrace answers at/);
  } finally {
    await client.close();
  }
});
