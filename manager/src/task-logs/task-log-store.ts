// Task logs as plain files in the data folder: <data>/job-logs/<job id prefix>/<job id>/task-<task id>.txt.
// Appends are written by the log writer's thread in the order they were made, so lines from one
// task keep their order; each append is published as a `task-log` event once it is on disk.
// The manager's own lines (task assigned, status changed) are written without holding up the
// request that made them; reads of a log wait for the writes made to it before they were asked.
// Reads take only the part asked for.

import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventBus } from '../events/event-bus.ts';
import { chunkEnd, skipPartialCharacter, tailStart } from './log-slices.ts';
import { LogWriter } from './log-writer.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How much of a log's end `tail` returns at most, as Flamenco does. */
export const TAIL_BYTES = 2048;

export interface LogChunk {
  /** Where `text` starts (moved past a character cut in two by the requested offset). */
  offset: number;
  nextOffset: number;
  /** The log's size now. */
  size: number;
  text: string;
}

/** Logs with writes under way beyond which the manager's own lines wait for theirs. */
const MAX_UNWRITTEN_LOGS = 10_000;

export class OffsetPastEndError extends Error {}

export class TaskLogStore {
  readonly #root: string;
  readonly #events: EventBus | undefined;
  readonly #writer = new LogWriter();
  readonly #onBackgroundError: (error: Error) => void;
  /** File → its latest write not done yet. */
  readonly #unwritten = new Map<string, Promise<void>>();

  constructor(dataDir: string, events?: EventBus, onBackgroundError: (error: Error) => void = () => undefined) {
    this.#root = join(dataDir, 'job-logs');
    this.#events = events;
    this.#onBackgroundError = onBackgroundError;
  }

  jobDir(jobId: string): string {
    if (!UUID.test(jobId)) throw new Error(`not a job id: ${jobId}`);
    return join(this.#root, jobId.slice(0, 4), jobId);
  }

  file(jobId: string, taskId: string): string {
    if (!UUID.test(taskId)) throw new Error(`not a task id: ${taskId}`);
    return join(this.jobDir(jobId), `task-${taskId}.txt`);
  }

  /** Appends text (one or more lines) to the task's log; done when it is written. */
  async append(jobId: string, taskId: string, text: string): Promise<void> {
    if (text === '') return;
    const file = this.file(jobId, taskId);
    const content = text.endsWith('\n') ? text : text + '\n';
    const written = this.#writer.append(file, this.jobDir(jobId), content);
    this.#unwritten.set(file, written);
    try {
      await written;
    } finally {
      if (this.#unwritten.get(file) === written) this.#unwritten.delete(file);
    }
    this.#events?.publish({ type: 'task-log', data: { task_id: taskId, log: content } });
  }

  /**
   * Appends lines written by the manager itself, each with a timestamp, in the background: a
   * failure goes to the error handler. Waits only when the writer has fallen far behind.
   */
  appendManagerLines(jobId: string, taskId: string, lines: string[], now: string): Promise<void> {
    const written = this.append(jobId, taskId, lines.map((line) => `${now} ${line}`).join('\n')).catch((error: Error) => this.#onBackgroundError(error));
    return this.#unwritten.size > MAX_UNWRITTEN_LOGS ? written : Promise.resolve();
  }

  /** Waits for the writes made to the task's log so far (they may fail: that is their writer's business). */
  async written(jobId: string, taskId: string): Promise<void> {
    await this.#written(this.file(jobId, taskId));
  }

  async #written(file: string): Promise<void> {
    await this.#unwritten.get(file)?.catch(() => undefined);
  }

  /** The log's size in bytes; 0 when there is none yet. */
  async size(jobId: string, taskId: string): Promise<number> {
    const file = this.file(jobId, taskId);
    await this.#written(file);
    try {
      return (await stat(file)).size;
    } catch {
      return 0;
    }
  }

  /** The last lines of the log, at most `maxBytes` of them; empty when there is no log. */
  async tail(jobId: string, taskId: string, maxBytes = TAIL_BYTES): Promise<string> {
    return this.#withFile(jobId, taskId, '', async (handle) => {
      const { size } = await handle.stat();
      // One byte more than asked for tells whether the window starts at a line.
      const start = Math.max(0, size - maxBytes - 1);
      const bytes = await readAt(handle, start, size - start);
      const window = start === 0 ? bytes : bytes.subarray(1);
      const from = tailStart(window, start === 0 ? undefined : bytes[0]);
      return window.subarray(from).toString('utf8');
    });
  }

  /**
   * Up to `limit` bytes of the log from `offset`, cut at line (or at least character)
   * boundaries; undefined when there is no log. Throws OffsetPastEndError past the end.
   */
  async chunk(jobId: string, taskId: string, offset: number, limit: number): Promise<LogChunk | undefined> {
    return this.#withFile(jobId, taskId, undefined, async (handle) => {
      const { size } = await handle.stat();
      if (size === 0) return undefined;
      if (offset > size) throw new OffsetPastEndError(`offset ${offset} is past the end of the log (${size} bytes)`);
      // A few bytes more than the limit, to finish a character the limit cuts in two.
      const bytes = await readAt(handle, offset, Math.min(limit + 3, size - offset));
      const start = skipPartialCharacter(bytes);
      const rest = bytes.subarray(start);
      const end = rest.length === 0 ? 0 : chunkEnd(rest, limit, offset + bytes.length >= size);
      return { offset: offset + start, nextOffset: offset + start + end, size, text: rest.subarray(0, end).toString('utf8') };
    });
  }

  /** Runs `read` on the open log file, or answers `none` when there is no log. */
  async #withFile<T>(jobId: string, taskId: string, none: T, read: (handle: FileHandle) => Promise<T>): Promise<T> {
    const file = this.file(jobId, taskId);
    await this.#written(file);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return none;
      throw error;
    }
    try {
      return await read(handle);
    } finally {
      await handle.close();
    }
  }

  async deleteJob(jobId: string): Promise<void> {
    await this.#writer.closeIn(this.jobDir(jobId));
    await rm(this.jobDir(jobId), { recursive: true, force: true });
  }

  /** Closes the logs kept open and the writer's thread; appends after this start it again. */
  close(): Promise<void> {
    return this.#writer.close();
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
