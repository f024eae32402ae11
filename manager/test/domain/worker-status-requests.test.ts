import assert from 'node:assert/strict';

import type { StatusChangeRequest } from '../../src/domain/effects.ts';
import type { WorkerStatus } from '../../src/domain/statuses.ts';
import {
  answerTaskRequest,
  decideSignOff,
  decideSignOn,
  decideStateChanged,
  decideWorkerDeletion,
  decideWorkerStatusRequest,
  pendingStatusChange,
} from '../../src/domain/worker-status-requests.ts';
import type { WorkerState } from '../../src/domain/worker-status-requests.ts';

function worker(status: WorkerStatus, request: StatusChangeRequest | null = null, canRestart = false): WorkerState {
  return { id: 'w-1', name: 'дрон', status, request, canRestart };
}

const requestOf = (status: WorkerStatus, isLazy = false): StatusChangeRequest => ({ status, isLazy });

describe('worker status requests', () => {
  describe('people asking for a status change', () => {
    it('records an immediate or lazy request', () => {
      assert.deepEqual(decideWorkerStatusRequest(worker('awake'), { status: 'asleep', isLazy: true }), {
        kind: 'accepted',
        request: requestOf('asleep', true),
        effects: [{ kind: 'set-worker-status-request', workerId: 'w-1', request: requestOf('asleep', true) }],
      });
      const immediate = decideWorkerStatusRequest(worker('awake'), { status: 'offline', isLazy: false });
      assert.deepEqual(immediate.kind === 'accepted' && immediate.request, requestOf('offline'));
    });

    it('withdraws a pending request when asked for the current status', () => {
      const decision = decideWorkerStatusRequest(worker('awake', requestOf('asleep')), { status: 'awake', isLazy: false });
      assert.equal(decision.kind === 'accepted' && decision.request, null);
    });

    it('refuses a restart of a worker that cannot restart itself with 412', () => {
      const decision = decideWorkerStatusRequest(worker('awake'), { status: 'restart', isLazy: true });
      assert.equal(decision.kind === 'refused' && decision.httpStatus, 412);
      assert.equal(decideWorkerStatusRequest(worker('awake', null, true), { status: 'restart', isLazy: true }).kind, 'accepted');
    });

    for (const status of ['starting', 'error', 'testing', 'dancing']) {
      it(`refuses "${status}", which is no destination, with 400`, () => {
        const decision = decideWorkerStatusRequest(worker('awake'), { status, isLazy: false });
        assert.equal(decision.kind === 'refused' && decision.httpStatus, 400);
      });
    }
  });

  it('tells the worker about a pending change on GET /worker/state', () => {
    assert.equal(pendingStatusChange(worker('awake')), null);
    assert.equal(pendingStatusChange(worker('awake', requestOf('asleep'))), 'asleep');
  });

  describe('a worker asking for a task', () => {
    it('must first change status when one is requested (423), even when not awake', () => {
      assert.deepEqual(answerTaskRequest(worker('awake', requestOf('asleep'))), { kind: 'change-status-first', status: 'asleep' });
      assert.deepEqual(answerTaskRequest(worker('error', requestOf('awake'))), { kind: 'change-status-first', status: 'awake' });
    });

    it('gets 409 when not awake', () => {
      assert.equal(answerTaskRequest(worker('asleep')).kind, 'not-awake');
    });

    it('may get a task when awake without pending request', () => {
      assert.deepEqual(answerTaskRequest(worker('awake')), { kind: 'may-get-task' });
    });
  });

  describe('sign-on', () => {
    it('sets the worker starting and sends it where its sleep schedule says', () => {
      assert.deepEqual(decideSignOn(worker('offline'), 'asleep'), {
        effects: [{ kind: 'set-worker-status', workerId: 'w-1', from: 'offline', to: 'starting' }],
        initialStatus: 'asleep',
      });
    });

    it('sends the worker awake without a sleep schedule', () => {
      assert.equal(decideSignOn(worker('offline')).initialStatus, 'awake');
    });

    it('prefers a pending request over the sleep schedule', () => {
      assert.equal(decideSignOn(worker('offline', requestOf('awake')), 'asleep').initialStatus, 'awake');
    });
  });

  describe('sign-off', () => {
    it('goes offline, remembers being awake for the next sign-on, and returns its task', () => {
      assert.deepEqual(decideSignOff(worker('awake')).effects, [
        { kind: 'set-worker-status', workerId: 'w-1', from: 'awake', to: 'offline' },
        { kind: 'set-worker-status-request', workerId: 'w-1', request: requestOf('awake') },
        { kind: 'return-active-tasks-of-worker', workerId: 'w-1', reason: 'the worker signed off' },
      ]);
    });

    it('remembers being asleep', () => {
      const effect = decideSignOff(worker('asleep')).effects.find((each) => each.kind === 'set-worker-status-request');
      assert.deepEqual(effect?.kind === 'set-worker-status-request' && effect.request, requestOf('asleep'));
    });

    it('does not remember an error, and clears a request to go offline that it fulfils', () => {
      assert.deepEqual(decideSignOff(worker('error', requestOf('offline', true))).effects, [
        { kind: 'set-worker-status', workerId: 'w-1', from: 'error', to: 'offline' },
        { kind: 'set-worker-status-request', workerId: 'w-1', request: null },
        { kind: 'return-active-tasks-of-worker', workerId: 'w-1', reason: 'the worker signed off' },
      ]);
    });

    it('clears a restart request and remembers the previous status instead', () => {
      const effect = decideSignOff(worker('awake', requestOf('restart'), true)).effects.find((each) => each.kind === 'set-worker-status-request');
      assert.deepEqual(effect?.kind === 'set-worker-status-request' && effect.request, requestOf('awake'));
    });

    it('keeps another pending request as it is', () => {
      const effects = decideSignOff(worker('awake', requestOf('asleep', true))).effects;
      assert.ok(!effects.some((each) => each.kind === 'set-worker-status-request'));
    });
  });

  describe('the worker reporting a new status', () => {
    it('returns its tasks when it leaves awake', () => {
      assert.deepEqual(decideStateChanged(worker('awake'), 'asleep'), {
        effects: [
          { kind: 'set-worker-status', workerId: 'w-1', from: 'awake', to: 'asleep' },
          { kind: 'return-active-tasks-of-worker', workerId: 'w-1', reason: 'worker дрон (w-1) changed status to asleep' },
        ],
      });
    });

    it('keeps the request when the worker went elsewhere, as on the way offline → starting → asleep', () => {
      const decision = decideStateChanged(worker('offline', requestOf('asleep')), 'starting');
      assert.deepEqual(decision.effects, [{ kind: 'set-worker-status', workerId: 'w-1', from: 'offline', to: 'starting' }]);
      assert.match(decision.warning ?? '', /asked to become asleep/);
    });

    it('clears the request once the worker reports the requested status', () => {
      assert.deepEqual(decideStateChanged(worker('starting', requestOf('asleep')), 'asleep').effects, [
        { kind: 'set-worker-status', workerId: 'w-1', from: 'starting', to: 'asleep' },
        { kind: 'set-worker-status-request', workerId: 'w-1', request: null },
      ]);
    });

    it('returns nothing when the worker stays awake', () => {
      assert.ok(!decideStateChanged(worker('awake'), 'awake').effects.some((each) => each.kind === 'return-active-tasks-of-worker'));
    });
  });

  it('returns the task of a worker that is deleted', () => {
    assert.deepEqual(decideWorkerDeletion(worker('awake')).effects, [
      { kind: 'return-active-tasks-of-worker', workerId: 'w-1', reason: 'the worker is being deleted' },
    ]);
  });
});
