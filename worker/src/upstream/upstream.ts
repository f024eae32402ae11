// Every task update to the manager goes through here, one at a time and in order. An update is
// sent at once when nothing is waiting; when the manager cannot take it (unreachable, busy) it
// goes to the durable queue, and so does every later update until the queue is empty again —
// otherwise a new update could overtake an older one. The queue is sent in the background,
// with growing waits, and whenever the worker asks for it (before asking for a new task).
// While the manager is away, updates go straight to disk: nothing waits on the network.

import type { Logger } from 'pino';
import { Backoff, UNREACHABLE_BACKOFF, type BackoffPolicy } from '../loop/backoff.ts';
import { classifyUpdateReply, type UpdateOutcome } from '../loop/decisions.ts';
import type { Reply, TaskUpdate } from '../manager/manager-client.ts';
import { firstBatch } from './merge-updates.ts';
import type { UpdateQueue } from './update-queue.ts';

/** What became of an update handed to the upstream: it reached the manager, or waits in the queue, or was dropped. */
export type Delivery = 'delivered' | 'queued' | 'task-gone' | 'unknown-worker' | 'refused';

export interface UpstreamListener {
  /** The manager took the task away (409) or it no longer exists (404). */
  taskGone?(taskId: string, message: string): void;
  /** The manager does not know this worker's credentials. */
  unknownWorker?(message: string): void;
}

export interface UpstreamOptions {
  /** Waits between background attempts to send the queue. */
  retryBackoff?: BackoffPolicy;
  random?: () => number;
  /** Queued updates read per round. */
  readBatchSize?: number;
}

type Send = (taskId: string, update: TaskUpdate) => Promise<Reply>;

export class Upstream {
  readonly #send: Send;
  readonly #queue: UpdateQueue;
  readonly #log: Logger;
  readonly #listeners = new Set<UpstreamListener>();
  readonly #retry: Backoff;
  readonly #readBatchSize: number;
  /** The end of the chain every send and flush joins: one at a time, in call order. */
  #tail: Promise<unknown> = Promise.resolve();
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(send: Send, queue: UpdateQueue, log: Logger, options: UpstreamOptions = {}) {
    this.#send = send;
    this.#queue = queue;
    this.#log = log;
    this.#retry = new Backoff(options.retryBackoff ?? UNREACHABLE_BACKOFF, options.random);
    this.#readBatchSize = options.readBatchSize ?? 100;
    // Updates left from an earlier run go out first.
    if (queue.size > 0) this.#scheduleRetry(0);
  }

  listen(listener: UpstreamListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Updates waiting in the durable queue. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Sends the update, or queues it when the manager cannot take it now. Never rejects. */
  send(taskId: string, update: TaskUpdate): Promise<Delivery> {
    return this.#serialised(async () => {
      if (this.#queue.size > 0) return this.#enqueue(taskId, update);
      const reply = await this.#send(taskId, update);
      const outcome = classifyUpdateReply(reply);
      if (outcome === 'retry-later') {
        this.#log.info({ task: taskId, reason: reply.message }, 'task updates are kept on disk until the manager can take them');
        return this.#enqueue(taskId, update);
      }
      this.#report(outcome, taskId, 'the update', reply.message);
      return outcome;
    });
  }

  /** Sends what is queued; true when the queue is empty afterwards. */
  flush(): Promise<boolean> {
    return this.#serialised(() => this.#flushQueue());
  }

  /** Stops the background sending; what is queued stays on disk for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#tail;
  }

  #serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  #enqueue(taskId: string, update: TaskUpdate): Delivery {
    this.#queue.append(taskId, update);
    this.#scheduleRetry();
    return 'queued';
  }

  async #flushQueue(): Promise<boolean> {
    for (;;) {
      const batch = firstBatch(this.#queue.oldest(this.#readBatchSize));
      if (batch === undefined) {
        this.#retry.reset();
        return true;
      }
      const reply = await this.#send(batch.taskId, batch.update);
      const outcome = classifyUpdateReply(reply);
      if (outcome === 'retry-later') {
        this.#log.debug({ queued: this.#queue.size, reason: reply.message }, 'the manager cannot take the queued task updates yet');
        this.#scheduleRetry();
        return false;
      }
      this.#queue.removeThrough(batch.items.at(-1)!.id);
      this.#report(outcome, batch.taskId, `${batch.items.length} queued update(s)`, reply.message);
      if (outcome === 'delivered') this.#log.debug({ task: batch.taskId, updates: batch.items.length }, 'queued task updates delivered');
    }
  }

  #report(outcome: UpdateOutcome, taskId: string, what: string, message: string): void {
    if (outcome === 'delivered') return;
    if (outcome === 'task-gone') {
      this.#log.info({ task: taskId, reason: message }, `${what} for task ${taskId} dropped: the task is no longer this worker's`);
      for (const listener of this.#listeners) listener.taskGone?.(taskId, message);
    } else if (outcome === 'unknown-worker') {
      this.#log.warn({ task: taskId, reason: message }, `${what} for task ${taskId} dropped: the manager does not know this worker any more`);
      for (const listener of this.#listeners) listener.unknownWorker?.(message);
    } else {
      this.#log.error({ task: taskId, reason: message }, `${what} for task ${taskId} dropped: the manager refused it`);
    }
  }

  #scheduleRetry(delay = this.#retry.next()): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#closed) return;
      void this.flush();
    }, delay);
    this.#retryTimer.unref();
  }
}
