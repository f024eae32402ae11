import assert from 'node:assert/strict';
import {
  actionForStatus,
  afterStateQuestion,
  afterTaskRequest,
  classifyUpdateReply,
  mayKeepRunning,
  statusForAction,
} from '../../src/loop/decisions.ts';
import type { AssignedTask, Reply } from '../../src/manager/manager-client.ts';

function answer<T>(status: number, body?: T, errorBody?: unknown, extra: { retryAfterMs?: number } = {}): Reply<T> {
  return { reachable: true, status, body, message: status >= 400 ? `error ${status}` : '', errorBody, ...extra };
}
const unreachable: Reply<never> = { reachable: false, message: 'connection refused' };

const task: AssignedTask = {
  uuid: '8e3d1d8c-2f4a-4b7e-9c0e-5a6b7c8d9e0f',
  job: '3f2b3c1e-9a7d-4c55-8d2a-0c6f1b9e5a77',
  name: 'echo',
  status: 'active',
  priority: 50,
  job_priority: 50,
  job_type: 'echo-sleep-test',
  task_type: 'misc',
  commands: [{ name: 'echo', parameters: { message: 'hi' }, total_step_count: 0 }],
  steps_completed: 0,
  steps_total: 1,
};

describe('the worker loop’s decisions', () => {
  describe('statuses', () => {
    it('works when awake, sleeps when asleep, stops when offline', () => {
      assert.equal(actionForStatus('awake', false), 'work');
      assert.equal(actionForStatus('asleep', false), 'sleep');
      assert.equal(actionForStatus('offline', false), 'shut-down');
    });

    it('restarts only with a restart exit code, else shuts down', () => {
      assert.equal(actionForStatus('restart', true), 'restart');
      assert.equal(actionForStatus('restart', false), 'shut-down');
    });

    it('sleeps on statuses that are no destination or unknown, as Flamenco’s worker does', () => {
      for (const status of ['starting', 'error', 'testing', 'dancing']) assert.equal(actionForStatus(status, true), 'sleep', status);
    });

    it('reports the status it went to', () => {
      assert.equal(statusForAction('work', 'awake'), 'awake');
      assert.equal(statusForAction('sleep', 'testing'), 'asleep');
      assert.equal(statusForAction('shut-down', 'offline'), 'offline');
      assert.equal(statusForAction('restart', 'restart'), 'restart');
    });
  });

  describe('after asking for a task', () => {
    it('runs the task it got', () => {
      assert.deepEqual(afterTaskRequest(answer(200, task)), { kind: 'run-task', task });
    });

    it('waits for work on 204', () => {
      assert.deepEqual(afterTaskRequest(answer(204)), { kind: 'wait-for-work' });
    });

    it('changes status on 423, to the status the manager names', () => {
      assert.deepEqual(afterTaskRequest(answer(423, undefined, { status_requested: 'asleep' })), { kind: 'change-status', status: 'asleep' });
    });

    it('reports awake again on 409 (the manager thinks it is not awake)', () => {
      assert.equal(afterTaskRequest(answer(409, undefined, { code: 409, message: 'not awake' })).kind, 'report-awake');
    });

    it('registers again on 403 (unknown credentials)', () => {
      assert.equal(afterTaskRequest(answer(403)).kind, 'register-again');
    });

    it('waits for the manager when it is unreachable or failing, keeping its Retry-After hint', () => {
      assert.deepEqual(afterTaskRequest(unreachable), { kind: 'wait-for-manager', message: 'connection refused' });
      const busy = afterTaskRequest(answer(503, undefined, undefined, { retryAfterMs: 2_000 }));
      assert.equal(busy.kind, 'wait-for-manager');
      assert.equal(busy.kind === 'wait-for-manager' && busy.retryAfterMs, 2_000);
      assert.equal(afterTaskRequest(answer(423, undefined, { nonsense: true })).kind, 'wait-for-manager');
    });
  });

  describe('after asking for its state', () => {
    it('changes on 200, stays on 204, registers again on 403, waits when unreachable', () => {
      assert.deepEqual(afterStateQuestion(answer(200, { status_requested: 'awake' as const })), { kind: 'change-status', status: 'awake' });
      assert.deepEqual(afterStateQuestion(answer(204)), { kind: 'stay' });
      assert.equal(afterStateQuestion(answer(403)).kind, 'register-again');
      assert.equal(afterStateQuestion(unreachable).kind, 'manager-away');
      assert.equal(afterStateQuestion(answer(500)).kind, 'manager-away');
    });
  });

  describe('task update replies', () => {
    const cases: [string, Reply, string][] = [
      ['204', answer(204), 'delivered'],
      ['unreachable', unreachable, 'retry-later'],
      ['503 busy', answer(503), 'retry-later'],
      ['500', answer(500), 'retry-later'],
      ['429', answer(429), 'retry-later'],
      ['409 reassigned', answer(409), 'task-gone'],
      ['404 deleted', answer(404), 'task-gone'],
      ['403 unknown worker', answer(403), 'unknown-worker'],
      ['400 bad update', answer(400), 'refused'],
      ['413 too large', answer(413), 'refused'],
    ];
    for (const [what, reply, outcome] of cases) {
      it(`${what} → ${outcome}`, () => assert.equal(classifyUpdateReply(reply), outcome));
    }
  });

  describe('may-i-run', () => {
    it('stops only on an explicit no, with its reason', () => {
      assert.deepEqual(mayKeepRunning(answer(200, { mayKeepRunning: false, reason: 'the task is canceled', statusChangeRequested: false })), {
        keepRunning: false,
        reason: 'the task is canceled',
        statusChangeRequested: false,
      });
      assert.deepEqual(mayKeepRunning(answer(200, { mayKeepRunning: false, reason: '', statusChangeRequested: true })), {
        keepRunning: false,
        reason: 'the worker was asked to change its status',
        statusChangeRequested: true,
      });
    });

    it('keeps running on yes, on no answer and on errors', () => {
      assert.deepEqual(mayKeepRunning(answer(200, { mayKeepRunning: true, reason: '', statusChangeRequested: false })), { keepRunning: true });
      assert.deepEqual(mayKeepRunning(unreachable), { keepRunning: true });
      assert.deepEqual(mayKeepRunning(answer(500)), { keepRunning: true });
      assert.deepEqual(mayKeepRunning(answer(403)), { keepRunning: true });
    });
  });
});
