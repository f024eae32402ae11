// What people do to a job: cancel, pause and requeue it (setJobStatus), change its priority and
// worker tag, and read and clear its blocklist. Tasks are put into the statuses a test needs
// directly in the database, as workers would have left them.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { submitEchoJob } from '../support/submissions.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';

const UNKNOWN_JOB = '4b5c6d7e-0000-4000-8000-000000000000';

async function submit(manager: TestManager, name: string, sleeps = 3): Promise<string> {
  return (await submitEchoJob(manager, { name, settings: { message: 'hello', sleep_repeats: sleeps } })).jobId;
}

/** Puts the job and its tasks (in task order) into these statuses, as the farm would have. */
async function arrange(manager: TestManager, jobId: string, jobStatus: string, taskStatuses: string[]): Promise<string[]> {
  const tasks: { id: string }[] = await manager.db('tasks').where('job_id', jobId).orderBy('index_in_job').select('id');
  assert.equal(tasks.length, taskStatuses.length, 'one status per task');
  for (const [index, task] of tasks.entries()) {
    const status = taskStatuses[index];
    await manager.db('tasks').where('id', task.id).update({ status, steps_completed: status === 'completed' ? 1 : 0 });
  }
  await manager.db('jobs').where('id', jobId).update({ status: jobStatus });
  return tasks.map((t) => t.id);
}

async function statusOf(manager: TestManager, jobId: string): Promise<{ job: string; tasks: string[] }> {
  const job = await manager.request('GET', `/api/v3/jobs/${jobId}`);
  const tasks = await manager.request('GET', `/api/v3/jobs/${jobId}/tasks`);
  return { job: job.body.status, tasks: tasks.body.tasks.map((t: { status: string }) => t.status) };
}

async function addWorker(manager: TestManager, name: string): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await manager.db('workers').insert({ id, secret_hash: 'not used', name, platform: 'linux', status: 'awake', supported_task_types: 'misc', created_at: now, updated_at: now });
  return id;
}

async function setStatus(manager: TestManager, jobId: string, body: Record<string, unknown>) {
  return manager.request('POST', `/api/v3/jobs/${jobId}/setstatus`, body);
}

onEachDatabase('job status changes by people', (manager) => {
  it('cancels a queued job and all its tasks, recording each change with its reason and time', async () => {
    const jobId = await submit(manager(), 'to cancel');
    const before = new Date().toISOString();
    const answer = await setStatus(manager(), jobId, { status: 'cancel-requested', reason: 'wrong camera' });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await statusOf(manager(), jobId), { job: 'canceled', tasks: ['canceled', 'canceled', 'canceled', 'canceled'] });

    const changes = await manager().db('job_status_changes').where('job_id', jobId).orderBy('id').select('from_status', 'to_status', 'reason', 'at');
    assert.deepEqual(
      changes.map((c) => [c.from_status, c.to_status, c.reason]),
      [
        ['queued', 'cancel-requested', 'wrong camera'],
        ['cancel-requested', 'canceled', 'every task that could still run was canceled'],
      ],
    );
    for (const change of changes) assert.ok(change.at >= before, 'changes carry the time they happened');
    const job = await manager().request('GET', `/api/v3/jobs/${jobId}`);
    assert.match(job.body.activity, /canceled/);
  });

  it('pauses an active job: queued tasks pause at once, the job waits for its active task', async () => {
    const jobId = await submit(manager(), 'to pause');
    await arrange(manager(), jobId, 'active', ['completed', 'active', 'queued', 'soft-failed']);
    const answer = await setStatus(manager(), jobId, { status: 'pause-requested', reason: 'need the machines' });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await statusOf(manager(), jobId), { job: 'pause-requested', tasks: ['completed', 'active', 'paused', 'paused'] });
  });

  it('pauses a queued job straight away when no task is active', async () => {
    const jobId = await submit(manager(), 'to pause at once');
    const answer = await setStatus(manager(), jobId, { status: 'pause-requested', reason: '' });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await statusOf(manager(), jobId), { job: 'paused', tasks: ['paused', 'paused', 'paused', 'paused'] });
    const [first] = await manager().db('job_status_changes').where('job_id', jobId).orderBy('id').select('reason');
    assert.equal(first.reason, 'pause requested', 'an empty reason is replaced by what was asked');
  });

  it('requeues only the unfinished tasks of a failed job, and clears its failure lists and blocklist', async () => {
    const jobId = await submit(manager(), 'to requeue');
    const taskIds = await arrange(manager(), jobId, 'failed', ['completed', 'failed', 'canceled', 'completed']);
    const workerId = await addWorker(manager(), 'requeue-worker');
    const now = new Date().toISOString();
    await manager().db('task_failures').insert({ task_id: taskIds[1], worker_id: workerId, created_at: now });
    await manager().db('job_blocklist').insert({ job_id: jobId, worker_id: workerId, task_type: 'misc', created_at: now });

    const answer = await setStatus(manager(), jobId, { status: 'requeueing', reason: 'fixed the scene' });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await statusOf(manager(), jobId), { job: 'queued', tasks: ['completed', 'queued', 'queued', 'completed'] });
    assert.equal((await manager().db('task_failures').where('task_id', taskIds[1])).length, 0);
    const blocklist = await manager().request('GET', `/api/v3/jobs/${jobId}/blocklist`);
    assert.deepEqual(blocklist.body, []);
  });

  it('requeues every task when asked for all, completed ones included', async () => {
    const jobId = await submit(manager(), 'to requeue whole');
    await arrange(manager(), jobId, 'canceled', ['completed', 'completed', 'canceled', 'canceled']);
    const answer = await setStatus(manager(), jobId, { status: 'requeueing', reason: 'render again', requeue_tasks: 'all' });
    assert.equal(answer.status, 204, answer.text);
    assert.deepEqual(await statusOf(manager(), jobId), { job: 'queued', tasks: ['queued', 'queued', 'queued', 'queued'] });
    const job = await manager().request('GET', `/api/v3/jobs/${jobId}`);
    assert.equal(job.body.steps_completed, 0, 'requeued tasks start over');
  });

  it('refuses changes the current status does not allow, saying what is possible', async () => {
    const jobId = await submit(manager(), 'completed job');
    await arrange(manager(), jobId, 'completed', ['completed', 'completed', 'completed', 'completed']);
    const pause = await setStatus(manager(), jobId, { status: 'pause-requested', reason: 'x' });
    assert.equal(pause.status, 409);
    assert.equal(pause.body.code, 409);
    assert.equal(pause.body.message, 'Cannot pause this job: it is completed. A job that is completed can be requeued or deleted.');
    assert.deepEqual(await statusOf(manager(), jobId), { job: 'completed', tasks: ['completed', 'completed', 'completed', 'completed'] });
    assert.equal((await manager().db('job_status_changes').where('job_id', jobId)).length, 0, 'a refused change records nothing');

    const active = await setStatus(manager(), jobId, { status: 'active', reason: 'x' });
    assert.equal(active.status, 409);
    assert.match(active.body.message, /manager sets that status itself.*cancel-requested, pause-requested or requeueing/);
  });

  it('refuses requeue_tasks with any other status, an unknown status, and unknown jobs', async () => {
    const jobId = await submit(manager(), 'misc refusals');
    const mixed = await setStatus(manager(), jobId, { status: 'cancel-requested', reason: 'x', requeue_tasks: 'all' });
    assert.equal(mixed.status, 400);
    assert.match(mixed.body.message, /requeue_tasks goes only with status requeueing/);
    const unknownStatus = await setStatus(manager(), jobId, { status: 'exploded', reason: 'x' });
    assert.equal(unknownStatus.status, 400);
    const nulReason = await setStatus(manager(), jobId, { status: 'cancel-requested', reason: 'nul \u0000' });
    assert.equal(nulReason.status, 400);
    assert.match(nulReason.body.message, /"reason" contains a NUL character/);
    const noReason = await setStatus(manager(), jobId, { status: 'cancel-requested' });
    assert.equal(noReason.status, 400);
    assert.match(noReason.body.message, /reason/);
    assert.equal((await statusOf(manager(), jobId)).job, 'queued');
    const missing = await setStatus(manager(), UNKNOWN_JOB, { status: 'cancel-requested', reason: 'x' });
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /there is no job/);
  });
});

onEachDatabase('job priority and worker tag', (manager) => {
  it('changes the priority of a queued or active job', async () => {
    const jobId = await submit(manager(), 'priority');
    const queued = await manager().request('POST', `/api/v3/jobs/${jobId}/setpriority`, { priority: 80 });
    assert.equal(queued.status, 204, queued.text);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${jobId}`)).body.priority, 80);
    await arrange(manager(), jobId, 'active', ['active', 'queued', 'queued', 'queued']);
    const active = await manager().request('POST', `/api/v3/jobs/${jobId}/setpriority`, { priority: 0 });
    assert.equal(active.status, 204, active.text);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${jobId}`)).body.priority, 0);
  });

  it('refuses a priority change once the job is no longer queued or active, and out-of-range priorities', async () => {
    const jobId = await submit(manager(), 'priority refused');
    await arrange(manager(), jobId, 'paused', ['paused', 'paused', 'paused', 'paused']);
    const paused = await manager().request('POST', `/api/v3/jobs/${jobId}/setpriority`, { priority: 70 });
    assert.equal(paused.status, 409);
    assert.match(paused.body.message, /can be changed while it is queued or active; this job is paused/);
    const tooHigh = await manager().request('POST', `/api/v3/jobs/${jobId}/setpriority`, { priority: 101 });
    assert.equal(tooHigh.status, 400);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${jobId}`)).body.priority, 50);
    const missing = await manager().request('POST', `/api/v3/jobs/${UNKNOWN_JOB}/setpriority`, { priority: 70 });
    assert.equal(missing.status, 404);
  });

  it('sets the worker tag by id or by name, and removes it with an empty object', async () => {
    const jobId = await submit(manager(), 'tagged');
    const gpu = randomUUID();
    await manager().db('worker_tags').insert({ id: gpu, name: `gpu-${gpu.slice(0, 8)}`, description: '' });

    const byId = await manager().request('POST', `/api/v3/jobs/${jobId}/settag`, { id: gpu });
    assert.equal(byId.status, 204, byId.text);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${jobId}`)).body.worker_tag, gpu);

    const cleared = await manager().request('POST', `/api/v3/jobs/${jobId}/settag`, {});
    assert.equal(cleared.status, 204, cleared.text);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${jobId}`)).body.worker_tag, undefined);

    const byName = await manager().request('POST', `/api/v3/jobs/${jobId}/settag`, { name: `gpu-${gpu.slice(0, 8)}` });
    assert.equal(byName.status, 204, byName.text);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${jobId}`)).body.worker_tag, gpu);
  });

  it('refuses unknown tags with 422, both id and name with 400, and unknown jobs with 404', async () => {
    const jobId = await submit(manager(), 'tag refused');
    const unknownId = await manager().request('POST', `/api/v3/jobs/${jobId}/settag`, { id: randomUUID() });
    assert.equal(unknownId.status, 422);
    assert.match(unknownId.body.message, /no worker tag has the id .*worker-mgt\/tags/);
    const unknownName = await manager().request('POST', `/api/v3/jobs/${jobId}/settag`, { name: 'no such tag' });
    assert.equal(unknownName.status, 422);
    assert.match(unknownName.body.message, /no worker tag has the name "no such tag"/);
    const nulName = await manager().request('POST', `/api/v3/jobs/${jobId}/settag`, { name: 'nul \u0000' });
    assert.equal(nulName.status, 422);
    const both = await manager().request('POST', `/api/v3/jobs/${jobId}/settag`, { id: randomUUID(), name: 'x' });
    assert.equal(both.status, 400);
    const missing = await manager().request('POST', `/api/v3/jobs/${UNKNOWN_JOB}/settag`, {});
    assert.equal(missing.status, 404);
  });
});

onEachDatabase('job blocklist', (manager) => {
  it('lists the blocklist by worker name with the workers named, and removes chosen entries', async () => {
    const jobId = await submit(manager(), 'blocklisted');
    const zed = await addWorker(manager(), 'zed');
    const amy = await addWorker(manager(), 'amy');
    const now = new Date().toISOString();
    await manager().db('job_blocklist').insert([
      { job_id: jobId, worker_id: zed, task_type: 'misc', created_at: now },
      { job_id: jobId, worker_id: amy, task_type: 'misc', created_at: now },
      { job_id: jobId, worker_id: amy, task_type: 'blender', created_at: now },
    ]);

    const listed = await manager().request('GET', `/api/v3/jobs/${jobId}/blocklist`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body, [
      { worker_id: amy, worker_name: 'amy', task_type: 'blender' },
      { worker_id: amy, worker_name: 'amy', task_type: 'misc' },
      { worker_id: zed, worker_name: 'zed', task_type: 'misc' },
    ]);

    const removed = await manager().request('DELETE', `/api/v3/jobs/${jobId}/blocklist`, [
      { worker_id: amy, task_type: 'misc', worker_name: 'ignored' },
      { worker_id: zed, task_type: 'ffmpeg' },
    ]);
    assert.equal(removed.status, 204, removed.text);
    const after = await manager().request('GET', `/api/v3/jobs/${jobId}/blocklist`);
    assert.deepEqual(
      after.body.map((e: { worker_name: string; task_type: string }) => `${e.worker_name}/${e.task_type}`),
      ['amy/blender', 'zed/misc'],
    );

    const all = await manager().request('DELETE', `/api/v3/jobs/${jobId}/blocklist`, after.body);
    assert.equal(all.status, 204, all.text);
    assert.deepEqual((await manager().request('GET', `/api/v3/jobs/${jobId}/blocklist`)).body, []);
  });

  it('answers 404 for unknown jobs and 400 for an empty or malformed list', async () => {
    const listed = await manager().request('GET', `/api/v3/jobs/${UNKNOWN_JOB}/blocklist`);
    assert.equal(listed.status, 404);
    const removed = await manager().request('DELETE', `/api/v3/jobs/${UNKNOWN_JOB}/blocklist`, [{ worker_id: randomUUID(), task_type: 'misc' }]);
    assert.equal(removed.status, 404);
    const jobId = await submit(manager(), 'blocklist input');
    const empty = await manager().request('DELETE', `/api/v3/jobs/${jobId}/blocklist`, []);
    assert.equal(empty.status, 400);
    const badWorker = await manager().request('DELETE', `/api/v3/jobs/${jobId}/blocklist`, [{ worker_id: 'amy', task_type: 'misc' }]);
    assert.equal(badWorker.status, 400);
    const nulType = await manager().request('DELETE', `/api/v3/jobs/${jobId}/blocklist`, [{ worker_id: randomUUID(), task_type: 'nul \u0000' }]);
    assert.equal(nulType.status, 204, 'a task type no database can hold is on no blocklist');
  });
});
