// A long outage with the worker's real timing (its back-off grows to its ceiling): the manager
// is away for TABLAO_OUTAGE_SECONDS (5 by default, to keep the suite quick; the README's figure
// comes from a run with 300) while the worker's task keeps logging, and afterwards every line and
// update arrives once, in order, and the job completes.

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { commandRunners } from '../../src/commands/index.ts';
import { DEFAULT_TIMING } from '../../src/worker.ts';
import { tickingSleep } from '../support/ticking-sleep.ts';
import { echoSleepJob, jobStatus, removeDataDirs, startManager, startTestWorker, submit, task, taskLog, tasksOf, waitFor, type TestManager, type TestWorker } from '../support/test-farm.ts';

const OUTAGE_SECONDS = Number(process.env.TABLAO_OUTAGE_SECONDS ?? 5);
const TICK_MS = 250;

describe(`the worker through a ${OUTAGE_SECONDS} s outage of the manager, with its real back-off`, function () {
  this.timeout((OUTAGE_SECONDS + 120) * 1000);
  let manager: TestManager | undefined;
  let worker: TestWorker | undefined;
  let managerDir = '';

  after(async () => {
    await worker?.stop();
    await manager?.close();
    if (managerDir) await rm(managerDir, { recursive: true, force: true });
    await removeDataDirs();
  });

  it('delivers every line and update it buffered, in order, once the manager is back', async () => {
    manager = await startManager();
    managerDir = manager.dataDir;
    const written: string[] = [];
    worker = await startTestWorker(manager.url, { runners: { ...commandRunners, sleep: tickingSleep(TICK_MS, () => written) }, timing: DEFAULT_TIMING });
    const jobId = await submit(manager, echoSleepJob('a long outage', { sleep_duration_seconds: OUTAGE_SECONDS + 4 }));
    const sleeping = await waitFor('the sleep task to run', async () => (await tasksOf(manager!, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'));
    await waitFor('the first ticks to reach the manager', async () => (await taskLog(manager!, sleeping.id)).includes('tick 1\n'));

    const port = Number(new URL(manager.url).port);
    await manager.close();
    manager = undefined;
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_SECONDS * 1000));
    const tickedWhileAway = written.length;
    manager = await startManager({ dataDir: managerDir, configFile: join(managerDir, 'tablao-manager.yaml'), port });

    await waitFor('the job to complete', async () => (await jobStatus(manager!, jobId)) === 'completed', 90_000);
    assert.ok(tickedWhileAway >= (OUTAGE_SECONDS * 1000) / TICK_MS, `the task kept working while the manager was away (${tickedWhileAway} ticks)`);
    const arrived = (await taskLog(manager, sleeping.id)).split('\n').filter((line) => line.startsWith('tick '));
    assert.deepEqual(arrived, written, 'every line arrived once, in order');
    const stored = await task(manager, sleeping.id);
    assert.equal(stored.status, 'completed');
    assert.equal(stored.steps_completed, stored.steps_total);
  });
});
