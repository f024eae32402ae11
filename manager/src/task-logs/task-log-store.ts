// Task logs as plain files in the data folder: <data>/job-logs/<job id prefix>/<job id>/task-<task id>.txt.
// Appends are serialised per file, so lines from one task keep their order.

import { appendFile, mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TaskLogStore {
  readonly #root: string;
  readonly #pending = new Map<string, Promise<void>>();

  constructor(dataDir: string) {
    this.#root = join(dataDir, 'job-logs');
  }

  jobDir(jobId: string): string {
    if (!UUID.test(jobId)) throw new Error(`not a job id: ${jobId}`);
    return join(this.#root, jobId.slice(0, 4), jobId);
  }

  file(jobId: string, taskId: string): string {
    if (!UUID.test(taskId)) throw new Error(`not a task id: ${taskId}`);
    return join(this.jobDir(jobId), `task-${taskId}.txt`);
  }

  /** Appends text (one or more lines) to the task's log. */
  append(jobId: string, taskId: string, text: string): Promise<void> {
    if (text === '') return Promise.resolve();
    const file = this.file(jobId, taskId);
    const content = text.endsWith('\n') ? text : text + '\n';
    const previous = this.#pending.get(file) ?? Promise.resolve();
    const next = previous.then(async () => {
      await mkdir(this.jobDir(jobId), { recursive: true });
      await appendFile(file, content);
    });
    const tracked = next.finally(() => {
      if (this.#pending.get(file) === tracked) this.#pending.delete(file);
    });
    this.#pending.set(file, tracked);
    return next;
  }

  /** Appends lines written by the manager itself, each with a timestamp. */
  appendManagerLines(jobId: string, taskId: string, lines: string[], now: string): Promise<void> {
    return this.append(jobId, taskId, lines.map((line) => `${now} ${line}`).join('\n'));
  }

  /** The log's size in bytes; 0 when there is none yet. */
  async size(jobId: string, taskId: string): Promise<number> {
    try {
      return (await stat(this.file(jobId, taskId))).size;
    } catch {
      return 0;
    }
  }

  /** Up to `limit` bytes from `offset`; empty past the end or when there is no log. */
  async read(jobId: string, taskId: string, offset: number, limit: number): Promise<Buffer> {
    let handle;
    try {
      handle = await open(this.file(jobId, taskId), 'r');
    } catch {
      return Buffer.alloc(0);
    }
    try {
      const buffer = Buffer.alloc(limit);
      const { bytesRead } = await handle.read(buffer, 0, limit, offset);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async deleteJob(jobId: string): Promise<void> {
    await rm(this.jobDir(jobId), { recursive: true, force: true });
  }
}
