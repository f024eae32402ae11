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
      const context = await slot.isolate.createContext();
      try {
        const response = await this.#runInContext(slot, context, jobType, requestJson, deadline);
        if (response.ok) return response.value;
        throw this.#scriptFailure(jobType, response);
      } catch (error) {
        throw this.#translate(slot, jobType, error);
      } finally {
        if (!slot.isolate.isDisposed) context.release();
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
      if (typeof error === 'string' || !(error instanceof Error)) {
        // A non-Error thrown by the script's top level: ask where the last throw was.
        const site = await entry.apply(undefined, [JSON.stringify({ op: 'throwSite' })], {
          result: { copy: true },
          timeout: remaining(),
        });
        throw this.#scriptFailure(jobType, {
          ok: false,
          kind: 'script',
          message: typeof error === 'string' ? error : String(error),
          throwSite: JSON.parse(site as string),
        });
      }
      throw error;
    }
    const pending = entry.apply(undefined, [requestJson], {
      result: { copy: true, promise: true },
      timeout: remaining(),
    }) as Promise<string>;
    const json = await withDeadline(pending, remaining(), () => {
      // The script's promise never settled, or its continuation would not stop.
      if (!slot.isolate.isDisposed) slot.isolate.dispose();
    });
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
    if (error instanceof DeadlineError || /timed out/i.test(message)) {
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

class DeadlineError extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number, onExpiry: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onExpiry();
      reject(new DeadlineError('deadline'));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** isolated-vm appends ` [file:line:column]` to syntax errors; the location is reported apart. */
function stripIsolatePosition(message: string): string {
  return message.replace(/\s*\[[^\]]*:\d+:\d+\]$/, '');
}
