// What one task tells the manager while it runs. Log lines, step counts and activity text are
// gathered and sent together, at most every `flushIntervalMs` (or sooner when much log has
// piled up); a status change goes at once, with everything gathered before it in the same
// update, so the log that explains a failure arrives with the failure.

import type { TaskUpdate } from '../manager/manager-client.ts';
import type { Delivery, Upstream } from '../upstream/upstream.ts';

export interface TaskReporterOptions {
  /** The longest a log line or a step count waits before it is sent. */
  flushIntervalMs: number;
  /** Log gathered up to this size is sent at once. */
  maxBatchChars: number;
  /** Longer lines are cut, so that one line cannot exceed what the manager takes. */
  maxLineChars: number;
}

export const DEFAULT_REPORTER_OPTIONS: TaskReporterOptions = {
  flushIntervalMs: 1_000,
  maxBatchChars: 256 * 1024,
  maxLineChars: 64 * 1024,
};

export class TaskReporter {
  readonly taskId: string;
  readonly #upstream: Upstream;
  readonly #options: TaskReporterOptions;
  #log = '';
  #steps: number | undefined;
  #activity: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastSend: Promise<Delivery> = Promise.resolve('delivered');

  constructor(taskId: string, upstream: Upstream, options: TaskReporterOptions = DEFAULT_REPORTER_OPTIONS) {
    this.taskId = taskId;
    this.#upstream = upstream;
    this.#options = options;
  }

  /** Adds lines to the task log (text with several lines is split). */
  log(text: string): void {
    for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) this.#log += cutLine(line, this.#options.maxLineChars) + '\n';
    if (this.#log.length >= this.#options.maxBatchChars) void this.flush();
    else this.#flushSoon();
  }

  steps(completed: number): void {
    this.#steps = completed;
    this.#flushSoon();
  }

  activity(text: string): void {
    this.#activity = text;
    this.#flushSoon();
  }

  /** Sends a status change now, after (and together with) everything gathered so far. */
  status(taskStatus: NonNullable<TaskUpdate['taskStatus']>, activity: string, log?: string): Promise<Delivery> {
    if (log !== undefined) this.log(log);
    this.#activity = activity;
    return this.#sendGathered({ taskStatus });
  }

  /** Sends what is gathered now; resolves when it is delivered or queued. */
  flush(): Promise<Delivery> {
    if (this.#log === '' && this.#steps === undefined && this.#activity === undefined) return this.#lastSend;
    return this.#sendGathered({});
  }

  /** Stops the timer; call flush() first to send what is left. */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #sendGathered(extra: TaskUpdate): Promise<Delivery> {
    this.close();
    const update: TaskUpdate = {
      ...extra,
      ...(this.#activity === undefined ? {} : { activity: this.#activity }),
      ...(this.#log === '' ? {} : { log: this.#log }),
      ...(this.#steps === undefined ? {} : { steps_completed: this.#steps }),
    };
    this.#log = '';
    this.#steps = undefined;
    this.#activity = undefined;
    this.#lastSend = this.#upstream.send(this.taskId, update);
    return this.#lastSend;
  }

  #flushSoon(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.flushIntervalMs);
  }
}

function cutLine(line: string, max: number): string {
  if (line.length <= max) return line;
  return `${line.slice(0, max)}… (${line.length - max} more characters cut)`;
}
