// Task logs kept open for appending: the most recently written ones, a bounded number of them.
// A task's log is written a few times within moments (assigned, its worker's lines, completed),
// and opening a file costs more than writing a line to it. Used by the log writer's thread
// (log-writer-thread.ts), where synchronous file calls hold up nothing else.

import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { sep } from 'node:path';

export const MAX_OPEN_LOGS = 128;

export class OpenLogs {
  /** File → descriptor, least recently written first. */
  readonly #descriptors = new Map<string, number>();
  readonly #limit: number;

  constructor(limit = MAX_OPEN_LOGS) {
    this.#limit = limit;
  }

  /** Appends to the file, opening it (and creating it and its folder when missing) if it is not open. */
  append(file: string, folder: string, content: string): void {
    let fd = this.#descriptors.get(file);
    if (fd !== undefined) {
      this.#descriptors.delete(file);
    } else {
      try {
        fd = openSync(file, 'a');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        mkdirSync(folder, { recursive: true });
        fd = openSync(file, 'a');
      }
    }
    try {
      writeFileSync(fd, content);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    this.#descriptors.set(file, fd);
    for (const [oldest, oldFd] of this.#descriptors) {
      if (this.#descriptors.size <= this.#limit) break;
      this.#descriptors.delete(oldest);
      closeSync(oldFd);
    }
  }

  /** Closes the logs in a folder (before it is deleted). */
  closeIn(folder: string): void {
    for (const [file, fd] of this.#descriptors) {
      if (!file.startsWith(folder + sep)) continue;
      this.#descriptors.delete(file);
      closeSync(fd);
    }
  }

  closeAll(): void {
    for (const fd of this.#descriptors.values()) closeSync(fd);
    this.#descriptors.clear();
  }
}
