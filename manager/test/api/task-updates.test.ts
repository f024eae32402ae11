import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { insertJobOfType, uniqueTaskType } from '../support/job-rows.ts';
import { SimulatedWorker, type AssignedTask } from '../support/simulated-worker.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';

async function workersFor(manager: TestManager, type: string, count: number): Promise<SimulatedWorker[]> {
  return Promise.all(Array.from({ length: count }, () => SimulatedWorker.start(manager.url, { supportedTaskTypes: [type] })));
}

async function task(manager: TestManager, id: string) {
  return manager.db('tasks').where('id', id).first();
}

async function jobStatus(manager: TestManager, id: string): Promise<string> {
  return (await manager.db('jobs').where('id', id).first('status')).status;
}

async function taskLog(manager: TestManager, jobId: string, taskId: string): Promise<string> {
  await manager.services.taskLogs.written(jobId, taskId);
  try {
    return await readFile(join(manager.dataDir, 'job-logs', jobId.slice(0, 4), jobId, `task-${taskId}.txt`), 'utf8');
  } catch {
    return '';
  }
}

/** Task logs are written after the transaction commits; wait until a line shows up. */
async function eventuallyLogged(manager: TestManager, jobId: string, taskId: string, pattern: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const log = await taskLog(manager, jobId, taskId);
    if (pattern.test(log)) return log;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return taskLog(manager, jobId, taskId);
}

onEachDatabase('task updates', (manager) => {
  it('takes activity, log lines and steps from the worker running the task', async () => {
    const type = uniqueTaskType();
    const { jobId, taskIds } = await insertJobOfType(manager().db, type, 1, 4);
    const [worker] = await workersFor(manager(), type, 1);
    const assigned = (await worker?.nextTask()) as AssignedTask;
    assert.equal(assigned.uuid, taskIds[0]);
    assert.equal(assigned.steps_total, 4);

    await manager().db('tasks').where('id', assigned.uuid).update({ last_touched_at: '2000-01-01T00:00:00.000Z' });
    const updated = await worker?.update(assigned.uuid, { taskStatus: 'active', activity: 'Rendering frame 1', log: 'line one\nline two\n', steps_completed: 2 });
    assert.equal(updated?.status, 204, updated?.text);
    let row = await task(manager(), assigned.uuid);
    assert.equal(row.status, 'active');
    assert.equal(row.activity, 'Rendering frame 1');
    assert.equal(Number(row.steps_completed), 2);
    assert.ok(row.last_touched_at > '2001', 'an update touches the task');
    const log = await eventuallyLogged(manager(), jobId, assigned.uuid, /line two/);
    assert.match(log, /Task assigned to worker[^\n]*\n(.*\n)*line one\nline two\n/);

    // More steps than the task has are taken as all of them; fields left out keep their value.
    assert.equal((await worker?.update(assigned.uuid, { steps_completed: 99 }))?.status, 204);
    row = await task(manager(), assigned.uuid);
    assert.equal(Number(row.steps_completed), 4);
    assert.equal(row.activity, 'Rendering frame 1');
    const tasks = await manager().request('GET', `/api/v3/jobs/${jobId}/tasks`);
    assert.equal(tasks.body.tasks[0].steps_completed, 4);
  });

  it('completes a task, and its job once every task completed', async () => {
    const type = uniqueTaskType();
    const { jobId, taskIds } = await insertJobOfType(manager().db, type, 2, 3);
    const [worker] = await workersFor(manager(), type, 1);
    const first = (await worker?.nextTask()) as AssignedTask;
    assert.equal(await jobStatus(manager(), jobId), 'active');
    assert.equal((await worker?.complete(first.uuid))?.status, 204);
    const row = await task(manager(), first.uuid);
    assert.equal(row.status, 'completed');
    assert.equal(row.activity, 'Completed');
    assert.equal(Number(row.steps_completed), 3, 'a completed task has done all its steps');
    assert.equal(await jobStatus(manager(), jobId), 'active');

    const second = (await worker?.nextTask()) as AssignedTask;
    assert.equal(second.uuid, taskIds[1]);
    await worker?.runTask(second);
    assert.equal(await jobStatus(manager(), jobId), 'completed');
    const job = await manager().request('GET', `/api/v3/jobs/${jobId}`);
    assert.equal(job.body.status, 'completed');
    assert.equal(job.body.steps_completed, 6);
  });

  it('completes a job exactly once when all its tasks are completed by their workers at the same moment', async function () {
    this.timeout(60_000);
    const count = 12;
    for (let round = 0; round < 3; round++) {
      const type = uniqueTaskType();
      const { jobId } = await insertJobOfType(manager().db, type, count, 1);
      const workers = await workersFor(manager(), type, count);
      const tasks = (await Promise.all(workers.map((worker) => worker.nextTask()))) as AssignedTask[];
      assert.equal(new Set(tasks.map((t) => t?.uuid)).size, count, 'every worker runs a task of its own');
      const answers = await Promise.all(workers.map((worker, i) => worker.complete(tasks[i]!.uuid)));
      assert.deepEqual(answers.map((answer) => answer.status), Array(count).fill(204));
      assert.equal(await jobStatus(manager(), jobId), 'completed');
      const completions = await manager().db('job_status_changes').where({ job_id: jobId, to_status: 'completed' }).select('from_status');
      assert.deepEqual(completions, [{ from_status: 'active' }], 'the job completed once');
      const counted = await manager().db('job_task_counts').where('job_id', jobId).andWhere('n', '>', 0).select('status', 'n');
      assert.deepEqual(counted.map((row) => [row.status, Number(row.n)]), [['completed', count]]);
    }
  });

  it('soft-fails a task until three different workers failed it, then fails it and the job', async () => {
    const type = uniqueTaskType();
    const { jobId, taskIds } = await insertJobOfType(manager().db, type, 1);
    const workers = await workersFor(manager(), type, 4);
    const taskId = taskIds[0] as string;
    for (const [index, worker] of workers.slice(0, 3).entries()) {
      const assigned = await worker.nextTask();
      assert.equal(assigned?.uuid, taskId, `worker ${index + 1} gets the task`);
      assert.equal((await worker.fail(taskId, `crash ${index + 1}`)).status, 204);
      const row = await task(manager(), taskId);
      assert.equal(row.activity, `Failed: crash ${index + 1}`);
      if (index < 2) {
        assert.equal(row.status, 'soft-failed');
        assert.equal(await jobStatus(manager(), jobId), 'active');
        // A worker never gets a task it failed before.
        assert.equal((await worker.askForTask()).status, 204);
      } else {
        assert.equal(row.status, 'failed');
      }
    }
    const failures = await manager().db('task_failures').where('task_id', taskId).select('worker_id');
    assert.deepEqual(failures.map((f: { worker_id: string }) => f.worker_id).sort(), workers.slice(0, 3).map((w) => w.id).sort());
    assert.equal(await jobStatus(manager(), jobId), 'failed', 'one task of one failed: more than 10%');
    const log = await eventuallyLogged(manager(), jobId, taskId, /failed for good/);
    assert.match(log, /crash 1/);
    assert.match(log, /soft-failed so that another worker tries it/);
    assert.match(log, /failed for good/);
    assert.equal((await workers[3]?.askForTask())?.status, 204);
  });

  it('blocklists a worker that failed three tasks of a type in a job, unless it is never to be blocklisted', async () => {
    const type = uniqueTaskType();
    const { jobId } = await insertJobOfType(manager().db, type, 12);
    const [clumsy, careful, steady] = (await workersFor(manager(), type, 3)) as [SimulatedWorker, SimulatedWorker, SimulatedWorker];
    await manager().db('workers').where('id', steady.id).update({ never_blocklist: true });
    for (const worker of [clumsy, steady]) {
      for (let failure = 0; failure < 3; failure++) {
        const assigned = await worker.nextTask();
        assert.ok(assigned);
        assert.equal((await worker.fail(assigned.uuid)).status, 204);
      }
    }
    const blocklist = await manager().db('job_blocklist').where('job_id', jobId).select('worker_id', 'task_type');
    assert.deepEqual(blocklist, [{ worker_id: clumsy.id, task_type: type }]);
    assert.equal((await clumsy.askForTask()).status, 204, 'a blocklisted worker gets no more tasks of that type in that job');
    assert.equal((await steady.askForTask()).status, 200, 'a never-blocklisted worker keeps getting them');
    assert.equal((await careful.askForTask()).status, 200);
    assert.equal(await jobStatus(manager(), jobId), 'active');
  });

  it('fails the job when no worker that could run the task type is left (offline and deleted ones do not count)', async () => {
    const type = uniqueTaskType();
    const { jobId, taskIds } = await insertJobOfType(manager().db, type, 20);
    const [only, gone, deleted] = (await workersFor(manager(), type, 3)) as [SimulatedWorker, SimulatedWorker, SimulatedWorker];
    assert.equal((await gone.signOff()).status, 204);
    await manager().db('workers').where('id', deleted.id).update({ deleted_at: new Date().toISOString() });
    const assigned = await only.nextTask();
    assert.equal(assigned?.uuid, taskIds[0]);
    assert.equal((await only.fail(assigned.uuid)).status, 204);
    assert.equal((await task(manager(), assigned.uuid)).status, 'failed');
    assert.equal(await jobStatus(manager(), jobId), 'failed');
    const [{ n }] = await manager().db('tasks').where({ job_id: jobId, status: 'canceled' }).count({ n: '*' });
    assert.equal(Number(n), 19, 'the job’s other tasks are canceled with it');
    const log = await eventuallyLogged(manager(), jobId, assigned.uuid, /no worker is left/);
    assert.match(log, /no worker is left that could run tasks of type/);
  });

  it('refuses updates from a worker the task is not assigned to (409), for unknown tasks (404), and soft-failed (400)', async () => {
    const type = uniqueTaskType();
    const { taskIds } = await insertJobOfType(manager().db, type, 2);
    const [owner, other] = (await workersFor(manager(), type, 2)) as [SimulatedWorker, SimulatedWorker];
    const assigned = (await owner.nextTask()) as AssignedTask;

    const notYours = await other.update(assigned.uuid, { activity: 'hijack' });
    assert.equal(notYours.status, 409);
    assert.match(notYours.body.message, /assigned to another worker/);
    const notAssigned = await other.update(taskIds[1] as string, { taskStatus: 'completed' });
    assert.equal(notAssigned.status, 409);
    assert.match(notAssigned.body.message, /not assigned to any worker/);
    assert.equal((await task(manager(), taskIds[1] as string)).status, 'queued');

    const unknown = await owner.update(randomUUID(), { activity: 'x' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 404);

    const softFailed = await owner.call('POST', `/api/v3/worker/task/${assigned.uuid}`, { taskStatus: 'soft-failed' });
    assert.equal(softFailed.status, 400);
    assert.match(softFailed.body.message, /taskStatus/);
    assert.equal((await owner.update(assigned.uuid, { steps_completed: -1 })).status, 400);
    assert.equal((await owner.call('POST', `/api/v3/worker/task/${assigned.uuid}`, { log: 'x'.repeat(6 * 1024 * 1024) })).status, 413);
    assert.equal((await owner.withSecret('wrong').update(assigned.uuid, { activity: 'x' })).status, 403);
    assert.equal((await task(manager(), assigned.uuid)).activity, '', 'nothing refused was stored');

    // Once the task is done, the worker hears 409 too: the task is no longer its to report on.
    assert.equal((await owner.complete(assigned.uuid)).status, 204);
    const late = await owner.update(assigned.uuid, { taskStatus: 'failed' });
    assert.equal(late.status, 409);
    assert.match(late.body.message, /completed/);
  });

  it('tells a worker whose task was taken away to stop (409), and takes reports from the new owner', async () => {
    const type = uniqueTaskType();
    await insertJobOfType(manager().db, type, 1);
    const [first, second] = (await workersFor(manager(), type, 2)) as [SimulatedWorker, SimulatedWorker];
    const assigned = (await first.nextTask()) as AssignedTask;
    assert.equal((await first.stateChanged('asleep')).status, 204, 'going to sleep gives the task back');
    assert.equal((await second.nextTask())?.uuid, assigned.uuid);
    assert.equal((await first.update(assigned.uuid, { activity: 'still here' })).status, 409);
    assert.equal((await second.update(assigned.uuid, { activity: 'mine now' })).status, 204);
  });

  it('keeps each job’s task counts equal to its tasks, through everything above and bulk changes', async () => {
    const db = manager().db;
    const bulk = await insertJobOfType(db, uniqueTaskType(), 7);
    await db('tasks').where('job_id', bulk.jobId).whereIn('id', bulk.taskIds.slice(0, 4)).update({ status: 'canceled' });
    await db('tasks').where('id', bulk.taskIds[5]).delete();
    const doomed = await insertJobOfType(db, uniqueTaskType(), 3);
    await db('jobs').where('id', doomed.jobId).delete();
    const counted: { job_id: string; status: string; n: number | string }[] = await manager().db('job_task_counts').where('n', '>', 0).select();
    const actual: { job_id: string; status: string; n: number | string }[] = await manager().db('tasks').groupBy('job_id', 'status').select('job_id', 'status').count({ n: '*' });
    const normalise = (rows: { job_id: string; status: string; n: number | string }[]) =>
      rows.map((row) => `${row.job_id} ${row.status} ${Number(row.n)}`).sort();
    assert.ok(actual.length > 10);
    assert.deepEqual(normalise(counted), normalise(actual));
  });
});
