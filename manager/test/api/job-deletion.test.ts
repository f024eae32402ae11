// Deleting jobs: one at a time (with its tasks, logs, last-rendered images and Shaman checkout),
// what a deletion would do, and mass deletion by last-updated time.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Schema } from '@tablao/api-client';
import { submitEchoJob } from '../support/submissions.ts';
import { onEachDatabase, startTestManager, type TestManager } from '../support/test-manager.ts';

const UNKNOWN_JOB = '4b5c6d7e-0000-4000-8000-000000000000';

async function submit(manager: TestManager, name: string, extra: Partial<Schema<'SubmittedJob'>> = {}): Promise<string> {
  return (await submitEchoJob(manager, { name, ...extra })).jobId;
}

async function cancel(manager: TestManager, jobId: string): Promise<void> {
  const canceled = await manager.request('POST', `/api/v3/jobs/${jobId}/setstatus`, { status: 'cancel-requested', reason: 'test' });
  assert.equal(canceled.status, 204, canceled.text);
}

/** Mass deletion works in the background: wait (boundedly) until the job is gone. */
async function waitUntilGone(manager: TestManager, jobId: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if ((await manager.request('GET', `/api/v3/jobs/${jobId}`)).status === 404) return;
    await sleep(20);
  }
  assert.fail(`job ${jobId} was not deleted`);
}

interface StreamedEvent {
  type: string;
  data: Record<string, unknown>;
}

/** Listens to the event stream; undefined while the manager has no event stream yet. */
async function listenToEvents(manager: TestManager): Promise<{ waitFor(match: (e: StreamedEvent) => boolean): Promise<StreamedEvent>; close(): void } | undefined> {
  const abort = new AbortController();
  const response = await fetch(`${manager.url}/api/v3/events?types=job`, { signal: abort.signal });
  if (response.status !== 200 || !response.body) {
    abort.abort();
    return undefined;
  }
  const events: StreamedEvent[] = [];
  const waiting: { match: (e: StreamedEvent) => boolean; resolve: (e: StreamedEvent) => void }[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(message)?.[1];
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (!type || !data) continue;
          const event = { type, data: JSON.parse(data) };
          events.push(event);
          for (const waiter of waiting.filter((w) => w.match(event))) waiter.resolve(event);
        }
      }
    } catch {
      // Closed by the test.
    }
  })();
  return {
    waitFor: (match) => {
      const seen = events.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ match, resolve }));
    },
    close: () => abort.abort(),
  };
}

onEachDatabase('job deletion', (manager) => {
  it('deletes a job with its tasks, status history, task logs and last-rendered images', async () => {
    const m = manager();
    const jobId = await submit(m, 'to delete');
    const tasks = (await m.request('GET', `/api/v3/jobs/${jobId}/tasks`)).body.tasks;
    // Cancelling one task writes its log; then the whole job.
    const canceledTask = await m.request('POST', `/api/v3/tasks/${tasks[2].id}/setstatus`, { status: 'canceled', reason: 'not needed' });
    assert.equal(canceledTask.status, 204, canceledTask.text);
    await cancel(m, jobId);
    await m.services.taskLogs.written(jobId, tasks[2].id);
    const logDir = join(m.dataDir, 'job-logs', jobId.slice(0, 4), jobId);
    assert.ok(existsSync(join(logDir, `task-${tasks[2].id}.txt`)), 'the canceled task has a log');
    const imageDir = join(m.dataDir, 'last-rendered', jobId);
    await mkdir(imageDir, { recursive: true });
    await writeFile(join(imageDir, 'last-rendered.jpg'), 'not really a JPEG');
    const otherJob = await submit(m, 'stays');

    const events = await listenToEvents(m);
    const deleted = await m.request('DELETE', `/api/v3/jobs/${jobId}`);
    assert.equal(deleted.status, 204, deleted.text);

    assert.equal((await m.request('GET', `/api/v3/jobs/${jobId}`)).status, 404);
    assert.equal((await m.request('GET', `/api/v3/tasks/${tasks[0].id}`)).status, 404);
    assert.equal((await m.db('tasks').where('job_id', jobId)).length, 0);
    assert.equal((await m.db('task_dependencies').whereIn('task_id', tasks.map((t: { id: string }) => t.id))).length, 0);
    assert.equal((await m.db('job_status_changes').where('job_id', jobId)).length, 0);
    assert.ok(!existsSync(logDir), 'task logs are gone');
    assert.ok(!existsSync(imageDir), 'last-rendered images are gone');
    assert.equal((await m.request('GET', `/api/v3/jobs/${otherJob}`)).status, 200, 'other jobs stay');

    if (events) {
      const gone = await events.waitFor((e) => e.data.id === jobId && e.data.was_deleted === true);
      assert.equal(gone.type, 'job');
      events.close();
    }
  });

  it('refuses to delete a job that is still running or changing status, saying what to do', async () => {
    const jobId = await submit(manager(), 'running');
    await manager().db('jobs').where('id', jobId).update({ status: 'active' });
    const refused = await manager().request('DELETE', `/api/v3/jobs/${jobId}`);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.message, 'Cannot delete this job: it is active. A job that is active can be canceled or paused.');
    const job = await manager().request('GET', `/api/v3/jobs/${jobId}`);
    assert.equal(job.status, 200);
    assert.equal(job.body.delete_requested_at, undefined, 'a refused deletion leaves no mark');
  });

  it('deletes queued and paused jobs too, and answers 404 for unknown jobs', async () => {
    const queued = await submit(manager(), 'queued');
    assert.equal((await manager().request('DELETE', `/api/v3/jobs/${queued}`)).status, 204);
    const paused = await submit(manager(), 'paused', { initial_status: 'paused' });
    assert.equal((await manager().request('DELETE', `/api/v3/jobs/${paused}`)).status, 204);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${paused}`)).status, 404);
    const missing = await manager().request('DELETE', `/api/v3/jobs/${UNKNOWN_JOB}`);
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /there is no job/);
  });

  it('says a deletion takes no Shaman checkout when there is none', async () => {
    const jobId = await submit(manager(), 'no checkout');
    const answer = await manager().request('GET', `/api/v3/jobs/${jobId}/what-would-delete-do`);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { shaman_checkout: false });
    const missing = await manager().request('GET', `/api/v3/jobs/${UNKNOWN_JOB}/what-would-delete-do`);
    assert.equal(missing.status, 404);
  });
});

onEachDatabase('mass deletion', (manager) => {
  /** Jobs of each test are dated in a year of their own, so tests do not take each other's jobs. */
  async function datedJob(name: string, status: string, updatedAt: string): Promise<string> {
    const jobId = await submit(manager(), name);
    await manager().db('jobs').where('id', jobId).update({ status, updated_at: updatedAt });
    return jobId;
  }

  it('deletes the deletable jobs last updated by the time, rounded up to the second', async () => {
    const old = await datedJob('old', 'completed', '2001-03-04T05:06:07.400Z');
    const sameSecond = await datedJob('same second', 'canceled', '2001-03-04T05:06:07.900Z');
    const running = await datedJob('running', 'active', '2001-03-04T05:06:07.000Z');
    const newer = await datedJob('newer', 'completed', '2001-03-04T05:06:08.001Z');

    const answer = await manager().request('DELETE', '/api/v3/jobs/mass-delete', { last_updated_max: '2001-03-04T05:06:07.100Z' });
    assert.equal(answer.status, 204, answer.text);
    await waitUntilGone(manager(), old);
    await waitUntilGone(manager(), sameSecond);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${running}`)).status, 200, 'running jobs are never mass-deleted');
    assert.equal((await manager().request('GET', `/api/v3/jobs/${newer}`)).status, 200, 'newer jobs stay');
  });

  it('takes time zones into account', async () => {
    const old = await datedJob('old in UTC', 'failed', '2002-06-01T10:00:00.000Z');
    const answer = await manager().request('DELETE', '/api/v3/jobs/mass-delete', { last_updated_max: '2002-06-01T12:00:00+02:00' });
    assert.equal(answer.status, 204, answer.text);
    await waitUntilGone(manager(), old);
  });

  it('answers 416 when no job was updated by then, or none of those can be deleted', async () => {
    const none = await manager().request('DELETE', '/api/v3/jobs/mass-delete', { last_updated_max: '1990-01-01T00:00:00Z' });
    assert.equal(none.status, 416);
    assert.match(none.body.message, /no job was last updated at or before 1990-01-01T00:00:00.000Z/);

    const running = await datedJob('still running', 'active', '1995-01-01T00:00:00.000Z');
    const refused = await manager().request('DELETE', '/api/v3/jobs/mass-delete', { last_updated_max: '1995-01-01T00:00:00Z' });
    assert.equal(refused.status, 416);
    assert.match(refused.body.message, /1 job was last updated .* but none can be deleted: only canceled, completed, failed, paused or queued jobs can/);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${running}`)).body.delete_requested_at, undefined);
  });

  it('refuses a missing or malformed time', async () => {
    assert.equal((await manager().request('DELETE', '/api/v3/jobs/mass-delete', {})).status, 400);
    assert.equal((await manager().request('DELETE', '/api/v3/jobs/mass-delete', { last_updated_max: 'last week' })).status, 400);
  });
});

onEachDatabase('job deletion with Shaman checkouts', (_manager, kind) => {
  let shared = '';
  let manager: TestManager | undefined;
  const m = () => manager as TestManager;

  before(async () => {
    shared = await mkdtemp(join(tmpdir(), 'tablao-shared-'));
    manager = await startTestManager(kind, { sharedStoragePath: shared });
  });
  after(async () => {
    await manager?.stop();
    await rm(shared, { recursive: true, force: true });
  });

  /** A checkout as Shaman makes it: folders of links into the file store. */
  async function checkout(path: string): Promise<string> {
    const blob = join(shared, 'file-store', 'stored', 'ab', 'cdef', '12.blob');
    await mkdir(join(blob, '..'), { recursive: true });
    await writeFile(blob, 'blend file');
    const dir = join(shared, 'jobs', path);
    await mkdir(join(dir, 'textures'), { recursive: true });
    await symlink(blob, join(dir, 'scene.blend'));
    await symlink(blob, join(dir, 'textures', 'wood.png'));
    return dir;
  }

  it('erases the checkout with the job, and says so beforehand', async () => {
    const dir = await checkout('sierra/sc010-abc');
    const jobId = await submit(m(), 'shaman job', { storage: { shaman_checkout_id: 'sierra/sc010-abc' } });
    const answer = await m().request('GET', `/api/v3/jobs/${jobId}/what-would-delete-do`);
    assert.deepEqual(answer.body, { shaman_checkout: true });

    assert.equal((await m().request('DELETE', `/api/v3/jobs/${jobId}`)).status, 204);
    assert.ok(!existsSync(dir), 'the checkout is gone');
    assert.ok(!existsSync(join(shared, 'jobs', 'sierra')), 'and its folder, now empty');
    assert.ok(existsSync(join(shared, 'jobs')), 'the checkouts folder stays');
    assert.ok(existsSync(join(shared, 'file-store', 'stored', 'ab', 'cdef', '12.blob')), 'the file store is untouched');
  });

  it('leaves alone a checkout folder with real files in it, and ids outside the checkouts', async () => {
    const dir = await checkout('sierra/sc020-def');
    await writeFile(join(dir, 'textures', 'notes.txt'), 'someone saved this here');
    const jobId = await submit(m(), 'odd checkout', { storage: { shaman_checkout_id: 'sierra/sc020-def' } });
    assert.deepEqual((await m().request('GET', `/api/v3/jobs/${jobId}/what-would-delete-do`)).body, { shaman_checkout: false });
    assert.equal((await m().request('DELETE', `/api/v3/jobs/${jobId}`)).status, 204);
    assert.ok(existsSync(join(dir, 'textures', 'notes.txt')));

    // Links only, like a checkout, but not in the checkouts folder.
    const outside = join(shared, 'outside');
    await mkdir(outside, { recursive: true });
    await symlink(join(shared, 'file-store'), join(outside, 'store'));
    const escaping = await submit(m(), 'escaping checkout', { storage: { shaman_checkout_id: '../outside' } });
    assert.deepEqual((await m().request('GET', `/api/v3/jobs/${escaping}/what-would-delete-do`)).body, { shaman_checkout: false });
    assert.equal((await m().request('DELETE', `/api/v3/jobs/${escaping}`)).status, 204);
    assert.ok(existsSync(join(outside, 'store')));
  });
});
