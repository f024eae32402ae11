// The studio in Firefox (Debian's ESR, headless): its main screens come up and show the farm's
// data, the editor loads Monaco, and nothing is logged as an error on the way. The full
// end-to-end flows run in Chromium (studio.test.ts); this checks the same app in the other engine.

import assert from 'node:assert/strict';
import { buildStudio } from '../../build/build-studio.ts';
import { insertFarmJob } from '../../../manager/test/support/job-rows.ts';
import { startTestManager, type TestManager } from '../../../manager/test/support/test-manager.ts';
import { FirefoxPage } from './firefox-bidi.ts';

describe('studio in Firefox', function () {
  this.timeout(120_000);
  let manager: TestManager | undefined;
  let firefox: FirefoxPage | undefined;

  before(async function () {
    await buildStudio();
    [manager, firefox] = await Promise.all([startTestManager('sqlite'), FirefoxPage.launch()]);
  });

  after(async function () {
    await firefox?.close();
    await manager?.stop();
  });

  afterEach(function () {
    assert.deepEqual(firefox?.errors.splice(0), [], 'Firefox logged errors');
  });

  it('lists the jobs, live', async function () {
    await insertFarmJob(manager!.db, { name: 'shown in firefox', tasks: [{}] });
    await firefox!.goto(`${manager!.url}/jobs`);
    await firefox!.waitFor(`document.querySelector('main')?.innerText.includes('shown in firefox')`);
    const state = await firefox!.waitFor(`document.querySelector('[data-testid="stream-state"]')?.innerText.includes('Live') && document.querySelector('[data-testid="stream-state"]').innerText`);
    assert.match(String(state), /Live/);
  });

  it('opens a job type in the editor with Monaco', async function () {
    await firefox!.goto(`${manager!.url}/job-types/echo-sleep-test`);
    await firefox!.waitFor(`!!document.querySelector('.monaco-editor .view-lines')`, 30_000);
    const source = await firefox!.waitFor(`document.querySelector('.monaco-editor .view-lines')?.innerText`);
    assert.match(String(source), /JOB_TYPE/);
  });
});
