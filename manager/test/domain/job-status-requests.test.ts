import assert from 'node:assert/strict';

import {
  decideInitialJobStatus,
  decideJobDeletionRequest,
  decideJobStatusRequest,
  describePossibleJobActions,
  isJobActionAllowed,
  jobActionRequestingStatus,
  possibleJobActions,
} from '../../src/domain/job-status-requests.ts';
import type { JobAction } from '../../src/domain/job-status-requests.ts';
import { JOB_STATUSES } from '../../src/domain/statuses.ts';
import type { JobStatus, TaskStatus } from '../../src/domain/statuses.ts';
import { taskCounts } from '../../src/domain/task-counts.ts';

function job(status: JobStatus, counts: Partial<Record<TaskStatus, number>> = { queued: 1 }) {
  return { id: 'job-1', status, taskCounts: taskCounts(counts) };
}

// The allowed-transition table of farm.md (Flamenco's web UI), status by status.
const ALLOWED: Record<JobStatus, JobAction[]> = {
  'under-construction': [],
  queued: ['cancel', 'pause', 'delete'],
  active: ['cancel', 'pause'],
  paused: ['cancel', 'requeue', 'delete'],
  'pause-requested': ['cancel'],
  completed: ['requeue', 'delete'],
  failed: ['cancel', 'requeue', 'delete'],
  'cancel-requested': [],
  canceled: ['pause', 'requeue', 'delete'],
  requeueing: [],
};

const REQUESTED_STATUS: Record<Exclude<JobAction, 'delete'>, JobStatus> = {
  cancel: 'cancel-requested',
  pause: 'pause-requested',
  requeue: 'requeueing',
};

describe('job status requests', () => {
  describe('the allowed-transition table', () => {
    for (const status of JOB_STATUSES) {
      it(`allows exactly ${ALLOWED[status].join(', ') || 'nothing'} from ${status}`, () => {
        assert.deepEqual(possibleJobActions(status), ALLOWED[status]);
      });
    }

    for (const status of JOB_STATUSES) {
      for (const action of ['cancel', 'pause', 'requeue'] as const) {
        const allowed = ALLOWED[status].includes(action);
        it(`${allowed ? 'accepts' : 'refuses with 409'} ${action} of a ${status} job`, () => {
          const decision = decideJobStatusRequest(job(status), { status: REQUESTED_STATUS[action], reason: 'test' });
          if (allowed) {
            assert.equal(decision.kind, 'accepted');
            assert.equal(decision.kind === 'accepted' && decision.action, action);
          } else {
            assert.equal(decision.kind, 'refused');
            assert.equal(decision.kind === 'refused' && decision.httpStatus, 409);
          }
        });
      }
      const deletable = ALLOWED[status].includes('delete');
      it(`${deletable ? 'accepts' : 'refuses'} deleting a ${status} job`, () => {
        assert.equal(decideJobDeletionRequest({ status }).kind, deletable ? 'accepted' : 'refused');
        assert.equal(isJobActionAllowed('delete', status), deletable);
      });
    }
  });

  it('maps requested statuses to actions', () => {
    assert.equal(jobActionRequestingStatus('cancel-requested'), 'cancel');
    assert.equal(jobActionRequestingStatus('pause-requested'), 'pause');
    assert.equal(jobActionRequestingStatus('requeueing'), 'requeue');
    assert.equal(jobActionRequestingStatus('canceled'), undefined);
  });

  it('explains a refusal with what is possible instead', () => {
    const decision = decideJobStatusRequest(job('completed', { completed: 2 }), { status: 'pause-requested' });
    assert.deepEqual(decision, {
      kind: 'refused',
      httpStatus: 409,
      message: 'Cannot pause this job: it is completed. A job that is completed can be requeued or deleted.',
    });
  });

  it('says to wait for a job in a passing status', () => {
    assert.equal(describePossibleJobActions('requeueing'), 'Nothing can be done to a job that is requeueing; wait until it settles.');
  });

  it('refuses statuses the manager sets itself with 409, naming the ones people may request', () => {
    const decision = decideJobStatusRequest(job('active'), { status: 'completed' });
    assert.equal(decision.kind, 'refused');
    assert.equal(decision.kind === 'refused' && decision.httpStatus, 409);
    assert.match(decision.kind === 'refused' ? decision.message : '', /cancel-requested, pause-requested or requeueing/);
  });

  it('refuses an unknown status with 400', () => {
    const decision = decideJobStatusRequest(job('active'), { status: 'exploded' });
    assert.equal(decision.kind === 'refused' && decision.httpStatus, 400);
  });

  it('cancels an active job through cancel-requested to canceled, with the person’s reason', () => {
    const decision = decideJobStatusRequest(job('active', { active: 1, queued: 2, completed: 1 }), {
      status: 'cancel-requested',
      reason: 'wrong camera',
    });
    assert.equal(decision.kind, 'accepted');
    if (decision.kind !== 'accepted') return;
    assert.deepEqual(
      decision.effects.flatMap((effect) => (effect.kind === 'set-job-status' ? [[effect.to, effect.reason]] : [])),
      [
        ['cancel-requested', 'wrong camera'],
        ['canceled', 'every task that could still run was canceled'],
      ],
    );
    assert.deepEqual(decision.job.taskCounts, taskCounts({ canceled: 3, completed: 1 }));
  });

  it('pauses an active job through pause-requested, waiting for its active task', () => {
    const decision = decideJobStatusRequest(job('active', { active: 1, queued: 2 }), { status: 'pause-requested' });
    assert.equal(decision.kind === 'accepted' && decision.job.status, 'pause-requested');
  });

  it('gives a default reason when the person gave none', () => {
    const decision = decideJobStatusRequest(job('queued'), { status: 'pause-requested', reason: '  ' });
    const first = decision.kind === 'accepted' ? decision.effects[0] : undefined;
    assert.equal(first?.kind === 'set-job-status' && first.reason, 'pause requested');
  });

  describe('requeueing', () => {
    it('clears the failure lists and the blocklist of the job (Flamenco setJobStatus)', () => {
      const decision = decideJobStatusRequest(job('failed', { failed: 1, canceled: 2, completed: 3 }), { status: 'requeueing' });
      assert.equal(decision.kind, 'accepted');
      if (decision.kind !== 'accepted') return;
      assert.deepEqual(decision.effects.slice(-2), [
        { kind: 'clear-job-failures', jobId: 'job-1' },
        { kind: 'clear-job-blocklist', jobId: 'job-1' },
      ]);
      assert.equal(decision.job.status, 'queued');
      assert.deepEqual(decision.job.taskCounts, taskCounts({ queued: 3, completed: 3 }));
    });

    it('re-runs the completed tasks too when all tasks are asked for', () => {
      const decision = decideJobStatusRequest(job('failed', { failed: 1, canceled: 2, completed: 3 }), {
        status: 'requeueing',
        requeueScope: 'all',
      });
      assert.deepEqual(decision.kind === 'accepted' && decision.job.taskCounts, taskCounts({ queued: 6 }));
    });

    it('does not clear anything for other requests', () => {
      const decision = decideJobStatusRequest(job('active'), { status: 'cancel-requested' });
      const kinds = decision.kind === 'accepted' ? decision.effects.map((effect) => effect.kind) : [];
      assert.ok(!kinds.includes('clear-job-failures') && !kinds.includes('clear-job-blocklist'));
    });
  });

  describe('the initial status of a submitted job', () => {
    for (const [requested, expected] of [
      [undefined, 'queued'],
      ['', 'queued'],
      ['queued', 'queued'],
      ['paused', 'paused'],
    ] as const) {
      it(`starts ${expected} when asked for ${JSON.stringify(requested)}`, () => {
        assert.deepEqual(decideInitialJobStatus(requested), { kind: 'accepted', status: expected });
      });
    }

    it('refuses any other initial status with 400', () => {
      const decision = decideInitialJobStatus('completed');
      assert.equal(decision.kind === 'refused' && decision.httpStatus, 400);
    });
  });
});
