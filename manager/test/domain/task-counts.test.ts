import assert from 'node:assert/strict';

import { countIn, countTaskStatuses, moveOneTask, moveTasks, taskCounts, totalTasks } from '../../src/domain/task-counts.ts';

describe('task counts', () => {
  it('fills in zero for every status not given', () => {
    assert.deepEqual(taskCounts({ queued: 2 }), { queued: 2, active: 0, 'soft-failed': 0, completed: 0, failed: 0, canceled: 0, paused: 0 });
  });

  it('refuses counts that are no whole number ≥ 0', () => {
    assert.throws(() => taskCounts({ queued: -1 }), RangeError);
    assert.throws(() => taskCounts({ queued: 1.5 }), RangeError);
  });

  it('counts a list of statuses', () => {
    assert.deepEqual(countTaskStatuses(['queued', 'active', 'queued']), taskCounts({ queued: 2, active: 1 }));
  });

  it('totals and sums groups', () => {
    const counts = taskCounts({ queued: 2, active: 1, failed: 4 });
    assert.equal(totalTasks(counts), 7);
    assert.equal(countIn(counts, ['queued', 'active']), 3);
  });

  it('moves one task', () => {
    assert.deepEqual(moveOneTask(taskCounts({ queued: 2 }), 'queued', 'active'), taskCounts({ queued: 1, active: 1 }));
    assert.deepEqual(moveOneTask(taskCounts({ queued: 2 }), 'queued', 'queued'), taskCounts({ queued: 2 }));
    assert.throws(() => moveOneTask(taskCounts({ queued: 2 }), 'active', 'queued'), RangeError);
  });

  it('moves tasks in bulk', () => {
    const counts = taskCounts({ queued: 2, active: 1, completed: 3, failed: 1 });
    assert.deepEqual(moveTasks(counts, ['queued', 'active'], 'canceled'), taskCounts({ canceled: 3, completed: 3, failed: 1 }));
    assert.deepEqual(moveTasks(counts, 'all', 'queued'), taskCounts({ queued: 7 }));
    assert.deepEqual(moveTasks(counts, ['queued'], 'queued'), counts);
  });
});
