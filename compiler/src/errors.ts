import type { CompileLogEntry } from './types.ts';

// Every way a compile can fail ends as a CompileError: a message for people, plus the facts a
// client needs to point at the problem (the script's line and column, or the settings at fault).

export type CompileErrorKind =
  /** The script threw, or has a syntax error. */
  | 'script'
  /** The script lacks JOB_TYPE or compileJob(job), or JOB_TYPE is malformed. */
  | 'incomplete'
  /** The script ran longer than the time limit (or never settled its promise). */
  | 'timeout'
  /** The script needed more memory than the heap limit. */
  | 'memory'
  /** Too many tasks, too much output or too much log. */
  | 'limit'
  /** The submission's settings do not fit the job type. */
  | 'settings'
  /** The submission was made against an older version of the job type. */
  | 'etag'
  /** The compiled job is not valid (no tasks, bad dependencies, cycles, non-JSON parameters). */
  | 'output'
  /** The submission itself is malformed (no name, a priority that is not a number, …). */
  | 'submission'
  /** No job type of that name is known. */
  | 'unknown-type';

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface SettingProblem {
  /** The setting's key; empty for problems with the settings object as a whole. */
  setting: string;
  message: string;
}

export interface CompileErrorDetails {
  location?: SourceLocation;
  problems?: SettingProblem[];
  /** What the script printed before it failed. */
  log?: CompileLogEntry[];
}

export class CompileError extends Error {
  readonly kind: CompileErrorKind;
  readonly location?: SourceLocation;
  readonly problems?: SettingProblem[];
  readonly log?: CompileLogEntry[];

  constructor(kind: CompileErrorKind, message: string, details: CompileErrorDetails = {}) {
    super(message);
    this.name = 'CompileError';
    this.kind = kind;
    if (details.location) this.location = details.location;
    if (details.problems) this.problems = details.problems;
    if (details.log) this.log = details.log;
  }

  toJSON(): {
    kind: CompileErrorKind;
    message: string;
    location?: SourceLocation;
    problems?: SettingProblem[];
    log?: CompileLogEntry[];
  } {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      ...(this.problems ? { problems: this.problems } : {}),
      ...(this.log ? { log: this.log } : {}),
    };
  }
}
