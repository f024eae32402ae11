import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Reply, TaskUpdate } from '../../src/manager/manager-client.ts';
import { UpdateQueue } from '../../src/upstream/update-queue.ts';
import { Upstream } from '../../src/upstream/upstream.ts';
import { answered, unreachable } from '../support/fake-manager-replies.ts';
import { useTempDirs } from '../support/temp-dir.ts';

const silent = pino({ level: 'silent' });
const TASK = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
/** Background retries far in the future: the tests flush when they want to. */
const NO_BACKGROUND = { initialMs: 3_600_000, maximumMs: 3_600_000, factor: 1, jitter: 0 };

/** A pretend manager: records what reaches it, and answers what `reply` says. */
class FakeManager {
  received: { taskId: string; update: TaskUpdate }[] = [];
  reply: (taskId: string, update: TaskUpdate) => Reply = () => answered(204);
  send = async (taskId: string, update: TaskUpdate): Promise<Reply> => {
    const reply = this.reply(taskId, update);
    if (reply.reachable && reply.status === 204) this.received.push({ taskId, update });
    return reply;
  };
  get logs(): string {
    return this.received.map((r) => r.update.log ?? '').join('');
  }
}

describe('the upstream of task updates', () => {
  const tempDir = useTempDirs();
  let queue: UpdateQueue;
  let manager: FakeManager;
  let upstream: Upstream;

  beforeEach(async () => {
    queue = UpdateQueue.open(join(await tempDir(), 'q.sqlite'));
    manager = new FakeManager();
    upstream = new Upstream(manager.send, queue, silent, { retryBackoff: NO_BACKGROUND });
  });
  afterEach(async () => {
    await upstream.close();
    queue.close();
  });

  it('sends an update at once while the manager answers', async () => {
    assert.equal(await upstream.send(TASK, { taskStatus: 'active', activity: 'Started' }), 'delivered');
    assert.deepEqual(manager.received, [{ taskId: TASK, update: { taskStatus: 'active', activity: 'Started' } }]);
    assert.equal(upstream.queued, 0);
  });

  it('keeps updates on disk while the manager is away, and sends them in order when it is back', async () => {
    manager.reply = () => unreachable;
    assert.equal(await upstream.send(TASK, { taskStatus: 'active', activity: 'Started' }), 'queued');
    assert.equal(await upstream.send(TASK, { log: 'one\n' }), 'queued');
    manager.reply = () => answered(204);
    // The manager is back, but older updates wait: this one must not overtake them.
    assert.equal(await upstream.send(TASK, { log: 'two\n', steps_completed: 1 }), 'queued');
    assert.equal(upstream.queued, 3);

    assert.equal(await upstream.flush(), true);
    assert.equal(upstream.queued, 0);
    assert.deepEqual(manager.received, [
      { taskId: TASK, update: { taskStatus: 'active', activity: 'Started' } },
      { taskId: TASK, update: { log: 'one\ntwo\n', steps_completed: 1 } },
    ]);
    assert.equal(await upstream.send(TASK, { taskStatus: 'completed' }), 'delivered');
  });

  it('stops sending the queue at the first update the manager cannot take, and goes on from there later', async () => {
    manager.reply = () => unreachable;
    await upstream.send(TASK, { taskStatus: 'active' });
    await upstream.send(TASK, { log: 'a\n' });
    await upstream.send(TASK, { taskStatus: 'completed' });
    let calls = 0;
    manager.reply = () => (++calls === 1 ? answered(204) : answered(503));
    assert.equal(await upstream.flush(), false);
    assert.deepEqual(manager.received.map((r) => r.update), [{ taskStatus: 'active' }]);
    assert.equal(upstream.queued, 2);
    manager.reply = () => answered(204);
    assert.equal(await upstream.flush(), true);
    assert.deepEqual(manager.received.map((r) => r.update), [{ taskStatus: 'active' }, { taskStatus: 'completed', log: 'a\n' }]);
  });

  it('drops the updates of a task the manager took away, tells its listeners, and goes on with the next task', async () => {
    const gone: string[] = [];
    upstream.listen({ taskGone: (taskId) => gone.push(taskId) });
    manager.reply = () => unreachable;
    await upstream.send(TASK, { taskStatus: 'active' });
    await upstream.send(OTHER, { taskStatus: 'active' });
    manager.reply = (taskId) => (taskId === TASK ? answered(409) : answered(204));
    assert.equal(await upstream.flush(), true);
    assert.deepEqual(gone, [TASK]);
    assert.deepEqual(manager.received, [{ taskId: OTHER, update: { taskStatus: 'active' } }]);
    assert.equal(await upstream.send(TASK, { log: 'x\n' }), 'task-gone');
  });

  it('tells its listeners when the manager does not know the worker', async () => {
    const heard: string[] = [];
    upstream.listen({ unknownWorker: (message) => heard.push(message) });
    manager.reply = () => answered(403);
    assert.equal(await upstream.send(TASK, { log: 'x\n' }), 'unknown-worker');
    assert.equal(heard.length, 1);
    assert.equal(upstream.queued, 0);
  });

  it('drops an update the manager refuses as such, rather than sending it forever', async () => {
    manager.reply = () => answered(400);
    assert.equal(await upstream.send(TASK, { steps_completed: -1 }), 'refused');
    assert.equal(upstream.queued, 0);
  });

  it('keeps the order of updates sent without waiting for each other', async () => {
    let delayFirst = true;
    const slow = new FakeManager();
    slow.send = async (taskId, update) => {
      if (delayFirst) {
        delayFirst = false;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      slow.received.push({ taskId, update });
      return answered(204);
    };
    const ordered = new Upstream(slow.send, queue, silent, { retryBackoff: NO_BACKGROUND });
    await Promise.all([ordered.send(TASK, { log: '1\n' }), ordered.send(TASK, { log: '2\n' }), ordered.send(TASK, { log: '3\n' })]);
    assert.equal(slow.logs, '1\n2\n3\n');
    await ordered.close();
  });

  it('sends the queue by itself once the manager is back', async () => {
    await upstream.close();
    upstream = new Upstream(manager.send, queue, silent, { retryBackoff: { initialMs: 5, maximumMs: 5, factor: 1, jitter: 0 } });
    manager.reply = () => unreachable;
    await upstream.send(TASK, { log: 'waiting\n' });
    manager.reply = () => answered(204);
    for (let i = 0; i < 200 && upstream.queued > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(manager.logs, 'waiting\n');
  });

  it('sends updates left from an earlier run of the worker', async () => {
    manager.reply = () => unreachable;
    await upstream.send(TASK, { log: 'before the restart\n' });
    await upstream.close();
    manager.reply = () => answered(204);
    upstream = new Upstream(manager.send, queue, silent, { retryBackoff: { initialMs: 5, maximumMs: 5, factor: 1, jitter: 0 } });
    for (let i = 0; i < 200 && upstream.queued > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(manager.logs, 'before the restart\n');
  });
});
