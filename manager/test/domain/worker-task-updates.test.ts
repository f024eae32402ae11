import assert from 'node:assert/strict';

import type { TaskStatus } from '../../src/domain/statuses.ts';
import { decideWorkerTaskUpdate, mayKeepRunning } from '../../src/domain/worker-task-updates.ts';
import type { TaskAsStored } from '../../src/domain/worker-task-updates.ts';

function task(overrides: Partial<TaskAsStored> = {}): TaskAsStored {
  return { id: 'task-1', status: 'active', workerId: 'w-1', stepsCompleted: 0, stepsTotal: 3, ...overrides };
}

describe('worker task updates', () => {
  it('accepts activity, log and a completion', () => {
    assert.deepEqual(decideWorkerTaskUpdate('w-1', task(), { activity: 'testing', log: 'line1\nline2\n', taskStatus: 'completed' }), {
      kind: 'accepted',
      activity: 'testing',
      log: 'line1\nline2\n',
      statusChange: { kind: 'change', to: 'completed' },
    });
  });

  it('sends a failure through the failure rules', () => {
    const decision = decideWorkerTaskUpdate('w-1', task(), { taskStatus: 'failed' });
    assert.deepEqual(decision.kind === 'accepted' && decision.statusChange, { kind: 'failure' });
  });

  it('sees no status change in "active" for an active task', () => {
    const decision = decideWorkerTaskUpdate('w-1', task(), { taskStatus: 'active', activity: 'Started' });
    assert.deepEqual(decision.kind === 'accepted' && decision.statusChange, { kind: 'none' });
  });

  it('takes step counts, clamped to the total, and only when they change', () => {
    const two = decideWorkerTaskUpdate('w-1', task(), { stepsCompleted: 2 });
    assert.equal(two.kind === 'accepted' && two.stepsCompleted, 2);
    const many = decideWorkerTaskUpdate('w-1', task({ stepsCompleted: 2 }), { stepsCompleted: 47 });
    assert.equal(many.kind === 'accepted' && many.stepsCompleted, 3);
    const same = decideWorkerTaskUpdate('w-1', task({ stepsCompleted: 3 }), { stepsCompleted: 47 });
    assert.equal(same.kind === 'accepted' && 'stepsCompleted' in same, false);
    const negative = decideWorkerTaskUpdate('w-1', task({ stepsCompleted: 1 }), { stepsCompleted: -5 });
    assert.equal(negative.kind === 'accepted' && negative.stepsCompleted, 0);
    const fraction = decideWorkerTaskUpdate('w-1', task(), { stepsCompleted: 1.5 });
    assert.equal(fraction.kind === 'refused' && fraction.httpStatus, 400);
  });

  for (const status of ['soft-failed', 'queued', 'paused', 'canceled', 'nonsense']) {
    it(`refuses a worker reporting "${status}" with 400`, () => {
      const decision = decideWorkerTaskUpdate('w-1', task(), { taskStatus: status });
      assert.equal(decision.kind === 'refused' && decision.httpStatus, 400);
    });
  }

  it('refuses updates to a task that is not assigned to the worker with 409', () => {
    for (const workerId of [null, 'w-2']) {
      const decision = decideWorkerTaskUpdate('w-1', task({ workerId }), { log: 'hello' });
      assert.equal(decision.kind === 'refused' && decision.httpStatus, 409);
    }
  });

  for (const status of ['queued', 'canceled', 'paused', 'completed', 'failed', 'soft-failed'] satisfies TaskStatus[]) {
    it(`Tablao: refuses updates to a ${status} task with 409, so the worker abandons it`, () => {
      const decision = decideWorkerTaskUpdate('w-1', task({ status }), { taskStatus: 'completed' });
      assert.equal(decision.kind === 'refused' && decision.httpStatus, 409);
    });
  }

  describe('may-i-run (Flamenco TestMayWorkerRun)', () => {
    const worker = { id: 'w-1', request: null };

    it('says no for a task that is not assigned to the worker', () => {
      assert.deepEqual(mayKeepRunning(worker, { status: 'active', workerId: null }), {
        mayKeepRunning: false,
        reason: 'the task is not assigned to this worker',
        statusChangeRequested: false,
      });
    });

    it('says yes for an active task of the worker', () => {
      assert.deepEqual(mayKeepRunning(worker, { status: 'active', workerId: 'w-1' }), {
        mayKeepRunning: true,
        reason: '',
        statusChangeRequested: false,
      });
    });

    it('says no for a task that is no longer active', () => {
      assert.deepEqual(mayKeepRunning(worker, { status: 'canceled', workerId: 'w-1' }), {
        mayKeepRunning: false,
        reason: 'the task is canceled',
        statusChangeRequested: false,
      });
    });

    it('says no, with a status change, when an immediate change is requested', () => {
      assert.deepEqual(mayKeepRunning({ id: 'w-1', request: { status: 'asleep', isLazy: false } }, { status: 'active', workerId: 'w-1' }), {
        mayKeepRunning: false,
        reason: 'a status change of the worker was requested',
        statusChangeRequested: true,
      });
    });

    it('says yes while a lazy change waits for the task to end', () => {
      assert.equal(mayKeepRunning({ id: 'w-1', request: { status: 'asleep', isLazy: true } }, { status: 'active', workerId: 'w-1' }).mayKeepRunning, true);
    });

    it('says no for a task that does not exist', () => {
      assert.equal(mayKeepRunning(worker, undefined).reason, 'the task does not exist');
    });
  });
});
