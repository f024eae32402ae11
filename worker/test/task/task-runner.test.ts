import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { CommandError, type CommandContext, type CommandRunner } from '../../src/commands/command.ts';
import type { AssignedTask, MayKeepRunning, Reply, TaskUpdate } from '../../src/manager/manager-client.ts';
import { OutputUploader } from '../../src/task/output-uploader.ts';
import { runTask, type TaskRunServices } from '../../src/task/task-runner.ts';
import { UpdateQueue } from '../../src/upstream/update-queue.ts';
import { Upstream } from '../../src/upstream/upstream.ts';
import { answered, unreachable } from '../support/fake-manager-replies.ts';
import { useTempDirs } from '../support/temp-dir.ts';

const silent = pino({ level: 'silent' });
const TASK_ID = '8e3d1d8c-2f4a-4b7e-9c0e-5a6b7c8d9e0f';
const NO_BACKGROUND = { initialMs: 3_600_000, maximumMs: 3_600_000, factor: 1, jitter: 0 };

function taskWith(commands: { name: string; parameters?: Record<string, unknown>; total_step_count?: number }[]): AssignedTask {
  return {
    uuid: TASK_ID,
    job: '3f2b3c1e-9a7d-4c55-8d2a-0c6f1b9e5a77',
    name: 'test task',
    status: 'active',
    priority: 50,
    job_priority: 50,
    job_type: 'echo-sleep-test',
    task_type: 'misc',
    commands: commands.map((c) => ({ name: c.name, parameters: c.parameters ?? {}, total_step_count: c.total_step_count ?? 0 })),
    steps_completed: 0,
    steps_total: commands.length,
  };
}

/** Resolves when `signal` aborts; rejects then, as a real command does. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(new CommandError('aborted'));
    signal.addEventListener('abort', () => reject(new CommandError('aborted')), { once: true });
  });
}

describe('running a task', () => {
  const tempDir = useTempDirs();
  let received: TaskUpdate[];
  let updateReply: (update: TaskUpdate) => Reply;
  let mayIRunReply: () => Reply<MayKeepRunning>;
  let uploads: string[];
  let queue: UpdateQueue;
  let upstream: Upstream;
  let services: TaskRunServices;

  function withRunners(commandRunners: Record<string, CommandRunner>): TaskRunServices {
    return { ...services, commandRunners };
  }

  beforeEach(async () => {
    received = [];
    uploads = [];
    updateReply = () => answered(204);
    mayIRunReply = () => answered(200, { mayKeepRunning: true, reason: '', statusChangeRequested: false });
    queue = UpdateQueue.open(join(await tempDir(), 'q.sqlite'));
    upstream = new Upstream(
      async (_taskId, update) => {
        const reply = updateReply(update);
        if (reply.reachable && reply.status === 204) received.push(update);
        return reply;
      },
      queue,
      silent,
      { retryBackoff: NO_BACKGROUND },
    );
    const uploader = new OutputUploader(async () => answered(202), silent);
    uploader.offer = (_taskId, path) => uploads.push(path);
    services = {
      upstream,
      uploader,
      mayIRun: async () => mayIRunReply(),
      commandRunners: {},
      environment: { allowedExecutables: [], platform: 'linux' },
      log: silent,
      mayIRunIntervalMs: 10,
      reporter: { flushIntervalMs: 5, maxBatchChars: 64 * 1024, maxLineChars: 1024 },
    };
  });
  afterEach(async () => {
    await upstream.close();
    queue.close();
  });

  it('runs the commands in order and reports start, log lines, steps and completion', async () => {
    const ran: string[] = [];
    const runners: Record<string, CommandRunner> = {
      echo: async (context) => {
        ran.push(`echo ${context.parameters.message}`);
        context.log(`echo: "${context.parameters.message}"`);
      },
      frames: async (context) => {
        ran.push('frames');
        for (let frame = 1; frame <= 3; frame++) {
          context.log(`frame ${frame}`);
          context.stepCompleted();
          context.outputProduced(`/render/frame-${frame}.png`);
        }
      },
    };
    const end = await runTask(
      taskWith([{ name: 'echo', parameters: { message: 'hello' } }, { name: 'frames', total_step_count: 3 }, { name: 'echo', parameters: { message: 'bye' } }]),
      withRunners(runners),
      new AbortController().signal,
    );
    assert.deepEqual(end, { kind: 'completed' });
    assert.deepEqual(ran, ['echo hello', 'frames', 'echo bye']);
    assert.deepEqual(received[0], { taskStatus: 'active', activity: 'Started' });
    assert.deepEqual(received.at(-1)?.taskStatus, 'completed');
    assert.equal(received.at(-1)?.activity, 'Completed');
    assert.equal(received.map((u) => u.log ?? '').join(''), 'echo: "hello"\nframe 1\nframe 2\nframe 3\necho: "bye"\n');
    // echo counts one step when it ends, the frames command counts its own three: 5 in all.
    const steps = received.filter((u) => u.steps_completed !== undefined).map((u) => u.steps_completed!);
    assert.equal(steps.at(-1), 5);
    assert.deepEqual([...steps].sort((a, b) => a - b), steps, 'step counts only grow');
    assert.deepEqual(uploads, ['/render/frame-1.png', '/render/frame-2.png', '/render/frame-3.png']);
  });

  it('fails the task with the command’s message and runs nothing after it', async () => {
    let afterRan = false;
    const end = await runTask(
      taskWith([{ name: 'broken' }, { name: 'after' }]),
      withRunners({
        broken: async (context) => {
          context.log('trying');
          throw new CommandError('exe "/no/such/blender" does not exist');
        },
        after: async () => {
          afterRan = true;
        },
      }),
      new AbortController().signal,
    );
    assert.deepEqual(end, { kind: 'failed', message: 'exe "/no/such/blender" does not exist' });
    assert.equal(afterRan, false);
    const last = received.at(-1)!;
    assert.equal(last.taskStatus, 'failed');
    assert.equal(last.activity, 'Failed: exe "/no/such/blender" does not exist');
    assert.match(received.map((u) => u.log ?? '').join(''), /trying\nFailed: exe "\/no\/such\/blender" does not exist\n$/);
  });

  it('fails a task with a command this worker does not have, naming the ones it has', async () => {
    const end = await runTask(taskWith([{ name: 'teleport' }]), withRunners({ echo: async () => {}, sleep: async () => {} }), new AbortController().signal);
    assert.equal(end.kind, 'failed');
    assert.match(end.kind === 'failed' ? end.message : '', /no command "teleport" \(it runs echo, sleep\)/);
  });

  it('fails the task when a command breaks in an unexpected way, without stopping the worker', async () => {
    const end = await runTask(
      taskWith([{ name: 'buggy' }]),
      withRunners({
        buggy: async () => {
          throw new TypeError('cannot read properties of undefined');
        },
      }),
      new AbortController().signal,
    );
    assert.equal(end.kind, 'failed');
    assert.match(end.kind === 'failed' ? end.message : '', /buggy failed unexpectedly: cannot read properties of undefined/);
  });

  it('stops the command at once when may-i-run says no, and reports neither failure nor completion', async () => {
    let polls = 0;
    mayIRunReply = () => (++polls < 3 ? answered(200, { mayKeepRunning: true, reason: '', statusChangeRequested: false }) : answered(200, { mayKeepRunning: false, reason: 'the job was canceled', statusChangeRequested: false }));
    let aborted = false;
    const end = await runTask(
      taskWith([{ name: 'forever' }]),
      withRunners({
        forever: async (context: CommandContext) => {
          context.signal.addEventListener('abort', () => (aborted = true));
          await untilAborted(context.signal);
        },
      }),
      new AbortController().signal,
    );
    assert.deepEqual(end, { kind: 'aborted', reason: { kind: 'refused', reason: 'the job was canceled', statusChangeRequested: false } });
    assert.equal(aborted, true);
    assert.equal(polls, 3);
    assert.ok(!received.some((u) => u.taskStatus === 'failed' || u.taskStatus === 'completed'));
  });

  it('keeps running when may-i-run cannot reach the manager', async () => {
    let polls = 0;
    mayIRunReply = () => {
      polls++;
      return unreachable;
    };
    const end = await runTask(
      taskWith([{ name: 'wait' }]),
      withRunners({
        wait: async () => {
          while (polls < 3) await new Promise((resolve) => setTimeout(resolve, 5));
        },
      }),
      new AbortController().signal,
    );
    assert.deepEqual(end, { kind: 'completed' });
  });

  it('stops when an update shows the task is no longer this worker’s', async () => {
    const end = await runTask(
      taskWith([{ name: 'chatty' }]),
      withRunners({
        chatty: async (context) => {
          updateReply = () => answered(409);
          context.log('this update meets a 409');
          await untilAborted(context.signal);
        },
      }),
      new AbortController().signal,
    );
    assert.equal(end.kind, 'aborted');
    assert.equal(end.kind === 'aborted' && end.reason.kind, 'task-gone');
  });

  it('does not start the commands when the manager refuses the start of the task', async () => {
    updateReply = () => answered(409);
    let ran = false;
    const end = await runTask(
      taskWith([{ name: 'echo' }]),
      withRunners({
        echo: async () => {
          ran = true;
        },
      }),
      new AbortController().signal,
    );
    assert.equal(end.kind, 'aborted');
    assert.equal(ran, false);
  });

  it('stops the command when the worker stops, and says in the log that the task goes back', async () => {
    const stop = new AbortController();
    const end = await runTask(
      taskWith([{ name: 'long' }]),
      withRunners({
        long: async (context) => {
          setTimeout(() => stop.abort(), 10);
          await untilAborted(context.signal);
        },
      }),
      stop.signal,
    );
    assert.deepEqual(end, { kind: 'aborted', reason: { kind: 'stopping' } });
    assert.match(received.map((u) => u.log ?? '').join(''), /The worker is stopping; the task goes back to the queue\./);
    assert.ok(!received.some((u) => u.taskStatus === 'failed' || u.taskStatus === 'completed'));
  });

  it('goes on working while the manager is away; every update waits in the queue, in order', async () => {
    updateReply = () => unreachable;
    const end = await runTask(
      taskWith([{ name: 'echo' }, { name: 'echo' }]),
      withRunners({ echo: async (context) => context.log('hello') }),
      new AbortController().signal,
    );
    assert.deepEqual(end, { kind: 'completed' });
    assert.equal(received.length, 0);
    const queued = queue.oldest(100).map((item) => item.update);
    assert.deepEqual(queued[0], { taskStatus: 'active', activity: 'Started' });
    assert.equal(queued.at(-1)?.taskStatus, 'completed');
    assert.equal(queued.map((u) => u.log ?? '').join(''), 'hello\nhello\n');
  });
});
