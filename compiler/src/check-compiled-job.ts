// The host's check of what a compile produced, before anything is stored: the shape of the job, at
// least one task, unique task UUIDs, dependencies inside the job, no cycles. The sandbox's output
// is not trusted, so this runs on the parsed JSON; it is linear in tasks plus dependencies.

import { CompileError } from './errors.ts';
import type { CompiledJob, SandboxLimits } from './types.ts';

/** Returns the same object, typed, when it is a valid compiled job; throws a CompileError otherwise. */
export function checkCompiledJob(job: unknown, limits: SandboxLimits): CompiledJob {
  if (!isRecord(job)) fail(`the compiled job must be an object with "job", "tasks" and "log", but it is ${kindOf(job)}`);
  checkJobPart(job.job);
  checkLog(job.log);

  const tasks = job.tasks;
  if (!Array.isArray(tasks)) fail(`the compiled job's "tasks" must be a list, but it is ${kindOf(tasks)}`);
  if (tasks.length > limits.maxTasks) {
    throw new CompileError(
      'limit',
      `the job has ${tasks.length} tasks, more than the ${limits.maxTasks} one job may have; make fewer tasks (e.g. a larger chunk size)`,
    );
  }
  if (tasks.length === 0) fail(`the script's compileJob added no tasks: call job.addTask(task) for every task it makes`);

  const indexOf = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) {
    const task: unknown = tasks[i];
    checkTask(task, i);
    const earlier = indexOf.get(task.uuid);
    if (earlier !== undefined) {
      fail(`${taskLabel(tasks, i)} has the same UUID as ${taskLabel(tasks, earlier)} (${task.uuid}); every task needs its own`);
    }
    indexOf.set(task.uuid, i);
  }
  checkDependencies(tasks as TaskShape[], indexOf);
  return job as unknown as CompiledJob;
}

interface TaskShape {
  uuid: string;
  name: string;
  dependencies: string[];
}

function checkJobPart(value: unknown): void {
  if (!isRecord(value)) fail(`the compiled job's "job" must be an object, but it is ${kindOf(value)}`);
  const where = `the compiled job's "job"`;
  if (typeof value.name !== 'string') fail(`${where} has a name that is ${kindOf(value.name)}, not a string`);
  if (typeof value.type !== 'string') fail(`${where} has a type that is ${kindOf(value.type)}, not a string`);
  if (!Number.isInteger(value.priority)) fail(`${where} has a priority that is ${kindOf(value.priority)}, not a whole number`);
  if (!isRecord(value.settings)) fail(`${where} has settings that are ${kindOf(value.settings)}, not an object`);
  if (!isRecord(value.metadata)) fail(`${where} has metadata that is ${kindOf(value.metadata)}, not an object`);
  for (const [key, item] of Object.entries(value.metadata)) {
    if (typeof item !== 'string') fail(`${where} has metadata ${JSON.stringify(key)} that is ${kindOf(item)}, not a string`);
  }
  if (value.workerTag !== undefined && typeof value.workerTag !== 'string') {
    fail(`${where} has a workerTag that is ${kindOf(value.workerTag)}, not a string`);
  }
}

function checkLog(value: unknown): void {
  if (!Array.isArray(value)) fail(`the compiled job's "log" must be a list, but it is ${kindOf(value)}`);
  for (let i = 0; i < value.length; i++) {
    const entry: unknown = value[i];
    if (!isRecord(entry) || (entry.level !== 'print' && entry.level !== 'alert') || typeof entry.message !== 'string') {
      fail(`the compiled job's log line ${i + 1} must be {"level": "print" or "alert", "message": "..."}, but it is ${kindOf(entry)}`);
    }
  }
}

function checkTask(task: unknown, i: number): asserts task is TaskShape & Record<string, unknown> {
  if (!isRecord(task)) fail(`task ${i + 1} of the compiled job must be an object, but it is ${kindOf(task)}`);
  if (typeof task.name !== 'string' || task.name === '') {
    fail(`task ${i + 1} of the compiled job has a name that is ${kindOf(task.name)}, not a non-empty string`);
  }
  const label = `task ${i + 1} ${quote(task.name)}`;
  if (typeof task.uuid !== 'string' || task.uuid === '') fail(`${label} has a uuid that is ${kindOf(task.uuid)}, not a non-empty string`);
  if (typeof task.type !== 'string' || task.type === '') fail(`${label} has a type that is ${kindOf(task.type)}, not a non-empty string`);
  if (!Number.isInteger(task.priority)) fail(`${label} has a priority that is ${kindOf(task.priority)}, not a whole number`);

  const commands = task.commands;
  if (!Array.isArray(commands)) fail(`${label} has commands that are ${kindOf(commands)}, not a list`);
  for (let c = 0; c < commands.length; c++) {
    const command: unknown = commands[c];
    if (!isRecord(command)) fail(`${label} has a command ${c + 1} that is ${kindOf(command)}, not an object`);
    const where = `${label}, command ${c + 1} ${quote(command.name)},`;
    if (typeof command.name !== 'string') fail(`${where} has a name that is ${kindOf(command.name)}, not a string`);
    if (!isPlainObject(command.parameters)) {
      fail(`${where} has parameters that are ${kindOf(command.parameters)}; they must be an object of JSON values`);
    }
    const steps = command.totalStepCount;
    if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) {
      fail(`${where} has a totalStepCount that is ${kindOf(steps)}; it must be a whole number, 0 or more`);
    }
  }

  const dependencies = task.dependencies;
  if (!Array.isArray(dependencies)) fail(`${label} has dependencies that are ${kindOf(dependencies)}, not a list of task UUIDs`);
  for (let d = 0; d < dependencies.length; d++) {
    if (typeof dependencies[d] !== 'string') {
      fail(`${label} has a dependency ${d + 1} that is ${kindOf(dependencies[d])}, not a task UUID`);
    }
  }
}

// Dependencies as index arrays, then Kahn's algorithm (no recursion, so chains of any length are
// fine): a task becomes ready once all its dependencies are; tasks never ready sit on a cycle or
// depend on one.
function checkDependencies(tasks: TaskShape[], indexOf: Map<string, number>): void {
  const n = tasks.length;
  let edges = 0;
  for (let i = 0; i < n; i++) edges += tasks[i].dependencies.length;

  const depStart = new Int32Array(n + 1);
  const depOf = new Int32Array(edges);
  const dependentCount = new Int32Array(n);
  const lastSeenBy = new Int32Array(n).fill(-1);
  let e = 0;
  for (let i = 0; i < n; i++) {
    depStart[i] = e;
    const dependencies = tasks[i].dependencies;
    for (let d = 0; d < dependencies.length; d++) {
      const j = indexOf.get(dependencies[d]);
      if (j === undefined) {
        fail(
          `${taskLabel(tasks, i)} depends on a task with UUID ${quote(dependencies[d])}, which is not part of this job: ` +
            `add that task to the job with job.addTask(task) too`,
        );
      }
      if (j === i) fail(`${taskLabel(tasks, i)} depends on itself; a task cannot wait for itself to finish`);
      if (lastSeenBy[j] === i) fail(`${taskLabel(tasks, i)} depends on ${taskLabel(tasks, j)} twice; add each dependency once`);
      lastSeenBy[j] = i;
      depOf[e++] = j;
      dependentCount[j]++;
    }
  }
  depStart[n] = e;

  // Reverse edges (dependency -> dependents), packed the same way.
  const dependentStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) dependentStart[i + 1] = dependentStart[i] + dependentCount[i];
  const fillAt = dependentStart.slice(0, n);
  const dependentOf = new Int32Array(edges);
  for (let i = 0; i < n; i++) {
    for (let k = depStart[i]; k < depStart[i + 1]; k++) dependentOf[fillAt[depOf[k]]++] = i;
  }

  const waitingFor = new Int32Array(n);
  const ready = new Int32Array(n);
  let readyEnd = 0;
  for (let i = 0; i < n; i++) {
    waitingFor[i] = depStart[i + 1] - depStart[i];
    if (waitingFor[i] === 0) ready[readyEnd++] = i;
  }
  for (let next = 0; next < readyEnd; next++) {
    const done = ready[next];
    for (let k = dependentStart[done]; k < dependentStart[done + 1]; k++) {
      const dependent = dependentOf[k];
      if (--waitingFor[dependent] === 0) ready[readyEnd++] = dependent;
    }
  }
  if (readyEnd === n) return;

  // Every task still waiting waits for another task still waiting, so following those from the
  // first one must come back to a task already on the path: that part of the path is a cycle.
  let start = 0;
  while (waitingFor[start] === 0) start++;
  const positionOnPath = new Int32Array(n).fill(-1);
  const path: number[] = [];
  let current = start;
  while (positionOnPath[current] === -1) {
    positionOnPath[current] = path.length;
    path.push(current);
    let k = depStart[current];
    while (waitingFor[depOf[k]] === 0) k++;
    current = depOf[k];
  }
  const cycle = path.slice(positionOnPath[current]);
  fail(describeCycle(tasks, cycle));
}

function describeCycle(tasks: TaskShape[], cycle: number[]): string {
  const labels = cycle.slice(0, 10).map((i) => taskLabel(tasks, i));
  const closing =
    cycle.length > labels.length
      ? `… (${cycle.length - labels.length} more tasks in the circle, the last of which depends on ${labels[0]})`
      : labels[0];
  return (
    `tasks of this job depend on each other in a circle, so none of them could ever run: ` +
    `${labels[0]} depends on ${[...labels.slice(1), closing].join(', which depends on ')}; ` +
    `remove one of these addDependency() calls`
  );
}

function taskLabel(tasks: readonly unknown[], i: number): string {
  const task = tasks[i] as { name?: unknown };
  return `task ${i + 1} ${quote(task.name)}`;
}

function fail(message: string): never {
  throw new CompileError('output', message);
}

function quote(value: unknown): string {
  if (typeof value !== 'string') return `(${kindOf(value)})`;
  return JSON.stringify(value.length > 80 ? value.slice(0, 79) + '…' : value);
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? quote(value) : String(value);
  return `${text} (a ${typeof value})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
