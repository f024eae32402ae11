// The authoring API as job-type scripts see it, and the entry point the host calls to read
// JOB_TYPE or compile a job. Everything here runs inside the isolate, in a fresh context per
// compile. (Runtime module: function declarations only, no imports; the other runtime
// functions it calls are injected beside it, see sandbox/runtime-source.ts.)

/* eslint-disable @typescript-eslint/no-explicit-any */

// The runtime functions injected beside this one (types only; erased at run time).
import type * as formatValueModule from './format-value.ts';
import type * as framesModule from './frames.ts';
import type * as pathsModule from './paths.ts';
import type * as shellSplitModule from './shell-split.ts';
import type * as timestampModule from './timestamp.ts';
import type * as uuidModule from './uuid.ts';
declare const createUuidGenerator: typeof uuidModule.createUuidGenerator;
declare const formatLogArguments: typeof formatValueModule.formatLogArguments;
declare const describeValue: typeof formatValueModule.describeValue;
declare const frameChunker: typeof framesModule.frameChunker;
declare const frameCount: typeof framesModule.frameCount;
declare const formatTimestampLocal: typeof timestampModule.formatTimestampLocal;
declare const shellSplit: typeof shellSplitModule.shellSplit;
declare const pathJoin: typeof pathsModule.pathJoin;
declare const pathDirname: typeof pathsModule.pathDirname;
declare const pathBasename: typeof pathsModule.pathBasename;
declare const pathStem: typeof pathsModule.pathStem;

export function setupSandbox(configJson: string): (requestJson: string) => string | Promise<string> {
  type Config = {
    platform: string;
    cwd: string;
    seed: number[];
    maxTasks: number;
    maxOutputBytes: number;
    maxLogBytes: number;
    helpers: Record<string, string>;
  };
  type LogEntry = { level: 'print' | 'alert'; message: string };

  const global: any = globalThis;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const config: Config = parse(configJson);
  const newUuid = createUuidGenerator(config.seed);
  const MAX_LOG_LINE = 10_000;

  // Errors the runtime raises for breaking a limit; any other error is the script's.
  const limitErrors = new WeakSet<object>();
  function limitError(message: string): Error {
    const error = new Error(message);
    limitErrors.add(error);
    return error;
  }

  // ---- print / alert --------------------------------------------------------------------
  const log: LogEntry[] = [];
  let logBytes = 0;
  function addLog(level: 'print' | 'alert', args: unknown[]): void {
    const message = formatLogArguments(args, MAX_LOG_LINE);
    logBytes += message.length + 1;
    if (logBytes > config.maxLogBytes) {
      throw limitError(
        `the script printed more than ${config.maxLogBytes} bytes of log (print/alert); print less, e.g. not once per frame`,
      );
    }
    log.push({ level, message });
  }
  function print(...args: unknown[]): void {
    addLog('print', args);
  }
  function alert(...args: unknown[]): void {
    addLog('alert', args);
  }

  // ---- author.Task / author.Command -----------------------------------------------------
  const taskIdentity = new WeakSet<object>();

  function requireText(value: unknown, call: string, argument: string): string {
    if (typeof value !== 'string') {
      throw new TypeError(`${call}: ${argument} must be a string, not ${describeType(value)}`);
    }
    const trimmed = value.trim();
    if (trimmed === '') throw new TypeError(`${call}: ${argument} is required (it is empty)`);
    return trimmed;
  }

  function describeType(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
  }

  const taskPrototype = {
    addCommand(this: any, command: unknown): void {
      if (!command || typeof command !== 'object' || typeof (command as any).name !== 'string') {
        throw new TypeError(
          `task "${this.name}": addCommand(command) takes a command made by author.Command(name, parameters), not ${describeType(command)}`,
        );
      }
      this.commands.push(command);
    },
    addDependency(this: any, other: unknown): void {
      if (!other || typeof other !== 'object' || !taskIdentity.has(other)) {
        throw new TypeError(
          `task "${this.name}": addDependency(task) takes a task made by author.Task(name, type), not ${describeType(other)}`,
        );
      }
      if (other === this) throw new TypeError(`task "${this.name}" cannot depend on itself`);
      this.dependencies.push(other);
    },
  };

  function Task(name: unknown, type: unknown): any {
    const task = Object.create(taskPrototype);
    task.uuid = newUuid();
    task.name = requireText(name, 'author.Task(name, type)', 'name');
    task.type = requireText(type, 'author.Task(name, type)', 'type');
    task.priority = 50;
    task.commands = [];
    task.dependencies = [];
    taskIdentity.add(task);
    return task;
  }

  function Command(name: unknown, parameters: unknown, totalStepCount: unknown): any {
    const call = 'author.Command(name, parameters, totalStepCount)';
    const commandName = requireText(name, call, 'name');
    if (parameters === undefined || parameters === null) parameters = {};
    if (typeof parameters !== 'object' || Array.isArray(parameters)) {
      throw new TypeError(`${call}: parameters of "${commandName}" must be an object, not ${describeType(parameters)}`);
    }
    let steps = 0;
    if (totalStepCount !== undefined && totalStepCount !== null) {
      if (typeof totalStepCount !== 'number' || !Number.isFinite(totalStepCount) || totalStepCount < 0) {
        throw new TypeError(
          `${call}: totalStepCount of "${commandName}" must be a number of steps (0 or more), not ${describeType(totalStepCount)}`,
        );
      }
      steps = Math.trunc(totalStepCount);
    }
    return { name: commandName, parameters, totalStepCount: steps };
  }

  const author = Object.freeze({ Task, Command });

  // ---- path, process, require -----------------------------------------------------------
  const path = Object.freeze({
    join: pathJoin,
    dirname: pathDirname,
    basename: pathBasename,
    stem: pathStem,
  });
  const processModule = Object.freeze({
    platform: config.platform,
    cwd: function cwd(): string {
      return config.cwd;
    },
  });

  const helperExports: Record<string, unknown> = Object.create(null);
  const helpersLoading: Record<string, boolean> = Object.create(null);

  function helperFileName(specifier: string): string | undefined {
    let name = specifier.replace(/\\/g, '/');
    if (name.startsWith('./')) name = name.slice(2);
    if (name.includes('/')) return undefined;
    if (!name.endsWith('.js')) name += '.js';
    return Object.prototype.hasOwnProperty.call(config.helpers, name) ? name : undefined;
  }

  function requireModule(specifier: unknown): unknown {
    if (typeof specifier !== 'string') throw new TypeError(`require(name): name must be a string, not ${describeType(specifier)}`);
    switch (specifier) {
      case 'author':
        return author;
      case 'path':
        return path;
      case 'process':
        return processModule;
    }
    const file = helperFileName(specifier);
    if (file === undefined) {
      const available = Object.keys(config.helpers).map((h) => `'./${h.replace(/\.js$/, '')}'`);
      throw new Error(
        `require('${specifier}'): no such module. Job types can require 'author', 'path', 'process'` +
          (available.length ? ` and the helper scripts beside them: ${available.join(', ')}` : ' and helper scripts placed beside them'),
      );
    }
    if (file in helperExports) return helperExports[file];
    if (helpersLoading[file]) throw new Error(`require('${specifier}'): ${file} requires itself (a require cycle)`);
    helpersLoading[file] = true;
    const module = { exports: {} as unknown };
    const indirectEval = eval;
    const factory = indirectEval(config.helpers[file]);
    factory.call(module.exports, module, module.exports, requireModule);
    helperExports[file] = module.exports;
    helpersLoading[file] = false;
    return module.exports;
  }

  // Throw statements of scripts are rewritten to pass through here, so that the place of a
  // thrown non-Error (Flamenco's scripts throw strings) is known. The value is unchanged.
  let lastThrowSite: [string, number, number] | null = null;
  let lastThrown: unknown;
  function throwAt(file: string, line: number, column: number, value: unknown): unknown {
    lastThrowSite = [file, line, column];
    lastThrown = value;
    return value;
  }

  // ---- memory the heap limit does not count ---------------------------------------------
  // WebAssembly memories, resizable or growable ArrayBuffers and Intl objects (ICU) take memory
  // outside V8's heap and outside isolated-vm's buffer allocator, so a script could take
  // gigabytes with them under any heap limit. Job-type scripts need none of them (Flamenco's
  // engine has none): WebAssembly and Intl go, and the buffer constructors ignore
  // `maxByteLength` (a Proxy, so the originals stay out of reach, `.constructor` included).
  delete global.WebAssembly;
  delete global.Intl;
  for (const name of ['ArrayBuffer', 'SharedArrayBuffer']) {
    const original = global[name];
    if (typeof original !== 'function') continue;
    const construct = Reflect.construct;
    const fixedLength = new Proxy(original, {
      construct: (target, args, newTarget) => construct(target, [args[0]], newTarget),
    });
    Object.defineProperty(original.prototype, 'constructor', { value: fixedLength, writable: true, configurable: true });
    Object.defineProperty(global, name, { value: fixedLength, writable: true, configurable: true });
  }

  function defineGlobal(name: string, value: unknown): void {
    Object.defineProperty(global, name, { value, writable: false, configurable: false, enumerable: false });
  }
  defineGlobal('author', author);
  defineGlobal('path', path);
  defineGlobal('process', processModule);
  defineGlobal('require', requireModule);
  defineGlobal('print', print);
  defineGlobal('alert', alert);
  defineGlobal('frameChunker', frameChunker);
  defineGlobal('frameCount', frameCount);
  defineGlobal('formatTimestampLocal', formatTimestampLocal);
  defineGlobal('shellSplit', shellSplit);
  defineGlobal('__tablaoThrowAt', throwAt);

  // ---- reading the compiled job out -----------------------------------------------------
  // Undefined values become null, as Flamenco stores them; each place is reported once.
  const reportedUndefined = new Set<string>();
  function reportUndefined(place: string): void {
    if (reportedUndefined.has(place) || reportedUndefined.size >= 20) return;
    reportedUndefined.add(place);
    log.push({ level: 'alert', message: `${place} is undefined; it is stored as null` });
  }

  // Checks that `value` is JSON data, turning undefined into null and Dates into text in place.
  // Returns '' when it is, or the path and problem of the first value that is not. Allocates
  // nothing on the happy path: it runs for every parameter of every task.
  let undefinedPath = '';
  function jsonProblem(value: unknown, depth: number, path: string): string {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return '';
      case 'number':
        return Number.isFinite(value) ? '' : `${path} is ${value}, which JSON cannot store`;
      case 'object':
        break;
      default:
        return `${path} is a ${typeof value}; only JSON values (text, numbers, booleans, arrays, objects) can be stored`;
    }
    if (value === null) return '';
    if (depth > 64) return `${path} is nested too deeply (or refers to itself)`;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item === undefined) {
          value[i] = null;
          if (undefinedPath === '') undefinedPath = `${path}[${i}]`;
        } else if (typeof item === 'object' && item instanceof Date) {
          if (isNaN(item.getTime())) return `${path}[${i}] is an invalid Date`;
          value[i] = item.toISOString();
        } else if (typeof item !== 'string') {
          const undefinedBefore = undefinedPath !== '';
          const problem = jsonProblem(item, depth + 1, path);
          // Paths found below are written from `path`; put this level's index in.
          if (!undefinedBefore && undefinedPath !== '') undefinedPath = undefinedPath.replace(path, `${path}[${i}]`);
          if (problem !== '') return problem === path ? problem : problem.replace(path, `${path}[${i}]`);
        }
      }
      return '';
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      return `${path} is a ${proto?.constructor?.name ?? 'special'} object; only plain objects can be stored`;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const item = record[key];
      if (item === undefined) {
        record[key] = null;
        if (undefinedPath === '') undefinedPath = `${path}.${key}`;
      } else if (typeof item === 'object' && item instanceof Date) {
        if (isNaN(item.getTime())) return `${path}.${key} is an invalid Date`;
        record[key] = item.toISOString();
      } else if (typeof item !== 'string') {
        const undefinedBefore = undefinedPath !== '';
        const problem = jsonProblem(item, depth + 1, path);
        if (!undefinedBefore && undefinedPath !== '') undefinedPath = undefinedPath.replace(path, `${path}.${key}`);
        if (problem !== '') return problem.replace(path, `${path}.${key}`);
      }
    }
    return '';
  }

  function checkJsonValue(value: unknown, path: string): unknown {
    undefinedPath = '';
    const problem = value === undefined ? '' : jsonProblem(value, 0, path);
    if (problem !== '') throw new TypeError(problem);
    if (value === undefined) undefinedPath = path;
    if (undefinedPath !== '') reportUndefined(undefinedPath);
    return value === undefined ? null : value;
  }

  function serialiseTask(task: any): unknown {
    const commands = new Array(task.commands.length);
    for (let c = 0; c < task.commands.length; c++) {
      const command = task.commands[c];
      const parameters = checkJsonValue(command.parameters, `command "${command.name}": parameters`);
      commands[c] = { name: command.name, parameters, totalStepCount: command.totalStepCount };
    }
    const dependencies = new Array(task.dependencies.length);
    for (let d = 0; d < task.dependencies.length; d++) dependencies[d] = task.dependencies[d].uuid;
    if (typeof task.priority !== 'number' || !Number.isInteger(task.priority)) {
      throw new TypeError(`priority must be a whole number, not ${describeType(task.priority)}`);
    }
    return { uuid: task.uuid, name: String(task.name), type: String(task.type), priority: task.priority, commands, dependencies };
  }

  function serialiseJob(job: any, tasks: any[]): string {
    const outTasks = new Array(tasks.length);
    for (let i = 0; i < tasks.length; i++) {
      try {
        outTasks[i] = serialiseTask(tasks[i]);
      } catch (error) {
        if (error instanceof Error) error.message = `task ${i + 1} "${tasks[i].name}", ${error.message}`;
        throw error;
      }
    }
    const settings = checkJsonValue(job.settings, 'job.settings');
    const metadata = checkJsonValue(job.metadata, 'job.metadata');
    const out = stringify({
      job: {
        name: job.name,
        type: job.jobType,
        priority: job.priority,
        settings,
        metadata,
        ...(job.workerTag ? { workerTag: job.workerTag } : {}),
      },
      tasks: outTasks,
      log,
    });
    if (out.length > config.maxOutputBytes) {
      throw limitError(
        `the compiled job is ${out.length} bytes, more than the limit of ${config.maxOutputBytes}; make fewer or smaller tasks (e.g. a larger chunk size)`,
      );
    }
    return out;
  }

  function compile(input: any): string | Promise<string> {
    const compileJob = lookUpGlobal('compileJob');
    if (typeof compileJob !== 'function') {
      return failure('incomplete', 'the script does not define a compileJob(job) function');
    }
    const tasks: any[] = [];
    const added = new WeakSet<object>();
    const job = {
      jobID: input.jobId,
      name: input.name,
      jobType: input.type,
      priority: input.priority,
      status: 'under-construction',
      created: new Date(input.created),
      settings: input.settings,
      metadata: input.metadata,
      workerTag: input.workerTag,
      workerTagUUID: input.workerTag,
      storage: { shamanCheckoutID: input.shamanCheckoutId },
      addTask(task: unknown): void {
        if (!task || typeof task !== 'object' || !taskIdentity.has(task)) {
          throw new TypeError(`job.addTask(task) takes a task made by author.Task(name, type), not ${describeType(task)}`);
        }
        if (added.has(task)) throw new TypeError(`job.addTask(task): task "${(task as any).name}" was already added to this job`);
        if (tasks.length >= config.maxTasks) {
          throw limitError(`the job has more than ${config.maxTasks} tasks, the most one job may have; use a larger chunk size`);
        }
        added.add(task);
        tasks.push(task);
      },
    };
    const finish = () => {
      for (const task of tasks) {
        for (const dep of task.dependencies) {
          if (!added.has(dep)) {
            throw new TypeError(
              `task "${task.name}" depends on task "${dep.name}", which was never added to the job; call job.addTask() for it too`,
            );
          }
        }
      }
      return success(serialiseJob(job, tasks));
    };
    const result = compileJob(job);
    if (result && typeof result.then === 'function') {
      return Promise.resolve(result).then(finish, fail);
    }
    return finish();
  }

  // Reads a top-level declaration of the script, `const` and `let` ones included.
  function lookUpGlobal(name: 'compileJob' | 'JOB_TYPE'): any {
    const indirectEval = eval;
    return indirectEval(`typeof ${name} === "undefined" ? undefined : ${name}`);
  }

  function describeJobType(): string {
    const jobType = lookUpGlobal('JOB_TYPE');
    if (jobType === undefined) {
      return failure('incomplete', 'the script does not define JOB_TYPE; add `const JOB_TYPE = { label: "…", settings: [...] };`');
    }
    let json: string | undefined;
    try {
      json = stringify(jobType);
    } catch (error) {
      return failure('incomplete', `JOB_TYPE cannot be read as data: ${(error as Error).message}`);
    }
    return success(json === undefined ? 'null' : json);
  }

  function success(payloadJson: string): string {
    return `{"ok":true,"value":${payloadJson}}`;
  }

  function failure(kind: string, message: string): string {
    return stringify({ ok: false, kind, message, log });
  }

  function fail(error: unknown): string {
    // Taken first: looking at the value may run more of the script (getters, Proxy traps).
    const site = lastThrown === error ? lastThrowSite : null;
    let isError = false;
    try {
      isError = error instanceof Error || (error !== null && typeof error === 'object' && 'stack' in (error as object));
    } catch {
      // A Proxy whose traps throw: shown as a value that cannot be shown, at its throw statement.
    }
    const kind = error !== null && typeof error === 'object' && limitErrors.has(error) ? 'limit' : 'script';
    let message: string;
    try {
      message = isError
        ? `${(error as Error).name && (error as Error).name !== 'Error' ? (error as Error).name + ': ' : ''}${(error as Error).message}`
        : typeof error === 'string'
          ? error
          : describeValue(error, 2000);
    } catch {
      message = 'the script threw a value that cannot be shown';
    }
    let stack: string | undefined;
    try {
      stack = isError ? String((error as Error).stack) : undefined;
    } catch {
      stack = undefined;
    }
    return stringify({
      ok: false,
      kind,
      message: message.slice(0, 10_000),
      stack,
      // Where the script's last throw statement was, if it threw this value and the stack cannot tell.
      throwSite: !isError || stack === undefined ? site : null,
      log,
    });
  }

  return function entry(requestJson: string): string | Promise<string> {
    try {
      const request = parse(requestJson);
      if (request.op === 'describe') return describeJobType();
      // The script's top level threw a value that is not an Error: what it was, where, and the log.
      if (request.op === 'lastThrow') return fail(lastThrown);
      const result = compile(request.job);
      return typeof result === 'string' ? result : result.catch(fail);
    } catch (error) {
      return fail(error);
    }
  };
}
