// One task: reading it (fetchTask) and what people may do to it (setTaskStatus), with the job
// following where the farm's rules say so.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { submitEchoJob } from '../support/submissions.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';

const UNKNOWN_TASK = '4b5c6d7e-0000-4000-8000-000000000001';

const submit = (manager: TestManager, sleeps = 2) =>
  submitEchoJob(manager, { name: 'tasks test', settings: { message: 'hello', sleep_repeats: sleeps, sleep_duration_seconds: 3 } });

async function arrange(manager: TestManager, jobId: string, jobStatus: string, taskStatuses: string[]): Promise<void> {
  const tasks: { id: string }[] = await manager.db('tasks').where('job_id', jobId).orderBy('index_in_job').select('id');
  for (const [index, task] of tasks.entries()) await manager.db('tasks').where('id', task.id).update({ status: taskStatuses[index] });
  await manager.db('jobs').where('id', jobId).update({ status: jobStatus });
}

async function addWorker(manager: TestManager, name: string, address: string): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await manager.db('workers').insert({ id, secret_hash: 'x', name, address, platform: 'linux', status: 'awake', supported_task_types: 'misc', created_at: now, updated_at: now });
  return id;
}

async function statuses(manager: TestManager, jobId: string): Promise<{ job: string; tasks: string[] }> {
  const job = await manager.request('GET', `/api/v3/jobs/${jobId}`);
  const tasks = await manager.request('GET', `/api/v3/jobs/${jobId}/tasks`);
  return { job: job.body.status, tasks: tasks.body.tasks.map((t: { status: string }) => t.status) };
}

onEachDatabase('fetching a task', (manager) => {
  it('gives the task with its commands as stored, its worker and who failed it', async () => {
    const { jobId, taskIds } = await submit(manager());
    const render07 = await addWorker(manager(), 'render-07', '10.0.0.7');
    const render08 = await addWorker(manager(), 'render-08', '10.0.0.8');
    await manager().db('tasks').where('id', taskIds[1]).update({ worker_id: render08, status: 'active', last_touched_at: '2026-05-01T12:00:00.000Z' });
    await manager().db('task_failures').insert({ task_id: taskIds[1], worker_id: render07, created_at: '2026-05-01T11:00:00.000Z' });

    const answer = await manager().request('GET', `/api/v3/tasks/${taskIds[1]}`);
    assert.equal(answer.status, 200, answer.text);
    const task = answer.body;
    assert.equal(task.id, taskIds[1]);
    assert.equal(task.job_id, jobId);
    assert.equal(task.index_in_job, 2);
    assert.equal(task.name, 'sleep');
    assert.equal(task.task_type, 'misc');
    assert.equal(task.status, 'active');
    assert.equal(task.priority, 50);
    assert.deepEqual(task.commands, [{ name: 'sleep', parameters: { duration_in_seconds: 3 }, total_step_count: 0 }]);
    assert.equal(task.steps_completed, 0);
    assert.equal(task.steps_total, 1);
    assert.deepEqual(task.worker, { id: render08, name: 'render-08', address: '10.0.0.8' });
    assert.equal(task.last_touched, '2026-05-01T12:00:00.000Z');
    assert.deepEqual(task.failed_by_workers, [{ id: render07, name: 'render-07', address: '10.0.0.7' }]);
    assert.match(task.created, /^\d{4}-\d\d-\d\dT/);

    const fresh = await manager().request('GET', `/api/v3/tasks/${taskIds[0]}`);
    assert.equal(fresh.body.worker, undefined);
    assert.equal(fresh.body.last_touched, undefined);
    assert.deepEqual(fresh.body.failed_by_workers, []);
  });

  it('answers 404 for an unknown task and 400 for a malformed id', async () => {
    const missing = await manager().request('GET', `/api/v3/tasks/${UNKNOWN_TASK}`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /there is no task/);
    assert.equal((await manager().request('GET', '/api/v3/tasks/not-a-task')).status, 400);
  });
});

onEachDatabase('task status changes by people', (manager) => {
  const setStatus = (taskId: string, body: Record<string, unknown>) => manager().request('POST', `/api/v3/tasks/${taskId}/setstatus`, body);

  it('cancels a queued task with the reason as its activity, and logs the change', async () => {
    const { jobId, taskIds } = await submit(manager());
    const answer = await setStatus(taskIds[2], { status: 'canceled', reason: 'frame not needed' });
    assert.equal(answer.status, 204, answer.text);
    const task = await manager().request('GET', `/api/v3/tasks/${taskIds[2]}`);
    assert.equal(task.body.status, 'canceled');
    assert.equal(task.body.activity, 'frame not needed');
    assert.deepEqual(await statuses(manager(), jobId), { job: 'queued', tasks: ['queued', 'queued', 'canceled'] }, 'the job goes on');
    // The manager writes its own lines in the background; the file is read here as a person would, so wait for them.
    await manager().services.taskLogs.written(jobId, taskIds[2]);
    const log = await readFile(join(manager().dataDir, 'job-logs', jobId.slice(0, 4), jobId, `task-${taskIds[2]}.txt`), 'utf8');
    assert.match(log, /Status changed from queued to canceled\./);
  });

  it('cancels the job with its last task that could still run', async () => {
    const { jobId, taskIds } = await submit(manager());
    await arrange(manager(), jobId, 'active', ['completed', 'canceled', 'active']);
    const answer = await setStatus(taskIds[2], { status: 'canceled', reason: '' });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await statuses(manager(), jobId), { job: 'canceled', tasks: ['completed', 'canceled', 'canceled'] });
    assert.equal((await manager().request('GET', `/api/v3/tasks/${taskIds[2]}`)).body.activity, 'cancel requested');
  });

  it('requeues a failed task and forgets who failed it', async () => {
    const { jobId, taskIds } = await submit(manager());
    await arrange(manager(), jobId, 'active', ['completed', 'failed', 'active']);
    const worker = await addWorker(manager(), 'render-09', '10.0.0.9');
    await manager().db('task_failures').insert({ task_id: taskIds[1], worker_id: worker, created_at: new Date().toISOString() });
    const answer = await setStatus(taskIds[1], { status: 'queued', reason: 'try again' });
    assert.equal(answer.status, 204, answer.text);
    const task = await manager().request('GET', `/api/v3/tasks/${taskIds[1]}`);
    assert.equal(task.body.status, 'queued');
    assert.deepEqual(task.body.failed_by_workers, []);
    assert.deepEqual(await statuses(manager(), jobId), { job: 'active', tasks: ['completed', 'queued', 'active'] });
  });

  it('requeues a completed job when one of its tasks is queued again', async () => {
    const { jobId, taskIds } = await submit(manager());
    await arrange(manager(), jobId, 'completed', ['completed', 'completed', 'completed']);
    const answer = await setStatus(taskIds[0], { status: 'queued', reason: 'redo the echo' });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await statuses(manager(), jobId), { job: 'queued', tasks: ['queued', 'queued', 'queued'] });
    const changes = await manager().db('job_status_changes').where('job_id', jobId).orderBy('id').select('from_status', 'to_status');
    assert.deepEqual(
      changes.map((c) => `${c.from_status}>${c.to_status}`),
      ['completed>requeueing', 'requeueing>queued'],
    );
  });

  it('refuses what the task’s or its job’s status does not allow, saying what is possible', async () => {
    const { jobId, taskIds } = await submit(manager());
    await arrange(manager(), jobId, 'active', ['completed', 'active', 'queued']);
    const cancelCompleted = await setStatus(taskIds[0], { status: 'canceled', reason: 'x' });
    assert.equal(cancelCompleted.status, 409);
    assert.equal(cancelCompleted.body.message, 'Cannot cancel this task: it is completed. Only a task that is active, queued or soft-failed can be canceled.');
    const requeueQueued = await setStatus(taskIds[2], { status: 'queued', reason: 'x' });
    assert.equal(requeueQueued.status, 409);
    const active = await setStatus(taskIds[2], { status: 'active', reason: 'x' });
    assert.equal(active.status, 409);
    assert.match(active.body.message, /Request canceled .* or queued/);

    await arrange(manager(), jobId, 'pause-requested', ['completed', 'active', 'paused']);
    const whilePausing = await setStatus(taskIds[1], { status: 'canceled', reason: 'x' });
    assert.equal(whilePausing.status, 409);
    assert.match(whilePausing.body.message, /while its job is being paused/);
    assert.deepEqual(await statuses(manager(), jobId), { job: 'pause-requested', tasks: ['completed', 'active', 'paused'] }, 'nothing changed');
  });

  it('answers 404 for an unknown task and 400 for requests outside the document', async () => {
    const missing = await setStatus(UNKNOWN_TASK, { status: 'canceled', reason: 'x' });
    assert.equal(missing.status, 404);
    const { taskIds } = await submit(manager());
    assert.equal((await setStatus(taskIds[0], { status: 'exploded', reason: 'x' })).status, 400);
    assert.equal((await setStatus(taskIds[0], { status: 'canceled' })).status, 400);
    const halfPair = await setStatus(taskIds[0], { status: 'canceled', reason: 'half \ud800' });
    assert.equal(halfPair.status, 400);
    assert.match(halfPair.body.message, /"reason" contains .* half of a UTF-16 surrogate pair/);
    assert.equal((await manager().request('GET', `/api/v3/tasks/${taskIds[0]}`)).body.status, 'queued');
  });
});
