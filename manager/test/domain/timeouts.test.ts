import assert from 'node:assert/strict';

import type { WorkerStatus } from '../../src/domain/statuses.ts';
import { taskCounts } from '../../src/domain/task-counts.ts';
import type { WorkerAvailability } from '../../src/domain/task-failure.ts';
import {
  decideTaskTimeout,
  decideWorkerTimeout,
  DEFAULT_TIMEOUT_SETTINGS,
  isTaskTimedOut,
  isWorkerTimedOut,
  TIMEOUT_CHECK_SCHEDULE,
} from '../../src/domain/timeouts.ts';
import type { TaskTimeout } from '../../src/domain/timeouts.ts';

const NOW = Date.parse('2022-06-09T12:00:00Z');
const MINUTE = 60_000;

function worker(id: string, overrides: Partial<WorkerAvailability> = {}): WorkerAvailability {
  return { id, status: 'awake', deleted: false, supportedTaskTypes: ['misc'], tagIds: [], ...overrides };
}

function timedOut(overrides: Partial<TaskTimeout> = {}): TaskTimeout {
  return {
    job: { id: 'job-1', status: 'active', taskCounts: taskCounts({ active: 1, queued: 9 }), workerTagId: null },
    task: { id: 'task-1', status: 'active', type: 'misc', failedByWorkerIds: [] },
    worker: { id: 'WORKER-UUID', name: 'Tester', neverBlocklisted: false },
    otherTasksOfTypeFailedByWorker: 0,
    tasksOfTypeHardFailedByWorker: [],
    blocklistedWorkerIds: [],
    workers: [worker('WORKER-UUID'), worker('w-2')],
    lastTouchedAt: NOW - 60 * MINUTE,
    ...overrides,
  };
}

describe('timeouts', () => {
  it('uses Flamenco’s defaults and check timing', () => {
    assert.deepEqual(DEFAULT_TIMEOUT_SETTINGS, { taskTimeoutMs: 10 * MINUTE, workerTimeoutMs: MINUTE });
    assert.deepEqual(TIMEOUT_CHECK_SCHEDULE, { firstCheckAfterMs: 5 * MINUTE, intervalMs: MINUTE });
  });

  describe('which tasks time out', () => {
    const cases: [string, { status: string; lastTouchedAt: number | null }, boolean][] = [
      ['an active task untouched for an hour', { status: 'active', lastTouchedAt: NOW - 60 * MINUTE }, true],
      ['an active task untouched for exactly the timeout', { status: 'active', lastTouchedAt: NOW - 10 * MINUTE }, true],
      ['an active task touched just within the timeout', { status: 'active', lastTouchedAt: NOW - 10 * MINUTE + 1 }, false],
      ['an active task never touched', { status: 'active', lastTouchedAt: null }, true],
      ['a queued task untouched for an hour', { status: 'queued', lastTouchedAt: NOW - 60 * MINUTE }, false],
      ['a soft-failed task untouched for an hour', { status: 'soft-failed', lastTouchedAt: NOW - 60 * MINUTE }, false],
    ];
    for (const [name, task, expected] of cases) {
      it(`${expected ? 'times out' : 'does not time out'} ${name}`, () => {
        assert.equal(isTaskTimedOut(task, NOW), expected);
      });
    }

    it('times out nothing when the task timeout is 0', () => {
      assert.equal(isTaskTimedOut({ status: 'active', lastTouchedAt: 0 }, NOW, { taskTimeoutMs: 0, workerTimeoutMs: MINUTE }), false);
    });
  });

  describe('which workers time out', () => {
    const old = NOW - 2 * MINUTE;
    const cases: [string, { status: WorkerStatus; deleted: boolean; lastSeenAt: number | null }, boolean][] = [
      ['an asleep worker not seen for two minutes', { status: 'asleep', deleted: false, lastSeenAt: old }, true],
      ['an awake worker not seen for exactly a minute', { status: 'awake', deleted: false, lastSeenAt: NOW - MINUTE }, true],
      ['an awake worker seen within the minute', { status: 'awake', deleted: false, lastSeenAt: NOW - MINUTE + 1 }, false],
      ['a worker in error', { status: 'error', deleted: false, lastSeenAt: old }, false],
      ['an offline worker', { status: 'offline', deleted: false, lastSeenAt: old }, false],
      ['a deleted worker', { status: 'awake', deleted: true, lastSeenAt: old }, false],
      ['a worker never seen', { status: 'starting', deleted: false, lastSeenAt: null }, false],
    ];
    for (const [name, subject, expected] of cases) {
      it(`${expected ? 'times out' : 'does not time out'} ${name}`, () => {
        assert.equal(isWorkerTimedOut(subject, NOW), expected);
      });
    }

    it('times out no worker when the worker timeout is 0', () => {
      assert.equal(isWorkerTimedOut({ status: 'awake', deleted: false, lastSeenAt: 0 }, NOW, { taskTimeoutMs: MINUTE, workerTimeoutMs: 0 }), false);
    });
  });

  it('sends a timed-out worker to error, clears its request and returns its tasks (Flamenco TestWorkerTimeout)', () => {
    assert.deepEqual(decideWorkerTimeout({ id: 'WORKER-UUID', status: 'asleep' }).effects, [
      { kind: 'set-worker-status', workerId: 'WORKER-UUID', from: 'asleep', to: 'error' },
      { kind: 'set-worker-status-request', workerId: 'WORKER-UUID', request: null },
      { kind: 'return-active-tasks-of-worker', workerId: 'WORKER-UUID', reason: 'the worker timed out' },
    ]);
  });

  describe('a timed-out task (Tablao: a failure by its worker, not an outright failure)', () => {
    it('soft-fails the task when another worker could try, and says why in log and activity', () => {
      const decision = decideTaskTimeout(timedOut());
      assert.equal(decision.verdict, 'soft-failed');
      assert.deepEqual(decision.effects[0], {
        kind: 'write-task-log',
        jobId: 'job-1',
        taskId: 'task-1',
        line: 'Task timed out: worker Tester (WORKER-UUID) sent no update since 2022-06-09T11:00:00.000Z; this counts as a failure by that worker.',
      });
      assert.deepEqual(decision.effects[1], { kind: 'record-task-failure', taskId: 'task-1', workerId: 'WORKER-UUID' });
      const change = decision.effects.find((effect) => effect.kind === 'set-task-status');
      assert.equal(change?.kind === 'set-task-status' && change.activity, 'Task timed out on worker Tester (WORKER-UUID)');
    });

    it('goes through blocklisting like any failure', () => {
      const decision = decideTaskTimeout(timedOut({ otherTasksOfTypeFailedByWorker: 2 }));
      assert.ok(decision.effects.some((effect) => effect.kind === 'add-to-blocklist'));
    });

    it('fails the task for good after enough workers', () => {
      const decision = decideTaskTimeout(timedOut({ task: { id: 'task-1', status: 'active', type: 'misc', failedByWorkerIds: ['a', 'b'] } }));
      assert.equal(decision.verdict, 'failed');
    });

    it('fails the job when no other worker could run the task', () => {
      const decision = decideTaskTimeout(timedOut({ workers: [worker('WORKER-UUID')] }));
      assert.equal(decision.verdict, 'job-failed-no-workers-left');
      assert.equal(decision.job.status, 'failed');
    });

    it('returns a task without worker to the pool', () => {
      const decision = decideTaskTimeout(timedOut({ worker: null, lastTouchedAt: null }));
      assert.equal(decision.verdict, 'returned-to-pool');
      assert.ok(!decision.effects.some((effect) => effect.kind === 'record-task-failure'));
      assert.deepEqual(decision.job.taskCounts, taskCounts({ queued: 10 }));
    });
  });
});
