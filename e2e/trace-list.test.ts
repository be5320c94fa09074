/**
 * The trace list in Chromium against a real `flowtrace serve`, fed by the official OTel JS
 * exporters: GenAI columns (models, tokens, cost, "no price", "—"), every filter narrowing to the
 * right traces, header sort, keyboard navigation, a trace arriving live, and infinite scroll over a
 * virtualized table. Needs `npx electron-vite build` first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TraceListPage, TraceSummary } from '../src-shared/contract';
import { startServe, type ServeProcess } from '../test/support/serve-process';
import { exportSpans, recordAgentTrace, type SentTrace } from '../test/support/otel';
import { recordGenAiTurn, recordPlainTrace, TURN_USAGE } from '../test/support/otel-genai';
import { formatUsd } from '../src-renderer/src/lib/format';
import { launchBrowser, markDocument, openWatchedPage, traceRow, UI_TIMEOUT_MS, type WatchedPage } from './support/browser';

let server: ServeProcess | undefined;
let browser: Browser | undefined;
let ui: WatchedPage;

/** The traces of this file, by role. Turns take 40 ms; the plain and SDK-timed ones take well under 10 ms. */
const sent: Record<'mini' | 'gpt4' | 'unpriced' | 'plain' | 'small' | 'old', SentTrace> = {} as never;
const PRICES = { 'gpt-4o-mini': { input: 0.15, output: 0.6 }, 'gpt-4': { input: 30, output: 60 } };

before(async () => {
  server = await startServe();
  browser = await launchBrowser();
  const now = Date.now();
  sent.old = recordGenAiTurn({ serviceName: 'archive-agent', model: 'gpt-4o-mini', agentName: 'archivist', startMs: now - 3 * 3_600_000 });
  sent.mini = recordGenAiTurn({ serviceName: 'travel-agent', model: 'gpt-4o-mini', agentName: 'planner', toolName: 'search_hotels', toolFails: true, startMs: now - 60_000 });
  sent.gpt4 = recordGenAiTurn({ serviceName: 'research-agent', model: 'gpt-4', agentName: 'researcher', toolName: 'web_search', startMs: now - 50_000 });
  sent.unpriced = recordGenAiTurn({ serviceName: 'local-agent', model: 'my-local-llama', agentName: 'tinkerer', toolName: 'shell', startMs: now - 40_000 });
  sent.small = recordAgentTrace({ serviceName: 'travel-agent', rootName: 'invoke_agent concierge' });
  sent.plain = recordPlainTrace('web-frontend');
  // One request per encoding: the list must not care how traces arrived.
  await exportSpans(server.otlpHttp, 'protobuf', [...sent.old.spans, ...sent.mini.spans, ...sent.gpt4.spans]);
  await exportSpans(server.otlpHttp, 'json', [...sent.unpriced.spans, ...sent.small.spans, ...sent.plain.spans]);
  ui = await openWatchedPage(browser, server.api, { width: 1400, height: 900 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${server!.api.replace(/\/$/, '')}/api/v1${path}`)).json()) as T;
}

const ALL = () => ['mini', 'gpt4', 'unpriced', 'small', 'plain', 'old'].map((k) => sent[k as keyof typeof sent].traceId);
const ids = (...keys: Array<keyof typeof sent>) => keys.map((k) => sent[k].traceId);

/** The trace ids of the rows on screen, top to bottom. */
function shownIds(page: Page): Promise<string[]> {
  return page.getByTestId('trace-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id') ?? ''));
}

/** Waits until exactly these traces are listed (any order), then returns them in screen order. */
async function expectRows(page: Page, expected: string[]): Promise<string[]> {
  const want = [...expected].sort();
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    const got = await shownIds(page);
    if (JSON.stringify([...got].sort()) === JSON.stringify(want)) return got;
    if (Date.now() > deadline) assert.deepEqual([...got].sort(), want, 'rows on screen');
    await page.waitForTimeout(50);
  }
}

/** Waits until the rows on screen are exactly these, in this order. */
async function expectOrder(page: Page, expected: string[]): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    const got = await shownIds(page);
    if (JSON.stringify(got) === JSON.stringify(expected)) return;
    if (Date.now() > deadline) assert.deepEqual(got, expected, 'row order on screen');
    await page.waitForTimeout(50);
  }
}

/** Sets one filter control, checks the rows, then resets it. */
async function withFilter(page: Page, testId: string, value: string, expected: string[], reset = ''): Promise<void> {
  const control = page.getByTestId(testId);
  const isSelect = (await control.evaluate((el) => el.tagName)) === 'SELECT';
  if (isSelect) await control.selectOption(value);
  else await control.fill(value);
  await expectRows(page, expected);
  if (isSelect) await control.selectOption(reset);
  else await control.fill(reset);
  await expectRows(page, ALL());
}

/** A datetime-local value (the browser runs in this machine's time zone). */
function localMinute(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function cells(page: Page, traceId: string) {
  const row = traceRow(page, traceId);
  return Promise.all(['trace-models', 'trace-tokens', 'trace-cost'].map(async (id) => (await row.getByTestId(id).textContent()) ?? ''));
}

test('the GenAI columns show models, tokens and cost; "no price" and "—" where they apply', async () => {
  const { page } = ui;
  await expectRows(page, ALL());
  const tokens = (TURN_USAGE.input + TURN_USAGE.output).toLocaleString('en-US');
  const cost = (m: keyof typeof PRICES) => (TURN_USAGE.input * PRICES[m].input + TURN_USAGE.output * PRICES[m].output) / 1e6;
  // The list prints cost with the UI's one formatter, the one the trace header, graph and detail use.
  const smallCost = (await api<TraceListPage>('/traces?limit=500')).traces.find((t) => t.traceId === sent.small.traceId)?.genai?.costUsd;
  assert.ok(typeof smallCost === 'number' && smallCost > 0);
  assert.deepEqual(await cells(page, sent.mini.traceId), ['gpt-4o-mini', tokens, formatUsd(cost('gpt-4o-mini'))]);
  assert.deepEqual(await cells(page, sent.gpt4.traceId), ['gpt-4', tokens, formatUsd(cost('gpt-4'))]);
  assert.deepEqual(await cells(page, sent.unpriced.traceId), ['my-local-llama', tokens, 'no price']);
  assert.deepEqual(await cells(page, sent.small.traceId), ['gpt-4o-mini', '876', formatUsd(smallCost!)]);
  assert.deepEqual(await cells(page, sent.plain.traceId), ['—', '—', '—']);
  assert.equal(await traceRow(page, sent.mini.traceId).getByTestId('trace-tokens').getAttribute('title'), 'in 1,500 · out 300');
  const row = (await traceRow(page, sent.gpt4.traceId).textContent()) ?? '';
  assert.match(row, /invoke_agent researcher/);
  assert.match(row, /research-agent/);
  assert.match(row, /40 ms/);
});

test('each filter narrows the list to the traces it names', async () => {
  const { page } = ui;
  await withFilter(page, 'filter-service', 'travel-agent', ids('mini', 'small'));
  await withFilter(page, 'filter-model', 'gpt-4', ids('gpt4'));
  await withFilter(page, 'filter-model', 'gpt-4o-mini', ids('mini', 'small', 'old'));
  await withFilter(page, 'filter-agent', 'researcher', ids('gpt4'));
  await withFilter(page, 'filter-tool', 'web_search', ids('gpt4'));
  await withFilter(page, 'filter-status', 'error', ids('mini', 'small'), 'any');
  await withFilter(page, 'filter-status', 'ok', ids('gpt4', 'unpriced', 'plain', 'old'), 'any');
  await withFilter(page, 'filter-min-duration', '30', ids('mini', 'gpt4', 'unpriced', 'old'));
  await withFilter(page, 'filter-max-duration', '30', ids('small', 'plain'));
  await withFilter(page, 'filter-min-tokens', '1000', ids('mini', 'gpt4', 'unpriced', 'old'));
  await withFilter(page, 'filter-min-cost', '0.01', ids('gpt4'));
  await withFilter(page, 'filter-q', 'tinkerer', ids('unpriced'));
  // The time range is the app's one range, in the header.
  await withFilter(page, 'time-range', '1h', ids('mini', 'gpt4', 'unpriced', 'small', 'plain'), 'all');
  await page.getByTestId('time-range').selectOption('custom');
  await page.getByTestId('time-range-to').fill(localMinute(Date.now() - 2 * 3_600_000));
  await expectRows(page, ids('old'));
  await page.getByTestId('time-range-to').fill('');
  await page.getByTestId('time-range-from').fill(localMinute(Date.now() - 2 * 3_600_000));
  await expectRows(page, ids('mini', 'gpt4', 'unpriced', 'small', 'plain'));
  await page.getByTestId('time-range').selectOption('all');
  await expectRows(page, ALL());

  // Filters combine (AND), a number that does not parse is flagged and not applied, Clear resets all.
  await page.getByTestId('filter-service').selectOption('travel-agent');
  await page.getByTestId('filter-status').selectOption('error');
  await page.getByTestId('filter-min-tokens').fill('1000');
  await expectRows(page, ids('mini'));
  await page.getByTestId('filter-min-tokens').fill('lots');
  await expectRows(page, ids('mini', 'small'));
  assert.equal(await page.getByTestId('filter-min-tokens').getAttribute('aria-invalid'), 'true');
  await page.getByTestId('filter-model').fill('no-such-model');
  await page.getByTestId('no-match').waitFor();
  await page.getByTestId('filter-clear').click();
  await expectRows(page, ALL());
  assert.equal(await page.getByTestId('filter-min-tokens').inputValue(), '');
});

test('models and agents seen in the list are offered as suggestions', async () => {
  const { page } = ui;
  const options = (field: string) => page.locator(`#filter-${field}-options option`).evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  assert.deepEqual(await options('model'), ['gpt-4', 'gpt-4o-mini', 'my-local-llama']);
  assert.deepEqual(await options('agent'), ['archivist', 'planner', 'researcher', 'tinkerer']);
});

test('an internal trace (no GenAI, from a service that sends GenAI) is left out until "Internal traces" is ticked; a search finds it', async () => {
  const page = ui.page;
  const internal = recordPlainTrace('travel-agent');
  await exportSpans(server!.otlpHttp, 'json', internal.spans);
  // Stored at once (the API lists it when asked), but not a run.
  for (const deadline = Date.now() + UI_TIMEOUT_MS; ; ) {
    const page1 = await api<TraceListPage>('/traces?service=travel-agent&internal=true');
    if (page1.traces.some((t) => t.traceId === internal.traceId)) break;
    assert.ok(Date.now() < deadline, 'the internal trace was stored');
    await page.waitForTimeout(50);
  }
  await page.getByTestId('filter-service').selectOption('travel-agent');
  await expectRows(page, ids('mini', 'small'));
  await page.getByTestId('filter-internal').check();
  await expectRows(page, [...ids('mini', 'small'), internal.traceId]);
  await page.getByTestId('filter-internal').uncheck();
  await expectRows(page, ids('mini', 'small'));
  // Still the travel-agent service: web-frontend's plain trace has the same span names.
  await page.getByTestId('filter-q').fill(internal.spans[0]!.name);
  await expectRows(page, [internal.traceId]);
  await page.getByTestId('filter-clear').click();
  await expectRows(page, ALL());
});

test('clicking the Start, Duration and Cost headers sorts the list, and aria-sort says how', async () => {
  const { page } = ui;
  const order = async (sort: string) => (await api<TraceListPage>(`/traces?sort=${sort}`)).traces.map((t: TraceSummary) => t.traceId);
  const start = page.getByTestId('sort-start');
  const duration = page.getByTestId('sort-duration');
  assert.equal(await start.getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await shownIds(page), await order('newest'));

  await duration.getByRole('button').click();
  await page.locator('[data-testid="sort-duration"][aria-sort="descending"]').waitFor();
  assert.equal(await start.getAttribute('aria-sort'), 'none');
  const longest = await order('longest');
  await expectOrder(page, longest);
  assert.ok(ids('plain', 'small').includes(longest.at(-1)!), 'the quick traces come last');

  await duration.getByRole('button').click();
  await page.locator('[data-testid="sort-duration"][aria-sort="ascending"]').waitFor();
  await expectOrder(page, await order('shortest'));

  // Another column starts in its own default direction (newest first), a second click flips it.
  await start.getByRole('button').click();
  await page.locator('[data-testid="sort-start"][aria-sort="descending"]').waitFor();
  await expectOrder(page, await order('newest'));
  await start.getByRole('button').click();
  await page.locator('[data-testid="sort-start"][aria-sort="ascending"]').waitFor();
  await expectOrder(page, await order('oldest'));
  await start.getByRole('button').click();
  await page.locator('[data-testid="sort-start"][aria-sort="descending"]').waitFor();
  await expectOrder(page, await order('newest'));

  // Cost: most expensive first (one direction); a second click goes back to newest.
  const cost = page.getByTestId('sort-cost');
  await cost.getByRole('button').click();
  await page.locator('[data-testid="sort-cost"][aria-sort="descending"]').waitFor();
  const priciest = await order('cost');
  await expectOrder(page, priciest);
  const listed = (await api<TraceListPage>('/traces?limit=100')).traces;
  const costOf = (id: string) => listed.find((t) => t.traceId === id)?.genai?.costUsd ?? -1;
  for (let i = 1; i < priciest.length; i++) assert.ok(costOf(priciest[i - 1]!) >= costOf(priciest[i]!), `cost order at ${i}`);
  await cost.getByRole('button').click();
  await page.locator('[data-testid="sort-start"][aria-sort="descending"]').waitFor();
  await expectOrder(page, await order('newest'));
});

test('keyboard: / searches, Escape clears, j/k and arrows move the highlight, Enter opens it', async () => {
  const { page } = ui;
  await page.locator('body').click({ position: { x: 5, y: 200 } });
  await page.keyboard.press('/');
  assert.equal(await page.locator(':focus').getAttribute('data-testid'), 'filter-q');
  await page.keyboard.type('researcher');
  await expectRows(page, ids('gpt4'));
  await page.keyboard.press('Escape');
  await expectRows(page, ALL());
  assert.equal(await page.getByTestId('filter-q').inputValue(), '');
  await page.keyboard.press('Escape'); // leaves the empty search box
  assert.equal(await page.locator('[data-testid="filter-q"]:focus').count(), 0);

  const order = await shownIds(page);
  const highlighted = async () => {
    const rows = page.locator('[data-testid="trace-row"][aria-current="true"]');
    return (await rows.count()) === 1 ? rows.getAttribute('data-trace-id') : null;
  };
  await page.keyboard.press('j');
  assert.equal(await highlighted(), order[0]);
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('k');
  assert.equal(await highlighted(), order[1]);
  await page.keyboard.press('Enter');
  await page.getByTestId('trace-view').waitFor();
  assert.equal(new URL(page.url()).hash, `#/traces/${order[1]}`);

  await page.goBack();
  await traceRow(page, order[1]!).waitFor();
  assert.equal(await highlighted(), order[1], 'Back returns to the row that was opened');
});

test('a trace sent while the list is open appears without a reload', async () => {
  const { page } = ui;
  const sameDocument = await markDocument(page);
  const live = recordGenAiTurn({ serviceName: 'late-agent', model: 'gpt-4o-mini', agentName: 'latecomer' });
  await exportSpans(server!.otlpHttp, 'protobuf', live.spans);
  await traceRow(page, live.traceId).waitFor();
  assert.equal((await shownIds(page))[0], live.traceId, 'newest first');
  assert.equal(await sameDocument(), true);
});

test('a long list is virtualized and loads further pages as it scrolls', async () => {
  const { page } = ui;
  const many = Array.from({ length: 140 }, (_, i) => recordPlainTrace(`bulk-${i % 3}`));
  await exportSpans(server!.otlpHttp, 'protobuf', many.flatMap((t) => t.spans));
  // The listed traces: stats count the internal one of the test above too, which the list leaves out.
  const total = (await api<TraceListPage>('/traces?limit=500')).traces.length;
  assert.ok(total >= 140, `the list has ${total} traces`);
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.getByTestId('trace-row').first().waitFor();
  const inDom = await page.getByTestId('trace-row').count();
  assert.ok(inDom < 60, `only rows near the viewport are in the DOM (${inDom})`);
  const loaded = Number(await page.getByTestId('trace-table').getAttribute('aria-rowcount')) - 1;
  assert.ok(loaded >= 50 && loaded < total, `pages load as needed, not all at once (${loaded})`);

  const scroller = page.getByTestId('trace-scroll');
  for (let i = 0; i < 20; i++) {
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.waitForTimeout(100);
    if ((await page.getByTestId('trace-table').getAttribute('aria-rowcount')) === String(total + 1)) break;
  }
  assert.equal(await page.getByTestId('trace-table').getAttribute('aria-rowcount'), String(total + 1), 'every trace reachable by scrolling');
  assert.ok((await page.getByTestId('trace-row').count()) < 60);
  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  const oldest = (await api<TraceListPage>('/traces?sort=oldest&limit=1')).traces[0]!.traceId;
  await traceRow(page, oldest).waitFor();
  assert.equal((await shownIds(page)).at(-1), oldest, 'the last row is the oldest trace');
});

test('the page ran without errors or CSP violations', async () => {
  assert.deepEqual(ui.pageErrors, []);
  assert.deepEqual(ui.dialogs, []);
  const violations = await ui.cspViolations();
  assert.deepEqual(violations, []);
});
