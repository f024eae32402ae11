import assert from 'node:assert/strict';

import type { Effect } from '../../src/domain/effects.ts';
import type { JobStatus, TaskStatus, WorkerStatus } from '../../src/domain/statuses.ts';
import { taskCounts } from '../../src/domain/task-counts.ts';
import { decideTaskFailure, workersAbleToRun } from '../../src/domain/task-failure.ts';
import type { TaskFailure, WorkerAvailability } from '../../src/domain/task-failure.ts';

function worker(id: string, overrides: Partial<WorkerAvailability> = {}): WorkerAvailability {
  return { id, status: 'awake', deleted: false, supportedTaskTypes: ['blender', 'misc'], tagIds: [], ...overrides };
}

const FAILING = { id: 'w-drone', name: 'дрон', neverBlocklisted: false };

function failure(overrides: Partial<TaskFailure> = {}, jobStatus: JobStatus = 'active', counts: Partial<Record<TaskStatus, number>> = { active: 1, queued: 99 }): TaskFailure {
  return {
    job: { id: 'job-1', status: jobStatus, taskCounts: taskCounts(counts), workerTagId: null },
    task: { id: 'task-1', status: 'active', type: 'misc', failedByWorkerIds: [] },
    worker: FAILING,
    otherTasksOfTypeFailedByWorker: 0,
    tasksOfTypeHardFailedByWorker: [],
    blocklistedWorkerIds: [],
    workers: [worker('w-drone'), worker('w-2'), worker('w-3')],
    ...overrides,
  };
}

function logLines(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) => (effect.kind === 'write-task-log' ? [effect.line] : []));
}

function taskStatusChanges(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) => (effect.kind === 'set-task-status' ? [`${effect.taskId}:${effect.from}>${effect.to}`] : []));
}

describe('task failure', () => {
  describe('soft and hard failure (Flamenco TestTaskUpdateFailed)', () => {
    it('soft-fails a task that one worker failed, while others can try', () => {
      const decision = decideTaskFailure(failure());
      assert.equal(decision.verdict, 'soft-failed');
      assert.equal(decision.failedByWorkerCount, 1);
      assert.deepEqual(decision.effects[0], { kind: 'record-task-failure', taskId: 'task-1', workerId: 'w-drone' });
      assert.deepEqual(taskStatusChanges(decision.effects), ['task-1:active>soft-failed']);
      assert.ok(
        logLines(decision.effects).includes(
          'Task failed on 1 worker; the manager marks it as soft-failed so that another worker tries it. 2 more failures will fail it for good.',
        ),
      );
      assert.equal(decision.job.status, 'active');
    });

    it('fails a task for good once three different workers failed it', () => {
      const decision = decideTaskFailure(failure({ task: { id: 'task-1', status: 'active', type: 'misc', failedByWorkerIds: ['w-2', 'w-3'] } }));
      assert.equal(decision.verdict, 'failed');
      assert.equal(decision.failedByWorkerCount, 3);
      assert.deepEqual(taskStatusChanges(decision.effects), ['task-1:active>failed']);
      assert.ok(logLines(decision.effects).includes('Task failed on 3 workers; the manager marks it as failed for good.'));
    });

    it('counts each worker once, even if it is already on the failure list', () => {
      const decision = decideTaskFailure(failure({ task: { id: 'task-1', status: 'active', type: 'misc', failedByWorkerIds: ['w-drone', 'w-2'] } }));
      assert.equal(decision.failedByWorkerCount, 2);
      assert.equal(decision.verdict, 'soft-failed');
    });

    it('follows a configured failure count', () => {
      const settings = { failTaskAfterWorkerCount: 1, blocklistThreshold: 3, failJobAtFailedPercent: 10 };
      assert.equal(decideTaskFailure(failure(), settings).verdict, 'failed');
    });

    it('fails the job when the hard failure crosses the failed-task threshold', () => {
      const decision = decideTaskFailure(
        failure({ task: { id: 'task-1', status: 'active', type: 'misc', failedByWorkerIds: ['w-2', 'w-3'] } }, 'active', { active: 1, failed: 0, queued: 9 }),
      );
      assert.equal(decision.verdict, 'failed');
      assert.equal(decision.job.status, 'failed');
      assert.deepEqual(decision.job.taskCounts, taskCounts({ failed: 1, canceled: 9 }));
    });

    it('passes the worker’s activity text on to the task', () => {
      const decision = decideTaskFailure(failure({ activity: 'Failed: exit status 1' }));
      const change = decision.effects.find((effect) => effect.kind === 'set-task-status');
      assert.equal(change?.kind === 'set-task-status' && change.activity, 'Failed: exit status 1');
    });

    it('pauses the soft-failed task of a job that is being paused', () => {
      const decision = decideTaskFailure(failure({}, 'pause-requested', { active: 1, paused: 5 }));
      assert.equal(decision.verdict, 'soft-failed');
      assert.equal(decision.job.status, 'paused');
      assert.deepEqual(decision.job.taskCounts, taskCounts({ paused: 6 }));
    });
  });

  describe('blocklisting (Flamenco TestBlockingAfterFailure)', () => {
    it('blocklists a worker on its third failed task of a type in a job, and lets others retry its hard-failed tasks', () => {
      const decision = decideTaskFailure(
        failure(
          {
            otherTasksOfTypeFailedByWorker: 2,
            tasksOfTypeHardFailedByWorker: [{ id: 'task-old', status: 'failed' }],
          },
          'active',
          { active: 1, failed: 1, queued: 98 },
        ),
      );
      assert.equal(decision.blocklisted, true);
      assert.equal(decision.verdict, 'soft-failed');
      assert.ok(decision.effects.some((effect) => effect.kind === 'add-to-blocklist' && effect.workerId === 'w-drone' && effect.taskType === 'misc'));
      assert.deepEqual(taskStatusChanges(decision.effects), ['task-old:failed>queued', 'task-1:active>soft-failed']);
      assert.ok(
        logLines(decision.effects).includes(
          'The manager queued this task again because worker дрон was blocklisted for tasks of type "misc".',
        ),
      );
      assert.deepEqual(decision.job.taskCounts, taskCounts({ 'soft-failed': 1, queued: 99 }));
    });

    it('does not blocklist before the threshold', () => {
      const decision = decideTaskFailure(failure({ otherTasksOfTypeFailedByWorker: 1 }));
      assert.equal(decision.blocklisted, false);
      assert.ok(!decision.effects.some((effect) => effect.kind === 'add-to-blocklist'));
    });

    it('follows a configured threshold', () => {
      const decision = decideTaskFailure(failure(), { failTaskAfterWorkerCount: 3, blocklistThreshold: 1, failJobAtFailedPercent: 10 });
      assert.equal(decision.blocklisted, true);
    });

    it('Tablao: never blocklists a worker marked as never to be blocklisted', () => {
      const decision = decideTaskFailure(failure({ worker: { ...FAILING, neverBlocklisted: true }, otherTasksOfTypeFailedByWorker: 10 }));
      assert.equal(decision.blocklisted, false);
      assert.equal(decision.verdict, 'soft-failed');
      assert.ok(!decision.effects.some((effect) => effect.kind === 'add-to-blocklist'));
    });

    it('adds no second blocklist entry for a worker that is already blocklisted', () => {
      const decision = decideTaskFailure(failure({ otherTasksOfTypeFailedByWorker: 5, blocklistedWorkerIds: ['w-drone'] }));
      assert.equal(decision.blocklisted, false);
      assert.ok(!decision.effects.some((effect) => effect.kind === 'add-to-blocklist'));
    });

    it('fails the task and the job when blocklisting leaves no worker for the task type', () => {
      const decision = decideTaskFailure(
        failure({ otherTasksOfTypeFailedByWorker: 2, blocklistedWorkerIds: ['w-2', 'w-3'], tasksOfTypeHardFailedByWorker: [{ id: 'old', status: 'failed' }] }),
      );
      assert.equal(decision.verdict, 'job-failed-no-workers-left');
      assert.equal(decision.job.status, 'failed');
      // The job failed, so there is no point in queueing the worker's old failures again.
      assert.deepEqual(taskStatusChanges(decision.effects), ['task-1:active>failed']);
      const jobChange = decision.effects.find((effect) => effect.kind === 'set-job-status');
      assert.equal(jobChange?.kind === 'set-job-status' && jobChange.reason, 'no worker is left to run tasks of type "misc"');
      assert.ok(
        logLines(decision.effects).includes(
          'Task failed on worker дрон (w-drone), and no worker is left that could run tasks of type "misc" in this job; the manager fails the job.',
        ),
      );
    });
  });

  describe('no worker left to retry the task (Flamenco TestJobFailureAfterWorkerTaskFailure)', () => {
    it('fails the job when the failing worker was the only one', () => {
      const decision = decideTaskFailure(failure({ workers: [worker('w-drone')] }));
      assert.equal(decision.verdict, 'job-failed-no-workers-left');
      assert.equal(decision.job.status, 'failed');
      assert.deepEqual(decision.job.taskCounts, taskCounts({ failed: 1, canceled: 99 }));
    });

    it('fails the job when the only other worker already failed this task', () => {
      const decision = decideTaskFailure(
        failure({ workers: [worker('w-drone'), worker('w-2')], task: { id: 'task-1', status: 'active', type: 'misc', failedByWorkerIds: ['w-2'] } }),
      );
      assert.equal(decision.verdict, 'job-failed-no-workers-left');
    });

    it('soft-fails while one other worker could still try (Flamenco would fail the job here)', () => {
      const decision = decideTaskFailure(failure({ workers: [worker('w-drone'), worker('w-2')] }));
      assert.equal(decision.verdict, 'soft-failed');
    });

    const unavailable: [string, WorkerAvailability][] = [
      ['offline', worker('w-2', { status: 'offline' })],
      ['deleted', worker('w-2', { deleted: true })],
      ['unable to run the task type', worker('w-2', { supportedTaskTypes: ['ffmpeg'] })],
      ['blocklisted for the task type', worker('w-2')],
    ];
    for (const [why, other] of unavailable) {
      it(`Tablao: does not count a worker that is ${why}`, () => {
        const decision = decideTaskFailure(
          failure({ workers: [worker('w-drone'), other], blocklistedWorkerIds: why.startsWith('blocklisted') ? ['w-2'] : [] }),
        );
        assert.equal(decision.verdict, 'job-failed-no-workers-left');
      });
    }

    it('counts sleeping and erroring workers, which may come back', () => {
      for (const status of ['asleep', 'error', 'starting'] satisfies WorkerStatus[]) {
        const decision = decideTaskFailure(failure({ workers: [worker('w-drone'), worker('w-2', { status })] }));
        assert.equal(decision.verdict, 'soft-failed', status);
      }
    });

    it('counts only workers with the job’s tag when the job has one', () => {
      const tagged = failure({ workers: [worker('w-drone', { tagIds: ['gpu'] }), worker('w-2'), worker('w-3', { tagIds: ['gpu'] })] });
      const job = { ...tagged.job, workerTagId: 'gpu' };
      assert.equal(decideTaskFailure({ ...tagged, job }).verdict, 'soft-failed');
      assert.equal(decideTaskFailure({ ...tagged, job, workers: tagged.workers.slice(0, 2) }).verdict, 'job-failed-no-workers-left');
    });
  });

  describe('workersAbleToRun', () => {
    it('keeps workers that exist, are not offline, support the type, carry the tag and are not excluded', () => {
      const workers = [
        worker('a', { tagIds: ['t'] }),
        worker('b', { tagIds: ['t'], status: 'offline' }),
        worker('c', { tagIds: ['t'], deleted: true }),
        worker('d', { tagIds: ['t'], supportedTaskTypes: ['ffmpeg'] }),
        worker('e'),
        worker('f', { tagIds: ['t'] }),
      ];
      assert.deepEqual(workersAbleToRun(workers, { taskType: 'blender', jobWorkerTagId: 't', excludedWorkerIds: ['f'] }), ['a']);
      assert.deepEqual(workersAbleToRun(workers, { taskType: 'blender', jobWorkerTagId: null, excludedWorkerIds: [] }), ['a', 'e', 'f']);
    });
  });
});
