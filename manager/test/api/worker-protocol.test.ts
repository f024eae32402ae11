import assert from 'node:assert/strict';
import { SimulatedWorker } from '../support/simulated-worker.ts';
import { submitEchoJob } from '../support/submissions.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';


async function workerRow(manager: TestManager, id: string) {
  return manager.db('workers').where('id', id).first();
}

async function taskRow(manager: TestManager, id: string) {
  return manager.db('tasks').where('id', id).first();
}

async function submit(manager: TestManager, name = 'echo for workers'): Promise<string> {
  return (await submitEchoJob(manager, { name, settings: { message: 'hello', sleep_repeats: 1 } })).jobId;
}

/** Takes every queued task off the farm, so that each test starts with nothing to hand out. */
async function cancelAllJobs(manager: TestManager): Promise<void> {
  await manager.db('tasks').whereIn('status', ['queued', 'soft-failed', 'active']).update({ status: 'canceled' });
  await manager.db('jobs').update({ status: 'canceled' });
}

onEachDatabase('worker protocol', (manager) => {
  beforeEach(() => cancelAllJobs(manager()));

  describe('registerWorker', () => {
    it('registers a worker and answers with its id; the secret is stored only as a hash', async () => {
      const registered = await manager().request('POST', '/api/v3/worker/register-worker', {
        secret: 'correct-horse-battery-staple',
        platform: 'linux',
        supported_task_types: ['Blender', ' ffmpeg ', 'misc', 'misc'],
        name: 'render-07',
      });
      assert.equal(registered.status, 200, registered.text);
      assert.match(registered.body.uuid, /^[0-9a-f-]{36}$/);
      assert.equal(registered.body.name, 'render-07');
      assert.equal(registered.body.status, 'offline');
      assert.equal(registered.body.platform, 'linux');
      assert.deepEqual(registered.body.supported_task_types, ['blender', 'ffmpeg', 'misc']);
      assert.equal(typeof registered.body.address, 'string');
      assert.equal(registered.body.software, '');

      const row = await workerRow(manager(), registered.body.uuid);
      assert.ok(row);
      assert.ok(!String(row.secret_hash).includes('correct-horse-battery-staple'));
    });

    it('refuses a registration without a secret or name', async () => {
      const refused = await manager().request('POST', '/api/v3/worker/register-worker', { platform: 'linux', supported_task_types: [], name: 'x' });
      assert.equal(refused.status, 400);
      assert.match(refused.body.message, /secret/);
      const noName = await manager().request('POST', '/api/v3/worker/register-worker', { secret: 's', platform: 'linux', supported_task_types: [], name: '' });
      assert.equal(noName.status, 400);
    });
  });

  describe('authentication', () => {
    it('answers 403 SecurityError without credentials, with a wrong secret, for an unknown or a deleted worker', async () => {
      const worker = await SimulatedWorker.register(manager().url);
      const anonymous = await manager().request('POST', '/api/v3/worker/sign-on', { name: 'x', supported_task_types: [], software_version: '1' });
      assert.equal(anonymous.status, 403);
      assert.equal(anonymous.body.code, 403);
      assert.match(anonymous.body.message, /basic auth/);

      const wrongSecret = await worker.withSecret('not the secret').signOn();
      assert.equal(wrongSecret.status, 403);
      assert.match(wrongSecret.body.message, /register again/);

      const unknown = await manager().request('GET', '/api/v3/worker/state', undefined, {
        authorization: `Basic ${Buffer.from(`00000000-0000-4000-8000-000000000000:${worker.secret}`).toString('base64')}`,
      });
      assert.equal(unknown.status, 403);

      const garbage = await manager().request('GET', '/api/v3/worker/state', undefined, { authorization: 'Basic !!!' });
      assert.equal(garbage.status, 403);

      assert.equal((await worker.state()).status, 204);
      await manager().db('workers').where('id', worker.id).update({ deleted_at: new Date().toISOString() });
      assert.equal((await worker.state()).status, 403);
    });

    it('asks for credentials on every worker operation', async () => {
      const taskId = '00000000-0000-4000-8000-000000000001';
      for (const [method, path, body] of [
        ['POST', '/api/v3/worker/sign-off', undefined],
        ['GET', '/api/v3/worker/state', undefined],
        ['POST', '/api/v3/worker/state-changed', { status: 'awake' }],
        ['POST', '/api/v3/worker/task', undefined],
        ['POST', `/api/v3/worker/task/${taskId}`, { activity: 'x' }],
        ['GET', `/api/v3/worker/task/${taskId}/may-i-run`, undefined],
      ] as const) {
        const response = await manager().request(method, path, body);
        assert.equal(response.status, 403, `${method} ${path}: ${response.text}`);
      }
    });
  });

  describe('signOn, workerState, workerStateChanged', () => {
    it('signs on as starting, stores what the worker says about itself, and sends it to awake', async () => {
      const worker = await SimulatedWorker.register(manager().url, { name: 'old-name' });
      const signedOn = await worker.signOn({ name: 'new-name', supported_task_types: ['Misc'], software_version: '3.9', can_restart: true });
      assert.equal(signedOn.status, 200, signedOn.text);
      assert.deepEqual(signedOn.body, { status_requested: 'awake' });
      const row = await workerRow(manager(), worker.id);
      assert.equal(row.status, 'starting');
      assert.equal(row.name, 'new-name');
      assert.equal(row.software, '3.9');
      assert.equal(Boolean(row.can_restart), true);
      assert.deepEqual(JSON.parse(row.supported_task_types), ['misc']);
      assert.ok(row.last_seen_at);

      // Starting workers get no tasks.
      await submit(manager());
      const early = await worker.askForTask();
      assert.equal(early.status, 409);
      assert.match(early.body.message, /starting/);

      assert.equal((await worker.stateChanged('awake')).status, 204);
      assert.equal((await workerRow(manager(), worker.id)).status, 'awake');
      assert.equal((await worker.state()).status, 204);
      assert.equal((await worker.askForTask()).status, 200);
    });

    it('refuses a sign-on or status report that does not fit the document', async () => {
      const worker = await SimulatedWorker.register(manager().url);
      assert.equal((await worker.call('POST', '/api/v3/worker/sign-on', { name: 'x' })).status, 400);
      const badStatus = await worker.stateChanged('sleepy');
      assert.equal(badStatus.status, 400);
      assert.match(badStatus.body.message, /status/);
    });

    it('tells a worker about a requested status: 423 on asking for work, 200 on GET state, cleared when it reports that status', async () => {
      const worker = await SimulatedWorker.start(manager().url, { canRestart: false });
      const requested = await manager().request('POST', `/api/v3/worker-mgt/workers/${worker.id}/setstatus`, { status: 'asleep', is_lazy: true });
      assert.equal(requested.status, 204, requested.text);

      const state = await worker.state();
      assert.equal(state.status, 200);
      assert.deepEqual(state.body, { status_requested: 'asleep' });
      const asked = await worker.askForTask();
      assert.equal(asked.status, 423);
      assert.deepEqual(asked.body, { status_requested: 'asleep' });

      // Reporting another status leaves the request in place.
      assert.equal((await worker.stateChanged('awake')).status, 204);
      assert.equal((await worker.state()).status, 200);

      assert.equal((await worker.stateChanged('asleep')).status, 204);
      assert.equal((await worker.state()).status, 204);
      const row = await workerRow(manager(), worker.id);
      assert.equal(row.status, 'asleep');
      assert.equal(row.status_requested, null);
      const sleeping = await worker.askForTask();
      assert.equal(sleeping.status, 409);
      assert.match(sleeping.body.message, /asleep/);
    });

    it('gives the task back when an awake worker reports another status', async () => {
      await submit(manager());
      const worker = await SimulatedWorker.start(manager().url);
      const task = await worker.nextTask();
      assert.ok(task);
      assert.equal((await worker.stateChanged('asleep')).status, 204);
      const row = await taskRow(manager(), task.uuid);
      assert.equal(row.status, 'queued');
      assert.match(row.activity, /changed status to asleep/);
    });
  });

  describe('signOff', () => {
    it('goes offline, gives the task back to the queue, and returns to awake at the next sign-on', async () => {
      const jobId = await submit(manager());
      const worker = await SimulatedWorker.start(manager().url);
      const task = await worker.nextTask();
      assert.ok(task);
      assert.equal(task.job, jobId);

      assert.equal((await worker.signOff()).status, 204);
      const row = await workerRow(manager(), worker.id);
      assert.equal(row.status, 'offline');
      assert.equal((await taskRow(manager(), task.uuid)).status, 'queued');

      // Another worker gets the task now.
      const other = await SimulatedWorker.start(manager().url);
      assert.equal((await other.nextTask())?.uuid, task.uuid);

      // The awake status was remembered: the worker is told to be awake again, and must say so first.
      const signedOn = await worker.signOn();
      assert.deepEqual(signedOn.body, { status_requested: 'awake' });
      assert.equal((await worker.askForTask()).status, 423);
      assert.equal((await worker.stateChanged('awake')).status, 204);
      assert.notEqual((await worker.askForTask()).status, 423);
    });

    it('takes signing off as going offline when asked to, and brings the worker back awake next time', async () => {
      const worker = await SimulatedWorker.start(manager().url);
      const requested = await manager().request('POST', `/api/v3/worker-mgt/workers/${worker.id}/setstatus`, { status: 'offline', is_lazy: false });
      assert.equal(requested.status, 204, requested.text);
      assert.equal((await worker.signOff()).status, 204);
      const row = await workerRow(manager(), worker.id);
      assert.equal(row.status, 'offline');
      assert.equal(row.status_requested, 'awake');
      assert.deepEqual((await worker.signOn()).body, { status_requested: 'awake' });
    });
  });

  describe('mayWorkerRun', () => {
    it('says yes while the task is the worker’s and active, and no once it is not', async () => {
      await submit(manager());
      const worker = await SimulatedWorker.start(manager().url);
      const task = await worker.nextTask();
      assert.ok(task);
      const yes = await worker.mayIRun(task.uuid);
      assert.equal(yes.status, 200);
      assert.deepEqual(yes.body, { mayKeepRunning: true, reason: '', statusChangeRequested: false });

      const other = await SimulatedWorker.start(manager().url);
      const notYours = await other.mayIRun(task.uuid);
      assert.equal(notYours.body.mayKeepRunning, false);
      assert.match(notYours.body.reason, /not assigned to this worker/);

      const unknown = await worker.mayIRun('00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.status, 200);
      assert.equal(unknown.body.mayKeepRunning, false);

      assert.equal((await worker.complete(task.uuid)).status, 204);
      const done = await worker.mayIRun(task.uuid);
      assert.equal(done.body.mayKeepRunning, false);
      assert.match(done.body.reason, /completed/);
    });

    it('says no, with statusChangeRequested, when an immediate status change is requested; a lazy one lets the task finish', async () => {
      await submit(manager());
      const worker = await SimulatedWorker.start(manager().url);
      const task = await worker.nextTask();
      assert.ok(task);

      await manager().request('POST', `/api/v3/worker-mgt/workers/${worker.id}/setstatus`, { status: 'asleep', is_lazy: true });
      assert.equal((await worker.mayIRun(task.uuid)).body.mayKeepRunning, true);

      await manager().request('POST', `/api/v3/worker-mgt/workers/${worker.id}/setstatus`, { status: 'asleep', is_lazy: false });
      const no = await worker.mayIRun(task.uuid);
      assert.deepEqual({ ...no.body, reason: undefined }, { mayKeepRunning: false, reason: undefined, statusChangeRequested: true });
    });

    it('touches the task and marks the worker as seen on a yes', async () => {
      await submit(manager());
      const worker = await SimulatedWorker.start(manager().url);
      const task = await worker.nextTask();
      assert.ok(task);
      await manager().db('tasks').where('id', task.uuid).update({ last_touched_at: '2000-01-01T00:00:00.000Z' });
      await manager().db('workers').where('id', worker.id).update({ last_seen_at: '2000-01-01T00:00:00.000Z' });
      await worker.mayIRun(task.uuid);
      assert.ok((await taskRow(manager(), task.uuid)).last_touched_at > '2001');
      assert.ok((await workerRow(manager(), worker.id)).last_seen_at > '2001');
    });

    it('refuses a task id that is not a uuid', async () => {
      const worker = await SimulatedWorker.start(manager().url);
      assert.equal((await worker.mayIRun('not-a-uuid')).status, 400);
    });
  });
});
