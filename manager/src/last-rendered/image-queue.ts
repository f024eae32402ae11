// Uploaded renders wait here to be made into thumbnails, one at a time. The queue is short (as
// Flamenco's: 3 waiting besides the one in work): a worker whose image does not fit gets 429
// and simply sends its next frame, so a burst of uploads never piles up in memory.

export interface QueuedImage {
  jobId: string;
  workerId: string;
  image: Buffer;
}

export interface ImageQueueOptions {
  process: (item: QueuedImage) => Promise<void>;
  onError: (error: unknown, item: QueuedImage) => void;
  maxWaiting?: number;
}

export class ImageQueue {
  readonly #process: ImageQueueOptions['process'];
  readonly #onError: ImageQueueOptions['onError'];
  readonly #maxWaiting: number;
  readonly #waiting: QueuedImage[] = [];
  #running: Promise<void> | undefined;

  constructor(options: ImageQueueOptions) {
    this.#process = options.process;
    this.#onError = options.onError;
    this.#maxWaiting = options.maxWaiting ?? 3;
  }

  /** Queues the image; false when the queue is full. */
  offer(item: QueuedImage): boolean {
    if (this.#waiting.length >= this.#maxWaiting) return false;
    this.#waiting.push(item);
    this.#running ??= this.#drain();
    return true;
  }

  /** Resolves when every queued image has been processed. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    for (let item = this.#waiting.shift(); item; item = this.#waiting.shift()) {
      try {
        await this.#process(item);
      } catch (error) {
        this.#onError(error, item);
      }
    }
    this.#running = undefined;
  }
}
