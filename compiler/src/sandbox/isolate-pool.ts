// A small pool of isolated-vm isolates. Each isolate keeps the compiled runtime and the
// compiled job-type scripts it has run, so a warm compile only creates a fresh context.
// An isolate runs one compile at a time; one that was killed (memory limit, or a compile that
// would not stop) is replaced by a new one on its next use.
//
// V8 cannot always keep an isolate under its heap limit: a single large allocation near the limit
// (a Map, Set or object with many keys growing its table) is a fatal out-of-memory error, and
// isolated-vm aborts the whole process on one unless `onCatastrophicError` is set. With it, the
// isolate's thread is parked for good and the handler runs here: the isolate is disposed (its heap
// is lost) and the compile in progress is told at once. The parked thread also keeps the process
// from exiting by itself, even by process.exit(): only a signal ends it then (SIGKILL, or SIGTERM
// without a handler).

import { setFlagsFromString } from 'node:v8';
import ivm from 'isolated-vm';
import { RUNTIME_FILENAME, runtimeSource } from './runtime-source.ts';

// isolated-vm stops a script (time limit, memory limit, dispose) through V8's RequestInterrupt.
// On Node 24's V8 a loop compiled by concurrent on-stack replacement does not service those
// interrupts: `for (;;) list.push(new Array(1000).fill(0))` then runs on past both limits and
// takes gigabytes. Compiling OSR code on the isolate's own thread (a small cost, only for long
// loops) keeps every loop interruptible. The flag is process-wide and read when a loop is
// optimised, so it is set before any isolate exists.
setFlagsFromString('--no-concurrent-osr');

// A service's launch line gives its main heap 8 MB semi-spaces (bin/launch.ts), and V8 applies
// that flag to every isolate created later as well, over the young generation isolated-vm sizes
// from the memory limit. A compile isolate does better with a small one: 2 MB semi-spaces make
// a 10,000-task compile's isolate ≈ 10 MB smaller, which is also memory V8 keeps for 8 s after
// the isolate is disposed, and cost no speed (that compile ≈ 215 → 190 ms of CPU, measured
// alternately). The flag is read when an isolate is created: the main heap keeps its 8 MB.
setFlagsFromString('--max-semi-space-size=2');

export interface IsolateSlot {
  isolate: ivm.Isolate;
  runtime: ivm.Script;
  scripts: Map<string, ivm.Script>;
  /** Called when isolated-vm reports a catastrophic error in this isolate; the isolate is dead then. */
  onCatastrophe?: (message: string) => void;
}

const SCRIPTS_PER_ISOLATE = 100;

/** An isolate whose heap grew beyond this (a job of thousands of tasks) is replaced after use; a new one costs a few milliseconds. */
const RETIRE_HEAP_BYTES = 24 * 2 ** 20;

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
    const isolate = new ivm.Isolate({
      memoryLimit: this.#heapMiB,
      // Called later, from the event loop.
      onCatastrophicError: (message) => {
        if (!isolate.isDisposed) isolate.dispose();
        slot.onCatastrophe?.(message);
      },
    });
    const runtime = isolate.compileScriptSync(runtimeSource(), { filename: RUNTIME_FILENAME });
    const slot: IsolateSlot = { isolate, runtime, scripts: new Map() };
    return slot;
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
    if (!slot.isolate.isDisposed && slot.isolate.getHeapStatisticsSync().total_heap_size > RETIRE_HEAP_BYTES) {
      // A big compile leaves its isolate's heap grown: retire it rather than keep that memory for good.
      slot.isolate.dispose();
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(slot);
    else this.#idle.push(slot);
  }
}
