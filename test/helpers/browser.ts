/**
 * A real headless Chromium (Debian's `chromium`; scripts/ensure-test-deps.sh installs it) driven by playwright-core,
 * which downloads no browser of its own. Collects every console error and uncaught page error, CSP violations
 * included, so a test can assert there were none.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumMissing: string | false = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

/** Evaluates a browser-side expression (this project has no DOM types, so browser code is written as strings). */
export async function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** console errors, page errors and CSP reports, in order */
  problems: string[];
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export async function watchedPage(browser: Browser, options: { width: number; height: number }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: options.width, height: options.height }, colorScheme: 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // Chromium also logs a violation as a console error; the event says which directive, whatever the log wording
  await page.exposeFunction('__reportViolation', (text: string) => problems.push(`CSP violation: ${text}`));
  // a string: this project compiles without DOM types; the init script runs outside the page's CSP
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => window.__reportViolation(e.violatedDirective + ' blocked ' + e.blockedURI));`,
  });
  return { page, context, problems };
}
