// Writes task logs from a thread of its own. Creating a task's log file costs the file system a
// few hundred microseconds, and with a task handed out every few hundred microseconds that would
// otherwise be the manager's main cost: here it runs beside the requests, on the other core. A
// write is done, in order, when its promise resolves, so what a caller acknowledges is on disk
// (in the system's file cache, as any appended line).

import { Worker } from 'node:worker_threads';

export type LogWriterRequest =
  | { id: number; kind: 'append'; file: string; folder: string; content: string }
  | { id: number; kind: 'close-in'; folder: string }
  | { id: number; kind: 'close-all' };

export interface LogWriterReply {
  id: number;
  error?: { message: string; code?: string };
}

type Request = LogWriterRequest extends infer R ? (R extends LogWriterRequest ? Omit<R, 'id'> : never) : never;

export class LogWriter {
  #thread: Worker | undefined;
  #nextId = 1;
  /** Requests of this turn of the event loop, sent together: one message wakes the thread for all of them. */
  #batch: LogWriterRequest[] = [];
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  append(file: string, folder: string, content: string): Promise<void> {
    return this.#ask({ kind: 'append', file, folder, content });
  }

  /** Closes the logs of a folder that is about to be deleted. */
  closeIn(folder: string): Promise<void> {
    return this.#ask({ kind: 'close-in', folder });
  }

  /** Closes every log and ends the thread; a later write starts a new one. */
  async close(): Promise<void> {
    if (!this.#thread && this.#batch.length === 0) return;
    await this.#ask({ kind: 'close-all' });
    const thread = this.#thread;
    this.#thread = undefined;
    await thread?.terminate();
  }

  #ask(request: Request): Promise<void> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#batch.push({ ...request, id } as LogWriterRequest);
      if (this.#batch.length === 1) setImmediate(() => this.#send());
    });
  }

  #send(): void {
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0) return;
    const thread = this.#started();
    // Pending writes keep the process alive until they are done; an idle writer does not.
    thread.ref();
    thread.postMessage(batch);
  }

  #started(): Worker {
    if (this.#thread) return this.#thread;
    const thread = new Worker(new URL('./log-writer-thread.ts', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
    });
    thread.unref();
    thread.on('message', (replies: LogWriterReply[]) => {
      for (const reply of replies) this.#settle(thread, reply);
    });
    thread.on('error', (error) => this.#lost(thread, error));
    thread.on('exit', () => this.#lost(thread, new Error('the task-log writer stopped')));
    this.#thread = thread;
    return thread;
  }

  #settle(thread: Worker, reply: LogWriterReply): void {
    const waiting = this.#waiting.get(reply.id);
    if (!waiting) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) thread.unref();
    if (reply.error === undefined) return waiting.resolve();
    waiting.reject(Object.assign(new Error(reply.error.message), reply.error.code === undefined ? {} : { code: reply.error.code }));
  }

  /** The thread is gone: what it had not done fails, and the next write starts a new one. */
  #lost(thread: Worker, error: Error): void {
    if (this.#thread !== thread) return;
    this.#thread = undefined;
    this.#batch = [];
    for (const [id, waiting] of this.#waiting) {
      this.#waiting.delete(id);
      waiting.reject(error);
    }
  }
}
