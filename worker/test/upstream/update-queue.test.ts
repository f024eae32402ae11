import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UpdateQueue, UpdateQueueError } from '../../src/upstream/update-queue.ts';
import { useTempDirs } from '../support/temp-dir.ts';

const TASK_A = '11111111-1111-4111-8111-111111111111';
const TASK_B = '22222222-2222-4222-8222-222222222222';

describe('the durable update queue', () => {
  const tempDir = useTempDirs();

  it('gives updates back oldest first and forgets those removed', async () => {
    const queue = UpdateQueue.open(join(await tempDir(), 'q.sqlite'));
    queue.append(TASK_A, { taskStatus: 'active', activity: 'Started' });
    queue.append(TASK_A, { log: 'line 1\n' });
    queue.append(TASK_B, { log: 'other\n', steps_completed: 2 });
    assert.equal(queue.size, 3);
    const all = queue.oldest(10);
    assert.deepEqual(
      all.map((item) => [item.taskId, item.update]),
      [
        [TASK_A, { taskStatus: 'active', activity: 'Started' }],
        [TASK_A, { log: 'line 1\n' }],
        [TASK_B, { log: 'other\n', steps_completed: 2 }],
      ],
    );
    assert.deepEqual(queue.oldest(2).map((item) => item.id), all.slice(0, 2).map((item) => item.id));
    queue.removeThrough(all[1]!.id);
    assert.deepEqual(queue.oldest(10).map((item) => item.taskId), [TASK_B]);
    queue.close();
  });

  it('keeps its updates, in order, when the worker stops and starts again', async () => {
    const file = join(await tempDir(), 'q.sqlite');
    const first = UpdateQueue.open(file);
    for (let i = 0; i < 50; i++) first.append(TASK_A, { log: `line ${i}\n` });
    first.removeThrough(first.oldest(1)[0]!.id);
    first.close();

    const second = UpdateQueue.open(file);
    assert.deepEqual(second.oldest(100).map((item) => item.update.log), Array.from({ length: 49 }, (_, i) => `line ${i + 1}\n`));
    // New ids come after every earlier one, even after removals.
    second.append(TASK_B, { log: 'after restart\n' });
    assert.equal(second.oldest(100).at(-1)?.update.log, 'after restart\n');
    second.close();
  });

  it('says what to do when its file is not a database', async () => {
    const file = join(await tempDir(), 'q.sqlite');
    await writeFile(file, 'this is not SQLite, just some text that is long enough to have a header '.repeat(20));
    assert.throws(() => UpdateQueue.open(file), (error: Error) => {
      assert.ok(error instanceof UpdateQueueError);
      assert.match(error.message, /q\.sqlite cannot be opened/);
      assert.match(error.message, /delete the file/);
      return true;
    });
  });

  it('says what to do when its folder does not exist', async () => {
    const file = join(await tempDir(), 'missing', 'q.sqlite');
    assert.throws(() => UpdateQueue.open(file), /check that the data folder is writable/);
  });
});
