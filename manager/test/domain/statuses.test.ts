import assert from 'node:assert/strict';

import {
  isJobFinal,
  isJobSchedulable,
  isJobStatus,
  isJobTransitional,
  isTaskRunnable,
  isTaskSchedulable,
  isTaskStatus,
  isWorkerStatus,
  JOB_STATUSES,
  mayWorkerKeepRunning,
  TASK_STATUSES,
  WORKER_STATUSES,
} from '../../src/domain/statuses.ts';

describe('statuses', () => {
  it('spells the statuses as Flamenco’s API does', () => {
    assert.deepEqual(
      [...JOB_STATUSES].sort(),
      ['active', 'cancel-requested', 'canceled', 'completed', 'failed', 'pause-requested', 'paused', 'queued', 'requeueing', 'under-construction'],
    );
    assert.deepEqual([...TASK_STATUSES].sort(), ['active', 'canceled', 'completed', 'failed', 'paused', 'queued', 'soft-failed']);
    assert.deepEqual([...WORKER_STATUSES].sort(), ['asleep', 'awake', 'error', 'offline', 'restart', 'starting', 'testing']);
  });

  it('recognises status strings', () => {
    assert.equal(isJobStatus('pause-requested'), true);
    assert.equal(isJobStatus('paused-requested'), false);
    assert.equal(isTaskStatus('soft-failed'), true);
    assert.equal(isTaskStatus('softfailed'), false);
    assert.equal(isWorkerStatus('asleep'), true);
    assert.equal(isWorkerStatus('sleeping'), false);
  });

  it('groups task statuses', () => {
    assert.deepEqual(TASK_STATUSES.filter(isTaskRunnable), ['queued', 'active', 'soft-failed']);
    assert.deepEqual(TASK_STATUSES.filter(isTaskSchedulable), ['queued', 'soft-failed']);
    assert.deepEqual(TASK_STATUSES.filter(mayWorkerKeepRunning), ['active']);
  });

  it('groups job statuses', () => {
    assert.deepEqual(JOB_STATUSES.filter(isJobSchedulable), ['queued', 'active']);
    assert.deepEqual(JOB_STATUSES.filter(isJobFinal), ['completed', 'failed', 'canceled']);
    assert.deepEqual(JOB_STATUSES.filter(isJobTransitional), ['pause-requested', 'cancel-requested', 'requeueing']);
  });
});
