// The compiler's front door: reads job types and compiles submitted jobs, from a script's
// source to a checked compiled job. Scripts run only inside the sandbox.

import { createHash } from 'node:crypto';
import { checkCompiledJob } from './check-compiled-job.ts';
import { CompileError } from './errors.ts';
import { checkTypeEtag, jobTypeEtag } from './etag.ts';
import { describeJobType } from './job-type-info.ts';
import { prepareScript, type PreparedScript } from './sandbox/prepare-script.ts';
import { Sandbox, type PreparedJobType } from './sandbox/sandbox.ts';
import { applySettings } from './settings/validate.ts';
import { checkSubmission } from './submission.ts';
import {
  DEFAULT_LIMITS,
  type CompiledJob,
  type JobTypeInfo,
  type JobTypeSource,
  type SandboxLimits,
  type SubmittedJob,
} from './types.ts';

export interface JobCompilerOptions {
  limits?: Partial<SandboxLimits>;
  /** How many compiles may run at once, each in its own isolate. */
  poolSize?: number;
  /** `process.platform` as scripts see it; defaults to this machine's, in Go's naming. */
  platform?: string;
}

export interface CompileOptions {
  /** `job.created` as the script sees it; defaults to now. */
  now?: Date;
  /** The job's id, if the caller has already chosen one (`job.jobID` in scripts). */
  jobId?: string;
}

interface CacheEntry {
  prepared: PreparedJobType;
  info?: JobTypeInfo;
}

const CACHED_JOB_TYPES = 200;

export class JobCompiler {
  readonly limits: Readonly<SandboxLimits>;
  readonly #sandbox: Sandbox;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(options: JobCompilerOptions = {}) {
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...options.limits });
    this.#sandbox = new Sandbox({
      limits: this.limits,
      poolSize: options.poolSize ?? 2,
      platform: options.platform ?? goPlatformName(process.platform),
      cwd: '/',
    });
  }

  /** Runs the script and describes its job type (label, settings, etag), as the manager lists it. */
  async readJobType(source: JobTypeSource): Promise<JobTypeInfo> {
    const entry = this.#entry(source);
    if (entry.info === undefined) {
      const raw = await this.#sandbox.describe(entry.prepared);
      const description = describeJobType(source.name, source.filename, raw);
      entry.info = { ...description, etag: jobTypeEtag(description) };
    }
    return entry.info;
  }

  /** Compiles a submitted job with the job type's script into its tasks. */
  async compile(source: JobTypeSource, submission: SubmittedJob, options: CompileOptions = {}): Promise<CompiledJob> {
    checkSubmission(submission);
    const info = await this.readJobType(source);
    checkTypeEtag(submission, info);
    const settings = applySettings(info, submission.settings);
    const raw = await this.#sandbox.compile(this.#entry(source).prepared, {
      ...(options.jobId ? { jobId: options.jobId } : {}),
      name: submission.name,
      type: info.name,
      priority: submission.priority,
      created: (options.now ?? new Date()).getTime(),
      settings,
      metadata: { ...submission.metadata },
      ...(submission.worker_tag ? { workerTag: submission.worker_tag } : {}),
      ...(submission.storage?.shaman_checkout_id ? { shamanCheckoutId: submission.storage.shaman_checkout_id } : {}),
    });
    return checkCompiledJob(raw, this.limits);
  }

  dispose(): void {
    this.#sandbox.dispose();
    this.#cache.clear();
  }

  #entry(source: JobTypeSource): CacheEntry {
    const key = sourceKey(source);
    let entry = this.#cache.get(key);
    if (entry === undefined) {
      entry = { prepared: prepareJobType(key, source) };
      if (this.#cache.size >= CACHED_JOB_TYPES) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(key, entry);
    } else {
      this.#cache.delete(key);
      this.#cache.set(key, entry);
    }
    return entry;
  }
}

function prepareJobType(key: string, source: JobTypeSource): PreparedJobType {
  const main = prepareScript(source.filename, source.source);
  const helpers: PreparedScript[] = [];
  for (const [filename, code] of Object.entries(source.helpers ?? {})) {
    if (filename === source.filename) continue;
    helpers.push(prepareHelper(filename, code));
  }
  return { key, main, helpers };
}

/** A helper with a syntax error fails only the scripts that require it, with that error. */
function prepareHelper(filename: string, code: string): PreparedScript {
  try {
    return prepareScript(filename, code, true);
  } catch (error) {
    const message = error instanceof CompileError ? error.message : String(error);
    return {
      filename,
      code: `(function () { throw new SyntaxError(${JSON.stringify(message)}); })`,
      insertions: [],
    };
  }
}

function sourceKey(source: JobTypeSource): string {
  const hash = createHash('sha256');
  hash.update(source.name).update('\0').update(source.filename).update('\0').update(source.source);
  for (const [name, code] of Object.entries(source.helpers ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update('\0').update(name).update('\0').update(code);
  }
  return hash.digest('hex');
}

/** Flamenco's scripts see Go's platform names. */
function goPlatformName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'windows' : platform;
}
