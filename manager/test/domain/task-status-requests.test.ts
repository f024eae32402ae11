import assert from 'node:assert/strict';

import { TASK_STATUSES } from '../../src/domain/statuses.ts';
import type { JobStatus, TaskStatus } from '../../src/domain/statuses.ts';
import { taskCounts } from '../../src/domain/task-counts.ts';
import { decideTaskStatusRequest } from '../../src/domain/task-status-requests.ts';

function job(status: JobStatus, counts: Partial<Record<TaskStatus, number>>) {
  return { id: 'job-1', status, taskCounts: taskCounts(counts) };
}

describe('task status requests', () => {
  const cancelable: TaskStatus[] = ['active', 'queued', 'soft-failed'];
  const requeueable: TaskStatus[] = ['canceled', 'completed', 'failed'];

  for (const status of TASK_STATUSES) {
    it(`${cancelable.includes(status) ? 'accepts' : 'refuses'} canceling a ${status} task`, () => {
      const decision = decideTaskStatusRequest(job('active', { [status]: 1, queued: 1 }), { id: 't', status }, { status: 'canceled' });
      assert.equal(decision.kind, cancelable.includes(status) ? 'accepted' : 'refused');
    });
    it(`${requeueable.includes(status) ? 'accepts' : 'refuses'} requeueing a ${status} task`, () => {
      const decision = decideTaskStatusRequest(job('active', { [status]: 1, queued: 1 }), { id: 't', status }, { status: 'queued' });
      assert.equal(decision.kind, requeueable.includes(status) ? 'accepted' : 'refused');
    });
  }

  it('refuses canceling a task while its job is being paused', () => {
    const decision = decideTaskStatusRequest(job('pause-requested', { active: 1 }), { id: 't', status: 'active' }, { status: 'canceled' });
    assert.equal(decision.kind === 'refused' && decision.httpStatus, 409);
  });

  it('refuses statuses that are no action, and unknown ones', () => {
    const paused = decideTaskStatusRequest(job('active', { queued: 1 }), { id: 't', status: 'queued' }, { status: 'paused' });
    assert.equal(paused.kind === 'refused' && paused.httpStatus, 409);
    const unknown = decideTaskStatusRequest(job('active', { queued: 1 }), { id: 't', status: 'queued' }, { status: 'borked' });
    assert.equal(unknown.kind === 'refused' && unknown.httpStatus, 400);
  });

  it('requeueing a task clears its failure list and puts the reason in its activity', () => {
    const decision = decideTaskStatusRequest(job('active', { failed: 1, active: 1 }), { id: 't', status: 'failed' }, {
      status: 'queued',
      reason: 'fixed the texture',
    });
    assert.equal(decision.kind, 'accepted');
    if (decision.kind !== 'accepted') return;
    const change = decision.effects[0];
    assert.equal(change?.kind === 'set-task-status' && change.activity, 'fixed the texture');
    assert.deepEqual(decision.effects.at(-1), { kind: 'clear-task-failures', taskId: 't' });
  });

  it('requeueing a task of a completed job requeues the job (and, as in Flamenco, all its tasks)', () => {
    const decision = decideTaskStatusRequest(job('completed', { completed: 4 }), { id: 't', status: 'completed' }, { status: 'queued' });
    assert.equal(decision.kind === 'accepted' && decision.job.status, 'queued');
    assert.deepEqual(decision.kind === 'accepted' && decision.job.taskCounts, taskCounts({ queued: 4 }));
  });

  it('canceling the last runnable task cancels the job', () => {
    const decision = decideTaskStatusRequest(job('active', { active: 1, completed: 3 }), { id: 't', status: 'active' }, { status: 'canceled' });
    assert.equal(decision.kind === 'accepted' && decision.job.status, 'canceled');
  });
});
