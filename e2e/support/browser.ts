/**
 * Chromium for end-to-end tests: the system browser (/usr/bin/chromium) driven by playwright-core,
 * never a downloaded one. A watched page records what must never happen in the UI (dialogs, page
 * errors, CSP violations) so tests can assert on it at the end instead of racing for it.
 */
import { chromium, type Browser, type Locator, type Page, type Request } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Upper bound for any single UI wait; ingest → tick → refetch → render takes well under a second. */
export const UI_TIMEOUT_MS = 15_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    timeout: 30_000,
  });
}

export interface WatchedPage {
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened (each is dismissed). */
  dialogs: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** Content-Security-Policy violations, as "directive: blocked-uri". */
  cspViolations: () => Promise<string[]>;
  /**
   * What the page is showing and waiting for, for a failed wait's message: its URL, requests still
   * out (and for how long), failed and erroring requests, console errors, and the visible text.
   */
  explain: () => Promise<string>;
}

/** How much of each diagnostic list a failed wait's message carries. */
const EXPLAIN_TAIL = 12;

export async function openWatchedPage(
  browser: Browser,
  url: string,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 760 },
    colorScheme: options.colorScheme ?? 'light',
  });
  // Injected through the devtools protocol, so the page's own CSP does not block it. A string, since
  // this file is type-checked without DOM types.
  await context.addInitScript({
    content: `window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(e.violatedDirective + ': ' + e.blockedURI);
      });`,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss().catch(() => {});
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  const started = new Map<Request, number>();
  const troubles: string[] = [];
  const consoleErrors: string[] = [];
  const since = (t: number) => `${Math.round(performance.now() - t)} ms`;
  page.on('request', (r) => started.set(r, performance.now()));
  page.on('requestfinished', (r) => {
    const t = started.get(r);
    started.delete(r);
    void r.response().then((res) => {
      if (res && res.status() >= 400) troubles.push(`${res.status()} ${r.method()} ${r.url()} after ${t === undefined ? '?' : since(t)}`);
    }, () => {});
  });
  page.on('requestfailed', (r) => {
    started.delete(r);
    troubles.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? '?'}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  const explain = async (): Promise<string> => {
    const text = await page
      .evaluate('document.body ? document.body.innerText : "(no body)"')
      .then((t) => String(t).replace(/\s+/g, ' ').slice(0, 1500), (err: Error) => `(page did not answer: ${err.message})`);
    const out = [...started].map(([r, t]) => `${r.method()} ${r.url()} out for ${since(t)}`);
    return [
      `url: ${page.url()}`,
      `requests still out: ${out.slice(-EXPLAIN_TAIL).join(' | ') || 'none'}`,
      `failed or erroring requests: ${troubles.slice(-EXPLAIN_TAIL).join(' | ') || 'none'}`,
      `page errors: ${pageErrors.slice(-EXPLAIN_TAIL).join(' | ') || 'none'}`,
      `console errors: ${consoleErrors.slice(-EXPLAIN_TAIL).join(' | ') || 'none'}`,
      `visible text: ${text}`,
    ].join('\n');
  };
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return {
    page,
    dialogs,
    pageErrors,
    cspViolations: async () => (await page.evaluate('window.__cspViolations ?? []')) as string[],
    explain,
  };
}

/**
 * Waits for a locator; when the wait times out the error says what the page was doing instead (a
 * failure seen only on a loaded CI machine then carries its own explanation).
 */
export async function waitOrExplain(ui: WatchedPage, locator: Locator, what: string): Promise<void> {
  try {
    await locator.waitFor();
  } catch (err) {
    throw new Error(`${what}: ${(err as Error).message.split('\n')[0]}\n--- the page at that moment ---\n${await ui.explain()}`, { cause: err });
  }
}

export function traceRow(page: Page, traceId: string): Locator {
  return page.locator(`[data-testid="trace-row"][data-trace-id="${traceId}"]`);
}

export function spanRow(page: Page, spanId: string): Locator {
  return page.locator(`[data-testid="span-row"][data-span-id="${spanId}"]`);
}

/**
 * Marks the current document; `stillSameDocument` is true only if no navigation or reload
 * replaced it since. Proves a view updated live rather than by reloading.
 */
export async function markDocument(page: Page): Promise<() => Promise<boolean>> {
  const token = `doc-${Date.now()}-${Math.random()}`;
  await page.evaluate(`window.__docToken = ${JSON.stringify(token)}`);
  return async () => (await page.evaluate('window.__docToken')) === token;
}

/** The bit of the page's DOM the predicates below use; this file is type-checked without DOM types. */
type PageDocument = { document: { querySelectorAll(selector: string): { length: number } } };

/** Waits until exactly `count` elements match the CSS `selector` (checked in the page, bounded). */
export async function waitForCount(page: Page, selector: string, count: number, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
  // A function, not a string: Playwright evals string predicates inside the page, which the CSP
  // (no 'unsafe-eval') rightly refuses.
  await page.waitForFunction(
    ([sel, n]) => (globalThis as unknown as PageDocument).document.querySelectorAll(sel).length === n,
    [selector, count] as const,
    { timeout: timeoutMs },
  );
}
