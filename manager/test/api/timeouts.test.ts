import assert from 'node:assert/strict';
import { TimeoutChecker } from '../../src/background/timeout-checker.ts';
import type { Database } from '../../src/storage/database.ts';
import { insertJobOfType, uniqueTaskType } from '../support/job-rows.ts';
import { SimulatedWorker, type AssignedTask } from '../support/simulated-worker.ts';
import { describeOnEachDatabase, onEachDatabase, startTestManager, type TestManager } from '../support/test-manager.ts';

const MINUTE = 60_000;

/** A checker on the manager's own services, whose clock runs `aheadMs` ahead of the manager's. */
function checkerAhead(manager: TestManager, aheadMs: number): TimeoutChecker {
  return new TimeoutChecker({ ...manager.services, clock: () => new Date(Date.now() + aheadMs) });
}

async function row(manager: TestManager, table: 'workers' | 'tasks' | 'jobs', id: string) {
  return manager.db(table).where('id', id).first();
}

onEachDatabase('timeouts', (manager) => {
  it('sets a worker not heard from for a minute to error and gives its task back', async () => {
    const type = uniqueTaskType();
    const { taskIds } = await insertJobOfType(manager().db, type, 1);
    const [silent, other] = await Promise.all([SimulatedWorker.start(manager().url, { supportedTaskTypes: [type] }), SimulatedWorker.start(manager().url, { supportedTaskTypes: [type] })]);
    const assigned = (await silent.nextTask()) as AssignedTask;
    assert.equal(assigned.uuid, taskIds[0]);
    await manager().request('POST', `/api/v3/worker-mgt/workers/${silent.id}/setstatus`, { status: 'asleep', is_lazy: true });

    // Not yet: 59 seconds of silence are fine.
    const early = await checkerAhead(manager(), 59_000).checkNow();
    assert.equal((await row(manager(), 'workers', silent.id)).status, 'awake');
    assert.equal(early.workersTimedOut, 0);

    const round = await checkerAhead(manager(), MINUTE + 1000).checkNow();
    assert.ok(round.workersTimedOut >= 2, 'both silent workers time out');
    const worker = await row(manager(), 'workers', silent.id);
    assert.equal(worker.status, 'error');
    assert.equal(worker.status_requested, null, 'a worker in error forgets requested changes');
    const task = await row(manager(), 'tasks', assigned.uuid);
    assert.equal(task.status, 'queued');
    assert.match(task.activity, /timed out/);
    assert.equal((await manager().db('task_failures').where('task_id', assigned.uuid)).length, 0, 'a vanished worker did not fail the task');

    // The worker hears about it when it calls again, and the task is someone else's to take.
    assert.equal((await silent.update(assigned.uuid, { activity: 'back' })).status, 409);
    const refused = await silent.askForTask();
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /error/);
    assert.equal((await other.stateChanged('awake')).status, 204);
    assert.equal((await other.nextTask())?.uuid, assigned.uuid);
  });

  it('leaves alone workers that are offline, deleted or never signed on', async () => {
    const offline = await SimulatedWorker.start(manager().url);
    await offline.signOff();
    const deleted = await SimulatedWorker.start(manager().url);
    await manager().db('workers').where('id', deleted.id).update({ deleted_at: new Date().toISOString() });
    const registered = await SimulatedWorker.register(manager().url);
    await checkerAhead(manager(), 10 * MINUTE).checkNow();
    assert.equal((await row(manager(), 'workers', offline.id)).status, 'offline');
    assert.equal((await row(manager(), 'workers', deleted.id)).status, 'awake');
    assert.equal((await row(manager(), 'workers', registered.id)).status, 'offline');
  });

  it('counts a task without updates for ten minutes as failed by its worker: soft-failed, retried elsewhere', async () => {
    const type = uniqueTaskType();
    const { jobId, taskIds } = await insertJobOfType(manager().db, type, 2);
    const [stuck, other] = (await Promise.all([
      SimulatedWorker.start(manager().url, { supportedTaskTypes: [type] }),
      SimulatedWorker.start(manager().url, { supportedTaskTypes: [type] }),
    ])) as [SimulatedWorker, SimulatedWorker];
    const assigned = (await stuck.nextTask()) as AssignedTask;
    assert.equal(assigned.uuid, taskIds[0]);

    const ahead = 10 * MINUTE + 1000;
    // The workers keep calling in (they are alive); only the task is silent.
    const alive = new Date(Date.now() + ahead).toISOString();
    await manager().db('workers').whereIn('id', [stuck.id, other.id]).update({ last_seen_at: alive });
    assert.equal((await checkerAhead(manager(), 9 * MINUTE).checkNow()).tasksTimedOut, 0);
    const round = await checkerAhead(manager(), ahead).checkNow();
    assert.equal(round.tasksTimedOut, 1);

    const task = await row(manager(), 'tasks', assigned.uuid);
    assert.equal(task.status, 'soft-failed');
    assert.match(task.activity, new RegExp(`Task timed out on worker ${stuck.name}`));
    const failures = await manager().db('task_failures').where('task_id', assigned.uuid).select('worker_id');
    assert.deepEqual(failures, [{ worker_id: stuck.id }]);
    assert.equal((await row(manager(), 'workers', stuck.id)).status, 'awake');
    assert.equal((await row(manager(), 'jobs', jobId)).status, 'active');

    assert.equal((await stuck.mayIRun(assigned.uuid)).body.mayKeepRunning, false);
    assert.equal((await stuck.update(assigned.uuid, { taskStatus: 'completed' })).status, 409);
    assert.equal((await other.nextTask())?.uuid, assigned.uuid, 'someone else retries it');
    assert.equal((await stuck.nextTask())?.uuid, taskIds[1], 'the stuck worker never gets it again');
  });

  it('fails the job when a task times out on the only worker that could run it', async () => {
    const type = uniqueTaskType();
    const { jobId } = await insertJobOfType(manager().db, type, 1);
    const only = await SimulatedWorker.start(manager().url, { supportedTaskTypes: [type] });
    const assigned = (await only.nextTask()) as AssignedTask;
    const ahead = 11 * MINUTE;
    await manager().db('workers').where('id', only.id).update({ last_seen_at: new Date(Date.now() + ahead).toISOString() });
    await checkerAhead(manager(), ahead).checkNow();
    assert.equal((await row(manager(), 'tasks', assigned.uuid)).status, 'failed');
    assert.equal((await row(manager(), 'jobs', jobId)).status, 'failed');
  });
});

// ───────────── the checker runs by itself while the manager runs ─────────────

/** The worker's status once it is `wanted`, or after a few seconds of waiting for that. */
async function eventualWorkerStatus(db: Database, workerId: string, wanted: string): Promise<string> {
  let status = '';
  for (let attempt = 0; attempt < 200 && status !== wanted; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = (await db('workers').where('id', workerId).first('status')).status;
  }
  return status;
}

describeOnEachDatabase('timeouts: the periodic check', (kind) => {
  it('runs soon after start and then again and again, until the manager stops', async () => {
    const manager = await startTestManager(kind, {}, {
      timeoutChecks: { settings: { workerTimeoutMs: 300, taskTimeoutMs: 0 }, schedule: { firstCheckAfterMs: 50, intervalMs: 50 } },
    });
    try {
      const type = uniqueTaskType();
      await insertJobOfType(manager.db, type, 1);
      const worker = await SimulatedWorker.start(manager.url, { supportedTaskTypes: [type] });
      const assigned = (await worker.nextTask()) as AssignedTask;
      assert.equal(await eventualWorkerStatus(manager.db, worker.id, 'error'), 'error', 'the silent worker timed out without anyone asking');
      assert.equal((await manager.db('tasks').where('id', assigned.uuid).first('status')).status, 'queued');

      // A later round finds the next silent worker too: the check keeps running.
      const next = await SimulatedWorker.start(manager.url, { supportedTaskTypes: [type] });
      assert.equal(await eventualWorkerStatus(manager.db, next.id, 'error'), 'error', 'the second worker timed out in a later round');
    } finally {
      await manager.stop();
    }
  });
});
