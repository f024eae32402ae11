// Runs a prepared job-type script in a fresh context of a pooled isolate, within the limits,
// and turns whatever happens into a value or a CompileError. Nothing the script does reaches
// the host: data crosses the boundary only as JSON text.

import { randomBytes } from 'node:crypto';
import type ivm from 'isolated-vm';
import { CompileError } from '../errors.ts';
import { IsolatePool, type IsolateSlot } from './isolate-pool.ts';
import { locateError, withLocation } from './error-location.ts';
import type { PreparedScript } from './prepare-script.ts';
import type { CompileLogEntry, SandboxLimits } from '../types.ts';

/** A job-type script with its helpers, ready to run; `key` identifies the exact sources. */
export interface PreparedJobType {
  key: string;
  main: PreparedScript;
  helpers: readonly PreparedScript[];
}

/** What the sandbox's compileJob receives about the job (settings already validated). */
export interface SandboxJobInput {
  jobId?: string;
  name: string;
  type: string;
  priority: number;
  created: number;
  settings: Record<string, unknown>;
  metadata: Record<string, string>;
  workerTag?: string;
  shamanCheckoutId?: string;
}

export interface SandboxOptions {
  limits: SandboxLimits;
  poolSize: number;
  /** `process.platform` as scripts see it (Go's names: linux, windows, darwin). */
  platform: string;
  /** `process.cwd()` as scripts see it: never a real path of the manager's machine. */
  cwd: string;
}

type Response =
  | { ok: true; value: unknown }
  | {
      ok: false;
      kind: 'script' | 'incomplete' | 'limit';
      message: string;
      stack?: string;
      throwSite?: [string, number, number] | null;
      log?: CompileLogEntry[];
    };

export class Sandbox {
  readonly #options: SandboxOptions;
  readonly #pool: IsolatePool;

  constructor(options: SandboxOptions) {
    this.#options = options;
    this.#pool = new IsolatePool(options.limits.heapMiB, options.poolSize);
  }

  /** Runs the script and returns its JOB_TYPE as plain data. */
  describe(jobType: PreparedJobType): Promise<unknown> {
    return this.#run(jobType, JSON.stringify({ op: 'describe' }));
  }

  /** Runs the script's compileJob(job) and returns the compiled job as plain data. */
  compile(jobType: PreparedJobType, job: SandboxJobInput): Promise<unknown> {
    return this.#run(jobType, JSON.stringify({ op: 'compile', job }));
  }

  dispose(): void {
    this.#pool.dispose();
  }

  #run(jobType: PreparedJobType, requestJson: string): Promise<unknown> {
    return this.#pool.with(async (slot) => {
      const deadline = Date.now() + this.#options.limits.timeMs;
      let context: ivm.Context | undefined;
      try {
        // The whole run is bounded, not only the script's promise: isolated-vm's own timeout
        // does not stop every loop, and an isolate that ran out of memory may never answer.
        const response = await withDeadline(slot, deadline, async () => {
          context = await slot.isolate.createContext();
          return this.#runInContext(slot, context, jobType, requestJson, deadline);
        });
        if (response.ok) return response.value;
        throw this.#scriptFailure(jobType, response);
      } catch (error) {
        throw this.#translate(slot, jobType, error);
      } finally {
        if (context && !slot.isolate.isDisposed) context.release();
      }
    });
  }

  async #runInContext(
    slot: IsolateSlot,
    context: ivm.Context,
    jobType: PreparedJobType,
    requestJson: string,
    deadline: number,
  ): Promise<Response> {
    const remaining = () => Math.max(1, deadline - Date.now());
    const setup = await slot.runtime.run(context, { reference: true, timeout: remaining() });
    const entry = (await setup.apply(undefined, [this.#configJson(jobType)], {
      result: { reference: true },
      timeout: remaining(),
    })) as ivm.Reference;
    const main = this.#pool.script(slot, jobType.key, jobType.main.code, jobType.main.filename);
    try {
      await main.run(context, { timeout: remaining() });
    } catch (error) {
      // A non-Error thrown by the script's top level (isolated-vm copies primitives, and replaces
      // objects it cannot copy, a Symbol, a Proxy, by an Error of its own): the runtime describes
      // the value its last throw statement threw, with the place and the log.
      const uncopied = error instanceof Error && NOT_AN_ERROR.test(error.message);
      if (!(error instanceof Error) || uncopied) {
        const json = await entry.apply(undefined, [JSON.stringify({ op: 'lastThrow' })], {
          result: { copy: true },
          timeout: remaining(),
        });
        const response = JSON.parse(json as string) as Extract<Response, { ok: false }>;
        if (!uncopied) response.message = typeof error === 'string' ? error : String(error);
        throw this.#scriptFailure(jobType, response);
      }
      throw error;
    }
    // When the script's promise never settles, the deadline ends the run.
    const json = (await entry.apply(undefined, [requestJson], {
      result: { copy: true, promise: true },
      timeout: remaining(),
    })) as string;
    return JSON.parse(json) as Response;
  }

  #configJson(jobType: PreparedJobType): string {
    const seedBytes = randomBytes(16);
    const helpers: Record<string, string> = {};
    for (const helper of jobType.helpers) helpers[helper.filename] = helper.code;
    return JSON.stringify({
      platform: this.#options.platform,
      cwd: this.#options.cwd,
      seed: [0, 4, 8, 12].map((offset) => seedBytes.readUInt32LE(offset)),
      maxTasks: this.#options.limits.maxTasks,
      maxOutputBytes: this.#options.limits.maxOutputBytes,
      maxLogBytes: this.#options.limits.maxLogBytes,
      helpers,
    });
  }

  #scriptFailure(jobType: PreparedJobType, response: Extract<Response, { ok: false }>): CompileError {
    const location = response.throwSite
      ? { file: response.throwSite[0], line: response.throwSite[1], column: response.throwSite[2] }
      : locateError(response.stack, jobType);
    return new CompileError(response.kind, withLocation(jobType.main.filename, location, response.message), {
      ...(location ? { location } : {}),
      ...(response.log ? { log: response.log } : {}),
    });
  }

  #translate(slot: IsolateSlot, jobType: PreparedJobType, error: unknown): CompileError {
    if (error instanceof CompileError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const file = jobType.main.filename;
    if (error instanceof KilledError && error.forMemory) {
      return new CompileError(
        'memory',
        `${file}: the script needed more than ${this.#options.limits.heapMiB} MiB of memory and was stopped; look for data that grows without end`,
      );
    }
    if (error instanceof KilledError || /timed out/i.test(message)) {
      return new CompileError(
        'timeout',
        `${file}: the script ran longer than ${this.#options.limits.timeMs} ms and was stopped; look for an endless loop, or a promise that never settles`,
      );
    }
    if (slot.isolate.isDisposed || /memory limit|disposed/i.test(message)) {
      return new CompileError(
        'memory',
        `${file}: the script needed more than ${this.#options.limits.heapMiB} MiB of memory and was stopped; look for data that grows without end`,
      );
    }
    const location = locateError(error instanceof Error ? error.stack : undefined, jobType);
    const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
    return new CompileError('script', withLocation(file, location, name + stripIsolatePosition(message)), {
      ...(location ? { location } : {}),
    });
  }
}

/** isolated-vm's message for a thrown value it could not copy out of the isolate. */
const NOT_AN_ERROR = /^An object was thrown from supplied code within isolated-vm, but that object was not an instance of `Error`/;

/** The run was ended from outside: at its deadline, or because its isolate died. */
class KilledError extends Error {
  readonly forMemory: boolean;

  constructor(message: string, forMemory: boolean) {
    super(message);
    this.forMemory = forMemory;
  }
}

/**
 * Runs `work` until the deadline; after it, or as soon as isolated-vm reports the isolate dead
 * (V8 out of memory), the isolate is disposed and the run fails with a KilledError. An isolate
 * already disposed when the deadline passes was killed for its memory limit but never answered.
 */
function withDeadline<T>(slot: IsolateSlot, deadline: number, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer);
      slot.onCatastrophe = undefined;
    };
    const kill = (error: KilledError) => {
      settle();
      reject(error);
    };
    const timer = setTimeout(() => {
      const forMemory = slot.isolate.isDisposed;
      if (!forMemory) slot.isolate.dispose();
      kill(new KilledError('the run passed its deadline', forMemory));
    }, Math.max(1, deadline - Date.now()));
    slot.onCatastrophe = (message) => kill(new KilledError(message, /memory/i.test(message)));
    work().then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

/** isolated-vm appends ` [file:line:column]` to syntax errors; the location is reported apart. */
function stripIsolatePosition(message: string): string {
  return message.replace(/\s*\[[^\]]*:\d+:\d+\]$/, '');
}
