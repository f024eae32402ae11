import assert from 'node:assert/strict';
import { checkCompiledJob } from '../src/check-compiled-job.ts';
import { CompileError } from '../src/errors.ts';
import type { CompileErrorKind } from '../src/errors.ts';
import { DEFAULT_LIMITS } from '../src/types.ts';
import type { CompiledJob, CompiledTask } from '../src/types.ts';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function task(i: number, dependsOn: number[] = [], name = `task-${i}`): CompiledTask {
  return {
    uuid: uuid(i),
    name,
    type: 'misc',
    priority: 50,
    commands: [{ name: 'echo', parameters: { message: `hello ${i}` }, totalStepCount: 0 }],
    dependencies: dependsOn.map(uuid),
  };
}

function compiled(tasks: unknown[]): CompiledJob {
  return {
    job: { name: 'job', type: 'echo-sleep-test', priority: 50, settings: { message: 'hi' }, metadata: { project: 'p' } },
    tasks: tasks as CompiledTask[],
    log: [{ level: 'print', message: 'compiled' }, { level: 'alert', message: 'careful' }],
  };
}

/** A chain: task i depends on task i-1. */
function chain(n: number): CompiledTask[] {
  const tasks = new Array<CompiledTask>(n);
  for (let i = 0; i < n; i++) tasks[i] = task(i, i === 0 ? [] : [i - 1]);
  return tasks;
}

function refusal(job: unknown, kind: CompileErrorKind = 'output', limits = DEFAULT_LIMITS): string {
  try {
    checkCompiledJob(job, limits);
  } catch (error) {
    assert.ok(error instanceof CompileError, `expected a CompileError, got ${String(error)}`);
    assert.equal(error.kind, kind);
    return error.message;
  }
  assert.fail('the compiled job was accepted');
}

function withTask(change: (t: Record<string, unknown>) => void): unknown {
  const job = compiled([task(0), task(1, [0], 'render-1-3')]);
  change(job.tasks[1] as unknown as Record<string, unknown>);
  return job;
}

describe('checkCompiledJob', () => {
  it('returns a valid job as it is', () => {
    const job = compiled([task(0), task(1, [0]), task(2, [0, 1]), task(3)]);
    assert.equal(checkCompiledJob(job, DEFAULT_LIMITS), job);
  });

  it('accepts a task without commands, a workerTag, and dependencies on later tasks', () => {
    const job = compiled([task(0, [1]), { ...task(1), commands: [] }]);
    job.job.workerTag = 'acce9983-e663-4210-b3cc-f7bfa629cb21';
    assert.equal(checkCompiledJob(job, DEFAULT_LIMITS), job);
  });

  it('refuses a job without tasks', () => {
    assert.match(refusal(compiled([])), /the script's compileJob added no tasks: call job\.addTask\(task\)/);
  });

  it('refuses more tasks than the limit', () => {
    const message = refusal(compiled(chain(11)), 'limit', { ...DEFAULT_LIMITS, maxTasks: 10 });
    assert.match(message, /the job has 11 tasks, more than the 10 one job may have/);
    assert.equal(checkCompiledJob(compiled(chain(10)), { ...DEFAULT_LIMITS, maxTasks: 10 }).tasks.length, 10);
  });

  it('refuses two tasks with the same UUID, naming both', () => {
    const job = compiled([task(0), task(1), { ...task(2), uuid: uuid(0) }]);
    assert.match(refusal(job), /task 3 "task-2" has the same UUID as task 1 "task-0" \(00000000-0000-4000-8000-000000000000\)/);
  });

  it('refuses a dependency on a task that is not part of the job', () => {
    const job = compiled([task(0), task(1, [7], 'render-1-3')]);
    assert.match(
      refusal(job),
      /task 2 "render-1-3" depends on a task with UUID "00000000-0000-4000-8000-000000000007", which is not part of this job: add that task to the job with job\.addTask\(task\) too/,
    );
  });

  it('refuses a task that depends on itself', () => {
    assert.match(refusal(compiled([task(0), task(1, [1], 'loop')])), /task 2 "loop" depends on itself/);
  });

  it('refuses the same dependency twice', () => {
    assert.match(refusal(compiled([task(0, [], 'a'), task(1, [0, 0], 'b')])), /task 2 "b" depends on task 1 "a" twice/);
  });

  it('refuses a cycle of two tasks, naming them', () => {
    const job = compiled([task(0), task(1, [2], 'b'), task(2, [1], 'c')]);
    assert.equal(
      refusal(job),
      'tasks of this job depend on each other in a circle, so none of them could ever run: ' +
        'task 2 "b" depends on task 3 "c", which depends on task 2 "b"; remove one of these addDependency() calls',
    );
  });

  it('names only the tasks of the cycle, not tasks that merely wait for it', () => {
    // 0 waits for 1; 1 -> 2 -> 3 -> 1 is the cycle; 4 is fine.
    const job = compiled([task(0, [1]), task(1, [4, 2]), task(2, [3]), task(3, [1]), task(4)]);
    const message = refusal(job);
    assert.match(message, /: task 2 "task-1" depends on task 3 "task-2", which depends on task 4 "task-3", which depends on task 2 "task-1";/);
    assert.doesNotMatch(message, /task-0|task-4/);
  });

  it('checks a chain of 100,000 tasks without running out of stack', () => {
    const job = compiled(chain(100_000));
    assert.equal(checkCompiledJob(job, DEFAULT_LIMITS), job);
  });

  it('finds a cycle through 100,000 tasks, and cuts the message short', () => {
    const tasks = chain(100_000);
    tasks[0] = task(0, [99_999]);
    const message = refusal(compiled(tasks));
    assert.match(message, /^tasks of this job depend on each other in a circle/);
    assert.match(message, /: task 1 "task-0" depends on task 100000 "task-99999", which depends on task 99999 "task-99998", /);
    assert.match(message, /, which depends on … \(99990 more tasks in the circle, the last of which depends on task 1 "task-0"\);/);
    assert.ok(message.length < 1000, `message of ${message.length} characters`);
  });

  it('accepts 10,000 tasks with a fan-out and a fan-in', () => {
    // Frame chunks depending on a setup task, and a video task depending on all of them.
    const tasks = [task(0)];
    for (let i = 1; i < 9_999; i++) tasks.push(task(i, [0]));
    tasks.push(task(9_999, Array.from({ length: 9_998 }, (_, i) => i + 1)));
    const job = compiled(tasks);
    assert.equal(checkCompiledJob(job, DEFAULT_LIMITS), job);
  });

  describe('refuses a malformed structure, naming the task and its position', () => {
    it('a job that is not an object', () => {
      assert.match(refusal(null), /the compiled job must be an object with "job", "tasks" and "log", but it is null/);
      assert.match(refusal([]), /but it is a list/);
    });

    it('a bad "job" part', () => {
      const bad = (change: (j: Record<string, unknown>) => void) => {
        const job = compiled([task(0)]);
        change(job.job as unknown as Record<string, unknown>);
        return refusal(job);
      };
      assert.match(bad((j) => delete j.name), /the compiled job's "job" has a name that is missing, not a string/);
      assert.match(bad((j) => (j.priority = 'high')), /has a priority that is "high" \(a string\), not a whole number/);
      assert.match(bad((j) => (j.priority = 1.5)), /has a priority that is 1\.5 \(a number\), not a whole number/);
      assert.match(bad((j) => (j.settings = [])), /has settings that are a list, not an object/);
      assert.match(bad((j) => (j.metadata = { n: 1 })), /has metadata "n" that is 1 \(a number\), not a string/);
      assert.match(bad((j) => (j.workerTag = 5)), /has a workerTag that is 5 \(a number\)/);
      assert.match(refusal({ tasks: [task(0)], log: [] }), /the compiled job's "job" must be an object, but it is missing/);
    });

    it('a bad log', () => {
      assert.match(refusal({ ...compiled([task(0)]), log: 'x' }), /the compiled job's "log" must be a list/);
      assert.match(refusal({ ...compiled([task(0)]), log: [{ level: 'info', message: 'x' }] }), /the compiled job's log line 1 must be/);
    });

    it('tasks that are not a list', () => {
      assert.match(refusal({ ...compiled([]), tasks: {} }), /the compiled job's "tasks" must be a list, but it is an object/);
    });

    it('a task that is not an object or has no name', () => {
      assert.match(refusal(compiled([task(0), 'task'])), /task 2 of the compiled job must be an object/);
      assert.match(refusal(withTask((t) => (t.name = ''))), /task 2 of the compiled job has a name that is "" \(a string\), not a non-empty string/);
    });

    it('a task without uuid, type or whole-number priority', () => {
      assert.match(refusal(withTask((t) => delete t.uuid)), /task 2 "render-1-3" has a uuid that is missing/);
      assert.match(refusal(withTask((t) => (t.type = 7))), /task 2 "render-1-3" has a type that is 7 \(a number\)/);
      assert.match(refusal(withTask((t) => (t.priority = 2.5))), /task 2 "render-1-3" has a priority that is 2\.5/);
    });

    it('bad commands', () => {
      const command = (change: (c: Record<string, unknown>) => void) =>
        withTask((t) => change((t.commands as Record<string, unknown>[])[0]));
      assert.match(refusal(withTask((t) => (t.commands = null))), /task 2 "render-1-3" has commands that are null, not a list/);
      assert.match(refusal(withTask((t) => (t.commands = [3]))), /task 2 "render-1-3" has a command 1 that is 3 \(a number\), not an object/);
      assert.match(refusal(command((c) => (c.name = null))), /task 2 "render-1-3", command 1 \(null\), has a name that is null/);
      assert.match(refusal(command((c) => (c.parameters = ['a']))), /task 2 "render-1-3", command 1 "echo", has parameters that are a list; they must be an object of JSON values/);
      assert.match(refusal(command((c) => (c.parameters = null))), /has parameters that are null/);
      assert.match(refusal(command((c) => (c.parameters = new Date(0)))), /has parameters that are an object/);
      assert.match(refusal(command((c) => (c.totalStepCount = -1))), /command 1 "echo", has a totalStepCount that is -1 \(a number\); it must be a whole number, 0 or more/);
      assert.match(refusal(command((c) => (c.totalStepCount = 1.5))), /totalStepCount that is 1\.5/);
      assert.match(refusal(command((c) => delete c.totalStepCount)), /totalStepCount that is missing/);
    });

    it('bad dependencies', () => {
      assert.match(refusal(withTask((t) => (t.dependencies = uuid(0)))), /task 2 "render-1-3" has dependencies that are .*not a list of task UUIDs/);
      assert.match(refusal(withTask((t) => (t.dependencies = [0]))), /task 2 "render-1-3" has a dependency 1 that is 0 \(a number\), not a task UUID/);
    });

    it('cuts long task names short', () => {
      const message = refusal(compiled([task(0), task(1, [1], 'n'.repeat(10_000))]));
      assert.ok(message.length < 200, `message of ${message.length} characters`);
    });
  });
});
