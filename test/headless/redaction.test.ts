/**
 * Redaction at ingest, end to end: a real `flowtrace serve` (memory on) receives, from the official
 * OTel exporters (OTLP/HTTP protobuf, OTLP/HTTP JSON and gRPC), spans whose attributes, GenAI
 * messages and events carry an OpenAI key, an AWS key and a JWT, and log records whose bodies carry
 * them too. None of the three appears in any byte of the data directory (database, WAL, memory
 * index), while it runs or after it stops, nor in what REST, search or MCP answer; each span says
 * what was redacted. The same run with `--no-redaction` finds the secrets in those very files, so
 * the search for them is one that can fail.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { MemoryStatus, TraceDetail } from '../../src-shared/contract';
import { exportSpans } from '../support/otel';
import { exportOnce } from '../support/otel-signals';
import { startServe, tempDataDir, type ServeProcess } from '../support/serve-process';

const OPENAI_KEY = 'sk-proj-T3stK3yF0rRedact10nAbCdEfGhIjKlMnOpQrSt';
const AWS_KEY = 'AKIAZ7REDACTIONTEST1';
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZWRhY3Rpb24tdGVzdCJ9.c2lnbmF0dXJlLWZvci1yZWRhY3Rpb24tdGVzdA';
const SECRETS = { 'openai-key': OPENAI_KEY, 'aws-access-key': AWS_KEY, jwt: JWT };

/** An agent's LLM call that was handed all three secrets: in its prompt, its headers, an event. */
function recordLeakyRun(service: string): { traceId: string; spans: ReadableSpan[] } {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ resource: resourceFromAttributes({ 'service.name': service }), spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('redaction-test');
  const root = tracer.startSpan('invoke_agent deployer', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'deployer' } });
  const llm = tracer.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Deploy with OPENAI_API_KEY=${OPENAI_KEY} and AWS key ${AWS_KEY}` }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `Calling the API with token ${JWT}` }] }]),
        'http.request.header.authorization': [`Bearer ${JWT}`],
        'cloud.credentials': AWS_KEY,
      },
    },
    trace.setSpan(context.active(), root),
  );
  llm.addEvent('retry', { reason: `401 for key ${OPENAI_KEY}` });
  llm.end();
  root.end();
  return { traceId: root.spanContext().traceId, spans: memory.getFinishedSpans() as ReadableSpan[] };
}

async function sendLeakyLog(otlpHttp: string, traceId: string): Promise<void> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'deployer' }), processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
  provider.getLogger('deployer').emit({
    context: trace.setSpanContext(context.active(), { traceId, spanId: 'aaaaaaaaaaaaaaaa', traceFlags: TraceFlags.SAMPLED }),
    severityNumber: SeverityNumber.WARN,
    body: `env dump: OPENAI_API_KEY=${OPENAI_KEY} AWS_ACCESS_KEY_ID=${AWS_KEY} SESSION=${JWT}`,
    attributes: { 'http.response.body': `{"token":"${JWT}"}` },
  });
  await provider.forceFlush();
  await exportOnce(new OTLPLogExporter({ url: `${otlpHttp}/v1/logs` }), [...memory.getFinishedLogRecords()]);
  await provider.shutdown();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Which secrets appear, and in which files, byte for byte. */
function secretsOnDisk(dataDir: string): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dataDir)) {
    const bytes = readFileSync(file);
    for (const [id, secret] of Object.entries(SECRETS)) if (bytes.includes(secret)) found.push(`${id} in ${file.slice(dataDir.length + 1)}`);
  }
  return found;
}

function secretsIn(text: string): string[] {
  return Object.entries(SECRETS).filter(([, s]) => text.includes(s)).map(([id]) => id);
}

interface Sent {
  server: ServeProcess;
  traceIds: string[];
}

async function sendEverything(args: string[]): Promise<Sent> {
  const server = await startServe({ args: ['--embedder', 'hashing', ...args] });
  const runs = [recordLeakyRun('deployer-proto'), recordLeakyRun('deployer-json'), recordLeakyRun('deployer-grpc')];
  await exportSpans(server.otlpHttp, 'protobuf', runs[0]!.spans);
  await exportSpans(server.otlpHttp, 'json', runs[1]!.spans);
  await exportOnce(new GrpcTraceExporter({ url: server.otlpGrpc }), runs[2]!.spans);
  await sendLeakyLog(server.otlpHttp, runs[0]!.traceId);
  const traceIds = runs.map((r) => r.traceId);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const readable = await Promise.all(traceIds.map(async (id) => (await fetch(`${server.api}/api/v1/traces/${id}`)).status === 200));
    const status = (await (await fetch(`${server.api}/api/v1/memory/status`)).json()) as MemoryStatus;
    if (readable.every(Boolean) && status.backlogSpans === 0 && status.items > 0) break;
    if (Date.now() > deadline) throw new Error(`not stored in time: ${JSON.stringify({ readable, status })}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { server, traceIds };
}

describe('redaction at ingest (defaults)', () => {
  let sent: Sent;
  before(async () => {
    sent = await sendEverything([]);
  });
  after(async () => {
    await sent?.server.stop();
  });

  test('each span says what was redacted, and REST answers hold none of the secrets', async () => {
    const { server, traceIds } = sent;
    for (const id of traceIds) {
      const body = await (await fetch(`${server.api}/api/v1/traces/${id}`)).text();
      assert.deepEqual(secretsIn(body), [], `trace ${id}`);
      const detail = JSON.parse(body) as TraceDetail;
      const llm = detail.spans.find((s) => s.name === 'chat gpt-4o')!;
      assert.equal(llm.attributes['cloud.credentials'], '[redacted:aws-access-key]');
      assert.deepEqual(llm.attributes['http.request.header.authorization'], ['Bearer [redacted:jwt]']);
      assert.match(String(llm.attributes['gen_ai.input.messages']), /OPENAI_API_KEY=\[redacted:openai-key\] and AWS key \[redacted:aws-access-key\]/);
      // input, output, the header, the credential, the event: six in all.
      assert.equal(llm.attributes['flowtrace.redacted.count'], 6);
      assert.deepEqual(llm.attributes['flowtrace.redacted.rules'], ['aws-access-key', 'jwt', 'openai-key']);
      assert.equal(llm.genai?.inputTokens, 120, 'the GenAI reading is intact');
      const otlp = await (await fetch(`${server.api}/api/v1/traces/${id}/otlp`)).text();
      assert.deepEqual(secretsIn(otlp), [], 'the OTLP export');
    }
    const logs = await (await fetch(`${server.api}/api/v1/logs?traceId=${traceIds[0]}`)).text();
    assert.match(logs, /OPENAI_API_KEY=\[redacted:openai-key\] AWS_ACCESS_KEY_ID=\[redacted:aws-access-key\] SESSION=\[redacted:jwt\]/);
    assert.deepEqual(secretsIn(logs), []);
    for (const q of ['deploy key', OPENAI_KEY, AWS_KEY]) {
      const answer = await (await fetch(`${server.api}/api/v1/search?q=${encodeURIComponent(q)}`)).text();
      assert.deepEqual(secretsIn(answer), [], `search "${q}"`);
    }
    const list = await (await fetch(`${server.api}/api/v1/traces?q=${encodeURIComponent(OPENAI_KEY)}`)).json() as { traces: unknown[] };
    assert.equal(list.traces.length, 0, 'the full text never saw the key');
  });

  test('MCP answers hold none of the secrets', async () => {
    const client = new Client({ name: 'redaction-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${sent.server.api}/mcp`)));
    try {
      for (const [name, args] of [['get_trace', { traceId: sent.traceIds[0] }], ['search', { q: 'deploy with the API key' }], ['list_traces', {}]] as const) {
        const result = await client.callTool({ name, arguments: args });
        const text = JSON.stringify(result.content);
        assert.ok(result.isError !== true, `${name}: ${text.slice(0, 300)}`);
        assert.deepEqual(secretsIn(text), [], name);
      }
    } finally {
      await client.close();
    }
  });

  test('no byte of the data directory holds a secret, while running and after a clean stop', async () => {
    assert.deepEqual(secretsOnDisk(sent.server.dataDir), []);
    await sent.server.stop();
    assert.deepEqual(secretsOnDisk(sent.server.dataDir), []);
  });
});

describe('--no-redaction (the control)', () => {
  let sent: Sent;
  before(async () => {
    sent = await sendEverything(['--no-redaction']);
  });
  after(async () => {
    await sent?.server.stop();
  });

  test('the same sends leave every secret in the data directory and in REST answers', async () => {
    const body = await (await fetch(`${sent.server.api}/api/v1/traces/${sent.traceIds[0]}`)).text();
    assert.deepEqual(secretsIn(body).sort(), ['aws-access-key', 'jwt', 'openai-key']);
    const onDisk = secretsOnDisk(sent.server.dataDir).map((f) => f.split(' ')[0]);
    assert.deepEqual([...new Set(onDisk)].sort(), ['aws-access-key', 'jwt', 'openai-key'], 'the file search finds what is there');
  });
});

describe('the rules file', () => {
  test('a bad line refuses the start, naming the file and line; rules saved over REST apply to the next request', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'redaction.rules'), 'pii on\ndetector jwt sometimes\n');
    await assert.rejects(startServe({ dataDir }), /redaction\.rules line 2: detector jwt takes one of on, off, mask, hash, drop, not "sometimes"/);
    writeFileSync(join(dataDir, 'redaction.rules'), 'pii on\n');
    const server = await startServe({ dataDir });
    try {
      const saved = await fetch(`${server.api}/api/v1/settings/redaction`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rules: 'detector openai-key hash\nvalue mask /ORDER-[0-9]{4}/ as order-id' }),
      });
      assert.equal(saved.status, 200);
      const run = recordLeakyRun('orders');
      const llm = run.spans.find((s) => s.name === 'chat gpt-4o')!;
      (llm.attributes as Record<string, unknown>)['order.note'] = 'refund ORDER-1234 and ORDER-1234 again';
      await exportSpans(server.otlpHttp, 'protobuf', run.spans);
      let detail: TraceDetail | null = null;
      for (let i = 0; i < 200 && detail === null; i++) {
        const res = await fetch(`${server.api}/api/v1/traces/${run.traceId}`);
        if (res.status === 200) detail = (await res.json()) as TraceDetail;
        else await new Promise((r) => setTimeout(r, 50));
      }
      const span = detail!.spans.find((s) => s.name === 'chat gpt-4o')!;
      assert.equal(span.attributes['order.note'], 'refund [redacted:order-id] and [redacted:order-id] again');
      const hashed = /Deploy with OPENAI_API_KEY=\[redacted:openai-key:([0-9a-f]{12})\]/.exec(String(span.attributes['gen_ai.input.messages']));
      assert.ok(hashed, String(span.attributes['gen_ai.input.messages']));
      assert.match(JSON.stringify(span.events), new RegExp(`401 for key \\[redacted:openai-key:${hashed[1]}\\]`), 'equal keys hash equal');
      assert.equal(statSync(join(dataDir, 'redaction.key')).mode & 0o077, 0, 'the hash key is readable by its owner only');
    } finally {
      await server.stop();
    }
  });
});
