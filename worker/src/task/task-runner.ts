// Runs one task: tells the manager it started, runs the commands in order through the command
// runners, reports their log lines, steps and images, and ends with "completed" or "failed".
// It stops at once (without reporting a failure) when the manager says no on may-i-run, when an
// update shows the task is no longer this worker's, or when the worker stops.

import type { Logger } from 'pino';
import { CommandError, type CommandEnvironment, type CommandRunner } from '../commands/command.ts';
import type { AssignedTask } from '../manager/manager-client.ts';
import type { Upstream } from '../upstream/upstream.ts';
import { watchMayIRun, type AskMayIRun } from './may-i-run-watch.ts';
import type { OutputUploader } from './output-uploader.ts';
import { TaskReporter, type TaskReporterOptions } from './task-reporter.ts';

export type AbortReason =
  /** The worker stops (SIGTERM, or a status change it follows at once): the task goes back to the queue. */
  | { readonly kind: 'stopping' }
  /** may-i-run said no: the task was canceled or taken away, or the worker must change status. */
  | { readonly kind: 'refused'; readonly reason: string; readonly statusChangeRequested: boolean }
  /** An update got 409/404: the task is someone else's now, or gone. */
  | { readonly kind: 'task-gone'; readonly reason: string }
  /** The manager does not know this worker's credentials any more. */
  | { readonly kind: 'worker-unknown'; readonly reason: string };

export type TaskEnd =
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'aborted'; readonly reason: AbortReason };

export interface TaskRunServices {
  upstream: Upstream;
  uploader: OutputUploader;
  mayIRun: AskMayIRun;
  commandRunners: Readonly<Record<string, CommandRunner>>;
  environment: CommandEnvironment;
  log: Logger;
  mayIRunIntervalMs: number;
  reporter: TaskReporterOptions;
  /** Told when a command starts and ends (for measuring the worker's own overhead). */
  onCommand?: (event: 'start' | 'end', taskId: string, commandName: string) => void;
}

export async function runTask(task: AssignedTask, services: TaskRunServices, stopSignal: AbortSignal): Promise<TaskEnd> {
  const log = services.log.child({ task: task.uuid, job: task.job });
  const reporter = new TaskReporter(task.uuid, services.upstream, services.reporter);
  const abort = new AbortController();
  let abortReason: AbortReason = { kind: 'stopping' };
  const abortWith = (reason: AbortReason) => {
    if (abort.signal.aborted) return;
    abortReason = reason;
    abort.abort();
  };
  const onStop = () => abortWith({ kind: 'stopping' });
  stopSignal.addEventListener('abort', onStop);
  if (stopSignal.aborted) onStop();
  const unlisten = services.upstream.listen({
    taskGone: (taskId, reason) => {
      if (taskId === task.uuid) abortWith({ kind: 'task-gone', reason });
    },
    unknownWorker: (reason) => abortWith({ kind: 'worker-unknown', reason }),
  });
  const commandsDone = new AbortController();

  log.info({ name: task.name, type: task.task_type, commands: task.commands.length }, 'task started');
  try {
    const started = await reporter.status('active', 'Started');
    if (abort.signal.aborted || started === 'task-gone' || started === 'unknown-worker') return finish({ kind: 'aborted', reason: abortReason });

    const watching = watchMayIRun(services.mayIRun, task.uuid, services.mayIRunIntervalMs, AbortSignal.any([abort.signal, commandsDone.signal]), (refusal) =>
      abortWith({ kind: 'refused', ...refusal }),
    );
    const end = await runCommands(task, services, reporter, abort.signal, () => abortReason);
    commandsDone.abort();
    await watching;
    return finish(end);
  } finally {
    commandsDone.abort();
    unlisten();
    stopSignal.removeEventListener('abort', onStop);
    reporter.close();
  }

  async function finish(end: TaskEnd): Promise<TaskEnd> {
    switch (end.kind) {
      case 'completed':
        await reporter.status('completed', 'Completed');
        log.info('task completed');
        break;
      case 'failed':
        await reporter.status('failed', `Failed: ${end.message}`, `Failed: ${end.message}`);
        log.warn({ reason: end.message }, 'task failed');
        break;
      case 'aborted':
        await reportAbort(end.reason);
        log.warn({ reason: end.reason }, 'task stopped before its end');
        break;
    }
    return end;
  }

  /** While the task is still this worker's, its log says why it stopped; then the manager decides what comes next. */
  async function reportAbort(reason: AbortReason): Promise<void> {
    if (reason.kind === 'stopping') {
      reporter.log('The worker is stopping; the task goes back to the queue.');
      await reporter.flush();
    } else if (reason.kind === 'refused' && reason.statusChangeRequested) {
      reporter.log('Stopped: the worker was asked to change its status; the task goes back to the queue.');
      await reporter.flush();
    }
  }
}

async function runCommands(
  task: AssignedTask,
  services: TaskRunServices,
  reporter: TaskReporter,
  signal: AbortSignal,
  abortReason: () => AbortReason,
): Promise<TaskEnd> {
  const aborted = (): TaskEnd => ({ kind: 'aborted', reason: abortReason() });
  let steps = 0;
  for (const [index, command] of task.commands.entries()) {
    if (signal.aborted) return aborted();
    const runner = Object.hasOwn(services.commandRunners, command.name) ? services.commandRunners[command.name] : undefined;
    if (runner === undefined) {
      return {
        kind: 'failed',
        message: `this worker has no command "${command.name}" (it runs ${Object.keys(services.commandRunners).sort().join(', ')}); check the job type's commands`,
      };
    }
    if (task.commands.length > 1) reporter.activity(`Running ${command.name} (${index + 1} of ${task.commands.length})`);
    services.onCommand?.('start', task.uuid, command.name);
    try {
      await runner({
        parameters: (command.parameters ?? {}) as Record<string, unknown>,
        environment: services.environment,
        signal,
        log: (line) => reporter.log(line),
        stepCompleted: () => reporter.steps(++steps),
        outputProduced: (imagePath) => services.uploader.offer(task.uuid, imagePath),
      });
    } catch (error) {
      if (signal.aborted) return aborted();
      if (error instanceof CommandError) return { kind: 'failed', message: error.message };
      services.log.error({ task: task.uuid, command: command.name, err: error }, 'a command failed in an unexpected way');
      return { kind: 'failed', message: `${command.name} failed unexpectedly: ${(error as Error)?.message ?? String(error)}` };
    } finally {
      services.onCommand?.('end', task.uuid, command.name);
    }
    if (signal.aborted) return aborted();
    // A command without steps of its own counts as one step when it ends (as Flamenco's worker does).
    if (command.total_step_count <= 0) reporter.steps(++steps);
  }
  return { kind: 'completed' };
}
