/**
 * @fileoverview Headless Chromium for browser tests: finds the Debian `chromium` binary (or
 * $GLOW_TRADE_CHROMIUM), launches it with playwright-core, and opens pages in an offline context
 * that records every request, aborts any the test did not allow, and collects console errors and
 * page errors. Where Chromium is missing, browser tests are registered with `browserTest`, which
 * registers them as skipped (so uvu's "Skipped:" total counts them instead of their vanishing) and
 * prints the reason once per run.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { testsRequiring } from './requires.js';

/** Where the browser is expected: $GLOW_TRADE_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.GLOW_TRADE_CHROMIUM || '/usr/bin/chromium';
}

/** Why browser tests cannot run here (no Chromium binary), or null when they can. */
export function chromiumMissing(): string | null {
  const path = chromiumPath();
  return existsSync(path) ? null : `no Chromium at ${path} (install the Debian package "chromium" or set GLOW_TRADE_CHROMIUM)`;
}

/**
 * Register a browser test on `suite`: a normal test where Chromium is installed, else a skipped one
 * (counted in uvu's "Skipped:" total), the reason printed once for the whole run.
 */
export const browserTest = testsRequiring('browser tests', chromiumMissing);

/** Launch headless Chromium, or print "SKIPPED: <what>" and return undefined when it is not installed. */
export async function launchChromium(what: string): Promise<Browser | undefined> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    console.log(`SKIPPED: ${what} — no Chromium at ${executablePath} (install the Debian package "chromium" or set GLOW_TRADE_CHROMIUM)`);
    return undefined;
  }
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'], timeout: 30_000 });
}

/** A page opened by `openOffline`, with what happened while it loaded. */
export interface OfflinePage {
  page: Page;
  context: BrowserContext;
  /** Every request the page made, in order (the page's own URL included). */
  requests: string[];
  /** Requests that were aborted because they were not allowed. */
  blocked: string[];
  /** Text of console messages of type "error". */
  consoleErrors: string[];
  /** Uncaught exceptions thrown in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface OpenOfflineOptions {
  /** Which request URLs may load (default: only `url` itself). */
  allow?: (requestUrl: string) => boolean;
  viewport?: { width: number; height: number };
}

/** Open `url` in a fresh offline context; every request is recorded and any not allowed is aborted. */
export async function openOffline(browser: Browser, url: string, options: OpenOfflineOptions = {}): Promise<OfflinePage> {
  const allow = options.allow ?? ((u: string) => u === url);
  const context = await browser.newContext({ offline: true, viewport: options.viewport ?? { width: 1000, height: 800 } });
  const page = await context.newPage();
  const result: OfflinePage = {
    page, context, requests: [], blocked: [], consoleErrors: [], pageErrors: [],
    close: () => context.close(),
  };
  page.on('request', (request) => { result.requests.push(request.url()); });
  page.on('console', (message) => { if (message.type() === 'error') result.consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => { result.pageErrors.push(error.message); });
  await context.route('**/*', async (route) => {
    const requestUrl = route.request().url();
    if (allow(requestUrl)) return route.continue();
    result.blocked.push(requestUrl);
    return route.abort('blockedbyclient');
  });
  await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  return result;
}
