// The shapes shared by the compiler, the manager, the CLI and the studio.
// Field names follow Flamenco 3's API (`AvailableJobType`, `SubmittedJob`) where they cross the wire.

export type SettingType = 'string' | 'int32' | 'float' | 'bool';
export type SettingSubtype = 'file_path' | 'dir_path' | 'file_name' | 'hashed_file_path';
export type SettingVisibility = 'visible' | 'hidden' | 'submission' | 'web';

/** One entry of `JOB_TYPE.settings`, as the manager serves it (Flamenco's `AvailableJobSetting`). */
export interface JobSetting {
  key: string;
  type: SettingType;
  subtype?: SettingSubtype;
  required?: boolean;
  default?: unknown;
  choices?: string[];
  propargs?: Record<string, unknown>;
  description?: unknown;
  label?: unknown;
  eval?: string;
  evalInfo?: { showLinkButton: boolean; description: string };
  visible?: SettingVisibility;
  editable?: boolean;
}

/** A job type as the manager lists it (Flamenco's `AvailableJobType`). */
export interface JobTypeInfo {
  name: string;
  label: string;
  description?: string;
  /** `null` when the script's JOB_TYPE has no `settings` at all (this matters for the etag). */
  settings: JobSetting[] | null;
  etag: string;
}

/** A job as clients submit it (Flamenco's `SubmittedJob`). */
export interface SubmittedJob {
  name: string;
  type: string;
  type_etag?: string;
  priority: number;
  settings?: Record<string, unknown>;
  metadata?: Record<string, string>;
  submitter_platform?: string;
  storage?: { shaman_checkout_id?: string };
  worker_tag?: string;
  initial_status?: string;
}

export interface CompiledCommand {
  name: string;
  parameters: Record<string, unknown>;
  totalStepCount: number;
}

export interface CompiledTask {
  uuid: string;
  name: string;
  type: string;
  priority: number;
  commands: CompiledCommand[];
  /** UUIDs of tasks of the same job that must complete before this one runs. */
  dependencies: string[];
}

export type CompileLogLevel = 'print' | 'alert';

export interface CompileLogEntry {
  level: CompileLogLevel;
  message: string;
}

export interface CompiledJob {
  job: {
    name: string;
    type: string;
    priority: number;
    settings: Record<string, unknown>;
    metadata: Record<string, string>;
    workerTag?: string;
  };
  tasks: CompiledTask[];
  log: CompileLogEntry[];
}

/** The sandbox's limits; every one is configurable per manager. */
export interface SandboxLimits {
  /** Heap of one isolate, in MiB. */
  heapMiB: number;
  /** Time one compile (or one reading of JOB_TYPE) may take, in milliseconds. */
  timeMs: number;
  /** Tasks one job may have. */
  maxTasks: number;
  /** Size of one compiled job as JSON, in bytes. */
  maxOutputBytes: number;
  /** Size of one compile's log (print and alert), in bytes. */
  maxLogBytes: number;
}

export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  heapMiB: 64,
  timeMs: 2000,
  maxTasks: 100_000,
  maxOutputBytes: 32 * 1024 * 1024,
  maxLogBytes: 1024 * 1024,
});

/** A job-type script and what it may `require()`. */
export interface JobTypeSource {
  /** The job type's name, e.g. `simple-blender-render`. */
  name: string;
  /** Shown in error messages, e.g. `simple-blender-render.js`. */
  filename: string;
  source: string;
  /** Helper scripts that `require('./name')` may load, by file name (`helper.js`). */
  helpers?: Readonly<Record<string, string>>;
}
