// SPDX-License-Identifier: GPL-3.0-or-later
//
// Everything a Tablao job-type script can use. A job-type script is a plain JavaScript file
// (Flamenco 3 scripts work unchanged) that defines:
//
//     const JOB_TYPE = { label: 'My Render', settings: [ ... ] };
//     function compileJob(job) { ... job.addTask(...) ... }
//
// The script runs in a sandbox, not in Node.js: there is no file system, network, timer or
// `import`; only the globals declared below. These declarations are what the studio's editor
// shows as completions and hover help, and `tsc -p job-types/tsconfig.json` checks the
// built-in job types against them.

// ---------------------------------------------------------------------------------------------
// The job type's description: JOB_TYPE
// ---------------------------------------------------------------------------------------------

/**
 * The shape of the `JOB_TYPE` constant every job-type script defines. The manager reads it to
 * list the job type, to build the submission forms of the Blender add-on and the web UI, and to
 * check submitted settings before `compileJob` runs.
 *
 * Changing it (a label, a setting, a default) changes the job type's etag: artists then have to
 * refresh the job types in the Blender add-on before they can submit again.
 *
 * To have the editor check your `JOB_TYPE`, put a JSDoc comment with `@type {JobTypeDefinition}`
 * right above it (optional).
 *
 * @example
 * const JOB_TYPE = {
 *   label: 'Playblast',
 *   description: 'Renders a quick OpenGL preview of the scene',
 *   settings: [
 *     { key: 'frames', type: 'string', required: true, eval: "f'{C.scene.frame_start}-{C.scene.frame_end}'" },
 *     { key: 'chunk_size', type: 'int32', default: 10, propargs: { min: 1, max: 100 } },
 *   ],
 * };
 */
interface JobTypeDefinition {
  /** Name of the job type as artists see it, e.g. `"Simple Blender Render"`. Required. */
  label: string;
  /** One sentence shown as a tooltip: what a job of this type does. */
  description?: string;
  /** The settings an artist (or the add-on) fills in when submitting a job; see {@link JobSettingDefinition}. */
  settings: JobSettingDefinition[];
}

/** The value types a setting can have; `int32` and `float` are both JavaScript numbers. */
type JobSettingType = 'string' | 'int32' | 'float' | 'bool';

/**
 * One setting of a job type: an entry of `JOB_TYPE.settings`. Its value reaches the script as
 * `job.settings[key]`.
 *
 * @example
 * { key: 'render_output_root', type: 'string', subtype: 'dir_path', required: true, visible: 'submission',
 *   description: 'Folder under which the job gets its own output folder' }
 * @example
 * { key: 'fps', type: 'float', eval: 'C.scene.render.fps / C.scene.render.fps_base', visible: 'hidden' }
 */
interface JobSettingDefinition {
  /**
   * Name of the setting in `job.settings`; unique within the job type. Use `snake_case`:
   * the add-on turns `chunk_size` into the label "Chunk Size" when there is no `label`.
   */
  key: string;
  /**
   * Type of the value: `'string'`, `'int32'` (whole number), `'float'` or `'bool'`.
   * A submission whose value has another type is refused.
   */
  type: JobSettingType;
  /**
   * For strings: what kind of text it is, so that forms can offer a file or folder picker.
   * - `file_path`: a path to a file;
   * - `dir_path`: a path to a folder;
   * - `file_name`: a file name without folder;
   * - `hashed_file_path`: a folder plus a file name with `#` frame-number placeholders.
   */
  subtype?: 'file_path' | 'dir_path' | 'file_name' | 'hashed_file_path';
  /**
   * The setting must have a value when the job is submitted (after defaults are applied);
   * a submission without one is refused with a message naming the setting. Default `false`.
   */
  required?: boolean;
  /** The value used when a submission leaves the setting out. Must have the setting's `type`. */
  default?: string | number | boolean;
  /**
   * The only values allowed (strings only). Forms show a drop-down; a submission with any other
   * value is refused.
   * @example choices: ['PNG', 'JPEG', 'OPEN_EXR']
   */
  choices?: string[];
  /**
   * Extra options for the add-on's Blender property, e.g. `{ min: 0, max: 32 }` for numbers.
   * `min` and `max` are also checked when a job is submitted.
   */
  propargs?: { min?: number; max?: number; [option: string]: unknown };
  /** Help text shown as a tooltip in the forms. */
  description?: string;
  /** Label shown in the forms; when absent it is made from the key (`chunk_size` → "Chunk Size"). */
  label?: string;
  /**
   * A **Python** expression that the Blender add-on evaluates, when submitting, to fill in the
   * value from the open blend file. The manager stores it and never runs it. The add-on offers
   * `C` (the Blender context), `bpy`, `Path`, `abspath`, `last_n_dir_parts`, `jobname` and
   * `settings` (the other settings).
   * @example eval: "f'{C.scene.frame_start}-{C.scene.frame_end}'"
   * @example eval: 'C.scene.render.image_settings.file_format'
   */
  eval?: string;
  /**
   * How the add-on offers `eval`: with `showLinkButton: true` the artist gets a toggle; when on,
   * `description` is shown instead of an input field and the value is evaluated at submission.
   */
  evalInfo?: {
    /** Show the toggle that switches between typing a value and evaluating `eval`. */
    showLinkButton: boolean;
    /** Shown in place of the input field while the value comes from `eval`. */
    description: string;
  };
  /**
   * Where the setting is shown:
   * - `'visible'` (default): in the add-on and in the web UI;
   * - `'submission'`: only in the add-on, when submitting;
   * - `'web'`: only in the web UI;
   * - `'hidden'`: nowhere; the add-on fills it in with `eval`.
   */
  visible?: 'visible' | 'hidden' | 'submission' | 'web';
  /** `false`: shown, but artists cannot change it in the forms. */
  editable?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The job being compiled
// ---------------------------------------------------------------------------------------------

/**
 * The settings of a job: the submitted values (plus defaults), by setting key. Values are
 * strings, numbers and booleans as the setting types say. Changes the script makes are stored
 * with the job, e.g. writing back a `render_output_path` whose `{timestamp}` was filled in.
 */
type JobSettings = Record<string, any>;

/**
 * The job `compileJob(job)` receives: what was submitted, plus {@link Job.addTask} to give it
 * tasks. A job must end with at least one task.
 *
 * @example
 * function compileJob(job) {
 *   const task = author.Task('say-hello', 'misc');
 *   task.addCommand(author.Command('echo', { message: `Hello from ${job.name}` }));
 *   job.addTask(task);
 * }
 */
interface Job {
  /** The job's name as the artist typed it, e.g. `"shot_010 lighting"`. */
  readonly name: string;
  /** The job's id, when the manager has chosen it before compiling; otherwise absent (e.g. in dry-runs). */
  readonly jobID?: string;
  /** Always `"under-construction"` while the script runs (Flamenco compatibility). */
  readonly status: string;
  /** The job's priority, 0–100; jobs with a higher priority run first. (See {@link Task.priority} for tasks.) */
  readonly priority: number;
  /**
   * When the job was submitted. Pass it to {@link formatTimestampLocal} to put the time in a path.
   * @example const stamp = formatTimestampLocal(job.created); // "2024-05-17_093012"
   */
  readonly created: Date;
  /** Name of the job type, e.g. `"simple-blender-render"`. */
  readonly jobType: string;
  /** The worker tag the job is limited to (its UUID), or absent when any worker may run it. */
  readonly workerTag?: string;
  /** The same as {@link Job.workerTag}, under the name Flamenco scripts use. */
  readonly workerTagUUID?: string;
  /** Shaman storage of the job's files, when the add-on uploaded them with Shaman. */
  readonly storage: {
    /** The checkout id the job's files were checked out under, or absent. */
    readonly shamanCheckoutID?: string;
  };
  /**
   * The job's settings by key (see `JOB_TYPE.settings`). The script may change or add values;
   * the job is stored with the settings as the script leaves them.
   * @example
   * const chunks = frameChunker(job.settings.frames, job.settings.chunk_size);
   * job.settings.render_output_path = resolvedPath; // shown with the job afterwards
   */
  settings: JobSettings;
  /**
   * Free-form text about the job, set by the submitter (e.g. `project`, `user.name`,
   * `user.email`); string values by key.
   */
  metadata: Record<string, string>;
  /**
   * Adds a task to the job. Tasks keep the order in which they are added; with equal
   * priorities and no dependencies, workers pick them up in that order.
   * A task must be added to the job for other tasks to depend on it.
   * @throws a TypeError when `task` was not made by {@link author.Task} or was already added;
   *   an Error when the job would get more tasks than the manager allows (100,000 by default).
   * @example job.addTask(renderTask);
   */
  addTask(task: Task): void;
}

/**
 * A task: a unit of work one worker runs, made of commands that run one after the other.
 * Create it with {@link author.Task}, give it commands, then add it to the job with
 * {@link Job.addTask}.
 */
interface Task {
  /** The task's id, a random UUID chosen when the task is made. */
  readonly uuid: string;
  /** The task's name, as given to {@link author.Task} (trimmed). */
  readonly name: string;
  /** The task's type, as given to {@link author.Task} (trimmed). Workers run only the types they support. */
  readonly type: string;
  /**
   * The task's priority within its job, a whole number; 50 unless the script changes it.
   * Among the runnable tasks of a job, higher runs first. (Flamenco always uses 50.)
   */
  priority: number;
  /** The commands added so far, in order. Use {@link Task.addCommand} to add one. */
  readonly commands: readonly Command[];
  /** The tasks this one waits for. Use {@link Task.addDependency} to add one. */
  readonly dependencies: readonly Task[];
  /**
   * Appends a command; a task's commands run in the order they were added, on one worker.
   * @throws a TypeError when `command` was not made by {@link author.Command}.
   * @example task.addCommand(author.Command('echo', { message: 'hi' }));
   */
  addCommand(command: Command): void;
  /**
   * Makes this task wait until `otherTask` has completed. `otherTask` must also be added to
   * the job, and tasks must not depend on each other in a circle; otherwise the job is refused.
   * @throws a TypeError when `otherTask` was not made by {@link author.Task}, or is this task.
   * @example videoTask.addDependency(renderTask);
   */
  addDependency(otherTask: Task): void;
}

/**
 * A command: one thing a worker does, e.g. run Blender (`blender-render`), run FFmpeg
 * (`frames-to-video`), `echo`, `sleep`, `move-directory`, `copy-file`, `make-directory`.
 * Create it with {@link author.Command}.
 */
interface Command {
  /** The command's name, which the worker uses to know what to do. */
  readonly name: string;
  /** The command's parameters (JSON values only). */
  readonly parameters: Record<string, unknown>;
  /** How many steps the command reports for progress (e.g. frames); 0 means it reports none. */
  readonly totalStepCount: number;
}

// ---------------------------------------------------------------------------------------------
// Globals
// ---------------------------------------------------------------------------------------------

/** The `author` module: makes tasks and commands. Also available as `require('author')`. */
interface AuthorModule {
  /**
   * Creates a task. Name and type are trimmed; the task starts with priority 50, no commands
   * and no dependencies.
   * @param name shown in the task list, e.g. `"render-1-10"`; need not be unique.
   * @param type which workers may run it: `"blender"`, `"ffmpeg"`, `"file-management"`,
   *   `"misc"` or a type your workers announce.
   * @throws an Error naming the argument when the name or the type is empty.
   * @example const task = author.Task(`render-${chunk}`, 'blender');
   */
  Task(name: string, type: string): Task;
  /**
   * Creates a command, to be added to a task with {@link Task.addCommand}.
   * @param name what the worker runs, e.g. `"blender-render"`, `"frames-to-video"`, `"echo"`.
   * @param parameters the command's parameters; a plain object of JSON values (an `undefined`
   *   value is stored as `null`, with a warning in the log). Strings may contain manager
   *   variables such as `{blender}`, which are filled in for the worker's platform.
   * @param totalStepCount how many steps (e.g. frames) the command reports as progress; default 0 (none).
   * @throws a TypeError when the name is empty, `parameters` is not an object, or
   *   `totalStepCount` is not a number of 0 or more. Parameters that are not JSON (functions,
   *   class instances, NaN) refuse the job when it is stored.
   * @example
   * author.Command('blender-render', {
   *   exe: '{blender}', exeArgs: '{blenderArgs}', argsBefore: [],
   *   blendfile: settings.blendfile,
   *   args: ['--render-output', out, '--render-format', 'PNG', '--render-frame', '1..10'],
   * }, 10);
   */
  Command(name: string, parameters: Record<string, unknown>, totalStepCount?: number): Command;
}

/**
 * Makes tasks and commands.
 * @example
 * const task = author.Task('echo', 'misc');
 * task.addCommand(author.Command('echo', { message: 'hello' }));
 */
declare const author: AuthorModule;

/**
 * Cuts a frame range into chunks of at most `chunkSize` frames, one per task.
 *
 * The range is a comma-separated list of frames (`7`) and ranges (`1-10` or Blender's `1..10`);
 * spaces around numbers are ignored, and frames are de-duplicated and sorted. Every chunk is
 * written compactly: runs of 3 or more frames as `A-B`, two frames as `A,B`, parts joined by `,`.
 * Blender's `--render-frame` wants `..` instead of `-`: use `chunk.replaceAll('-', '..')`.
 *
 * @param frames e.g. `"1-100"` or `"1-10, 15, 20..30"`.
 * @param chunkSize frames per chunk; at least 1.
 * @returns the chunks, in frame order.
 * @throws an Error quoting the input when the range is empty, a part is not a frame or range,
 *   or `chunkSize` is less than 1.
 * @example frameChunker('1-10', 3)       // ['1-3', '4-6', '7-9', '10']
 * @example frameChunker('1-5,8,10-11', 3) // ['1-3', '4,5,8', '10,11']
 */
declare function frameChunker(frames: string, chunkSize: number): string[];

/**
 * Counts the distinct frames of a frame range (same notation as {@link frameChunker}).
 * Handy as a command's `totalStepCount`.
 * @throws an Error quoting the input when it is not a valid frame range.
 * @example frameCount('1-3,7') // 4
 */
declare function frameCount(frames: string): number;

/**
 * Formats a date as `YYYY-MM-DD_HHMMSS` in the manager's local time zone: safe in file names,
 * and sorts by time.
 * @example formatTimestampLocal(job.created) // "2024-05-17_093012"
 */
declare function formatTimestampLocal(date: Date): string;

/**
 * Splits a command line into arguments with shell quoting rules (quotes and backslashes
 * group and escape, as in a POSIX shell; nothing is expanded).
 * @throws an Error when a quote is not closed.
 * @example shellSplit(`--python-expr "print('hi')" -y`) // ['--python-expr', "print('hi')", '-y']
 */
declare function shellSplit(commandLine: string): string[];

/**
 * File-path helpers that understand both `/` and `\` (Windows) separators, whatever the
 * manager's platform, and always return `/`-separated paths: `path.dirname('R:\\shots\\a.blend')`
 * is `'R:/shots'`. Also available as `require('path')`.
 */
interface PathModule {
  /**
   * Joins path parts with `/` and cleans the result (`a//b/../c` → `a/c`). Empty parts are skipped.
   * @example path.join('/render/shot', 'frames', '######') // '/render/shot/frames/######'
   */
  join(...parts: string[]): string;
  /**
   * The folder part of a path, without cleaning it; a leading `//` (a Windows share) is kept.
   * Returns `'.'` for a path without folder.
   * @example path.dirname('/render/shot/######') // '/render/shot'
   */
  dirname(filePath: string): string;
  /**
   * The last part of a path (trailing separators ignored).
   * @example path.basename('R:\\shots\\a.blend') // 'a.blend'
   */
  basename(filePath: string): string;
  /**
   * The last part of a path without its last extension.
   * @example path.stem('/shots/a.flamenco.blend') // 'a.flamenco'
   */
  stem(filePath: string): string;
}

/** File-path helpers; see {@link PathModule}. */
declare const path: PathModule;

/**
 * Writes a line to the compile log, which is shown in dry-runs and stored with the job.
 * Arguments are joined with spaces; strings as they are, other values as JSON-like text.
 * A compile may log at most 1 MiB (by default); more ends the compile with an error.
 * @example print('render output:', renderOutput);
 */
declare function print(...args: unknown[]): void;

/**
 * Like {@link print}, but the line is a warning: shown highlighted in dry-runs and in the job's log.
 * To refuse the job instead, `throw new Error('...')`.
 * @example alert('No fps setting; the preview video is skipped');
 */
declare function alert(...args: unknown[]): void;

/** The `process` module, for compatibility with Flamenco scripts. Also `require('process')`. */
interface ProcessModule {
  /**
   * The manager's platform, with Go's names as in Flamenco: `'linux'`, `'darwin'` or
   * `'windows'`. Paths in settings come from the artist's machine and workers may run on other
   * platforms, so prefer the `path` helpers over testing this.
   */
  readonly platform: string;
  /** A stand-in working directory; the sandbox does not reveal the manager's real paths. */
  cwd(): string;
}

/** The manager's platform; see {@link ProcessModule}. */
declare const process: ProcessModule;

/** What a helper script exports; see {@link module}. */
interface HelperModule {
  /** The value `require('./helper')` returns in the script that loads the helper. */
  exports: any;
}

/**
 * In a helper script (a file beside the job types that `require('./name')` loads): assign what
 * the helper offers to `module.exports`.
 * @example
 * // frames-helper.js
 * module.exports = { toBlenderRange: (chunk) => chunk.replaceAll('-', '..') };
 */
declare var module: HelperModule;

/**
 * In a helper script: the object `require('./name')` returns, unless `module.exports` is replaced.
 * @example exports.toBlenderRange = (chunk) => chunk.replaceAll('-', '..');
 */
declare var exports: any;

/**
 * The `author` module, the same object as the global {@link author}.
 * @example const { Task, Command } = require('author');
 */
declare function require(id: 'author'): AuthorModule;
/** The `path` module, the same object as the global {@link path}. */
declare function require(id: 'path'): PathModule;
/** The `process` module, the same object as the global {@link process}. */
declare function require(id: 'process'): ProcessModule;
/**
 * Loads a helper script that sits beside the job types (`'./name'` or `'./name.js'`), runs it
 * once per compile in the same sandbox, and returns its `module.exports`. Nothing else can be
 * required: there are no Node.js or npm modules.
 * @throws an Error when there is no such helper.
 * @example const { toBlenderRange } = require('./frames-helper');
 */
declare function require(id: string): any;

// The same modules for `const x = require('...')` at the top of a script, which TypeScript
// resolves as a module import rather than as a call of the `require` function above.

/** The `author` module, the same object as the global {@link author}. */
declare module 'author' {
  const authorModule: AuthorModule;
  export = authorModule;
}

/** The `path` module, the same object as the global {@link path}. */
declare module 'path' {
  const pathModule: PathModule;
  export = pathModule;
}

/** The `process` module, the same object as the global {@link process}. */
declare module 'process' {
  const processModule: ProcessModule;
  export = processModule;
}
