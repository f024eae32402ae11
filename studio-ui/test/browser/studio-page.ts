// What the browser tests share: the studio built, a real manager, and one headless Chromium
// (Debian's, at /usr/bin/chromium; .ci/run installs it) driven by playwright-core.

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildStudio, STUDIO_DIR } from '../../build/build-studio.ts';

export const CHROMIUM = process.env.TABLAO_CHROMIUM ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the studio's browser tests need Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (.ci/run does), or point TABLAO_CHROMIUM at another Chromium`);
  }
  await buildStudio();
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function openPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // A failure inside the app should fail the test with its message, not as a timeout later.
  page.on('pageerror', (error) => {
    pageErrors.push(error.message);
  });
  return page;
}

export const pageErrors: string[] = [];

/** Screenshots for docs/ are taken only when asked for: TABLAO_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.TABLAO_SCREENSHOTS !== '1') return;
  const docs = join(STUDIO_DIR, '..', 'docs');
  await mkdir(docs, { recursive: true });
  await page.screenshot({ path: join(docs, `${name}.png`), style: '.notices { display: none; }' });
}
