// The fault tests: the manager goes away while the worker works, and comes back later on the
// same data folder and port. Nothing the worker reported may be lost, doubled or reordered.

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { commandRunners } from '../../src/commands/index.ts';
import { QUEUE_FILE_NAME } from '../../src/upstream/update-queue.ts';
import { startBlackHoleProxy } from '../support/black-hole-proxy.ts';
import { tickingSleep } from '../support/ticking-sleep.ts';
import {
  echoSleepJob,
  jobStatus,
  removeDataDirs,
  startManager,
  startTestWorker,
  submit,
  task,
  taskLog,
  tasksOf,
  waitFor,
  type TestManager,
  type TestWorker,
} from '../support/test-farm.ts';

const TICK_MS = 20;

/** What the worker has queued on disk, read beside it. */
function queuedUpdates(dataDir: string): { task_id: string; payload: string }[] {
  const db = new Database(join(dataDir, QUEUE_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT task_id, payload FROM task_updates ORDER BY id').all() as { task_id: string; payload: string }[];
  } finally {
    db.close();
  }
}

function logLines(log: string): string[] {
  return log.split('\n').filter((line) => line !== '');
}

describe('the worker while the manager is away', function () {
  this.timeout(40_000);
  let manager: TestManager | undefined;
  let managerDir = '';
  let worker: TestWorker | undefined;

  /** Stops the manager the way a restart does, keeping its data folder and port. */
  async function stopManager(): Promise<number> {
    const port = Number(new URL(manager!.url).port);
    await manager!.close();
    manager = undefined;
    return port;
  }

  async function restartManager(port: number): Promise<TestManager> {
    manager = await startManager({ dataDir: managerDir, configFile: join(managerDir, 'tablao-manager.yaml'), port });
    return manager;
  }

  beforeEach(async () => {
    manager = await startManager();
    managerDir = manager.dataDir;
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await manager?.close();
    manager = undefined;
    await rm(managerDir, { recursive: true, force: true });
  });
  after(removeDataDirs);

  /**
   * Starts a worker whose `sleep` ticks (see tickingSleep), submits `job` and waits until its
   * first sleep task runs and its first ticks reached the manager.
   */
  async function tickingJob(job: ReturnType<typeof echoSleepJob>): Promise<{ ticks: Map<string, string[]>; jobId: string; sleeping: { id: string } }> {
    const ticks = new Map<string, string[]>();
    let currentTask = '';
    worker = await startTestWorker(manager!.url, {
      runners: { ...commandRunners, sleep: tickingSleep(TICK_MS, () => {
        const lines: string[] = [];
        ticks.set(currentTask, lines);
        return lines;
      }) },
      extra: { onCommand: (event, taskId) => event === 'start' && (currentTask = taskId) },
    });
    const jobId = await submit(manager!, job);
    const sleeping = await waitFor('a sleep task to run', async () => (await tasksOf(manager!, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'));
    await waitFor('the first ticks to reach the manager', async () => (await taskLog(manager!, sleeping.id)).includes('tick 3\n'));
    return { ticks, jobId, sleeping };
  }

  it('keeps working while the manager restarts; every log line and status update arrives, in order, and the job completes', async () => {
    const { ticks, jobId, sleeping: first } = await tickingJob(echoSleepJob('through an outage', { sleep_duration_seconds: 1, sleep_repeats: 2 }));
    const port = await stopManager();

    // The task goes on; what it reports waits on disk, its completion included.
    await waitFor('the task to end while the manager is away', () =>
      queuedUpdates(worker!.dataDir).some((row) => row.task_id === first.id && JSON.parse(row.payload).taskStatus === 'completed'),
    );
    const queuedWhileAway = queuedUpdates(worker!.dataDir).length;
    assert.ok(queuedWhileAway > 1, `${queuedWhileAway} updates were queued`);

    const back = await restartManager(port);
    await waitFor('the job to complete', async () => (await jobStatus(back, jobId)) === 'completed', 20_000);

    for (const summary of (await tasksOf(back, jobId)).filter((t) => t.name === 'sleep')) {
      const written = ticks.get(summary.id)!;
      assert.ok(written.length >= 40, `task ${summary.id} ticked ${written.length} times`);
      const arrived = logLines(await taskLog(back, summary.id)).filter((line) => line.startsWith('tick '));
      assert.deepEqual(arrived, written, 'every line arrived once, in order');
      const stored = await task(back, summary.id);
      assert.equal(stored.status, 'completed');
      assert.equal(stored.activity, 'Completed');
      assert.equal(stored.steps_completed, stored.steps_total);
    }
    assert.equal(queuedUpdates(worker!.dataDir).length, 0, 'the queue is empty again');
  });

  it('sends what it queued before anything newer when the manager is back while the task still runs', async () => {
    const { ticks, jobId, sleeping } = await tickingJob(echoSleepJob('back in the middle', { sleep_duration_seconds: 2 }));
    const port = await stopManager();
    await waitFor('ticks to be queued', () => queuedUpdates(worker!.dataDir).length >= 5);

    const back = await restartManager(port);
    await waitFor('the job to complete', async () => (await jobStatus(back, jobId)) === 'completed', 20_000);
    const written = ticks.get(sleeping.id)!;
    const arrived = logLines(await taskLog(back, sleeping.id)).filter((line) => line.startsWith('tick '));
    assert.deepEqual(arrived, written, 'every line arrived once, in order');
  });

  it('stops within its grace period when the manager hangs, keeping what it could not send', async () => {
    const proxy = await startBlackHoleProxy(manager!.url);
    try {
      let ticking = true;
      const stuck = await startTestWorker(proxy.url, {
        runners: {
          ...commandRunners,
          sleep: async (context) => {
            for (let i = 0; ticking && !context.signal.aborted; i++) {
              context.log(`tick ${i}`);
              await new Promise((resolve) => setTimeout(resolve, TICK_MS));
            }
          },
        },
        timing: { shutdownGraceMs: 300, requestTimeoutMs: 60_000 },
      });
      const jobId = await submit(manager!, echoSleepJob('into a black hole'));
      const sleeping = await waitFor('the sleep task to run', async () => (await tasksOf(manager!, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'));
      await waitFor('the first ticks to reach the manager', async () => (await taskLog(manager!, sleeping.id)).includes('tick 3\n'));
      proxy.swallow();
      // Requests now hang (for a minute, by this worker's request timeout); stopping must not wait for them.
      await new Promise((resolve) => setTimeout(resolve, 100));
      ticking = false;
      const exit = await stuck.stop();
      assert.equal(exit.code, 0);
      const queued = queuedUpdates(stuck.dataDir).map((row) => JSON.parse(row.payload).log ?? '').join('');
      assert.match(queued, /The worker is stopping; the task goes back to the queue\./);
    } finally {
      await proxy.close();
    }
  });

  it('loses nothing when the worker itself restarts before the manager is back', async () => {
    const { ticks, jobId, sleeping } = await tickingJob(echoSleepJob('through a worker restart', { sleep_duration_seconds: 10 }));
    const dataDir = worker!.dataDir;
    const port = await stopManager();
    await waitFor('ticks to be queued', () => queuedUpdates(dataDir).length >= 5);

    // Stopped while the manager is away: it cannot sign off; its updates stay on disk.
    await worker!.stop();
    worker = undefined;
    const written = [...ticks.get(sleeping.id)!];
    const queued = queuedUpdates(dataDir);
    assert.ok(queued.length >= 5);
    assert.match(JSON.parse(queued.at(-1)!.payload).log ?? '', /The worker is stopping/);

    const back = await restartManager(port);
    worker = await startTestWorker(back.url, { dataDir, runners: { ...commandRunners, sleep: async () => {} } });
    await waitFor('the job to complete', async () => (await jobStatus(back, jobId)) === 'completed', 20_000);
    const lines = logLines(await taskLog(back, sleeping.id));
    const stoppingAt = lines.indexOf('The worker is stopping; the task goes back to the queue.');
    assert.ok(stoppingAt > 0, 'the line written while stopping arrived');
    assert.deepEqual(
      lines.slice(0, stoppingAt).filter((line) => line.startsWith('tick ')),
      written,
      'every tick written before the restart arrived once, in order',
    );
  });
});
