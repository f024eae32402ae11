import assert from 'node:assert/strict';

import type { Effect } from '../../src/domain/effects.ts';
import type { JobStatus, TaskStatus } from '../../src/domain/statuses.ts';
import { taskCounts } from '../../src/domain/task-counts.ts';
import type { TaskCounts } from '../../src/domain/task-counts.ts';
import {
  changeJobStatus,
  changeTaskStatus,
  JOB_STATUSES_TO_REENFORCE_AT_STARTUP,
  reenforceJobStatus,
  tooManyTasksFailed,
} from '../../src/domain/task-state-machine.ts';
import type { JobSnapshot } from '../../src/domain/task-state-machine.ts';

function job(status: JobStatus, counts: Partial<Record<TaskStatus, number>>): JobSnapshot {
  return { id: 'job-1', status, taskCounts: taskCounts(counts) };
}

const task = (status: TaskStatus) => ({ id: 'task-1', status });

/** The job statuses the effects walk through, e.g. ['active', 'failed']. */
function jobSteps(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) => (effect.kind === 'set-job-status' ? [`${effect.from}>${effect.to}`] : []));
}

function bulkChanges(effects: readonly Effect[]): string[] {
  return effects.flatMap((effect) =>
    effect.kind === 'set-tasks-status' ? [`${effect.where === 'all' ? 'all' : effect.where.join('|')}>${effect.to}`] : [],
  );
}

describe('task state machine', () => {
  describe('a task status change and its job (Flamenco task_state_machine_test cases)', () => {
    const cases: {
      name: string;
      job: JobSnapshot;
      from: TaskStatus;
      to: TaskStatus;
      jobSteps: string[];
      bulk?: string[];
      finalCounts?: Partial<Record<TaskStatus, number>>;
    }[] = [
      {
        name: 'queued → active makes a queued job active',
        job: job('queued', { queued: 3 }),
        from: 'queued',
        to: 'active',
        jobSteps: ['queued>active'],
      },
      {
        name: 'the first of three tasks completing leaves the job active',
        job: job('active', { active: 3 }),
        from: 'active',
        to: 'completed',
        jobSteps: [],
      },
      {
        name: 'a soft failure leaves an active job active',
        job: job('active', { completed: 1, active: 2 }),
        from: 'active',
        to: 'soft-failed',
        jobSteps: [],
      },
      {
        name: 'a soft-failed task completing, 2 of 3 done, leaves the job active',
        job: job('active', { completed: 1, 'soft-failed': 1, active: 1 }),
        from: 'soft-failed',
        to: 'completed',
        jobSteps: [],
      },
      {
        name: 'the last task completing completes the job',
        job: job('active', { completed: 2, active: 1 }),
        from: 'active',
        to: 'completed',
        jobSteps: ['active>completed'],
      },
      {
        name: 'a task completing makes a queued job active',
        job: job('queued', { queued: 2, active: 1 }),
        from: 'active',
        to: 'completed',
        jobSteps: ['queued>active'],
      },
      {
        name: '1 of 100 failing makes a queued job active, not failed',
        job: job('queued', { queued: 100 }),
        from: 'queued',
        to: 'failed',
        jobSteps: ['queued>active'],
      },
      {
        name: '10 of 100 failing fails the job and cancels what could still run',
        job: job('active', { failed: 9, active: 3, queued: 80, 'soft-failed': 2, completed: 6 }),
        from: 'active',
        to: 'failed',
        jobSteps: ['active>failed'],
        bulk: ['active|queued|soft-failed>canceled'],
        finalCounts: { failed: 10, canceled: 84, completed: 6 },
      },
      {
        name: '9 of 100 failing does not fail an active job',
        job: job('active', { failed: 8, active: 1, queued: 91 }),
        from: 'active',
        to: 'failed',
        jobSteps: [],
      },
      {
        name: 'requeueing a task of a completed job requeues the job, and all its tasks',
        job: job('completed', { completed: 3 }),
        from: 'completed',
        to: 'queued',
        jobSteps: ['completed>requeueing', 'requeueing>queued'],
        bulk: ['all>queued'],
        finalCounts: { queued: 3 },
      },
      {
        name: 'canceling one task while another can still run keeps the job cancel-requested',
        job: job('cancel-requested', { active: 1, queued: 1 }),
        from: 'active',
        to: 'canceled',
        jobSteps: [],
      },
      {
        name: 'canceling the last runnable task cancels the job',
        job: job('cancel-requested', { canceled: 1, queued: 1 }),
        from: 'queued',
        to: 'canceled',
        jobSteps: ['cancel-requested>canceled'],
        bulk: [],
      },
      {
        name: 'canceling the last runnable task cancels the job even when others failed or are paused',
        job: job('cancel-requested', { active: 1, failed: 1, paused: 1 }),
        from: 'active',
        to: 'canceled',
        jobSteps: ['cancel-requested>canceled'],
        finalCounts: { canceled: 1, failed: 1, paused: 1 },
      },
      {
        name: 'canceling one of several runnable tasks of an active job changes nothing else',
        job: job('active', { active: 1, queued: 2 }),
        from: 'queued',
        to: 'canceled',
        jobSteps: [],
      },
      {
        name: 'canceling the last active task of a pausing job pauses it while a task could still run',
        job: job('pause-requested', { active: 1, queued: 1, paused: 2 }),
        from: 'active',
        to: 'canceled',
        jobSteps: ['pause-requested>paused'],
      },
      {
        name: 'canceling the last runnable task of a pausing job cancels it (cancellation is checked first)',
        job: job('pause-requested', { active: 1, paused: 2 }),
        from: 'active',
        to: 'canceled',
        jobSteps: ['pause-requested>canceled'],
      },
      {
        name: 'the last active task of a pausing job getting paused pauses the job',
        job: job('pause-requested', { active: 1, paused: 1 }),
        from: 'active',
        to: 'paused',
        jobSteps: ['pause-requested>paused'],
      },
      {
        name: 'a task getting paused while another is active keeps the job pause-requested',
        job: job('pause-requested', { active: 2, paused: 1 }),
        from: 'active',
        to: 'paused',
        jobSteps: [],
      },
      {
        name: 'the last active task of a pausing job completing pauses the job',
        job: job('pause-requested', { active: 1, paused: 3 }),
        from: 'active',
        to: 'completed',
        jobSteps: ['pause-requested>paused'],
      },
      {
        name: 'the last active task of a pausing job failing (not enough to fail the job) pauses it',
        job: job('pause-requested', { active: 1, paused: 19 }),
        from: 'active',
        to: 'failed',
        jobSteps: ['pause-requested>paused'],
      },
      {
        name: 'a task becoming active in a paused job makes the job active',
        job: job('paused', { queued: 2 }),
        from: 'queued',
        to: 'active',
        jobSteps: ['paused>active'],
      },
    ];
    for (const testCase of cases) {
      it(testCase.name, () => {
        const outcome = changeTaskStatus(testCase.job, task(testCase.from), testCase.to);
        assert.deepEqual(jobSteps(outcome.effects), testCase.jobSteps);
        if (testCase.bulk !== undefined) assert.deepEqual(bulkChanges(outcome.effects), testCase.bulk);
        if (testCase.finalCounts !== undefined) assert.deepEqual(outcome.job.taskCounts, taskCounts(testCase.finalCounts));
      });
    }

    it('records the task change first, with its steps rule and a log line', () => {
      const outcome = changeTaskStatus(job('active', { active: 2 }), task('active'), 'completed', { activity: 'Completed' });
      assert.deepEqual(outcome.effects.slice(0, 2), [
        {
          kind: 'set-task-status',
          jobId: 'job-1',
          taskId: 'task-1',
          from: 'active',
          to: 'completed',
          activity: 'Completed',
          steps: 'complete',
        },
        { kind: 'write-task-log', jobId: 'job-1', taskId: 'task-1', line: 'Status changed from active to completed.' },
      ]);
    });

    it('resets the completed steps of a task that is queued again', () => {
      const [change] = changeTaskStatus(job('active', { failed: 1, active: 10 }), task('failed'), 'queued').effects;
      assert.equal(change?.kind === 'set-task-status' && change.steps, 'reset');
    });

    it('writes no log line when the status stays the same, but still checks the job', () => {
      const outcome = changeTaskStatus(job('active', { completed: 3 }), task('completed'), 'completed');
      assert.equal(outcome.effects.filter((effect) => effect.kind === 'write-task-log').length, 0);
      assert.deepEqual(jobSteps(outcome.effects), ['active>completed']);
    });

    it('refuses a change from a status no task has', () => {
      assert.throws(() => changeTaskStatus(job('active', { queued: 1 }), task('active'), 'completed'), RangeError);
    });

    it('gives the job an activity naming the new status and the reason', () => {
      const outcome = changeTaskStatus(job('active', { active: 1, completed: 1 }), task('active'), 'completed');
      const jobChange = outcome.effects.find((effect) => effect.kind === 'set-job-status');
      assert.deepEqual(jobChange, {
        kind: 'set-job-status',
        jobId: 'job-1',
        from: 'active',
        to: 'completed',
        reason: 'all tasks completed',
        activity: 'Changed to status completed: all tasks completed',
        refreshTasks: false,
      });
    });
  });

  describe('Tablao: a task becoming active or soft-failed while the job is being canceled or paused', () => {
    it('pauses a soft-failed task of a pausing job, and pauses the job when nothing is active', () => {
      // Flamenco would make this job active and strand its paused tasks.
      const outcome = changeTaskStatus(job('pause-requested', { active: 1, paused: 4 }), task('active'), 'soft-failed');
      assert.deepEqual(jobSteps(outcome.effects), ['pause-requested>pause-requested', 'pause-requested>paused']);
      assert.deepEqual(bulkChanges(outcome.effects), ['queued|soft-failed>paused']);
      assert.equal(outcome.job.status, 'paused');
      assert.deepEqual(outcome.job.taskCounts, taskCounts({ paused: 5 }));
    });

    it('keeps a pausing job pause-requested while another task is still active', () => {
      const outcome = changeTaskStatus(job('pause-requested', { active: 2, paused: 1 }), task('active'), 'soft-failed');
      assert.equal(outcome.job.status, 'pause-requested');
      assert.deepEqual(outcome.job.taskCounts, taskCounts({ active: 1, paused: 2 }));
    });

    it('cancels a task that soft-fails while its job is being canceled, and settles the job', () => {
      const outcome = changeTaskStatus(job('cancel-requested', { active: 1, completed: 1 }), task('active'), 'soft-failed');
      assert.equal(outcome.job.status, 'canceled');
      assert.deepEqual(outcome.job.taskCounts, taskCounts({ canceled: 1, completed: 1 }));
    });
  });

  describe('a job status change and its tasks (Flamenco jobStatusChange cases)', () => {
    const cases: {
      name: string;
      job: JobSnapshot;
      to: JobStatus;
      scope?: 'all' | 'unfinished';
      jobSteps: string[];
      bulk: string[];
      final: JobStatus;
      finalCounts?: Partial<Record<TaskStatus, number>>;
    }[] = [
      {
        name: 'requeueing a job with some tasks completed queues only the others',
        job: job('active', { completed: 1, failed: 1, 'soft-failed': 1 }),
        to: 'requeueing',
        jobSteps: ['active>requeueing', 'requeueing>queued'],
        bulk: ['canceled|failed|paused|soft-failed>queued'],
        final: 'queued',
        finalCounts: { completed: 1, queued: 2 },
      },
      {
        name: 'requeueing a completed job queues all its tasks',
        job: job('completed', { completed: 3 }),
        to: 'requeueing',
        jobSteps: ['completed>requeueing', 'requeueing>queued'],
        bulk: ['all>queued'],
        final: 'queued',
        finalCounts: { queued: 3 },
      },
      {
        name: 'Tablao: requeueing all tasks of a failed job re-runs the completed ones too',
        job: job('failed', { completed: 5, failed: 1, canceled: 4 }),
        to: 'requeueing',
        scope: 'all',
        jobSteps: ['failed>requeueing', 'requeueing>queued'],
        bulk: ['all>queued'],
        final: 'queued',
        finalCounts: { queued: 10 },
      },
      {
        name: 'requeueing a job whose unfinished tasks are all gone ends completed',
        job: job('canceled', { completed: 2 }),
        to: 'requeueing',
        jobSteps: ['canceled>requeueing', 'requeueing>queued', 'queued>completed'],
        bulk: ['canceled|failed|paused|soft-failed>queued'],
        final: 'completed',
      },
      {
        name: 'canceling a job with some tasks completed cancels the rest and ends canceled',
        job: job('active', { completed: 1, active: 1, queued: 1, 'soft-failed': 1 }),
        to: 'cancel-requested',
        jobSteps: ['active>cancel-requested', 'cancel-requested>canceled'],
        bulk: ['active|queued|soft-failed>canceled'],
        final: 'canceled',
        finalCounts: { completed: 1, canceled: 3 },
      },
      {
        name: 'pausing a job with all tasks queued pauses it at once',
        job: job('queued', { queued: 3 }),
        to: 'pause-requested',
        jobSteps: ['queued>pause-requested', 'pause-requested>paused'],
        bulk: ['queued|soft-failed>paused'],
        final: 'paused',
        finalCounts: { paused: 3 },
      },
      {
        name: 'pausing a job with some tasks completed pauses it at once',
        job: job('queued', { completed: 1, queued: 2 }),
        to: 'pause-requested',
        jobSteps: ['queued>pause-requested', 'pause-requested>paused'],
        bulk: ['queued|soft-failed>paused'],
        final: 'paused',
        finalCounts: { completed: 1, paused: 2 },
      },
      {
        name: 'pausing a job with an active task waits for it',
        job: job('active', { active: 1, completed: 1, queued: 1 }),
        to: 'pause-requested',
        jobSteps: ['active>pause-requested'],
        bulk: ['queued|soft-failed>paused'],
        final: 'pause-requested',
        finalCounts: { active: 1, completed: 1, paused: 1 },
      },
      {
        name: 'canceling a job while it is being paused cancels it, active task included',
        job: job('pause-requested', { active: 1, completed: 1, paused: 1 }),
        to: 'cancel-requested',
        jobSteps: ['pause-requested>cancel-requested', 'cancel-requested>canceled'],
        bulk: ['active|queued|soft-failed>canceled'],
        final: 'canceled',
        finalCounts: { canceled: 1, completed: 1, paused: 1 },
      },
      {
        name: 'a job failing cancels its runnable tasks but stays failed',
        job: job('active', { active: 2, failed: 1 }),
        to: 'failed',
        jobSteps: ['active>failed'],
        bulk: ['active|queued|soft-failed>canceled'],
        final: 'failed',
      },
      {
        name: 'queueing a job whose tasks all completed completes it',
        job: job('paused', { completed: 4 }),
        to: 'queued',
        jobSteps: ['paused>queued', 'queued>completed'],
        bulk: [],
        final: 'completed',
      },
      {
        name: 'setting a job to the status it has changes nothing',
        job: job('active', { active: 1 }),
        to: 'active',
        jobSteps: [],
        bulk: [],
        final: 'active',
      },
      {
        name: 'requeueing a job that was just compiled leaves its tasks alone',
        job: job('under-construction', { queued: 4 }),
        to: 'requeueing',
        jobSteps: ['under-construction>requeueing'],
        bulk: [],
        final: 'requeueing',
      },
    ];
    for (const testCase of cases) {
      it(testCase.name, () => {
        const outcome = changeJobStatus(testCase.job, testCase.to, 'someone wrote a test', { requeueScope: testCase.scope ?? 'unfinished' });
        assert.deepEqual(jobSteps(outcome.effects), testCase.jobSteps);
        assert.deepEqual(bulkChanges(outcome.effects), testCase.bulk);
        assert.equal(outcome.job.status, testCase.final);
        if (testCase.finalCounts !== undefined) assert.deepEqual(outcome.job.taskCounts, taskCounts(testCase.finalCounts));
      });
    }

    it('describes the bulk change for the task activity, resets steps on requeue, and asks clients to reload tasks', () => {
      const outcome = changeJobStatus(job('failed', { failed: 1, completed: 1 }), 'requeueing', 'try again');
      assert.deepEqual(outcome.effects, [
        {
          kind: 'set-job-status',
          jobId: 'job-1',
          from: 'failed',
          to: 'requeueing',
          reason: 'try again',
          activity: 'Changed to status requeueing: try again',
          refreshTasks: true,
        },
        {
          kind: 'set-tasks-status',
          jobId: 'job-1',
          where: ['canceled', 'failed', 'paused', 'soft-failed'],
          to: 'queued',
          activity: 'Queued again because the job went from failed to requeueing.',
          steps: 'reset',
        },
        {
          kind: 'set-job-status',
          jobId: 'job-1',
          from: 'requeueing',
          to: 'queued',
          reason: 'its tasks were queued again',
          activity: 'Changed to status queued: its tasks were queued again',
          refreshTasks: false,
        },
      ]);
    });
  });

  describe('re-enforcing a status at startup (Flamenco CheckStuck)', () => {
    it('lists the statuses to re-enforce', () => {
      assert.deepEqual([...JOB_STATUSES_TO_REENFORCE_AT_STARTUP].sort(), ['cancel-requested', 'pause-requested', 'requeueing']);
    });

    it('finishes an interrupted requeue', () => {
      const outcome = reenforceJobStatus(job('requeueing', { completed: 1, failed: 1, 'soft-failed': 1 }), 'checking stuck jobs');
      assert.deepEqual(jobSteps(outcome.effects), ['requeueing>requeueing', 'requeueing>queued']);
      assert.deepEqual(bulkChanges(outcome.effects), ['canceled|failed|paused|soft-failed>queued']);
      const first = outcome.effects[0];
      assert.equal(first?.kind === 'set-job-status' && first.activity, 'Re-applied status requeueing: checking stuck jobs');
      assert.equal(outcome.job.status, 'queued');
    });

    it('finishes an interrupted cancel', () => {
      const outcome = reenforceJobStatus(job('cancel-requested', { queued: 2 }), 'checking stuck jobs');
      assert.equal(outcome.job.status, 'canceled');
      assert.deepEqual(outcome.job.taskCounts, taskCounts({ canceled: 2 }));
    });

    it('finishes an interrupted pause once nothing is active, and keeps waiting otherwise', () => {
      assert.equal(reenforceJobStatus(job('pause-requested', { queued: 2 }), 'restart').job.status, 'paused');
      assert.equal(reenforceJobStatus(job('pause-requested', { active: 1, queued: 2 }), 'restart').job.status, 'pause-requested');
    });
  });

  describe('the failed-task threshold', () => {
    const cases: [failed: number, total: number, percent: number, fails: boolean][] = [
      [10, 100, 10, true],
      [9, 100, 10, false],
      [1, 10, 10, true],
      [1, 11, 10, false],
      [2, 19, 10, true],
      [1, 3, 50, false],
      [2, 3, 50, true],
      [0, 5, 0, true],
    ];
    for (const [failed, total, percent, fails] of cases) {
      it(`${failed} of ${total} failed with a ${percent} % threshold ${fails ? 'fails' : 'does not fail'} the job`, () => {
        const counts: TaskCounts = taskCounts({ failed, queued: total - failed });
        assert.equal(tooManyTasksFailed(counts, { failJobAtFailedPercent: percent }), fails);
      });
    }

    it('uses the configured threshold in task changes', () => {
      const outcome = changeTaskStatus(job('active', { active: 1, queued: 3 }), task('active'), 'failed', {}, { failJobAtFailedPercent: 50 });
      assert.equal(outcome.job.status, 'active');
    });

    it('never fails a job that has no tasks', () => {
      assert.equal(tooManyTasksFailed(taskCounts({})), false);
    });
  });
});
