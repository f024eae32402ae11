import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import type { TaskUpdate } from '../../src/manager/manager-client.ts';
import { TaskReporter } from '../../src/task/task-reporter.ts';
import { UpdateQueue } from '../../src/upstream/update-queue.ts';
import { Upstream } from '../../src/upstream/upstream.ts';
import { answered } from '../support/fake-manager-replies.ts';
import { useTempDirs } from '../support/temp-dir.ts';

const TASK = '11111111-1111-4111-8111-111111111111';
const NO_BACKGROUND = { initialMs: 3_600_000, maximumMs: 3_600_000, factor: 1, jitter: 0 };

describe('the task reporter', () => {
  const tempDir = useTempDirs();
  let sent: TaskUpdate[];
  let queue: UpdateQueue;
  let upstream: Upstream;

  beforeEach(async () => {
    sent = [];
    queue = UpdateQueue.open(join(await tempDir(), 'q.sqlite'));
    upstream = new Upstream(
      async (_taskId, update) => {
        sent.push(update);
        return answered(204);
      },
      queue,
      pino({ level: 'silent' }),
      { retryBackoff: NO_BACKGROUND },
    );
  });
  afterEach(async () => {
    await upstream.close();
    queue.close();
  });

  it('gathers log lines, steps and activity into one update', async () => {
    const reporter = new TaskReporter(TASK, upstream, { flushIntervalMs: 60_000, maxBatchChars: 10_000, maxLineChars: 100 });
    reporter.log('one');
    reporter.log('two\nthree\n');
    reporter.steps(1);
    reporter.activity('Rendering');
    reporter.steps(2);
    assert.equal(sent.length, 0, 'nothing is sent before the interval');
    await reporter.flush();
    assert.deepEqual(sent, [{ activity: 'Rendering', log: 'one\ntwo\nthree\n', steps_completed: 2 }]);
    reporter.close();
  });

  it('sends on its own after the flush interval', async () => {
    const reporter = new TaskReporter(TASK, upstream, { flushIntervalMs: 5, maxBatchChars: 10_000, maxLineChars: 100 });
    reporter.log('later');
    for (let i = 0; i < 200 && sent.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(sent, [{ log: 'later\n' }]);
    reporter.close();
  });

  it('sends at once when much log has piled up', async () => {
    const reporter = new TaskReporter(TASK, upstream, { flushIntervalMs: 60_000, maxBatchChars: 20, maxLineChars: 100 });
    reporter.log('0123456789');
    reporter.log('0123456789');
    await reporter.flush();
    assert.deepEqual(sent, [{ log: '0123456789\n0123456789\n' }]);
    reporter.close();
  });

  it('sends a status change at once, with everything gathered before it', async () => {
    const reporter = new TaskReporter(TASK, upstream, { flushIntervalMs: 60_000, maxBatchChars: 10_000, maxLineChars: 100 });
    reporter.log('last words');
    reporter.steps(4);
    assert.equal(await reporter.status('failed', 'Failed: boom', 'Failed: boom'), 'delivered');
    assert.deepEqual(sent, [{ taskStatus: 'failed', activity: 'Failed: boom', log: 'last words\nFailed: boom\n', steps_completed: 4 }]);
    reporter.close();
  });

  it('cuts lines that are too long, saying how much was cut', async () => {
    const reporter = new TaskReporter(TASK, upstream, { flushIntervalMs: 60_000, maxBatchChars: 10_000, maxLineChars: 10 });
    reporter.log('x'.repeat(25));
    await reporter.flush();
    assert.equal(sent[0]?.log, `${'x'.repeat(10)}… (15 more characters cut)\n`);
    reporter.close();
  });
});
