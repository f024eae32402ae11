import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { submitEchoJob } from '../support/submissions.ts';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';
import { SimulatedWorker } from '../support/simulated-worker.ts';
import { addWorker, giveTaskToWorker } from '../support/worker-rows.ts';

const WORKERS = '/api/v3/worker-mgt/workers';

const submitJob = (manager: TestManager) => submitEchoJob(manager, { name: 'worker management test', settings: { message: 'hi', sleep_repeats: 1 } });

onEachDatabase('worker management API', (manager) => {
  describe('fetchWorkers', () => {
    it('lists workers by name, paged, with the total in X-Total-Count', async () => {
      const prefix = `list-${randomUUID().slice(0, 6)}`;
      for (const name of ['c', 'a', 'b']) await addWorker(manager(), { name: `${prefix}-${name}` });

      const all = await manager().request('GET', WORKERS);
      assert.equal(all.status, 200);
      const names: string[] = all.body.workers.map((w: { name: string }) => w.name);
      assert.deepEqual(
        names.filter((name) => name.startsWith(prefix)),
        [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`],
      );
      assert.equal(Number(all.headers.get('x-total-count')), all.body.workers.length);

      const page = await manager().request('GET', `${WORKERS}?offset=1&limit=2`);
      assert.equal(page.status, 200);
      assert.deepEqual(
        page.body.workers.map((w: { id: string }) => w.id),
        all.body.workers.slice(1, 3).map((w: { id: string }) => w.id),
      );
      assert.equal(page.headers.get('x-total-count'), all.headers.get('x-total-count'));
      const beyond = await manager().request('GET', `${WORKERS}?offset=100000`);
      assert.deepEqual(beyond.body.workers, []);

      const gone = all.body.workers.find((w: { name: string }) => w.name === `${prefix}-b`);
      assert.equal((await manager().request('DELETE', `${WORKERS}/${gone.id}`)).status, 204);
      const after = await manager().request('GET', WORKERS);
      assert.deepEqual(
        after.body.workers.map((w: { name: string }) => w.name).filter((name: string) => name.startsWith(prefix)),
        [`${prefix}-a`, `${prefix}-c`],
      );
      assert.equal(Number(after.headers.get('x-total-count')), Number(all.headers.get('x-total-count')) - 1);
    });

    it('shows each worker as a WorkerSummary', async () => {
      const id = await addWorker(manager(), { name: 'summary', status: 'asleep', canRestart: true, software: '3.9.1' });
      const all = await manager().request('GET', WORKERS);
      const summary = all.body.workers.find((w: { id: string }) => w.id === id);
      assert.equal(summary.name, 'summary');
      assert.equal(summary.status, 'asleep');
      assert.equal(summary.version, '3.9.1');
      assert.equal(summary.can_restart, true);
      assert.equal(summary.never_blocklist, false);
      assert.equal(summary.status_change, undefined);
      assert.match(summary.last_seen, /^\d{4}-\d{2}-\d{2}T/);
    });

    it('refuses a page size beyond 1000 and a negative offset', async () => {
      const tooMany = await manager().request('GET', `${WORKERS}?limit=1001`);
      assert.equal(tooMany.status, 400);
      assert.match(tooMany.body.message, /limit/);
      const negative = await manager().request('GET', `${WORKERS}?offset=-1`);
      assert.equal(negative.status, 400);
    });
  });

  describe('fetchWorker', () => {
    it('gives the worker with its platform, task types, tags and current task', async () => {
      const db = manager().db;
      const id = await addWorker(manager(), { name: 'detail', address: '192.0.2.9', platform: 'windows', supportedTaskTypes: ['blender', 'misc'] });
      const tag = await manager().request('POST', '/api/v3/worker-mgt/tags', { name: `detail-tag-${randomUUID()}` });
      await manager().request('POST', `${WORKERS}/${id}/settags`, { tag_ids: [tag.body.id] });
      const { jobId, taskIds } = await submitJob(manager());
      await giveTaskToWorker(db, taskIds[0], id);

      const worker = await manager().request('GET', `${WORKERS}/${id}`);
      assert.equal(worker.status, 200, worker.text);
      assert.equal(worker.body.id, id);
      assert.equal(worker.body.ip_address, '192.0.2.9');
      assert.equal(worker.body.platform, 'windows');
      assert.deepEqual(worker.body.supported_task_types, ['blender', 'misc']);
      assert.deepEqual(worker.body.tags, [{ id: tag.body.id, name: tag.body.name }]);
      assert.equal(worker.body.task.id, taskIds[0]);
      assert.equal(worker.body.task.job_id, jobId);
      assert.equal(worker.body.task.status, 'active');
      assert.equal(worker.body.task.index_in_job, 1);
      assert.equal(worker.body.task.worker.id, id);
    });

    it('has no task for a worker that never had one', async () => {
      const id = await addWorker(manager());
      const worker = await manager().request('GET', `${WORKERS}/${id}`);
      assert.equal(worker.status, 200);
      assert.equal(worker.body.task, undefined);
      assert.deepEqual(worker.body.tags, []);
    });

    it('answers 404 for an unknown worker and 400 for a malformed id', async () => {
      const unknown = await manager().request('GET', `${WORKERS}/${randomUUID()}`);
      assert.equal(unknown.status, 404);
      assert.match(unknown.body.message, /there is no worker/);
      const malformed = await manager().request('GET', `${WORKERS}/worker-7`);
      assert.equal(malformed.status, 400);
    });
  });

  describe('deleteWorker', () => {
    it('gives the active task back to the queue and hides the worker', async () => {
      const db = manager().db;
      const id = await addWorker(manager(), { name: 'to-delete' });
      const { jobId, taskIds } = await submitJob(manager());
      await giveTaskToWorker(db, taskIds[0], id);

      const events: Record<string, unknown>[] = [];
      const stop = manager().services.events.subscribe((event) => {
        if (event.type === 'worker' && event.data.id === id) events.push(event.data);
      });
      const deleted = await manager().request('DELETE', `${WORKERS}/${id}`);
      stop();
      assert.equal(deleted.status, 204, deleted.text);
      assert.equal(events.length, 1);
      assert.equal(events[0]?.name, 'to-delete');
      assert.match(String(events[0]?.deleted_at), /^\d{4}-\d{2}-\d{2}T/);

      const tasks = await manager().request('GET', `/api/v3/jobs/${jobId}/tasks`);
      const task = tasks.body.tasks.find((t: { id: string }) => t.id === taskIds[0]);
      assert.equal(task.status, 'queued');
      const row = await db('tasks').where('id', taskIds[0]).first('activity');
      assert.match(row.activity, /deleted/);

      assert.equal((await manager().request('GET', `${WORKERS}/${id}`)).status, 404);
      const list = await manager().request('GET', WORKERS);
      assert.ok(!list.body.workers.some((w: { id: string }) => w.id === id));
      const stored = await db('workers').where('id', id).first('deleted_at');
      assert.ok(stored.deleted_at, 'the row stays, marked deleted');
    });

    it('answers 404 for an unknown or already deleted worker', async () => {
      const id = await addWorker(manager());
      assert.equal((await manager().request('DELETE', `${WORKERS}/${id}`)).status, 204);
      const again = await manager().request('DELETE', `${WORKERS}/${id}`);
      assert.equal(again.status, 404);
      assert.equal((await manager().request('DELETE', `${WORKERS}/${randomUUID()}`)).status, 404);
    });
  });

  describe('requestWorkerStatusChange', () => {
    it('stores a lazy or immediate request, and asking for the current status withdraws it', async () => {
      const id = await addWorker(manager(), { status: 'awake' });
      const lazy = await manager().request('POST', `${WORKERS}/${id}/setstatus`, { status: 'asleep', is_lazy: true });
      assert.equal(lazy.status, 204, lazy.text);
      assert.deepEqual((await manager().request('GET', `${WORKERS}/${id}`)).body.status_change, { status: 'asleep', is_lazy: true });

      await manager().request('POST', `${WORKERS}/${id}/setstatus`, { status: 'offline', is_lazy: false });
      assert.deepEqual((await manager().request('GET', `${WORKERS}/${id}`)).body.status_change, { status: 'offline', is_lazy: false });

      const withdraw = await manager().request('POST', `${WORKERS}/${id}/setstatus`, { status: 'awake', is_lazy: false });
      assert.equal(withdraw.status, 204);
      assert.equal((await manager().request('GET', `${WORKERS}/${id}`)).body.status_change, undefined);
    });

    it('reaches a signed-on worker on its next contact, and is cleared when it complies', async () => {
      const worker = await SimulatedWorker.start(manager().url, { name: 'protocol-worker' });
      assert.equal((await manager().request('GET', `${WORKERS}/${worker.id}`)).body.status, 'awake');
      const asked = await manager().request('POST', `${WORKERS}/${worker.id}/setstatus`, { status: 'asleep', is_lazy: false });
      assert.equal(asked.status, 204);
      const told = await worker.state();
      assert.equal(told.status, 200, told.text);
      assert.equal(told.body.status_requested, 'asleep');
      assert.equal((await worker.stateChanged('asleep')).status, 204);
      const after = await manager().request('GET', `${WORKERS}/${worker.id}`);
      assert.equal(after.body.status, 'asleep');
      assert.equal(after.body.status_change, undefined);
      assert.equal((await worker.state()).status, 204);
    });

    it('asks for a restart only of a worker that can restart itself (412 otherwise)', async () => {
      const cannot = await addWorker(manager(), { canRestart: false, name: 'no-restart' });
      const refused = await manager().request('POST', `${WORKERS}/${cannot}/setstatus`, { status: 'restart', is_lazy: true });
      assert.equal(refused.status, 412);
      assert.match(refused.body.message, /no-restart cannot restart/);
      const can = await addWorker(manager(), { canRestart: true });
      assert.equal((await manager().request('POST', `${WORKERS}/${can}/setstatus`, { status: 'restart', is_lazy: true })).status, 204);
    });

    it('refuses statuses people cannot ask for, bad bodies and unknown workers', async () => {
      const id = await addWorker(manager());
      const starting = await manager().request('POST', `${WORKERS}/${id}/setstatus`, { status: 'starting', is_lazy: false });
      assert.equal(starting.status, 400);
      assert.match(starting.body.message, /awake, asleep, offline or restart/);
      const bogus = await manager().request('POST', `${WORKERS}/${id}/setstatus`, { status: 'dancing', is_lazy: false });
      assert.equal(bogus.status, 400);
      const noLazy = await manager().request('POST', `${WORKERS}/${id}/setstatus`, { status: 'asleep' });
      assert.equal(noLazy.status, 400);
      assert.match(noLazy.body.message, /is_lazy/);
      const unknown = await manager().request('POST', `${WORKERS}/${randomUUID()}/setstatus`, { status: 'asleep', is_lazy: false });
      assert.equal(unknown.status, 404);
    });
  });

  describe('setWorkerTags', () => {
    it('replaces the tags a worker belongs to', async () => {
      const id = await addWorker(manager());
      const one = await manager().request('POST', '/api/v3/worker-mgt/tags', { name: `one-${randomUUID()}` });
      const two = await manager().request('POST', '/api/v3/worker-mgt/tags', { name: `two-${randomUUID()}` });
      assert.equal((await manager().request('POST', `${WORKERS}/${id}/settags`, { tag_ids: [two.body.id, one.body.id] })).status, 204);
      const tagIds = (await manager().request('GET', `${WORKERS}/${id}`)).body.tags.map((t: { id: string }) => t.id);
      assert.deepEqual(tagIds, [one.body.id, two.body.id]);

      assert.equal((await manager().request('POST', `${WORKERS}/${id}/settags`, { tag_ids: [two.body.id] })).status, 204);
      assert.deepEqual(
        (await manager().request('GET', `${WORKERS}/${id}`)).body.tags.map((t: { id: string }) => t.id),
        [two.body.id],
      );
      assert.equal((await manager().request('POST', `${WORKERS}/${id}/settags`, { tag_ids: [] })).status, 204);
      assert.deepEqual((await manager().request('GET', `${WORKERS}/${id}`)).body.tags, []);
    });

    it('answers 422 naming unknown tags, changing nothing, and 404 for unknown workers', async () => {
      const id = await addWorker(manager());
      const tag = await manager().request('POST', '/api/v3/worker-mgt/tags', { name: `kept-${randomUUID()}` });
      await manager().request('POST', `${WORKERS}/${id}/settags`, { tag_ids: [tag.body.id] });
      const missing = randomUUID();
      const refused = await manager().request('POST', `${WORKERS}/${id}/settags`, { tag_ids: [missing] });
      assert.equal(refused.status, 422);
      assert.match(refused.body.message, new RegExp(missing));
      assert.deepEqual(
        (await manager().request('GET', `${WORKERS}/${id}`)).body.tags.map((t: { id: string }) => t.id),
        [tag.body.id],
      );
      const unknownWorker = await manager().request('POST', `${WORKERS}/${randomUUID()}/settags`, { tag_ids: [] });
      assert.equal(unknownWorker.status, 404);
      const duplicated = await manager().request('POST', `${WORKERS}/${id}/settags`, { tag_ids: [tag.body.id, tag.body.id] });
      assert.equal(duplicated.status, 400);
    });
  });

  describe('setWorkerBlocklisting (Tablao)', () => {
    it('marks a worker as never blocklisted, taking it off blocklists, and unmarks it', async () => {
      const db = manager().db;
      const id = await addWorker(manager());
      const { jobId } = await submitJob(manager());
      await db('job_blocklist').insert({ job_id: jobId, worker_id: id, task_type: 'misc', created_at: new Date().toISOString() });

      const marked = await manager().request('POST', `${WORKERS}/${id}/setblocklisting`, { never_blocklist: true });
      assert.equal(marked.status, 204, marked.text);
      assert.equal((await manager().request('GET', `${WORKERS}/${id}`)).body.never_blocklist, true);
      const listed = (await manager().request('GET', WORKERS)).body.workers.find((w: { id: string }) => w.id === id);
      assert.equal(listed.never_blocklist, true);
      assert.deepEqual(await db('job_blocklist').where('worker_id', id).select('job_id'), []);

      assert.equal((await manager().request('POST', `${WORKERS}/${id}/setblocklisting`, { never_blocklist: false })).status, 204);
      assert.equal((await manager().request('GET', `${WORKERS}/${id}`)).body.never_blocklist, false);
    });

    it('refuses unknown fields and unknown workers', async () => {
      const id = await addWorker(manager());
      const typo = await manager().request('POST', `${WORKERS}/${id}/setblocklisting`, { never_blocklisted: true });
      assert.equal(typo.status, 400);
      assert.match(typo.body.message, /never_blocklist/);
      const unknown = await manager().request('POST', `${WORKERS}/${randomUUID()}/setblocklisting`, { never_blocklist: true });
      assert.equal(unknown.status, 404);
    });
  });
});
