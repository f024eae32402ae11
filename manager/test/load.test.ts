// The farm under load: 200 simulated workers against a real manager process while jobs keep
// coming — render jobs (frames, then a preview that waits for all of them) and echo jobs (one
// task, then tasks that wait for it). Workers report progress and log lines, ask may-i-run, and
// now and then fail a task (it goes to another worker). No request may fail, and once the farm
// has drained, no task is left active or waiting, and every job ended as its tasks say.
//
// goals.md asks for 10 minutes: TABLAO_LOAD_SECONDS=600; the suite runs a short stretch.

import assert from 'node:assert/strict';
import { launchManagerProcess, type ManagerProcess } from './support/manager-process.ts';
import { SimulatedWorker, type AssignedTask, type WorkerResponse } from './support/simulated-worker.ts';
import { echoSubmission } from './support/submissions.ts';
import { describeOnEachDatabase, POSTGRES_URL } from './support/test-manager.ts';

const SECONDS = Number(process.env.TABLAO_LOAD_SECONDS ?? 10);
const WORKERS = 200;
/** How long the farm may take to finish the jobs submitted in time. */
const DRAIN_SECONDS = 120;
/** Of the tasks a worker gets, this share it fails (soft-fail: another worker tries again). */
const FAILURE_RATE = 0.02;

interface Tally {
  submitted: string[];
  assignments: number;
  failures: number;
  /** Answers that are not what the protocol promises: the test's failure list. */
  problems: string[];
  /** Refusals with a message (e.g. a task taken back because its job failed): allowed, counted. */
  refusals: number;
}

function renderJob(n: number) {
  return {
    name: `load render ${n}`,
    type: 'simple-blender-render',
    priority: 40 + (n % 3) * 10,
    submitter_platform: 'linux',
    settings: {
      frames: `1-${8 + (n % 5) * 4}`,
      chunk_size: 2,
      render_output_root: '/render/out',
      add_path_components: 0,
      render_output_path: `/render/out/load/${n}/######`,
      blendfile: '/render/jobs/load/scene.blend',
      fps: 24,
      format: 'PNG',
      image_file_extension: '.png',
      has_previews: false,
      scene: 'Scene',
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeOnEachDatabase('the farm under load', function (database) {
  this.timeout((SECONDS + DRAIN_SECONDS + 120) * 1000);
  let manager: ManagerProcess | undefined;

  after(async () => {
    await manager?.cleanUp();
  });

  it(`keeps ${WORKERS} workers busy for ${SECONDS} s: no request fails, no task is stuck, every job ends as its tasks say`, async () => {
    manager = await launchManagerProcess({ database, postgresUrl: POSTGRES_URL });
    const url = manager.url;
    const tally: Tally = { submitted: [], assignments: 0, failures: 0, problems: [], refusals: 0 };
    const check = (what: string, response: WorkerResponse, ...allowed: number[]): boolean => {
      if (allowed.includes(response.status)) return true;
      if (response.status === 409 && typeof response.body?.message === 'string' && response.body.message !== '') {
        tally.refusals++;
        return false;
      }
      tally.problems.push(`${what}: ${response.status} ${response.text.slice(0, 200)}`);
      return false;
    };

    const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => SimulatedWorker.start(url, { name: `load-${i + 1}` })));
    const deadline = Date.now() + SECONDS * 1000;
    let submitting = true;

    const submitter = (async () => {
      for (let n = 0; Date.now() < deadline; n++) {
        const job = n % 2 === 0 ? renderJob(n) : echoSubmission({ name: `load echo ${n}`, settings: { message: `load ${n}`, sleep_repeats: 4, sleep_duration_seconds: 0 } });
        const response = await fetch(`${url}/api/v3/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(job) });
        const text = await response.text();
        if (response.status === 200) tally.submitted.push((JSON.parse(text) as { id: string }).id);
        else tally.problems.push(`submitting ${job.name}: ${response.status} ${text.slice(0, 200)}`);
        await pause(50);
      }
      submitting = false;
    })();

    const run = async (worker: SimulatedWorker, task: AssignedTask): Promise<void> => {
      const may = await worker.mayIRun(task.uuid);
      if (!check('may-i-run', may, 200) || may.body.mayKeepRunning !== true) return;
      const progress = await worker.update(task.uuid, { activity: 'Rendering', log: `${task.name}: working\n`, steps_completed: 0 });
      if (!check('progress', progress, 204)) return;
      const fails = Math.random() < FAILURE_RATE;
      if (fails) tally.failures++;
      const outcome = fails ? await worker.fail(task.uuid) : await worker.complete(task.uuid);
      check(fails ? 'failing a task' : 'completing a task', outcome, 204);
    };

    // Drained: every submitted job in a status where it waits for nobody.
    const drainDeadline = deadline + DRAIN_SECONDS * 1000;
    let drained = false;
    const watcher = (async () => {
      while (!drained && Date.now() < drainDeadline) {
        await pause(500);
        if (submitting) continue;
        const query = { status_in: ['active', 'queued', 'requeueing', 'pause-requested', 'cancel-requested', 'under-construction'], limit: 1 };
        const response = await fetch(`${url}/api/v3/jobs/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) });
        const { jobs } = (await response.json()) as { jobs: unknown[] };
        drained = jobs.length === 0;
      }
    })();
    const loops = workers.map(async (worker) => {
      while (!drained && Date.now() < drainDeadline && tally.problems.length === 0) {
        const asked = await worker.askForTask();
        if (asked.status === 204) {
          await pause(100 + Math.random() * 200);
          continue;
        }
        if (!check('asking for a task', asked, 200)) continue;
        tally.assignments++;
        await run(worker, asked.body as AssignedTask);
      }
    });
    await submitter;
    await Promise.all(loops);
    await watcher;

    assert.deepEqual(tally.problems, [], 'every answer is one the protocol promises');
    assert.ok(tally.submitted.length > 0 && tally.assignments > 0);

    // Drained: nothing runs or waits any more, and each job ended as its tasks say.
    const stuck: string[] = [];
    for (const jobId of tally.submitted) {
      const job = (await (await fetch(`${url}/api/v3/jobs/${jobId}`)).json()) as { status: string; name: string };
      const { tasks } = (await (await fetch(`${url}/api/v3/jobs/${jobId}/tasks`)).json()) as { tasks: { id: string; status: string }[] };
      const statuses = new Set(tasks.map((task) => task.status));
      const ended = job.status === 'completed' ? [...statuses].every((s) => s === 'completed') : job.status === 'failed' && statuses.has('failed');
      const waiting = tasks.filter((task) => ['active', 'queued', 'soft-failed'].includes(task.status));
      if (!ended || waiting.length > 0) stuck.push(`${job.name} is ${job.status} with tasks ${[...statuses].join(', ')}`);
    }
    assert.deepEqual(stuck, [], 'every job ended: completed with all tasks completed, or failed for a failed task');
    console.log(
      `      ${database}: ${tally.submitted.length} jobs, ${tally.assignments} assignments in ${SECONDS} s + drain, ` +
        `${tally.failures} failures reported, ${tally.refusals} refusals`,
    );
  });
});
