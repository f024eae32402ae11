// The studio in a real headless Chromium (/usr/bin/chromium) against a real manager holding
// 10,000 jobs: how long until the jobs list shows its first rows, how long a jump to the middle
// of the list takes to show rows again, how long a job of 10,000 tasks takes to show its task
// grid, and what the browser downloads for the jobs screen and then for the job-type editor
// (Monaco must come only with the editor).
// `node bench/studio.ts` runs it alone; bench/run.ts can call studioBenchmarks().

import { chromium, type Page } from 'playwright-core';
import { buildStudio } from '../studio-ui/build/build-studio.ts';
import { insertFarmJob } from '../manager/test/support/job-rows.ts';
import { startTestManager } from '../manager/test/support/test-manager.ts';
import { median, type BenchRow } from './stats.ts';

const JOBS = 10_000;
const RUNS = 5;
const CHROMIUM = process.env.TABLAO_CHROMIUM ?? '/usr/bin/chromium';

export async function studioBenchmarks(): Promise<BenchRow[]> {
  await buildStudio();
  const manager = await startTestManager('sqlite');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    for (let i = 0; i < JOBS; i++) await insertFarmJob(manager.db, { name: `bench job ${i}`, tasks: [{}] });
    const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();

    const firstRows: number[] = [];
    const jumps: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${manager.url}/jobs`, { waitUntil: 'commit' });
      firstRows.push(await msSinceNavigation(page, FIRST_ROW_SHOWN));
      jumps.push(await jumpToMiddle(page));
    }

    const { jobId } = await insertFarmJob(manager.db, { name: 'bench job of 10,000 tasks', tasks: Array.from({ length: 10_000 }, () => ({})) });
    const jobPage: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`${manager.url}/jobs/${jobId}`, { waitUntil: 'commit' });
      jobPage.push(await msSinceNavigation(page, `document.querySelectorAll('[data-testid="task-grid"] .cell').length >= 10000`));
    }

    const jobsBytes = await bytesLoaded(page, `${manager.url}/jobs`, FIRST_ROW_SHOWN);
    const editorBytes = await bytesLoaded(page, `${manager.url}/new-job-type`, "document.querySelector('.monaco-editor') !== null");
    const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
    return [
      { what: `studio: jobs list of ${JOBS.toLocaleString('en')} jobs, navigation to first rows painted (median of ${RUNS})`, figure: `${median(firstRows).toFixed(0)} ms`, goal: '≤ 1000 ms' },
      { what: 'studio: jump to row 5,000, until its rows are shown (median)', figure: `${median(jumps).toFixed(0)} ms` },
      { what: 'studio: a job of 10,000 tasks, navigation to its whole task grid painted (median)', figure: `${median(jobPage).toFixed(0)} ms` },
      { what: 'studio: downloaded for the jobs screen (no Monaco)', figure: kib(jobsBytes.total), ...(jobsBytes.monaco ? { goal: 'Monaco must not load here!' } : {}) },
      { what: 'studio: downloaded for the job-type editor (Monaco, workers on first use)', figure: kib(editorBytes.total) },
    ];
  } finally {
    await browser.close();
    await manager.stop();
  }
}

// What runs in the page is written as source text: this file is type-checked without the DOM's types.
const FIRST_ROW_SHOWN = `document.querySelector('[data-testid="job-row"] a') !== null`;

/** Milliseconds from the navigation's start until `ready` (an expression) first holds, checked every frame. */
async function msSinceNavigation(page: Page, ready: string): Promise<number> {
  const handle = await page.waitForFunction(`(${ready}) && performance.now()`, undefined, { polling: 'raf', timeout: 30_000 });
  return (await handle.jsonValue()) as number;
}

const JUMP_TO_MIDDLE = `(async () => {
  const viewport = document.querySelector('[data-testid="jobs-viewport"]');
  const started = performance.now();
  viewport.scrollTop = viewport.scrollHeight / 2;
  for (;;) {
    await new Promise(requestAnimationFrame);
    const top = viewport.getBoundingClientRect().top;
    const shown = [...document.querySelectorAll('[data-testid="job-row"] a')].some((link) => Math.abs(link.getBoundingClientRect().top - top) < viewport.clientHeight);
    if (shown) return performance.now() - started;
    if (performance.now() - started > 30000) return NaN;
  }
})()`;

async function jumpToMiddle(page: Page): Promise<number> {
  return (await page.evaluate(JUMP_TO_MIDDLE)) as number;
}

async function bytesLoaded(page: Page, url: string, ready: string): Promise<{ total: number; monaco: boolean }> {
  const context = page.context();
  const fresh = await context.newPage();
  let total = 0;
  let monaco = false;
  fresh.on('response', async (response) => {
    if (!response.url().startsWith(new URL(url).origin) || response.url().includes('/api/')) return;
    const body = await response.body().catch(() => Buffer.alloc(0));
    total += body.length;
    if (/editor\.api|ts\.worker|editor\.worker/.test(response.url())) monaco = true;
  });
  await fresh.goto(url);
  await fresh.waitForFunction(ready, undefined, { timeout: 30_000 });
  await fresh.waitForLoadState('networkidle');
  await fresh.close();
  return { total, monaco };
}

if (import.meta.main) {
  for (const row of await studioBenchmarks()) console.log(`${row.what}  ${row.figure}${row.goal ? `   goal ${row.goal}` : ''}`);
}
