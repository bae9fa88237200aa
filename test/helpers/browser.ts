/**
 * Debian's Chromium driven by playwright-core for the console's end-to-end tests: headless, a fresh
 * profile directory, and every switch that makes Chromium talk to the network on its own turned off,
 * so nothing leaves the machine. Every console message, page error, failed request and HTTP error
 * answer is recorded so a test can insist there were none it did not provoke.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_MISSING = 'SKIPPED: chromium not installed (apt-get install chromium)';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface Problem {
  kind: 'console' | 'pageerror' | 'requestfailed' | 'http';
  text: string;
  url: string;
  status?: number;
  method?: string;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  problems: Problem[];
  /** Every request the browser made, to prove none left 127.0.0.1. */
  requests: string[];
  close(): Promise<void>;
}

export async function launchBrowser(opts: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'edgeprov-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    acceptDownloads: true,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const problems: Problem[] = [];
  const requests: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push({ kind: 'console', text: `${m.type()}: ${m.text()}`, url: m.location().url });
    });
    page.on('pageerror', (e) => problems.push({ kind: 'pageerror', text: e.stack ?? e.message, url: page.url() }));
    page.on('requestfailed', (r) => {
      // A download the browser hands over to disk reports as aborted; that is not a failure.
      if (r.failure()?.errorText === 'net::ERR_ABORTED' && r.url().startsWith('blob:')) return;
      // Nor is the icon of a page the test already navigated away from (a race a loaded machine
      // loses now and then); an icon the hub fails to serve still shows as an HTTP error below.
      if (r.failure()?.errorText === 'net::ERR_ABORTED' && new URL(r.url()).pathname.endsWith('/favicon.svg')) return;
      problems.push({ kind: 'requestfailed', text: r.failure()?.errorText ?? 'failed', url: r.url(), method: r.method() });
    });
    page.on('request', (r) => requests.push(r.url()));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push({ kind: 'http', text: `${r.request().method()} ${r.url()} → ${r.status()}`, url: r.url(), status: r.status(), method: r.request().method() });
    });
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    context,
    page,
    problems,
    requests,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
