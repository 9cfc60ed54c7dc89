import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Locator, type Page } from 'playwright-core';
import type { Role } from '../../api/http/tokens';
import type { TestApp } from './test-app';

/** How long a console spec waits for the page to show something. */
export const WAIT = { timeout: 30_000 };

/** Where the screenshots for people go: beside the tools, never into the repository. */
const SCREENSHOT_DIR = process.env.CONSOLE_SCREENSHOT_DIR;

export interface ConsoleBrowser {
  /** Where the app is served, e.g. `${base}/console`. */
  base: string;
  /** Every URL any page asked for. */
  requestedUrls: string[];
  /** Content-Security-Policy violations any page logged to its console. */
  cspViolations: string[];
  /** A 1366×900 page whose requests and policy violations are collected. */
  newPage(): Promise<Page>;
  /** Opens the console and submits `bearer` (an `Authorization` value) as the token. */
  signIn(page: Page, bearer: string): Promise<void>;
  /** A new page signed in as `subject` with `role`, once the console says so. */
  signedIn(subject: string, role?: Extract<Role, 'support' | 'admin'>): Promise<Page>;
  stop(): Promise<void>;
}

/** Debian's Chromium (CHROMIUM_PATH) driving the support console of `t`, served on a free port. */
export async function startConsoleBrowser(t: TestApp): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const server: Server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const requestedUrls: string[] = [];
  const cspViolations: string[] = [];

  const newPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('request', (r) => requestedUrls.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    return page;
  };
  const signIn = async (page: Page, bearer: string) => {
    await page.goto(`${base}/console`);
    await page.getByLabel('Support or admin token').fill(bearer.replace(/^Bearer /, ''));
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  return {
    base,
    requestedUrls,
    cspViolations,
    newPage,
    signIn,
    signedIn: async (subject, role = 'support') => {
      const page = await newPage();
      await signIn(page, await t.bearer(role, subject));
      await page.getByText(`Signed in as ${subject} (${role})`).waitFor(WAIT);
      return page;
    },
    stop: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Saves `target` as `<name>.png` for people when CONSOLE_SCREENSHOT_DIR names a directory. */
export async function screenshotForPeople(target: Page | Locator, name: string, { fullPage = false } = {}): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  const path = `${SCREENSHOT_DIR}/${name}.png`;
  if ('goto' in target) await target.screenshot({ path, fullPage });
  else await target.screenshot({ path });
}
