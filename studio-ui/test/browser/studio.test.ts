// The studio end to end, in a real headless Chromium against a real manager: write a job type
// in the editor with completion, dry-run it, see a broken line marked, save it, submit a job
// of it, and watch a simulated worker complete its tasks live; the jobs list with many jobs;
// the reconnecting state when the manager goes away.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { insertFarmJob } from '../../../manager/test/support/job-rows.ts';
import { SimulatedWorker } from '../../../manager/test/support/simulated-worker.ts';
import { startTestManager, type TestManager } from '../../../manager/test/support/test-manager.ts';
import { launchBrowser, openPage, pageErrors, screenshot } from './studio-page.ts';

describe('studio in the browser', function () {
  this.timeout(120_000);
  let browser: Browser | undefined;
  let manager: TestManager | undefined;
  let page: Page;
  let worker: SimulatedWorker | undefined;
  let jobPath = '';

  before(async function () {
    [browser, manager] = await Promise.all([launchBrowser(), startTestManager('sqlite')]);
    page = await openPage(browser);
  });

  after(async function () {
    await browser?.close();
    await manager?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && process.env.TABLAO_FAILURE_SHOTS) await page.screenshot({ path: `${process.env.TABLAO_FAILURE_SHOTS}/${this.currentTest.title.slice(0, 40)}.png` });
    assert.deepEqual(pageErrors.splice(0), [], 'the page threw');
  });

  const url = (path: string) => manager!.url + path;

  it('shows the farm status and a live event stream in the header', async function () {
    await page.goto(url('/'));
    await page.getByTestId('stream-state').filter({ hasText: 'Live' }).waitFor();
    await page.getByTestId('farm-status').waitFor();
    assert.match(await page.getByTestId('farm-status').innerText(), /^(active|idle|waiting|asleep|inoperative|unknown|starting)$/);
    assert.ok(await page.getByRole('link', { name: 'Job types' }).isVisible());
  });

  it('writes, dry-runs, marks errors in, saves and submits a job type, and shows its tasks complete live', async function () {
    await page.getByRole('link', { name: 'Job types', exact: true }).click();
    await page.getByTestId('job-types').getByRole('link', { name: 'simple-blender-render' }).waitFor();
    await page.getByRole('button', { name: 'New job type' }).click();
    await page.getByTestId('type-name').fill('e2e-echo');
    const editor = page.getByTestId('editor').locator('.monaco-editor');
    await editor.waitFor();

    // Completion from the authoring API's declarations.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('author.');
    const suggestions = page.locator('.suggest-widget.visible');
    await suggestions.getByText('Command', { exact: true }).waitFor();
    assert.ok(await suggestions.getByText('Task', { exact: true }).isVisible());
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+K');
    // Signature help with the documentation of frameChunker.
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('frameChunker(');
    await page.locator('.parameter-hints-widget.visible').filter({ hasText: 'chunkSize' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+K');
    assert.equal(await editor.locator('.view-line').filter({ hasText: /^\s*(author\.|frameChunker\(\))\s*$/ }).count(), 0, 'the lines typed for completion are gone');

    // The form comes from JOB_TYPE.settings; the dry-run compiles the unsaved script.
    await page.getByLabel('Chunk Size').waitFor();
    assert.equal(await page.getByLabel('Frames *').inputValue(), '1-10');
    // While the typed lines broke the script, JOB_TYPE could not be read; now it can again.
    await page.getByText('JOB_TYPE could not be read').waitFor({ state: 'detached' });
    await page.getByTestId('run').click();
    await page.getByTestId('task-count').filter({ hasText: '2 tasks' }).waitFor();
    assert.match(await page.getByTestId('compiled-tasks').innerText(), /echo-1-5[\s\S]*echo-6-10/);
    await page.getByRole('tab', { name: 'Graph' }).click();
    assert.equal(await page.getByTestId('dependency-graph').locator('.graph-node').count(), 2);
    await page.getByRole('tab', { name: /^Log/ }).click();
    await page.getByTestId('compile-log').filter({ hasText: 'frames: 10' }).waitFor();
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await screenshot(page, 'studio-dry-run');

    // The form refuses what the manager would, naming the setting.
    await page.getByLabel('Chunk Size').fill('0');
    await page.getByTestId('run').click();
    await page.getByText('"Chunk Size" must be at least 1, not 0').waitFor();
    await page.getByLabel('Chunk Size').fill('5');

    // A broken line: the error shows at its line in the editor.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < 14; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText("throw new Error('broken on purpose');");
    await page.keyboard.press('Control+Enter');
    const compileError = page.getByTestId('compile-error');
    await compileError.filter({ hasText: 'broken on purpose' }).waitFor();
    await editor.locator('.compile-error-glyph').waitFor();
    await editor.locator('.compile-error-line').waitFor();
    await screenshot(page, 'studio-compile-error');

    // "Go to line" puts the cursor there; the line deleted, the job compiles again and the marker goes.
    await compileError.getByRole('button', { name: 'Go to line 15' }).click();
    await page.keyboard.press('Control+Shift+K');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('task-count').filter({ hasText: '2 tasks' }).waitFor();
    await editor.locator('.compile-error-glyph').waitFor({ state: 'detached' });

    // Saved as version 1, then submitted as a job.
    await page.getByTestId('save').click();
    await page.getByTestId('type-version').filter({ hasText: 'version 1' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/job-types/e2e-echo');
    await page.getByTestId('submit-job').click();
    await page.getByTestId('job-name').waitFor();
    await page.getByTestId('task-counts').filter({ hasText: '2 queued' }).waitFor();

    // A worker runs the tasks; the page follows over the event stream, without reloading.
    jobPath = new URL(page.url()).pathname;
    worker = await SimulatedWorker.start(manager!.url, { supportedTaskTypes: ['misc'] });
    const ran = await worker.runUntilIdle();
    assert.equal(ran.length, 2);
    await page.getByTestId('task-counts').filter({ hasText: '2 completed' }).waitFor();
    await page.locator('.status-completed').first().waitFor();
    assert.equal(await page.getByTestId('job-type-version').innerText(), 'version 1');
    await page.getByRole('tab', { name: 'Compile log' }).click();
    await page.getByTestId('compile-log').filter({ hasText: 'frames: 10' }).waitFor();
    // The tabs work from the keyboard: left of the compile log is the graph.
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.getByRole('tab', { name: 'Dependency graph' }).getAttribute('aria-selected'), 'true');
    await page.getByTestId('dependency-graph').waitFor();
    await screenshot(page, 'job');
  });

  it('opens a built-in job type read-only, dry-runs it with its own form, and duplicates it', async function () {
    await page.goto(url('/job-types/simple-blender-render'));
    const editor = page.getByTestId('editor').locator('.monaco-editor');
    await editor.waitFor();
    await page.getByText('Read-only').waitFor();
    assert.equal(await page.getByTestId('save').count(), 0);
    // Its required settings are required in the form too; the form says so before anything is sent.
    await page.getByTestId('run').click();
    await page.locator('.field.invalid').first().waitFor();
    assert.match(await page.locator('.field.invalid').first().innerText(), /required/);
    await page.getByRole('button', { name: 'Duplicate to edit' }).click();
    await page.getByTestId('type-name').waitFor();
    assert.equal(await page.getByTestId('type-name').inputValue(), 'simple-blender-render-copy');
    await editor.locator('.view-lines').filter({ hasText: 'JOB_TYPE' }).waitFor();
    assert.match(await page.locator('.origin').first().innerText(), /not saved yet/);
  });

  it('shows a task with its log, live, and requeues it', async function () {
    await page.goto(url(jobPath));
    const table = page.getByTestId('job-tasks');
    await table.getByRole('checkbox', { name: 'completed' }).check();
    await table.getByText('2 of 2 tasks').waitFor();
    await table.getByRole('link', { name: 'echo-1-5' }).click();
    const log = page.getByTestId('task-log');
    await log.filter({ hasText: 'echo done' }).waitFor();
    const download = await page.getByRole('link', { name: /Download the whole log/ }).getAttribute('href');
    const whole = await page.request.get(url(download!));
    assert.equal(whole.status(), 200);
    assert.match(await whole.text(), /echo done/);

    await page.getByRole('button', { name: 'Show the whole log' }).click();
    await log.filter({ hasText: 'echo done' }).waitFor();
    await page.getByRole('button', { name: 'Requeue' }).click();
    await page.locator('.status-queued').first().waitFor();
    await worker!.runUntilIdle();
    await page.locator('h1 + .status-completed').waitFor();
    await log.filter({ hasText: /echo done[\s\S]*echo done/ }).waitFor();
  });

  it('shows the last-rendered image of a job as soon as a worker sends one', async function () {
    const submitted = await manager!.request('POST', '/api/v3/jobs', { name: 'rendering', type: 'e2e-echo', priority: 50, submitter_platform: 'linux', settings: { message: 'hi', frames: '1', chunk_size: 1 } });
    assert.equal(submitted.status, 200, submitted.text);
    await page.goto(url(`/jobs/${submitted.body.id}`));
    await page.getByTestId('task-counts').filter({ hasText: '1 queued' }).waitFor();
    assert.equal(await page.locator('.last-rendered img').count(), 0);
    const task = await worker!.nextTask();
    assert.ok(task);
    await worker!.expect(204, worker!.update(task.uuid, { taskStatus: 'active', activity: 'rendering' }));
    const image = await sharp({ create: { width: 320, height: 180, channels: 3, background: { r: 180, g: 40, b: 30 } } }).jpeg().toBuffer();
    const sent = await fetch(`${manager!.url}/api/v3/worker/task/${task.uuid}/output-produced`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${worker!.id}:${worker!.secret}`).toString('base64')}`, 'content-type': 'image/jpeg' },
      body: new Uint8Array(image),
    });
    assert.equal(sent.status, 202);
    await page.locator('.last-rendered img').waitFor();
    assert.ok(await page.locator('.last-rendered img').evaluate((img) => (img as HTMLImageElement).naturalWidth > 0), 'the image loads');
    await worker!.expect(204, worker!.complete(task.uuid));
    await page.getByTestId('task-counts').filter({ hasText: '1 completed' }).waitFor();
    // A cell of the task grid leads to its task.
    await page.getByTestId('task-grid').getByRole('link', { name: 'echo-1: completed' }).click();
    await page.getByRole('heading', { name: 'echo-1' }).waitFor();
  });

  it('keeps versions with diffs and rollback, and test cases that show what changed', async function () {
    await page.goto(url('/job-types/e2e-echo'));
    const editor = page.getByTestId('editor').locator('.monaco-editor');
    await editor.waitFor();
    await page.getByTestId('type-version').filter({ hasText: 'version 1' }).waitFor();

    // A dry-run kept as a test case.
    await page.getByTestId('run').click();
    await page.getByTestId('task-count').filter({ hasText: '2 tasks' }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept('two chunks'));
    await page.getByRole('button', { name: 'Save as test' }).click();
    await page.getByRole('cell', { name: 'two chunks' }).waitFor();

    // An unsaved edit that changes the output: the test says so, with a diff.
    // Line 17 names the tasks: `echo-…` becomes `chunk-…`.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    for (let i = 1; i < 17; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.insertText("const task = author.Task(`chunk-${chunk}`, 'misc');");
    await page.getByRole('button', { name: /Run all tests/ }).click();
    await page.getByTestId('test-summary').filter({ hasText: '0 passed, 1 changed (unsaved script)' }).waitFor();
    await page.getByRole('button', { name: 'Diff', exact: true }).click();
    await page.getByTestId('diff').filter({ hasText: 'chunk-1-5' }).waitFor();
    await screenshot(page, 'studio-tests');

    // Leaving with unsaved changes asks first; staying keeps them.
    const asked = new Promise<string>((resolve) => page.once('dialog', (dialog) => (resolve(dialog.message()), void dialog.dismiss())));
    await page.getByRole('link', { name: '← Job types' }).click();
    assert.match(await asked, /"e2e-echo" has unsaved changes/);
    assert.equal(new URL(page.url()).pathname, '/job-types/e2e-echo');

    // Saved as version 2; version 1 compared and rolled back to (as version 3).
    await page.getByTestId('save').click();
    await page.getByTestId('type-version').filter({ hasText: 'version 2' }).waitFor();
    await page.getByRole('tab', { name: 'Versions' }).click();
    await page.getByRole('row', { name: /^1 / }).getByRole('button', { name: 'Compare' }).click();
    await page.getByTestId('diff').filter({ hasText: '1 removed, 1 added' }).waitFor();
    await page.getByRole('row', { name: /^1 / }).getByRole('button', { name: 'Roll back…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
    await page.getByTestId('type-version').filter({ hasText: 'version 3' }).waitFor();
    await page.getByRole('tab', { name: 'Tests' }).click();
    await page.getByRole('button', { name: 'Run all tests' }).click();
    await page.getByTestId('test-summary').filter({ hasText: '1 passed, 0 changed' }).waitFor();
  });

  it('lists the workers live and asks one to sleep', async function () {
    await page.getByRole('link', { name: 'Workers', exact: true }).click();
    const row = page.getByTestId('workers').getByRole('row').filter({ hasText: 'simulated' });
    await row.first().waitFor();
    await row.first().getByRole('button', { name: 'Sleep' }).click();
    await row.first().filter({ hasText: 'asleep (after its task)' }).waitFor();

    // Its details: a sleep schedule, saved and read back.
    await row.first().getByRole('button', { name: 'simulated' }).click();
    const schedule = page.locator('form.schedule');
    await schedule.getByLabel('Days').fill('mo tu we');
    await schedule.getByLabel('From').fill('09:00');
    await schedule.getByLabel('until').fill('18:00');
    await schedule.getByLabel('Active').check();
    await schedule.getByRole('button', { name: 'Save schedule' }).click();
    await page.getByText('Sleep schedule saved.').waitFor();
    const stored = await manager!.request('GET', `/api/v3/worker-mgt/workers/${worker!.id}/sleep-schedule`);
    assert.deepEqual(stored.body, { is_active: true, days_of_week: 'mo tu we', start_time: '09:00', end_time: '18:00' });

    // A tag: made, given to the worker, shown in its row, deleted after asking.
    page.once('dialog', (dialog) => void dialog.accept('gpu'));
    await page.getByRole('button', { name: 'New tag…' }).click();
    await page.getByTestId('tags').getByText('gpu').waitFor();
    await page.locator('.worker-details').getByRole('checkbox', { name: 'gpu' }).check();
    await row.first().getByRole('cell', { name: 'gpu', exact: true }).waitFor();
    await page.getByTestId('tags').getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('tags').waitFor({ state: 'detached' });
    await screenshot(page, 'workers');
  });

  it('checks the shared storage folder live in the setup assistant', async function () {
    await page.getByRole('link', { name: 'Set up the farm' }).click();
    assert.equal(new URL(page.url()).pathname, '/setup');
    const storage = page.getByTestId('storage-input');
    await storage.fill(manager!.dataDir);
    await page.locator('.setup .error').filter({ hasText: "✗ Do not choose the manager's data folder" }).waitFor();
    const shared = await mkdtemp(join(tmpdir(), 'tablao-shared-'));
    try {
      await storage.fill(shared);
      await page.locator('.setup .good').filter({ hasText: '✓' }).first().waitFor();
      await screenshot(page, 'setup');
      // With a Blender the manager can run (Debian's, which .ci/run installs), the settings are saved and the farm is set up.
      const usable = page.locator('.setup label.choice input:not([disabled])');
      await page.locator('.setup label.choice, .setup p.muted').first().waitFor();
      if ((await usable.count()) > 0) {
        await usable.first().check();
        await page.getByRole('button', { name: 'Save and use these settings' }).click();
        await page.getByTestId('job-count').waitFor();
        assert.equal(await page.getByRole('link', { name: 'Set up the farm' }).count(), 0);
        // Set up, the page also edits Blender per platform, in the configuration file.
        await page.getByRole('link', { name: 'Setup', exact: true }).click();
        const windows = page.getByTestId('blender-windows');
        await windows.fill('D:\\Blender 4.5\\blender.exe');
        await page.getByRole('button', { name: 'Save for the next start' }).click();
        await page.getByText('Saved in the configuration file').waitFor();
        const stored = await manager!.request('GET', '/api/v3/configuration/file');
        assert.ok(stored.body.variables.blender.values.some((v: { platform?: string; value: string }) => v.platform === 'windows' && v.value === 'D:\\Blender 4.5\\blender.exe'));
      }
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it('lists many jobs, rendering only the rows in view and fetching pages as they scroll in', async function () {
    for (let i = 0; i < 1200; i++) await insertFarmJob(manager!.db, { name: `bulk job ${String(i).padStart(4, '0')}`, tasks: [{}] });
    // Rows put straight into the database make no events: the page is loaded afresh.
    await page.goto(url('/jobs'));
    await page.getByTestId('job-count').filter({ hasText: '1202 jobs' }).waitFor();
    const rendered = await page.getByTestId('job-row').count();
    assert.ok(rendered > 5 && rendered < 100, `${rendered} rows rendered`);
    await screenshot(page, 'jobs');
    await page.getByLabel('Colours').selectOption('dark');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await screenshot(page, 'jobs-dark');
    await page.getByLabel('Colours').selectOption('system');
    await page.getByTestId('jobs-viewport').evaluate((element) => (element.scrollTop = element.scrollHeight));
    // Sorted by last update, newest first: the bottom row is the oldest bulk job, from the third page.
    await page.getByTestId('job-row').getByRole('link', { name: 'bulk job 0000' }).waitFor();
    // Only the queued ones (the jobs of the tests before are completed), by name.
    await page.getByRole('checkbox', { name: 'queued', exact: true }).check();
    await page.getByTestId('job-count').filter({ hasText: '1200 jobs' }).waitFor();
    await page.getByRole('button', { name: 'Name' }).click();
    await page.getByTestId('job-row').first().getByRole('link', { name: 'bulk job 0000' }).waitFor();

    // Actions on selected rows follow the list live; deleting asks first.
    await page.getByRole('checkbox', { name: 'Select bulk job 0000' }).check();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByTestId('job-row').first().locator('.status-paused').waitFor();
    await page.getByRole('checkbox', { name: 'queued', exact: true }).uncheck();
    await page.getByTestId('job-count').filter({ hasText: '1202 jobs' }).waitFor();
    await page.getByRole('checkbox', { name: 'Select bulk job 0000' }).check();
    await page.getByRole('button', { name: 'Delete…', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.filter({ hasText: 'Delete "bulk job 0000"?' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Delete…', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('job-count').filter({ hasText: '1201 jobs' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'bulk job 0000', exact: true }).count(), 0);
  });

  it('shows that it is reconnecting when the manager goes away, and live again when it is back', async function () {
    const port = Number(new URL(manager!.url).port);
    await page.getByTestId('stream-state').filter({ hasText: 'Live' }).waitFor();
    await manager!.stop();
    manager = undefined;
    await page.getByTestId('stream-state').filter({ hasText: 'Reconnecting' }).waitFor();
    manager = await startTestManager('sqlite', { port });
    await page.getByTestId('stream-state').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
  });
});
