import { changeTaskStatus, DEFAULT_STATE_MACHINE_OPTIONS } from './task-state-machine.ts';
import type { JobSnapshot, Outcome, StateMachineOptions, TaskRef } from './task-state-machine.ts';

// A worker gives a task back without finishing it: it signed off, went to sleep, timed out, was
// deleted or got blocklisted. The task goes back to the pool: queued for another worker, or
// paused when its job is being paused (so that the pause can complete).

export function returnTaskToPool(
  job: JobSnapshot,
  task: TaskRef,
  /** Completes "… because <reason>", e.g. "worker signed off". */
  reason: string,
  options: StateMachineOptions = DEFAULT_STATE_MACHINE_OPTIONS,
): Outcome {
  const target = job.status === 'pause-requested' || job.status === 'paused' ? 'paused' : 'queued';
  const activity = `The manager ${target === 'paused' ? 'paused' : 'queued'} this task again because ${reason}.`;
  const change = changeTaskStatus(job, task, target, { activity }, options);
  return {
    effects: [...change.effects, { kind: 'write-task-log', jobId: job.id, taskId: task.id, line: activity }],
    job: change.job,
  };
}
