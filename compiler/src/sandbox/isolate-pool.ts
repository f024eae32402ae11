// A small pool of isolated-vm isolates. Each isolate keeps the compiled runtime and the
// compiled job-type scripts it has run, so a warm compile only creates a fresh context.
// An isolate runs one compile at a time; one that was killed (memory limit, or a compile that
// would not stop) is replaced by a new one on its next use.

import ivm from 'isolated-vm';
import { RUNTIME_FILENAME, runtimeSource } from './runtime-source.ts';

export interface IsolateSlot {
  isolate: ivm.Isolate;
  runtime: ivm.Script;
  scripts: Map<string, ivm.Script>;
}

const SCRIPTS_PER_ISOLATE = 100;

export class IsolatePool {
  readonly #heapMiB: number;
  readonly #size: number;
  readonly #idle: IsolateSlot[] = [];
  readonly #waiting: ((slot: IsolateSlot | null) => void)[] = [];
  #created = 0;
  #disposed = false;

  constructor(heapMiB: number, size: number) {
    this.#heapMiB = heapMiB;
    this.#size = Math.max(1, size);
  }

  /** Runs `work` with an isolate of its own; the isolate returns to the pool afterwards. */
  async with<T>(work: (slot: IsolateSlot) => Promise<T>): Promise<T> {
    const slot = await this.#acquire();
    try {
      return await work(slot);
    } finally {
      this.#release(slot);
    }
  }

  /** The compiled form of a prepared script in this slot's isolate, compiled once. */
  script(slot: IsolateSlot, key: string, code: string, filename: string): ivm.Script {
    let script = slot.scripts.get(key);
    if (script === undefined) {
      script = slot.isolate.compileScriptSync(code, { filename });
      if (slot.scripts.size >= SCRIPTS_PER_ISOLATE) {
        const oldest = slot.scripts.keys().next().value as string;
        slot.scripts.get(oldest)?.release();
        slot.scripts.delete(oldest);
      }
      slot.scripts.set(key, script);
    }
    return script;
  }

  dispose(): void {
    this.#disposed = true;
    for (const slot of this.#idle.splice(0)) {
      if (!slot.isolate.isDisposed) slot.isolate.dispose();
    }
    for (const waiter of this.#waiting.splice(0)) waiter(null);
  }

  #newSlot(): IsolateSlot {
    const isolate = new ivm.Isolate({ memoryLimit: this.#heapMiB });
    const runtime = isolate.compileScriptSync(runtimeSource(), { filename: RUNTIME_FILENAME });
    return { isolate, runtime, scripts: new Map() };
  }

  async #acquire(): Promise<IsolateSlot> {
    if (this.#disposed) throw new Error('the job compiler has been shut down');
    const idle = this.#idle.pop();
    if (idle) return idle.isolate.isDisposed ? this.#newSlot() : idle;
    if (this.#created < this.#size) {
      this.#created++;
      return this.#newSlot();
    }
    const slot = await new Promise<IsolateSlot | null>((resolve) => this.#waiting.push(resolve));
    if (slot === null) throw new Error('the job compiler has been shut down');
    return slot.isolate.isDisposed ? this.#newSlot() : slot;
  }

  #release(slot: IsolateSlot): void {
    if (this.#disposed) {
      if (!slot.isolate.isDisposed) slot.isolate.dispose();
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(slot);
    else this.#idle.push(slot);
  }
}
