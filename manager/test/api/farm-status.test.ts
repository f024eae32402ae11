import assert from 'node:assert/strict';
import { onEachDatabase, type TestManager } from '../support/test-manager.ts';
import { addWorker } from '../support/worker-rows.ts';

async function farmStatus(manager: TestManager): Promise<string> {
  const answer = await manager.request('GET', '/api/v3/status');
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(Object.keys(answer.body), ['status']);
  return answer.body.status;
}

onEachDatabase('farm status API', (manager) => {
  // One story on one farm: each step changes the workers or jobs and looks at the status.
  it('follows the farm from no workers to work being done', async () => {
    const db = manager().db;
    assert.equal(await farmStatus(manager()), 'inoperative', 'no workers');

    const offline = await addWorker(manager(), { status: 'offline' });
    await addWorker(manager(), { status: 'error' });
    assert.equal(await farmStatus(manager()), 'inoperative', 'only offline and failing workers');

    const sleeper = await addWorker(manager(), { status: 'asleep' });
    assert.equal(await farmStatus(manager()), 'asleep', 'no work, and the only usable worker sleeps');

    const job = await manager().request('POST', '/api/v3/jobs', {
      name: 'farm status',
      type: 'echo-sleep-test',
      priority: 50,
      submitter_platform: 'linux',
      settings: { message: 'hi' },
    });
    assert.equal(job.status, 200, job.text);
    assert.equal(await farmStatus(manager()), 'waiting', 'a queued job, nobody awake');

    await db('workers').where('id', sleeper).update({ status: 'awake' });
    assert.equal(await farmStatus(manager()), 'waiting', 'a queued job and an awake worker that has not started it');

    await db('jobs').where('id', job.body.id).update({ status: 'active' });
    assert.equal(await farmStatus(manager()), 'active');

    await db('jobs').where('id', job.body.id).update({ status: 'completed' });
    assert.equal(await farmStatus(manager()), 'idle', 'nothing to do, a worker awake');

    // Deleted workers do not count: with the awake one deleted, only offline and error remain.
    assert.equal((await manager().request('DELETE', `/api/v3/worker-mgt/workers/${sleeper}`)).status, 204);
    assert.equal(await farmStatus(manager()), 'inoperative');
    await db('workers').where('id', offline).update({ status: 'awake' });
    assert.equal(await farmStatus(manager()), 'idle');
  });

  it('leaves out jobs that are being deleted', async () => {
    const db = manager().db;
    await db('jobs').update({ status: 'completed' });
    const job = await manager().request('POST', '/api/v3/jobs', {
      name: 'about to go',
      type: 'echo-sleep-test',
      priority: 50,
      submitter_platform: 'linux',
      settings: { message: 'bye' },
    });
    assert.equal(await farmStatus(manager()), 'waiting');
    await db('jobs').where('id', job.body.id).update({ delete_requested_at: new Date().toISOString() });
    assert.equal(await farmStatus(manager()), 'idle');
  });
});
