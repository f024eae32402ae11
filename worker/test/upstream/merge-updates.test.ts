import assert from 'node:assert/strict';
import { firstBatch, mergeUpdates } from '../../src/upstream/merge-updates.ts';

describe('merging queued updates', () => {
  it('joins log lines and keeps the latest activity and step count', () => {
    assert.deepEqual(mergeUpdates({ log: 'a\n', activity: 'one', steps_completed: 1 }, { log: 'b\n', steps_completed: 2 }), {
      activity: 'one',
      log: 'a\nb\n',
      steps_completed: 2,
    });
  });

  it('lets a status change close a run, after the log lines before it', () => {
    assert.deepEqual(mergeUpdates({ log: 'a\n' }, { taskStatus: 'completed', activity: 'Completed' }), {
      taskStatus: 'completed',
      activity: 'Completed',
      log: 'a\n',
    });
  });

  it('never merges anything into a status change', () => {
    assert.equal(mergeUpdates({ taskStatus: 'active', activity: 'Started' }, { log: 'a\n' }), undefined);
  });

  it('keeps logs apart that would be too long together', () => {
    assert.equal(mergeUpdates({ log: 'x'.repeat(60) }, { log: 'y'.repeat(60) }, 100), undefined);
    assert.deepEqual(mergeUpdates({ log: 'x'.repeat(60) }, { steps_completed: 3 }, 100), { log: 'x'.repeat(60), steps_completed: 3 });
  });

  it('batches a run of one task and stops at another task or a status change', () => {
    const queued = [
      { id: 1, taskId: 'A', update: { taskStatus: 'active' as const } },
      { id: 2, taskId: 'A', update: { log: '1\n' } },
    ];
    assert.deepEqual(firstBatch(queued)?.items.map((item) => item.id), [1]);
    const run = [
      { id: 2, taskId: 'A', update: { log: '1\n' } },
      { id: 3, taskId: 'A', update: { log: '2\n', steps_completed: 1 } },
      { id: 4, taskId: 'A', update: { taskStatus: 'completed' as const, activity: 'Completed' } },
      { id: 5, taskId: 'A', update: { log: 'late\n' } },
    ];
    const batch = firstBatch(run);
    assert.deepEqual(batch?.items.map((item) => item.id), [2, 3, 4]);
    assert.deepEqual(batch?.update, { taskStatus: 'completed', activity: 'Completed', log: '1\n2\n', steps_completed: 1 });
    const mixed = [
      { id: 6, taskId: 'A', update: { log: 'a\n' } },
      { id: 7, taskId: 'B', update: { log: 'b\n' } },
    ];
    assert.deepEqual(firstBatch(mixed)?.items.map((item) => item.id), [6]);
    assert.equal(firstBatch([]), undefined);
  });
});
