import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { CommandRunner } from '../../src/commands/command.ts';
import { commandRunners } from '../../src/commands/index.ts';
import { CREDENTIALS_FILE_NAME } from '../../src/config/credentials.ts';
import {
  echoSleepJob,
  jobStatus,
  removeDataDirs,
  startManager,
  startTestWorker,
  submit,
  task as fetchTask,
  taskLog,
  tasksOf,
  untilStopped,
  waitFor,
  workerRecord,
  type TestManager,
  type TestWorker,
} from '../support/test-farm.ts';

describe('the worker with a real manager', function () {
  this.timeout(30_000);
  let manager: TestManager;
  const workers: TestWorker[] = [];

  async function worker(options: Parameters<typeof startTestWorker>[1] = {}): Promise<TestWorker> {
    const started = await startTestWorker(manager.url, options);
    workers.push(started);
    return started;
  }

  before(async () => {
    manager = await startManager();
  });
  const jobs: string[] = [];
  async function submitJob(job: unknown): Promise<string> {
    const id = await submit(manager, job);
    jobs.push(id);
    return id;
  }

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    // Whatever a test left unfinished is no one's business in the next one.
    for (const id of jobs.splice(0)) {
      if (['queued', 'active', 'paused'].includes(await jobStatus(manager, id))) {
        const canceled = await manager.request('POST', `/api/v3/jobs/${id}/setstatus`, { status: 'cancel-requested', reason: 'the test is over' });
        assert.equal(canceled.status, 204, canceled.text);
      }
    }
  });
  after(async () => {
    await manager.stop();
    await removeDataDirs();
  });

  it('registers once, signs on with its name and task types, and drives an echo-sleep-test job to completion', async () => {
    const first = await worker({ name: 'render-01' });
    const jobId = await submitJob(echoSleepJob('to completion', { message: 'hello farm', sleep_repeats: 2 }));
    await waitFor('the job to complete', async () => (await jobStatus(manager, jobId)) === 'completed');

    const tasks = await tasksOf(manager, jobId);
    assert.deepEqual(tasks.map((t) => t.status), ['completed', 'completed', 'completed']);
    for (const t of tasks) assert.equal((await fetchTask(manager, t.id)).activity, 'Completed');
    assert.ok(tasks.every((t) => t.steps_completed === t.steps_total));
    const echoTask = tasks.find((t) => t.name === 'echo')!;
    assert.match(await taskLog(manager, echoTask.id), /echo: "hello farm"/);
    const sleepTask = tasks.find((t) => t.name === 'sleep')!;
    assert.match(await taskLog(manager, sleepTask.id), /slept 0s/);

    const record = await workerRecord(manager, first.id!);
    assert.equal(record.name, 'render-01');
    assert.equal(record.status, 'awake');
    assert.deepEqual(record.supported_task_types, ['blender', 'ffmpeg', 'file-management', 'misc']);
    assert.equal(record.version, '0.1.0');
    const credentials = await readFile(join(first.dataDir, CREDENTIALS_FILE_NAME), 'utf8');
    assert.match(credentials, new RegExp(`worker_id: ${first.id}`));

    // Started again on the same data folder, it is the same worker: no second registration.
    await first.stop();
    assert.equal((await workerRecord(manager, first.id!)).status, 'offline');
    const again = await worker({ dataDir: first.dataDir, name: 'render-01' });
    await waitFor('the worker to be awake again', async () => again.status === 'awake');
    assert.equal(again.id, first.id);
    const listed = await manager.request('GET', '/api/v3/worker-mgt/workers');
    assert.equal(listed.body.workers.filter((w: { name: string }) => w.name === 'render-01').length, 1);
  });

  it('fails the task with the command’s message when a command fails, and goes on with other work', async () => {
    await worker({
      runners: {
        ...commandRunners,
        echo: async () => {
          throw new (await import('../../src/commands/command.ts')).CommandError('the message could not be echoed');
        },
      },
    });
    const jobId = await submitJob(echoSleepJob('failing'));
    await waitFor('the echo task to fail on this worker', async () => {
      const echoTask = (await tasksOf(manager, jobId)).find((t) => t.name === 'echo');
      return echoTask && ['soft-failed', 'failed'].includes(echoTask.status) ? echoTask : undefined;
    });
    const echoTask = (await tasksOf(manager, jobId)).find((t) => t.name === 'echo')!;
    assert.equal((await fetchTask(manager, echoTask.id)).activity, 'Failed: the message could not be echoed');
    assert.match(await taskLog(manager, echoTask.id), /Failed: the message could not be echoed/);
  });

  it('stops a running command at once when the job is canceled, without reporting a failure', async () => {
    let aborted = false;
    const w = await worker({
      runners: {
        ...commandRunners,
        sleep: async (context) => {
          context.log('sleeping until stopped');
          await untilStopped(context).catch((error) => {
            aborted = true;
            throw error;
          });
        },
      },
    });
    const jobId = await submitJob(echoSleepJob('to cancel'));
    const sleepTask = await waitFor('the sleep task to run', async () => (await tasksOf(manager, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'));
    await waitFor('the log line of the running command', async () => (await taskLog(manager, sleepTask.id)).includes('sleeping until stopped'));
    const canceled = await manager.request('POST', `/api/v3/jobs/${jobId}/setstatus`, { status: 'cancel-requested', reason: 'the test cancels it' });
    assert.equal(canceled.status, 204, canceled.text);
    await waitFor('the command to be stopped', () => aborted);
    await waitFor('the job to be canceled', async () => (await jobStatus(manager, jobId)) === 'canceled');
    const canceledTask = await fetchTask(manager, sleepTask.id);
    assert.equal(canceledTask.status, 'canceled');
    assert.doesNotMatch(canceledTask.activity, /Failed/);
    assert.equal(w.status, 'awake');
  });

  it('sends the last rendered image of a task to the manager', async () => {
    const dir = (await worker({ runners: { ...commandRunners, sleep: renderingOneFrame } })).dataDir;
    framesDir = dir;
    const jobId = await submitJob(echoSleepJob('with an image'));
    await waitFor('the job to complete', async () => (await jobStatus(manager, jobId)) === 'completed');
    const info = await waitFor('the last-rendered image', async () => {
      const response = await manager.request('GET', `/api/v3/jobs/${jobId}/last-rendered`);
      return response.status === 200 ? response.body : undefined;
    });
    assert.ok(info.suffixes.length > 0);
  });

  it('follows status changes: asleep at once (the task goes back), awake again, then offline', async () => {
    let runs = 0;
    const w = await worker({
      runners: {
        ...commandRunners,
        sleep: async (context) => {
          if (++runs === 1) await untilStopped(context);
        },
      },
    });
    const jobId = await submitJob(echoSleepJob('sleepy'));
    await waitFor('the sleep task to run', async () => (await tasksOf(manager, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'));

    assert.equal((await manager.request('POST', `/api/v3/worker-mgt/workers/${w.id}/setstatus`, { status: 'asleep', is_lazy: false })).status, 204);
    await waitFor('the worker to be asleep', async () => (await workerRecord(manager, w.id!)).status === 'asleep' && w.status === 'asleep');
    const returned = (await tasksOf(manager, jobId)).find((t) => t.name === 'sleep')!;
    assert.equal(returned.status, 'queued', 'the interrupted task went back to the queue');

    assert.equal((await manager.request('POST', `/api/v3/worker-mgt/workers/${w.id}/setstatus`, { status: 'awake', is_lazy: false })).status, 204);
    await waitFor('the job to complete after waking up', async () => (await jobStatus(manager, jobId)) === 'completed');
    assert.equal(runs, 2);

    assert.equal((await manager.request('POST', `/api/v3/worker-mgt/workers/${w.id}/setstatus`, { status: 'offline', is_lazy: true })).status, 204);
    const exit = await w.stopped;
    assert.equal(exit.code, 0);
    assert.match(exit.reason, /offline/);
    assert.equal((await workerRecord(manager, w.id!)).status, 'offline');
  });

  it('finishes its task before a lazy status change', async () => {
    let release: () => void = () => {};
    const w = await worker({
      runners: {
        ...commandRunners,
        sleep: () => new Promise<void>((resolve) => (release = resolve)),
      },
    });
    const jobId = await submitJob(echoSleepJob('lazy'));
    const sleepTask = await waitFor('the sleep task to run', async () => (await tasksOf(manager, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'));
    assert.equal((await manager.request('POST', `/api/v3/worker-mgt/workers/${w.id}/setstatus`, { status: 'asleep', is_lazy: true })).status, 204);
    // Several may-i-run rounds pass; a lazy request does not stop the task.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await tasksOf(manager, jobId)).find((t) => t.id === sleepTask.id)!.status, 'active');
    release();
    await waitFor('the worker to be asleep', async () => (await workerRecord(manager, w.id!)).status === 'asleep');
    assert.equal((await tasksOf(manager, jobId)).find((t) => t.id === sleepTask.id)!.status, 'completed');
  });

  it('exits with its restart exit code when asked to restart', async () => {
    const w = await worker({ config: { restartExitCode: 47 } });
    await waitFor('the worker to be awake', () => w.status === 'awake');
    assert.equal((await workerRecord(manager, w.id!)).can_restart, true);
    assert.equal((await manager.request('POST', `/api/v3/worker-mgt/workers/${w.id}/setstatus`, { status: 'restart', is_lazy: false })).status, 204);
    const exit = await w.stopped;
    assert.equal(exit.code, 47);
  });

  it('hands its task back and signs off when stopped', async () => {
    const w = await worker({ runners: { ...commandRunners, sleep: untilStopped } });
    const jobId = await submitJob(echoSleepJob('stopped'));
    const sleepTask = await waitFor('the sleep task to run', async () => (await tasksOf(manager, jobId)).find((t) => t.name === 'sleep' && t.status === 'active'));
    const exit = await w.stop();
    assert.equal(exit.code, 0);
    const task = (await tasksOf(manager, jobId)).find((t) => t.id === sleepTask.id)!;
    assert.equal(task.status, 'queued');
    assert.match(await taskLog(manager, task.id), /The worker is stopping; the task goes back to the queue\./);
    assert.equal((await workerRecord(manager, w.id!)).status, 'offline');
  });

  it('registers again when the manager no longer knows it', async () => {
    const w = await worker();
    await waitFor('the worker to be awake', () => w.status === 'awake');
    const oldId = w.id!;
    await w.stop();
    await manager.db('workers').where('id', oldId).delete();
    const again = await worker({ dataDir: w.dataDir });
    await waitFor('the worker to be awake under a new id', () => again.status === 'awake' && again.id !== oldId);
    const credentials = await readFile(join(w.dataDir, CREDENTIALS_FILE_NAME), 'utf8');
    assert.match(credentials, new RegExp(`worker_id: ${again.id}`));
  });
});

let framesDir = '';

/** A `sleep` that "renders" a frame and hands it over as output. */
const renderingOneFrame: CommandRunner = async (context) => {
  const frame = join(framesDir, 'frame-0001.png');
  await writeFile(frame, await sharp({ create: { width: 16, height: 9, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer());
  context.outputProduced(frame);
  context.log(`Saved: '${frame}'`);
};
