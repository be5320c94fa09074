/**
 * Writes the README's screenshots (docs/screenshot-list.png, docs/screenshot-trace-light.png and
 * -dark.png, docs/screenshot-session.png, -search.png, -memory.png, -compare.png, -dashboard.png): a real `flowtrace serve` (with
 * its memory), believable agent runs recorded
 * with the real SDK and sent by the real exporter (the trace page shows the multi-agent run of
 * test/support/agent-run.ts; the session page a real Claude Code run, its captured telemetry
 * replayed as sent; the dashboard a day of runs on three models), and the UI in Chromium.
 * Run after a build: `node --import tsx scripts/screenshots.ts [--only dashboard]`.
 */
import { mkdirSync } from 'node:fs';
import type { SearchAnswer, SessionListPage } from '../src-shared/contract';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { REPO_ROOT, startServe } from '../test/support/serve-process';
import { exportSpans } from '../test/support/otel';
import { recordAgentRun } from '../test/support/agent-run';
import { MEMORY_RUNS, PARAPHRASE_OF_FIRST, recordConversation } from '../test/support/memory-runs';
import { loadCodingAgentFixture, replayFixture } from '../test/support/coding-agent-fixtures';
import { launchBrowser, openWatchedPage, spanRow, traceRow } from '../e2e/support/browser';

const COMPARE_ANSWER = 'Your trip: TP 553 on 16 May and 3 nights at Casa do Principe. Expect sun, around 24 °C. Total about 787 EUR for two.';

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (only !== undefined && only !== 'dashboard') throw new Error(`--only takes "dashboard", not "${only}"`);

const browser = await launchBrowser();
try {
  if (only === undefined) await shootPages();
  await shootDashboard();
} finally {
  await browser.close();
}

async function shootPages(): Promise<void> {
  // Its own server, so the pictures show only believable runs, not this file's test fixtures.
  const demo = await startServe({ args: ['--embedder', 'local'] });
  const shot = await openWatchedPage(browser, demo.api, { width: 1440, height: 900 });
  try {
    const now = Date.now();
    const runs = [
      recordDemoRun({ serviceName: 'support-bot', agent: 'triage', at: now - 340_000, tools: ['lookup_order'] }),
      recordDemoRun({ serviceName: 'research-agent', agent: 'summarizer', at: now - 260_000, tools: ['web_search', 'fetch_page', 'fetch_page'] }),
      recordDemoRun({ serviceName: 'support-bot', agent: 'triage', at: now - 190_000, tools: ['lookup_order', 'refund'] }),
      recordDemoRun({ serviceName: 'travel-agent', agent: 'planner', at: now - 95_000, tools: ['search_flights', 'search_hotels'] }),
      recordDemoRun({ serviceName: 'research-agent', agent: 'summarizer', at: now - 41_000, tools: ['web_search', 'fetch_page'] }),
      recordDemoRun({ serviceName: 'travel-agent', agent: 'planner', at: now - 12_000, tools: ['search_hotels', 'search_hotels', 'book_hotel'], failFirst: true }),
    ];
    const trip = recordAgentRun({ startMs: now - 9_500 });
    for (const run of [...runs, trip]) await exportSpans(demo.otlpHttp, 'protobuf', run.spans);
    const { page } = shot;
    for (const run of runs) await traceRow(page, run.traceId).waitFor();
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-list.png') });

    for (const scheme of ['light', 'dark'] as const) {
      const themed = await openWatchedPage(browser, `${demo.api.replace(/\/$/, '')}/#/traces/${trip.traceId}?span=${trip.ids.secondChat}`, {
        width: 1440,
        height: 900,
        colorScheme: scheme,
      });
      try {
        const p = themed.page;
        await spanRow(p, trip.ids.secondChat).waitFor();
        await p.locator(`[data-testid="graph-node"][data-span-id="${trip.ids.booking}"]`).waitFor({ state: 'attached' });
        await p.locator('[data-testid="span-conversation"]').waitFor();
        // Let cytoscape finish its first frame and the fit.
        await p.waitForTimeout(1500);
        await p.screenshot({ path: join(REPO_ROOT, `docs/screenshot-trace-${scheme}.png`) });
      } finally {
        await themed.page.context().close();
      }
    }

    // A Claude Code session sent as log events and metrics only (its default set-up).
    await replayFixture(loadCodingAgentFixture('claude-code@2.1.332'), demo.otlpHttp);
    let claude: string | undefined;
    for (let tries = 0; claude === undefined && tries < 100; tries++) {
      const listed = (await (await fetch(`${demo.api.replace(/\/$/, '')}/api/v1/sessions`)).json()) as SessionListPage;
      claude = listed.sessions.find((s) => s.costSource === 'reported')?.sessionId;
      if (claude === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    if (claude === undefined) throw new Error('the replayed Claude Code session did not appear');
    await page.goto(`${demo.api.replace(/\/$/, '')}/#/sessions/${encodeURIComponent(claude)}`);
    await page.getByTestId('session-view').waitFor();
    await page.getByTestId('llm-call-cost').first().waitFor();
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-session.png') });

    // Search by meaning, once the memory has remembered the runs (it works at low priority).
    const remembered = MEMORY_RUNS.map(recordConversation);
    for (const run of remembered) await exportSpans(demo.otlpHttp, 'protobuf', run.spans);
    const api = demo.api.replace(/\/$/, '');
    for (let tries = 0; ; tries++) {
      const answer = (await (await fetch(`${api}/api/v1/search?q=${encodeURIComponent(PARAPHRASE_OF_FIRST)}`)).json()) as SearchAnswer;
      if (answer.results[0]?.traceId === remembered[0]!.traceId) break;
      if (tries > 600) throw new Error('the memory did not remember the runs in time');
      await new Promise((r) => setTimeout(r, 200));
    }
    await page.goto(`${api}/#/search?q=${encodeURIComponent(PARAPHRASE_OF_FIRST)}`);
    await page.getByTestId('search-result').first().waitFor();
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-search.png') });

    for (const text of [
      'The staging database password rotates every Monday at 09:00 UTC; the new one is in the vault under staging/db.',
      'Deploys are frozen from December 20 to January 3; hotfixes need a second reviewer.',
      'The flaky checkout test fails when the payment sandbox is slow; rerun it before blaming the change.',
    ]) {
      await fetch(`${api}/api/v1/memory/team-notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    }
    await page.goto(`${api}/#/memory/team-notes`);
    await page.getByTestId('memory-recall-input').fill('when do test credentials change');
    await page.getByTestId('memory-recall-input').press('Enter');
    await page.getByTestId('recalled-item').first().waitFor();
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-memory.png') });

    // Last, so the other pictures do not list it: the trip run again, with one more tool call and
    // another answer, compared with the first.
    const again = recordAgentRun({ startMs: now - 4_000, extraTool: true, finalAnswer: COMPARE_ANSWER });
    await exportSpans(demo.otlpHttp, 'protobuf', again.spans);
    await page.goto(`${demo.api.replace(/\/$/, '')}/#/compare?a=${trip.traceId}&b=${again.traceId}`);
    await page.getByText('1 changed · 1 added').waitFor();
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-compare.png') });
  } finally {
    await shot.page.context().close();
    await demo.stop();
  }
}

/** A day of runs (three models, a few failures), on a server of its own: the dashboard over 24 hours. */
async function shootDashboard(): Promise<void> {
  const demo = await startServe();
  const shot = await openWatchedPage(browser, demo.api, { width: 1440, height: 900 });
  try {
    const now = Date.now();
    const models = ['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5'];
    const agents: Array<[string, string, string[]]> = [
      ['support-bot', 'triage', ['lookup_order']],
      ['research-agent', 'summarizer', ['web_search', 'fetch_page', 'fetch_page']],
      ['travel-agent', 'planner', ['search_flights', 'search_hotels']],
      ['support-bot', 'triage', ['lookup_order', 'refund']],
    ];
    // Each model its own pace, so the percentiles differ as they would.
    const pace: Record<string, number> = { 'gpt-4o-mini': 0.55, 'gpt-4o': 1, 'claude-sonnet-4-5': 1.35 };
    const runs = Array.from({ length: 144 }, (_, i) => {
      const [serviceName, agent, tools] = agents[i % agents.length]!;
      const at = now - 24 * 3_600_000 + i * 10 * 60_000 + ((i * 7919) % 300_000);
      const model = models[(i * 5 + (i >> 3)) % models.length]!;
      const scale = 1 + ((i * 37) % 9) / 3;
      return recordDemoRun({ serviceName, agent, at, tools, model, failFirst: i % 11 === 3, scale, pace: pace[model]! * (0.7 + ((i * 53) % 10) / 10) });
    });
    for (let i = 0; i < runs.length; i += 12) await exportSpans(demo.otlpHttp, 'protobuf', runs.slice(i, i + 12).flatMap((r) => r.spans));
    const { page } = shot;
    await page.goto(`${demo.api.replace(/\/$/, '')}/#/dashboard?groupBy=model&range=24h&metric=cost`);
    await page.getByTestId('latency-table').waitFor();
    await page.getByTestId('expensive-traces').waitFor();
    await page.getByTestId('dashboard-chart').locator('canvas').waitFor();
    await page.waitForTimeout(500);
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshot-dashboard.png') });
  } finally {
    await shot.page.context().close();
    await demo.stop();
  }
}

/**
 * An agent run with realistic, explicit timings (hundreds of ms per model call), recorded with the
 * real SDK. The shared fixture runs in well under a millisecond, which makes a flat waterfall.
 */
function recordDemoRun(o: {
  serviceName: string;
  agent: string;
  at: number;
  tools: string[];
  failFirst?: boolean;
  model?: string;
  /** Usage (and time) of the model calls, times this. */
  scale?: number;
  /** The model calls' time, times this besides. */
  pace?: number;
}): {
  traceId: string;
  spans: ReadableSpan[];
} {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': o.serviceName }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('flowtrace-demo', '1.0.0');
  const t = (ms: number) => new Date(o.at + ms);
  const root = tracer.startSpan(`invoke_agent ${o.agent}`, {
    startTime: t(0),
    attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': o.agent },
  });
  const inRoot = trace.setSpan(context.active(), root);
  let clock = 15;
  const model = o.model ?? 'gpt-4o-mini';
  const scale = o.scale ?? 1;
  const chat = (ms: number, inputTokens: number) => {
    ms = Math.round(ms * scale * (o.pace ?? 1));
    inputTokens = Math.round(inputTokens * scale);
    const span = tracer.startSpan(
      `chat ${model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: t(clock),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': model.startsWith('claude') ? 'anthropic' : 'openai',
          'gen_ai.request.model': model,
          'gen_ai.usage.input_tokens': inputTokens,
          'gen_ai.usage.output_tokens': 48,
        },
      },
      inRoot,
    );
    span.addEvent('gen_ai.choice', { 'gen_ai.choice.finish_reason': 'tool_calls' }, t(clock + ms - 5));
    span.end(t(clock + ms));
    clock += ms + 10;
  };
  chat(820, 812);
  o.tools.forEach((tool, i) => {
    const failed = o.failFirst === true && i === 0;
    const ms = failed ? 1000 : 180 + 70 * i;
    const span = tracer.startSpan(
      `execute_tool ${tool}`,
      { startTime: t(clock), attributes: { 'gen_ai.tool.name': tool, 'gen_ai.tool.call.id': `call_${i + 1}` } },
      inRoot,
    );
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: 'hotel API timed out' });
    span.end(t(clock + ms));
    clock += ms + 10;
  });
  chat(640, 1430);
  root.end(t(clock + 5));
  return { traceId: root.spanContext().traceId, spans: memory.getFinishedSpans() };
}
