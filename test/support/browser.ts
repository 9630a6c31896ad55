import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where screenshots and other browser artefacts go (git-ignored). */
export const ARTIFACTS_DIR = join(__dirname, '..', '..', 'test-artifacts');

/** The Debian `chromium` package's binary, or `CHROMIUM_PATH`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launch arguments for a headless Chromium in a container, with no background traffic. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Starts the system Chromium through playwright-core (never a downloaded browser). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A page of a fresh browser context, with what it requested and what went wrong in it. */
export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every URL the page requested, in order. */
  readonly requests: string[];
  /** Uncaught page errors and console errors. */
  readonly errors: string[];
  /** Requests to any origin other than `origin` (ws:// and wss:// to the same host count as the same). */
  foreignRequests(): string[];
}

/**
 * Opens a page in a new context (its own cookies and storage), recording every request and
 * every error. `locale` defaults to en-GB.
 */
export async function openWatchedPage(browser: Browser, origin: string, options: { locale?: string; context?: BrowserContext } = {}): Promise<WatchedPage> {
  const context = options.context ?? (await browser.newContext({ locale: options.locale ?? 'en-GB', viewport: { width: 1000, height: 800 } }));
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  const host = new URL(origin).host;
  return {
    context,
    page,
    requests,
    errors,
    foreignRequests: () =>
      requests.filter((url) => {
        if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return false;
        try {
          return new URL(url).host !== host;
        } catch {
          return true;
        }
      }),
  };
}

/** Saves a full-page screenshot under {@link ARTIFACTS_DIR} and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** One axe-core violation, as the tests report it. */
export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now. The script is evaluated
 * through the DevTools protocol, so the page's own CSP, which allows only its own scripts, stays on.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** The violations that count as failures: serious and critical ones. */
export function seriousOrCritical(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
