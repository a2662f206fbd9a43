/**
 * Headless Chromium for the console's browser tests: Debian's `chromium` driven by playwright-core.
 * Tests skip (with a warning) on a machine without it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Role } from '@vigil/shared';
import type { TestCollector } from './collector.js';
import { REPO_ROOT } from './paths.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Screenshots of the console's pages land here (kept out of git). */
export const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'console');
/** The password the console tests give the users they create. */
export const CONSOLE_PASSWORD = 'correct horse battery';

export function warnNoChromium(suite: string): void {
  if (!HAVE_CHROMIUM) console.warn(`${suite}: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Uncaught page errors, CSP violations, and console errors other than failed resource loads (refused requests). */
  errors: string[];
}

/** Every CSP violation becomes a console error, so a test's `errors` catches an inline style or an eval. */
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation',
  (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));`;

/** A fresh browser context (its own sessionStorage) with one page, not yet navigated. */
export async function newConsoleContext(browser: Browser, viewport = { width: 1440, height: 900 }): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport });
  await context.addInitScript(REPORT_CSP_VIOLATIONS);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(message.text());
  });
  return { page, context, errors };
}

/** A fresh browser context on `url`. Close it with `context.close()`. */
export async function openConsole(browser: Browser, url: string, viewport = { width: 1440, height: 900 }): Promise<ConsolePage> {
  const opened = await newConsoleContext(browser, viewport);
  await opened.page.goto(url);
  return opened;
}

/** Fills the login form and waits for the console's navigation to appear. */
export async function logIn(page: Page, username: string, password = CONSOLE_PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('nav.nav').waitFor();
}

export function screenshotPath(name: string): string {
  return join(SCREENSHOTS, `${name}.png`);
}

/**
 * One headless Chromium for a test file, and every context opened on it: `close()` (in afterAll)
 * closes them all, then the browser, whatever the tests left open.
 */
export class ConsoleBrowser {
  private readonly contexts: BrowserContext[] = [];

  private constructor(readonly browser: Browser) {}

  static async launch(): Promise<ConsoleBrowser> {
    return new ConsoleBrowser(await launchBrowser());
  }

  /** A fresh context with one page, not yet navigated (to set up routes before the first load). */
  async blank(viewport?: { width: number; height: number }): Promise<ConsolePage> {
    const opened = await newConsoleContext(this.browser, viewport);
    this.contexts.push(opened.context);
    return opened;
  }

  async open(url: string, viewport?: { width: number; height: number }): Promise<ConsolePage> {
    const opened = await this.blank(viewport);
    await opened.page.goto(url);
    return opened;
  }

  /** A fresh context on the collector's console, signed in as `username`. */
  async openAs(url: string, username: string): Promise<ConsolePage> {
    const opened = await this.open(url);
    await logIn(opened.page, username);
    return opened;
  }

  async close(): Promise<void> {
    for (const context of this.contexts) await context.close().catch(() => {});
    await this.browser.close().catch(() => {});
  }
}

/** Creates console users through the API, each with `CONSOLE_PASSWORD`, failing loudly if one is refused. */
export async function createUsers(collector: TestCollector, users: ReadonlyArray<readonly [username: string, role: Role, tenants: readonly string[]]>): Promise<void> {
  for (const [username, role, tenants] of users) {
    const created = await collector.api('POST', '/api/v1/users', { username, password: CONSOLE_PASSWORD, role, tenants });
    if (created.status !== 201) throw new Error(`creating console user ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  }
}
