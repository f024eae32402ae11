import assert from 'node:assert/strict';

import { farmStatus, INITIAL_FARM_STATUS, mayChangeFarmStatus } from '../../src/domain/farm-status.ts';
import type { FarmStatus, JobStatusCounts, WorkerStatusCounts } from '../../src/domain/farm-status.ts';

describe('farm status (Flamenco farmstatus_test cases)', () => {
  it('starts as "starting"', () => {
    assert.equal(INITIAL_FARM_STATUS, 'starting');
  });

  const cases: [string, WorkerStatusCounts, JobStatusCounts, FarmStatus][] = [
    ['no workers', {}, { active: 1 }, 'inoperative'],
    ['all workers offline', { offline: 3 }, { queued: 1 }, 'inoperative'],
    ['some workers offline, some in error', { offline: 2, error: 1 }, { active: 1 }, 'inoperative'],
    ['zero counts only', { awake: 0, offline: 1 }, {}, 'inoperative'],
    ['an active job and awake workers', { offline: 2, asleep: 1, error: 1, awake: 3 }, { active: 1 }, 'active'],
    ['an active job and only sleeping workers', { asleep: 1 }, { active: 1 }, 'waiting'],
    ['a queued job and an awake worker that has not picked it up (maybe blocklisted)', { asleep: 1, awake: 1 }, { queued: 1 }, 'waiting'],
    ['no work, some workers awake', { offline: 2, asleep: 1, awake: 1 }, { completed: 1, 'cancel-requested': 1 }, 'idle'],
    ['no work, no worker awake, some asleep', { offline: 2, asleep: 2 }, { canceled: 10, completed: 4, failed: 2 }, 'asleep'],
    ['no work and only a starting worker', { starting: 1 }, {}, 'idle'],
    ['a paused job is no work', { awake: 1 }, { paused: 3 }, 'idle'],
  ];
  for (const [name, workers, jobs, expected] of cases) {
    it(`${expected}: ${name}`, () => {
      assert.equal(farmStatus(workers, jobs), expected);
    });
  }

  it('looks again only when a job or worker changed status', () => {
    assert.equal(mayChangeFarmStatus({ previousStatus: 'queued', status: 'active' }), true);
    assert.equal(mayChangeFarmStatus({ previousStatus: 'active', status: 'active' }), false);
    assert.equal(mayChangeFarmStatus({ status: 'active' }), false);
  });
});
