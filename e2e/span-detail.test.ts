/**
 * The span detail in Chromium against a real `flowtrace serve`: a GenAI turn recorded with the OTel
 * JS SDK (current GenAI names) and sent by the real OTLP exporter, plus log records emitted inside
 * the second model call. Opens spans by URL and checks what a user reads: the chat (system, user,
 * a tool call with its arguments, the tool's result), tokens and cost, a failed tool call's error,
 * correlated logs, links, the attribute filter and copy, and that markup in a message stays text.
 * Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, RandomIdGenerator, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Browser, Page } from 'playwright-core';
import { exportSpans } from '../test/support/otel';
import { exportOnce, recordLogs, type SentLogs } from '../test/support/otel-signals';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { launchBrowser, openWatchedPage, waitOrExplain, type WatchedPage } from './support/browser';

const XSS = '<img src=x onerror=alert(1)>';
const SERVICE = 'detail-concierge';
const LONG_TEXT = Array.from({ length: 40 }, (_, i) => `itinerary line ${i + 1}`).join('\n');

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;
let turn: Turn;

interface Turn {
  traceId: string;
  firstChat: string;
  tool: string;
  secondChat: string;
}

/**
 * agent → chat (unpriced model; asks for search_hotels) → execute_tool search_hotels (fails) →
 * chat (gpt-4o-mini; sees the call and its error result, answers). The second chat gets the span id
 * the log records were emitted in, and links to the first.
 */
function recordTurn(logs: SentLogs): { turn: Turn; spans: ReturnType<InMemorySpanExporter['getFinishedSpans']> } {
  const random = new RandomIdGenerator();
  const spanIds: string[] = [];
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': SERVICE }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
    idGenerator: { generateTraceId: () => logs.traceId, generateSpanId: () => spanIds.shift() ?? random.generateSpanId() },
  });
  const tracer = provider.getTracer('detail-e2e', '2.0.0');
  const t0 = Date.now() - 1000;
  const at = (ms: number) => new Date(t0 + ms);
  const args = { city: 'Lisbon', nights: 2 };
  const system = JSON.stringify([{ type: 'text', content: 'You are a concierge.\nAnswer in one line.' }]);
  const user = { role: 'user', parts: [{ type: 'text', content: `Find a hotel in Lisbon ${XSS}\nfor two nights` }] };
  const askTool = { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_42', name: 'search_hotels', arguments: args }] };

  const root = tracer.startSpan('invoke_agent concierge', {
    startTime: at(0),
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'concierge', 'gen_ai.conversation.id': 'conv-7' },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const chat1 = tracer.startSpan(
    'chat acme-concierge-1',
    {
      kind: SpanKind.CLIENT,
      startTime: at(10),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'acme',
        'gen_ai.request.model': 'acme-concierge-1',
        'gen_ai.usage.input_tokens': 300,
        'gen_ai.usage.output_tokens': 20,
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.system_instructions': system,
        'gen_ai.input.messages': JSON.stringify([user, { role: 'user', parts: [{ type: 'text', content: LONG_TEXT }] }]),
        'gen_ai.output.messages': JSON.stringify([askTool]),
        'gen_ai.tool.definitions': JSON.stringify([
          { type: 'function', name: 'search_hotels', description: 'Hotels in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        ]),
      },
    },
    inRoot,
  );
  chat1.end(at(200));
  const tool = tracer.startSpan(
    'execute_tool search_hotels',
    {
      startTime: at(210),
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'search_hotels',
        'gen_ai.tool.call.id': 'call_42',
        'gen_ai.tool.call.arguments': JSON.stringify(args),
      },
    },
    inRoot,
  );
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'hotel API timed out' });
  tool.end(at(400));
  spanIds.push(logs.spanId);
  const chat2 = tracer.startSpan(
    'chat gpt-4o-mini',
    {
      kind: SpanKind.CLIENT,
      startTime: at(410),
      links: [{ context: chat1.spanContext() }],
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 1000,
        'gen_ai.usage.cache_read.input_tokens': 200,
        'gen_ai.usage.output_tokens': 200,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.system_instructions': system,
        'gen_ai.input.messages': JSON.stringify([
          user,
          askTool,
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_42', response: { error: 'hotel API timed out' } }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'The hotel service is down.\nPlease try again later.' }] }]),
      },
    },
    inRoot,
  );
  chat2.end(at(600));
  root.end(at(610));
  const ids = (s: { spanContext(): { spanId: string } }) => s.spanContext().spanId;
  assert.equal(ids(chat2), logs.spanId);
  return {
    turn: { traceId: root.spanContext().traceId, firstChat: ids(chat1), tool: ids(tool), secondChat: ids(chat2) },
    spans: memory.getFinishedSpans(),
  };
}

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  const logs = await recordLogs(SERVICE);
  const recorded = recordTurn(logs);
  turn = recorded.turn;
  await exportSpans(server.otlpHttp, 'protobuf', recorded.spans);
  await exportOnce(new OTLPLogExporter({ url: `${server.otlpHttp.replace(/\/$/, '')}/v1/logs` }), logs.records);
  ui = await openWatchedPage(browser, server.api, { width: 1400, height: 900 });
  await ui.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.api).origin });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openSpan(page: Page, spanId: string) {
  await page.goto(`${server!.api.replace(/\/$/, '')}/#/traces/${turn.traceId}?span=${spanId}`);
  const detail = page.locator(`[data-testid="span-detail"][data-span-id="${spanId}"]`);
  await waitOrExplain(ui, detail, `the detail of span ${spanId}`);
  return detail;
}

test('an LLM span shows the chat: system instructions, the user, the tool call with its arguments, the tool result, the answer', async () => {
  const detail = await openSpan(ui.page, turn.secondChat);
  const chat = detail.getByTestId('span-conversation');
  await chat.waitFor();
  const messages = chat.getByTestId('chat-message');
  assert.deepEqual(await messages.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-side')}:${e.getAttribute('data-role')}`)), [
    'system:system',
    'input:user',
    'input:assistant',
    'input:tool',
    'output:assistant',
  ]);
  // Newlines survive as newlines in the text (white-space: pre-wrap), not as markup.
  assert.equal(await messages.nth(0).getByTestId('message-text').textContent(), 'You are a concierge.\nAnswer in one line.');
  assert.equal(await messages.nth(4).getByTestId('message-text').textContent(), 'The hotel service is down.\nPlease try again later.');

  const call = messages.nth(2).getByTestId('tool-call');
  assert.equal(await call.getByTestId('tool-call-name').textContent(), 'search_hotels');
  assert.match((await call.textContent()) ?? '', /call_42/);
  assert.equal(await call.getByTestId('tool-call-args').textContent(), '{\n  "city": "Lisbon",\n  "nights": 2\n}');

  const result = messages.nth(3).getByTestId('tool-result');
  assert.match((await result.textContent()) ?? '', /search_hotels/, 'the result names the call it answers');
  assert.match((await result.textContent()) ?? '', /call_42/);
  assert.equal(await result.getByTestId('tool-result-value').textContent(), '{\n  "error": "hotel API timed out"\n}');
});

test('tokens and cost: priced call in USD, an unknown model says "no price"', async () => {
  let detail = await openSpan(ui.page, turn.secondChat);
  assert.equal(await detail.getByTestId('tokens-input').textContent(), 'Input1,000');
  assert.equal(await detail.getByTestId('tokens-output').textContent(), 'Output200');
  assert.equal(await detail.getByTestId('tokens-total').textContent(), 'Total1,200');
  assert.equal(await detail.getByTestId('tokens-cache-read').textContent(), 'Cache read200');
  // gpt-4o-mini: (800 × 0.15 + 200 × 0.075 + 200 × 0.6) / 1e6 USD.
  assert.equal(await detail.getByTestId('genai-cost').textContent(), 'Cost$0.000255');
  assert.equal(await detail.getByTestId('genai-model').textContent(), 'gpt-4o-mini');
  assert.equal(await detail.getByTestId('genai-finish').textContent(), 'stop');

  detail = await openSpan(ui.page, turn.firstChat);
  assert.equal(await detail.getByTestId('genai-cost').textContent(), 'Costno price');
  assert.equal(await detail.getByTestId('tokens-input').textContent(), 'Input300');
  // The offered tools fold; opening shows the definition.
  const defs = detail.getByTestId('tool-definitions');
  await defs.getByRole('button').click();
  assert.match((await defs.textContent()) ?? '', /search_hotels\s*Hotels in a city/);
});

test('a long message folds behind "show more" and unfolds whole', async () => {
  const detail = await openSpan(ui.page, turn.firstChat);
  const long = detail.getByTestId('chat-message').filter({ hasText: 'itinerary line 1' });
  const text = long.getByTestId('message-text');
  assert.doesNotMatch((await text.textContent()) ?? '', /itinerary line 40/);
  await long.getByRole('button', { name: /show more/ }).click();
  assert.equal(await text.textContent(), LONG_TEXT);
  await long.getByRole('button', { name: 'show less' }).waitFor();
});

test('a failed tool span shows its error, the tool name, call id and arguments', async () => {
  const detail = await openSpan(ui.page, turn.tool);
  assert.equal(await detail.getByTestId('span-error').textContent(), 'hotel API timed out');
  assert.equal(await detail.getByTestId('span-service').textContent(), SERVICE);
  const call = detail.getByTestId('tool-invocation');
  assert.match((await call.textContent()) ?? '', /search_hotels\s*call_42/);
  assert.equal(await call.getByTestId('tool-args').textContent(), '{\n  "city": "Lisbon",\n  "nights": 2\n}');
  assert.match((await call.textContent()) ?? '', /None: the call failed/);
  // No log record was emitted in the tool span.
  await detail.getByTestId('span-logs').getByTestId('no-logs').waitFor();
});

test('log records emitted in the span show with severity, body and attributes', async () => {
  const detail = await openSpan(ui.page, turn.secondChat);
  const logs = detail.getByTestId('span-logs').getByTestId('span-log');
  await logs.first().waitFor();
  assert.equal(await logs.count(), 2);
  const texts = await logs.allTextContents();
  const info = texts.find((t) => t.includes(`calling the model for ${SERVICE}`));
  assert.ok(info, `an INFO record among ${JSON.stringify(texts)}`);
  assert.match(info, /^INFO/);
  assert.match(info, /attempt\s*2/);
  const error = texts.find((t) => t.startsWith('ERROR'));
  assert.ok(error);
  assert.match(error, /gen_ai\.choice/);
  assert.match(error, /"finish_reason": "tool_calls"/);
});

test('markup in a message stays text', async () => {
  const detail = await openSpan(ui.page, turn.secondChat);
  const user = detail.locator('[data-testid="chat-message"][data-role="user"]');
  assert.equal(await user.getByTestId('message-text').textContent(), `Find a hotel in Lisbon ${XSS}\nfor two nights`);
  assert.equal(await ui.page.locator('img').count(), 0, 'no <img> may be created from span text');
  assert.equal(await ui.page.locator('[onerror]').count(), 0);
  assert.deepEqual(ui.dialogs, []);
});

test('a span link opens the linked span', async () => {
  const detail = await openSpan(ui.page, turn.secondChat);
  const link = detail.getByTestId('span-links').getByRole('link');
  assert.equal(await link.getAttribute('href'), `#/traces/${turn.traceId}?span=${turn.firstChat}`);
  await link.click();
  await ui.page.locator(`[data-testid="span-detail"][data-span-id="${turn.firstChat}"]`).waitFor();
});

test('the attribute filter narrows by key or value; copy all puts the attributes on the clipboard as JSON', async () => {
  const detail = await openSpan(ui.page, turn.tool);
  const table = detail.getByTestId('span-attributes');
  await detail.getByTestId('attr-filter').fill('CALL.ID');
  assert.match((await table.textContent()) ?? '', /gen_ai\.tool\.call\.id\s*call_42/);
  assert.doesNotMatch((await table.textContent()) ?? '', /gen_ai\.tool\.name/);
  await detail.getByTestId('attr-filter').fill('search_hot');
  assert.match((await table.textContent()) ?? '', /^gen_ai\.tool\.name\s*search_hotels\W*$/, 'matched by value');
  // The service is a resource attribute: its folded group opens when the filter finds it there.
  await detail.getByTestId('attr-filter').fill(SERVICE);
  assert.match((await detail.getByTestId('span-resource').textContent()) ?? '', new RegExp(`service\\.name\\s*${SERVICE}`));
  await detail.getByTestId('attr-filter').fill('');

  const copyAll = detail.getByRole('button', { name: 'Copy all attributes as JSON' });
  await copyAll.click();
  await detail.getByRole('button', { name: 'Copy all attributes as JSON' }).filter({ hasText: 'copied' }).waitFor();
  const copied = JSON.parse((await ui.page.evaluate('navigator.clipboard.readText()')) as string) as Record<string, unknown>;
  assert.equal(copied['gen_ai.tool.call.id'], 'call_42');
  assert.equal(copied['gen_ai.tool.name'], 'search_hotels');
});

test('a span id the trace does not have says so', async () => {
  const detail = await openSpan(ui.page, 'f'.repeat(16));
  await detail.getByTestId('span-missing').waitFor();
});

test('the page ran without errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(await ui.cspViolations(), []);
  assert.deepEqual(ui.dialogs, []);
});
