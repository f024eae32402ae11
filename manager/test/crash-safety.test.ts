// kill -9 of the manager during a burst of submissions and task updates loses nothing that it
// acknowledged: every job answered 200 is there whole, every task update answered 2xx is kept.

import assert from 'node:assert/strict';
import { launchManagerProcess, type ManagerProcess } from './support/manager-process.ts';
import { SimulatedWorker } from './support/simulated-worker.ts';
import { describeOnEachDatabase, POSTGRES_URL } from './support/test-manager.ts';

const SLEEP_REPEATS = 20;

function echoJob(name: string) {
  return {
    name,
    type: 'echo-sleep-test',
    priority: 50,
    submitter_platform: 'linux',
    settings: { message: name, sleep_repeats: SLEEP_REPEATS, sleep_duration_seconds: 0 },
  };
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api/v3/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describeOnEachDatabase('crash safety', function (database) {
  this.timeout(120_000);
  let first: ManagerProcess | undefined;
  let second: ManagerProcess | undefined;

  after(async () => {
    await second?.cleanUp();
    await first?.cleanUp();
  });

  it('keeps every acknowledged job and task update after kill -9', async () => {
    first = await launchManagerProcess({ database, postgresUrl: POSTGRES_URL });
    const url = first.url;
    const seed = await post(url, echoJob('seed'));
    assert.equal(seed.status, 200);

    const acknowledgedJobs: string[] = [];
    const acknowledgedCompletions: string[] = [];
    let running = true;

    const submitters = Array.from({ length: 4 }, async (_, s) => {
      for (let i = 0; running; i++) {
        try {
          const response = await post(url, echoJob(`burst ${s}-${i}`));
          if (response.status === 200) acknowledgedJobs.push(((await response.json()) as { id: string }).id);
        } catch {
          return; // the manager is gone: this submission was never acknowledged
        }
      }
    });
    const workers = await Promise.all(Array.from({ length: 3 }, () => SimulatedWorker.start(url)));
    const runners = workers.map(async (worker) => {
      while (running) {
        try {
          const task = await worker.nextTask();
          if (!task) continue;
          const update = await worker.call('POST', `/api/v3/worker/task/${task.uuid}`, { taskStatus: 'completed', activity: 'done' });
          if (update.status >= 200 && update.status < 300) acknowledgedCompletions.push(task.uuid);
        } catch {
          return;
        }
      }
    });

    // Let the burst run, then pull the plug while requests are in flight.
    while (acknowledgedJobs.length < 15 || acknowledgedCompletions.length < 15) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await first.kill();
    running = false;
    await Promise.all([...submitters, ...runners]);

    second = await launchManagerProcess({
      database,
      postgresUrl: POSTGRES_URL,
      dataDir: first.dataDir,
      ...(first.schema ? { schema: first.schema } : {}),
    });
    for (const id of acknowledgedJobs) {
      const job = await fetch(`${second.url}/api/v3/jobs/${id}`);
      assert.equal(job.status, 200, `acknowledged job ${id} is missing`);
      const tasks = (await (await fetch(`${second.url}/api/v3/jobs/${id}/tasks`)).json()) as { tasks: unknown[] };
      assert.equal(tasks.tasks.length, SLEEP_REPEATS + 1, `acknowledged job ${id} lost tasks`);
    }
    for (const id of acknowledgedCompletions) {
      const task = (await (await fetch(`${second.url}/api/v3/tasks/${id}`)).json()) as { status: string };
      assert.equal(task.status, 'completed', `acknowledged completion of task ${id} was lost`);
    }
  });
});
