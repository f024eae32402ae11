// Sends the latest rendered image to the manager (its last-rendered view). At most one upload is
// under way; an image produced meanwhile waits, and a newer one replaces it, so a fast render
// never builds a backlog and the manager always ends with the newest frame. Images are
// previews: one that cannot be sent is skipped, never retried.

import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Reply } from '../manager/manager-client.ts';
import { previewImage } from './preview-image.ts';

export type SendImage = (taskId: string, image: Uint8Array, mediaType: 'image/jpeg' | 'image/png') => Promise<Reply>;

interface Output {
  taskId: string;
  path: string;
}

export class OutputUploader {
  readonly #send: SendImage;
  readonly #log: Logger;
  #waiting: Output | undefined;
  #running: Promise<void> | undefined;

  constructor(send: SendImage, log: Logger) {
    this.#send = send;
    this.#log = log;
  }

  /** The image at `path` is the task's newest output. */
  offer(taskId: string, path: string): void {
    this.#waiting = { taskId, path };
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when nothing is waiting or being sent. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Forgets a waiting image (the worker stops); one under way finishes. */
  async close(): Promise<void> {
    this.#waiting = undefined;
    await this.idle();
  }

  async #drain(): Promise<void> {
    for (let output = this.#take(); output !== undefined; output = this.#take()) {
      try {
        await this.#upload(output);
      } catch (error) {
        this.#log.warn({ task: output.taskId, file: output.path, err: error }, 'could not send the rendered image to the manager');
      }
    }
  }

  #take(): Output | undefined {
    const output = this.#waiting;
    this.#waiting = undefined;
    return output;
  }

  async #upload({ taskId, path }: Output): Promise<void> {
    const image = await previewImage(await readFile(path));
    if (image === undefined) {
      this.#log.debug({ task: taskId, file: path }, 'not sent as last-rendered image: not an image the worker can turn into a JPEG or PNG');
      return;
    }
    const reply = await this.#send(taskId, image.bytes, image.mediaType);
    if (!reply.reachable) this.#log.debug({ task: taskId, reason: reply.message }, 'last-rendered image skipped: the manager cannot be reached');
    else if (reply.status === 429) this.#log.debug({ task: taskId }, 'last-rendered image skipped: the manager is busy with earlier images');
    else if (reply.status >= 300) this.#log.warn({ task: taskId, file: path, status: reply.status, reason: reply.message }, 'the manager refused the last-rendered image');
  }
}
