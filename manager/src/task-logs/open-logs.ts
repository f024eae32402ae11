// Task logs kept open for appending: the most recently written ones, a bounded number of them.
// A task's log is written a few times within moments (assigned, its worker's lines, completed),
// and opening a file costs more than writing a line to it. A log that is open is written at
// once, synchronously (a few microseconds, like the SQLite writes in the same folder); opening
// one, which creates it the first time and may wait for the file system, is done in the thread
// pool. Callers keep appends to one file in order (task-log-store.ts).

import { closeSync, open, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { sep } from 'node:path';

export const MAX_OPEN_LOGS = 128;

export class OpenLogs {
  /** File → descriptor, least recently written first. */
  readonly #descriptors = new Map<string, number>();
  readonly #limit: number;

  constructor(limit = MAX_OPEN_LOGS) {
    this.#limit = limit;
  }

  /** Appends to the file if it is open; false if it is not. */
  appendIfOpen(file: string, content: string): boolean {
    const fd = this.#descriptors.get(file);
    if (fd === undefined) return false;
    writeFileSync(fd, content);
    this.#descriptors.delete(file);
    this.#descriptors.set(file, fd);
    return true;
  }

  /** Opens the file (creating it, and its folder when missing), appends, and keeps it open. */
  async openAndAppend(file: string, folder: string, content: string): Promise<void> {
    if (this.appendIfOpen(file, content)) return;
    let fd: number;
    try {
      fd = await openForAppending(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(folder, { recursive: true });
      fd = await openForAppending(file);
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

function openForAppending(file: string): Promise<number> {
  return new Promise((resolve, reject) => open(file, 'a', (error, fd) => (error ? reject(error) : resolve(fd))));
}
