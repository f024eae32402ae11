import assert from 'node:assert/strict';

import type { JobStatus, TaskStatus } from '../../src/domain/statuses.ts';
import { taskCounts } from '../../src/domain/task-counts.ts';
import { returnTaskToPool } from '../../src/domain/task-return.ts';

function job(status: JobStatus, counts: Partial<Record<TaskStatus, number>>) {
  return { id: 'job-1', status, taskCounts: taskCounts(counts) };
}

describe('returning a task to the pool (Flamenco worker_requeue_test cases)', () => {
  it('queues the task of an active job again, with the reason in its activity and log', () => {
    const outcome = returnTaskToPool(job('active', { active: 2 }), { id: 'task-1', status: 'active' }, 'the worker had to test');
    assert.deepEqual(outcome.effects, [
      {
        kind: 'set-task-status',
        jobId: 'job-1',
        taskId: 'task-1',
        from: 'active',
        to: 'queued',
        activity: 'The manager queued this task again because the worker had to test.',
        steps: 'reset',
      },
      { kind: 'write-task-log', jobId: 'job-1', taskId: 'task-1', line: 'Status changed from active to queued.' },
      { kind: 'write-task-log', jobId: 'job-1', taskId: 'task-1', line: 'The manager queued this task again because the worker had to test.' },
    ]);
    assert.equal(outcome.job.status, 'active');
    assert.deepEqual(outcome.job.taskCounts, taskCounts({ active: 1, queued: 1 }));
  });

  it('pauses the task of a pausing job, and pauses the job when it was the last active one', () => {
    const outcome = returnTaskToPool(job('pause-requested', { active: 1, paused: 1 }), { id: 'task-1', status: 'active' }, 'the worker signed off');
    const taskChange = outcome.effects[0];
    assert.equal(taskChange?.kind === 'set-task-status' && taskChange.to, 'paused');
    assert.equal(outcome.job.status, 'paused');
    assert.deepEqual(outcome.job.taskCounts, taskCounts({ paused: 2 }));
  });

  it('keeps a pausing job pause-requested while another task is active', () => {
    const outcome = returnTaskToPool(job('pause-requested', { active: 2 }), { id: 'task-1', status: 'active' }, 'the worker timed out');
    assert.equal(outcome.job.status, 'pause-requested');
  });

  it('pauses a task returned to a paused job', () => {
    const outcome = returnTaskToPool(job('paused', { failed: 1, paused: 3 }), { id: 'task-1', status: 'failed' }, 'its worker was blocklisted');
    assert.deepEqual(outcome.job.taskCounts, taskCounts({ paused: 4 }));
  });

  it('returns a failed task of an active job to the queue', () => {
    const outcome = returnTaskToPool(job('active', { failed: 1, active: 1 }), { id: 'task-1', status: 'failed' }, 'its worker was blocklisted');
    assert.deepEqual(outcome.job.taskCounts, taskCounts({ queued: 1, active: 1 }));
    assert.equal(outcome.job.status, 'active');
  });
});
