import assert from 'node:assert/strict';

import { decideJobPriorityChange } from '../../src/domain/job-priority.ts';
import { JOB_STATUSES } from '../../src/domain/statuses.ts';

describe('job priority changes', () => {
  for (const status of JOB_STATUSES) {
    const allowed = status === 'queued' || status === 'active';
    it(`${allowed ? 'accepts' : 'refuses with 409'} a change while the job is ${status}`, () => {
      const decision = decideJobPriorityChange({ status }, 70);
      if (allowed) assert.deepEqual(decision, { kind: 'accepted', priority: 70 });
      else assert.equal(decision.kind === 'refused' && decision.httpStatus, 409);
    });
  }

  for (const priority of [0, 100]) {
    it(`accepts the bound ${priority}`, () => {
      assert.equal(decideJobPriorityChange({ status: 'queued' }, priority).kind, 'accepted');
    });
  }

  for (const priority of [-1, 101, 50.5, Number.NaN]) {
    it(`refuses ${priority} with 400`, () => {
      const decision = decideJobPriorityChange({ status: 'queued' }, priority);
      assert.equal(decision.kind === 'refused' && decision.httpStatus, 400);
    });
  }
});
