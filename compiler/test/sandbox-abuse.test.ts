// The sandbox against hostile and broken job-type scripts. Every script below must end as a
// CompileError of the expected kind with a clear message, and the test process must stay healthy:
// the same compilers compile a good script correctly afterwards, and memory stays bounded.
//
// Hash-table bombs (a Map, a Set, an object with ever more keys) make V8 fail a single large
// allocation near the heap limit, which it treats as fatal. The sandbox survives that (the
// compile fails with a 'memory' error), but isolated-vm parks the isolate's thread for good,
// which keeps the process from ever exiting by itself; those cases run in a child process.
//
// Scripts are laid out by `inCompileJob(body, top)`: line 1 is JOB_TYPE, line 2 holds `top`
// followed by `function compileJob(job) {`, and the body starts on line 3.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CompileError, JobCompiler } from '../src/index.ts';
import type { CompiledJob, CompileErrorKind, JobTypeSource, SubmittedJob } from '../src/index.ts';

type CompilerName = 'fast' | 'memory' | 'default';

interface AbuseCase {
  name: string;
  script: string;
  kind: CompileErrorKind;
  message: RegExp;
  /** `fast` (the default): 500 ms, 32 MiB, small output limits; `memory`: 32 MiB, 10 s; `default`: the defaults. */
  compiler?: CompilerName;
  helpers?: Record<string, string>;
  /** More checks on the error. */
  check?: (error: CompileError) => void;
}

const FAST_LIMITS = { timeMs: 500, heapMiB: 32, maxTasks: 10, maxOutputBytes: 64 * 1024, maxLogBytes: 10_000 };
const MEMORY_LIMITS = { timeMs: 10_000, heapMiB: 32 };

const JOB_TYPE = "const JOB_TYPE = { label: 'Abuse', settings: [] };\n";
const inCompileJob = (body: string, top = '') => `${JOB_TYPE}${top}function compileJob(job) {\n${body}\n}\n`;
const asyncCompileJob = (body: string) => `${JOB_TYPE}async function compileJob(job) {\n${body}\n}\n`;
const withJobType = (jobType: string) => `${jobType}\nfunction compileJob(job) {}\n`;
const ONE_TASK = "const t = author.Task('a', 'misc'); t.addCommand(author.Command('echo', { n: 1 })); job.addTask(t);";
const withParameters = (parameters: string, before = '') =>
  inCompileJob(`${before}const t = author.Task('a', 'misc'); t.addCommand(author.Command('render', ${parameters})); job.addTask(t);`);

const TIMEOUT = /^abuse\.js: the script ran longer than 500 ms and was stopped; look for an endless loop, or a promise that never settles$/;
const OUT_OF_MEMORY = /^abuse\.js: the script needed more than 32 MiB of memory and was stopped; look for data that grows without end$/;
const NO_TASKS = /the script's compileJob added no tasks/;

const CASES: AbuseCase[] = [
  // ---- reaching for the host ------------------------------------------------------------
  { name: "require('fs')", script: inCompileJob("require('fs');"), kind: 'script', message: /^abuse\.js:3:1: require\('fs'\): no such module\. Job types can require 'author', 'path', 'process'/ },
  { name: "require('child_process')", script: inCompileJob("require('child_process').execSync('id');"), kind: 'script', message: /require\('child_process'\): no such module/ },
  { name: "require('node:fs') through a helper's require", script: inCompileJob("require('./helper').load('node:fs');"), helpers: { 'helper.js': 'exports.load = (name) => require(name);' }, kind: 'script', message: /^helper\.js:1:\d+: require\('node:fs'\): no such module/ },
  { name: 'require of a path outside the helpers', script: inCompileJob("require('../../etc/passwd');"), kind: 'script', message: /require\('\.\.\/\.\.\/etc\/passwd'\): no such module/ },
  { name: 'process.binding', script: inCompileJob("process.binding('fs');"), kind: 'script', message: /^abuse\.js:3:9: TypeError: process\.binding is not a function$/ },
  { name: 'process.env', script: inCompileJob('return process.env.HOME;'), kind: 'script', message: /TypeError: Cannot read properties of undefined \(reading 'HOME'\)/ },
  { name: 'globalThis.process.mainModule', script: inCompileJob("globalThis.process.mainModule.require('fs');"), kind: 'script', message: /TypeError: Cannot read properties of undefined \(reading 'require'\)/ },
  { name: "dynamic import('fs')", script: inCompileJob("return import('fs');"), kind: 'script', message: /^abuse\.js:3:\d+: .*not supported/i },
  {
    name: "this.constructor.constructor('return process')()",
    script: inCompileJob("const p = this.constructor.constructor('return process')(); throw new Error('found ' + Object.keys(p).join() + ' ' + typeof p.mainModule + ' ' + typeof p.binding);"),
    kind: 'script',
    message: /found platform,cwd undefined undefined$/,
  },
  {
    name: 'the global object through a Function built from an error object',
    script: inCompileJob(
      "try { require('fs'); } catch (e) { const g = e.constructor.constructor('return this')(); " +
        "throw new Error('host names: ' + ['ivm', '$0', 'module', 'exports', 'Buffer', 'global', '__dirname', 'setTimeout', 'fetch'].filter((k) => typeof g[k] !== 'undefined').join()); }",
    ),
    kind: 'script',
    message: /host names: $/,
  },
  {
    name: 'Error.prepareStackTrace and stack frames',
    script: inCompileJob(
      'Error.prepareStackTrace = (e, frames) => frames;\n' +
        'const frames = new Error().stack;\n' +
        "Error.prepareStackTrace = undefined; throw new Error('files: ' + frames.map((f) => f.getFileName() + '/' + typeof f.getThis()).join(' '));",
    ),
    kind: 'script',
    message: /files: abuse\.js\/object( tablao-runtime\.js\/undefined)+$/,
  },
  {
    name: 'Error.captureStackTrace',
    script: inCompileJob("const o = {}; Error.captureStackTrace(o); throw new Error(o.stack.split('\\n').slice(1).map((l) => l.trim()).join(' | '));"),
    kind: 'script',
    message: /at compileJob \(abuse\.js:3:\d+\) \| at compile \(tablao-runtime\.js:\d+:\d+\) \| at entry \(tablao-runtime\.js:\d+:\d+\)$/,
  },
  { name: 'an ivm global', script: inCompileJob('return ivm.Isolate;'), kind: 'script', message: /ReferenceError: ivm is not defined/ },
  { name: 'a $0 global', script: inCompileJob('$0.deref();'), kind: 'script', message: /ReferenceError: \$0 is not defined/ },
  { name: 'new Function returning require', script: inCompileJob("new Function('return require')()('os');"), kind: 'script', message: /require\('os'\): no such module/ },
  { name: 'SharedArrayBuffer and Atomics.wait', script: inCompileJob('Atomics.wait(new Int32Array(new SharedArrayBuffer(16)), 0, 0);'), kind: 'timeout', message: TIMEOUT },
  {
    name: 'a WebAssembly endless loop',
    script: inCompileJob('new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 9, 1, 7, 0, 3, 64, 12, 0, 11, 11]))).exports.f();'),
    kind: 'script',
    message: /ReferenceError: WebAssembly is not defined/,
  },
  { name: 'a WebAssembly memory bomb', script: inCompileJob('const m = new WebAssembly.Memory({ initial: 65536 }); new Uint8Array(m.buffer).fill(1);'), kind: 'script', message: /ReferenceError: WebAssembly is not defined/ },
  {
    name: 'a resizable ArrayBuffer of 1 GiB (outside the heap limit)',
    script: inCompileJob('const b = new ArrayBuffer(2 ** 30, { maxByteLength: 2 ** 31 }); new Uint8Array(b).fill(1);'),
    kind: 'script',
    message: /^abuse\.js:3:11: RangeError: Array buffer allocation failed$/,
  },
  {
    name: 'a growable SharedArrayBuffer through .constructor',
    script: inCompileJob('const B = new Int32Array(new SharedArrayBuffer(8)).buffer.constructor; const b = new B(8, { maxByteLength: 2 ** 32 }); b.grow(2 ** 30);'),
    kind: 'script',
    message: /TypeError: .*grow/,
  },
  { name: 'an Intl object bomb (ICU memory)', script: inCompileJob("const all = []; for (;;) all.push(new Intl.Segmenter('en'));"), kind: 'script', message: /ReferenceError: Intl is not defined/ },

  // ---- tampering with prototypes and globals ----------------------------------------------
  {
    name: 'a throwing getter on Object.prototype',
    script: inCompileJob(ONE_TASK, "Object.defineProperty(Object.prototype, 'name', { get() { throw 'gotcha'; } });\n"),
    kind: 'script',
    message: /TypeError: Cannot set property name of #<Object> which has only a getter/,
  },
  { name: 'Array.prototype.push replaced', script: inCompileJob(`Array.prototype.push = function () { throw new Error('no push for you'); };\n${ONE_TASK}`), kind: 'script', message: /no push for you$/ },
  {
    name: 'JSON.stringify and JSON.parse replaced to forge the output',
    script: inCompileJob(`JSON.stringify = () => '{"ok":true,"value":{"forged":true}}'; JSON.parse = () => ({ ok: true, value: { forged: true } });`),
    kind: 'output',
    message: NO_TASKS,
  },
  { name: 'Function.prototype.call replaced', script: inCompileJob(`Function.prototype.call = function () { throw new Error('no call'); };\n${ONE_TASK}`), kind: 'script', message: /no call$/ },
  { name: 'Object.prototype.toJSON forging JOB_TYPE', script: inCompileJob(ONE_TASK, "Object.prototype.toJSON = function () { return 'forged'; };\n"), kind: 'incomplete', message: /JOB_TYPE must be an object .* but it is "forged"/ },
  { name: 'author reassigned (strict mode)', script: inCompileJob("'use strict'; author = { Task() {} };"), kind: 'script', message: /TypeError: Cannot assign to read only property 'author' of object/ },
  { name: 'author.Task reassigned (strict mode)', script: inCompileJob("'use strict'; author.Task = () => null;"), kind: 'script', message: /TypeError: Cannot assign to read only property 'Task' of object/ },
  {
    name: 'print reassigned (sloppy mode: ignored)',
    script: inCompileJob("print('the real print'); throw new Error('print is still ' + print.name);", 'print = () => { throw new Error("hijacked"); };\n'),
    kind: 'script',
    message: /print is still print$/,
    check: (error) => assert.deepEqual(error.log, [{ level: 'print', message: 'the real print' }]),
  },
  {
    name: 'frameChunker reassigned at the top level (ignored)',
    script: inCompileJob("throw new Error('chunks ' + frameChunker('1-5', 2).join(' '));", 'frameChunker = () => [];\n'),
    kind: 'script',
    message: /chunks 1,2 3,4 5$/,
  },
  { name: 'author redefined with defineProperty', script: inCompileJob("Object.defineProperty(globalThis, 'author', { value: {} });"), kind: 'script', message: /TypeError: Cannot redefine property: author/ },
  { name: 'print deleted (strict mode)', script: inCompileJob("'use strict'; delete globalThis.print;"), kind: 'script', message: /TypeError: Cannot delete property 'print'/ },
  { name: 'TypeError replaced', script: inCompileJob('TypeError = null; job.addTask(null);'), kind: 'script', message: /TypeError is not a constructor/ },
  { name: 'Promise.resolve removed, async compileJob', script: `Promise.resolve = null;\n${asyncCompileJob(ONE_TASK)}`, kind: 'script', message: /Promise\.resolve is not a function/ },

  // ---- endless loops and promises that never settle ---------------------------------------
  { name: 'an endless loop in compileJob', script: inCompileJob('for (;;) {}'), kind: 'timeout', message: TIMEOUT },
  { name: 'an endless loop at the top level', script: withJobType(`${JOB_TYPE}while (true) {}`), kind: 'timeout', message: TIMEOUT },
  { name: 'an endless loop in a getter of JOB_TYPE', script: withJobType('const JOB_TYPE = { get label() { for (;;) {} } };'), kind: 'timeout', message: TIMEOUT },
  { name: 'an endless loop in toJSON of JOB_TYPE', script: withJobType("const JOB_TYPE = { label: 'x', toJSON() { for (;;) {} } };"), kind: 'timeout', message: TIMEOUT },
  { name: 'an endless loop in a microtask', script: inCompileJob(`Promise.resolve().then(() => { for (;;) {} });\n${ONE_TASK}`), kind: 'timeout', message: TIMEOUT },
  { name: 'an endless promise chain', script: inCompileJob(`function spin() { Promise.resolve().then(spin); }\nspin();\n${ONE_TASK}`), kind: 'timeout', message: TIMEOUT },
  { name: 'an endless loop after an await', script: asyncCompileJob('await null;\nfor (;;) {}'), kind: 'timeout', message: TIMEOUT },
  { name: 'a thenable whose then() never returns', script: inCompileJob('return { then() { for (;;) {} } };'), kind: 'timeout', message: TIMEOUT },
  { name: 'an endless loop in eval', script: inCompileJob("eval('for (;;) {}');"), kind: 'timeout', message: TIMEOUT },
  { name: 'catastrophic regular-expression backtracking', script: inCompileJob("/(a+)+$/.test('a'.repeat(40) + 'b');"), kind: 'timeout', message: TIMEOUT },
  { name: 'an allocating loop V8 optimises on the stack', script: inCompileJob('for (;;) { const a = new Array(1000); a[0] = 1; }'), kind: 'timeout', message: TIMEOUT },
  { name: 'an async compileJob awaiting forever', script: asyncCompileJob('await new Promise(() => {});'), kind: 'timeout', message: TIMEOUT },
  { name: 'a promise that never settles', script: inCompileJob('return new Promise(() => {});'), kind: 'timeout', message: TIMEOUT },
  {
    name: 'an endless loop with the default limits',
    compiler: 'default',
    script: inCompileJob('for (;;) {}'),
    kind: 'timeout',
    message: /^abuse\.js: the script ran longer than 2000 ms and was stopped/,
  },

  // ---- memory bombs -----------------------------------------------------------------------
  { name: 'a growing array of arrays', compiler: 'memory', script: inCompileJob('const all = []; for (;;) all.push(new Array(1000).fill(1));'), kind: 'memory', message: OUT_OF_MEMORY },
  { name: 'a growing array of objects', compiler: 'memory', script: inCompileJob('const all = []; for (;;) all.push({ a: 1, b: [1, 2, 3] });'), kind: 'memory', message: OUT_OF_MEMORY },
  { name: 'a growing array of strings', compiler: 'memory', script: inCompileJob("const all = []; for (let i = 0;; i++) all.push('frame ' + i);"), kind: 'memory', message: OUT_OF_MEMORY },
  { name: "'x'.repeat(2 ** 28) twice", compiler: 'memory', script: inCompileJob("const s = 'x'.repeat(2 ** 28); print(s + s);"), kind: 'script', message: /^abuse\.js:3:\d+: RangeError: Invalid string length$/ },
  { name: "'x'.repeat(2 ** 28) as a parameter", compiler: 'memory', script: withParameters("{ text: 'x'.repeat(2 ** 28) }"), kind: 'memory', message: OUT_OF_MEMORY },
  { name: 'a string doubling without end', compiler: 'memory', script: inCompileJob("let s = 'x'; for (;;) s += s;"), kind: 'script', message: /RangeError: Invalid string length$/ },
  { name: 'a typed array of 8 GiB', compiler: 'memory', script: inCompileJob('new Float64Array(2 ** 30);'), kind: 'script', message: /^abuse\.js:3:1: RangeError: Array buffer allocation failed$/ },
  { name: 'ever more typed arrays', compiler: 'memory', script: inCompileJob('const all = []; for (;;) all.push(new Float64Array(1 << 20));'), kind: 'script', message: /RangeError: Array buffer allocation failed$/ },
  {
    name: 'a memory bomb with the default limits',
    compiler: 'default',
    script: inCompileJob('const all = []; for (;;) all.push(new Array(1000).fill(1));'),
    kind: 'memory',
    message: /^abuse\.js: the script needed more than 64 MiB of memory and was stopped/,
  },

  // ---- too much output --------------------------------------------------------------------
  { name: 'more tasks than maxTasks', script: inCompileJob("for (let i = 0; i < 1000; i++) job.addTask(author.Task('t' + i, 'misc'));"), kind: 'limit', message: /the job has more than 10 tasks, the most one job may have/ },
  {
    name: 'a compiled job past maxOutputBytes',
    script: inCompileJob("for (let i = 0; i < 10; i++) { const t = author.Task('t' + i, 'misc'); t.addCommand(author.Command('echo', { text: 'x'.repeat(10000) })); job.addTask(t); }"),
    kind: 'limit',
    message: /the compiled job is \d+ bytes, more than the limit of 65536/,
  },
  { name: 'a huge parameter string', script: withParameters("{ text: 'x'.repeat(4 * 1024 * 1024) }"), kind: 'limit', message: /the compiled job is \d+ bytes, more than the limit of 65536/ },
  {
    name: 'a print flood',
    script: inCompileJob("for (;;) print('frame done');"),
    kind: 'limit',
    message: /the script printed more than 10000 bytes of log \(print\/alert\)/,
    check: (error) => assert.ok(error.log && error.log.length > 100 && error.log.every((line) => line.level === 'print')),
  },
  { name: 'an alert flood of objects', script: inCompileJob('for (let i = 0;; i++) alert({ frame: i, status: "done" });'), kind: 'limit', message: /printed more than 10000 bytes of log/ },
  { name: 'one huge print', script: inCompileJob(`print('x'.repeat(5e6));\n${ONE_TASK}`), kind: 'limit', message: /printed more than 10000 bytes of log/ },
  { name: 'a print flood with the default limits', compiler: 'default', script: inCompileJob("for (;;) print('frame done');"), kind: 'limit', message: /printed more than 1048576 bytes of log/ },

  // ---- deep recursion ---------------------------------------------------------------------
  { name: 'endless recursion', script: inCompileJob('function f(n) { return f(n + 1) + 1; }\nf(0);'), kind: 'script', message: /^abuse\.js:3:\d+: RangeError: Maximum call stack size exceeded$/ },
  { name: 'endless mutual recursion', script: inCompileJob('function a() { return b() + 1; }\nfunction b() { return a() + 1; }\na();'), kind: 'script', message: /RangeError: Maximum call stack size exceeded$/ },
  { name: 'endless recursion in a getter of JOB_TYPE', script: withJobType('const JOB_TYPE = { get label() { return this.label; } };'), kind: 'incomplete', message: /JOB_TYPE cannot be read as data: Maximum call stack size exceeded/ },
  { name: 'a cyclic JOB_TYPE', script: withJobType("const JOB_TYPE = { label: 'x' }; JOB_TYPE.self = JOB_TYPE;"), kind: 'incomplete', message: /JOB_TYPE cannot be read as data: Converting circular structure to JSON/ },
  { name: 'cyclic parameters', script: withParameters('p', 'const p = { a: 1 }; p.self = p;\n'), kind: 'script', message: /command "render": parameters\.self(\.self)* is nested too deeply \(or refers to itself\)$/ },
  {
    name: 'parameters nested 100,000 deep',
    script: withParameters('root', 'const root = {}; let p = root; for (let i = 0; i < 1e5; i++) { p.c = {}; p = p.c; }\n'),
    kind: 'script',
    message: /parameters(\.c)+ is nested too deeply/,
  },

  // ---- throwing odd values ----------------------------------------------------------------
  { name: 'a thrown string', script: inCompileJob("throw 'frames must be a range';"), kind: 'script', message: /^abuse\.js:3:1: frames must be a range$/ },
  { name: 'a thrown number', script: inCompileJob('throw 42;'), kind: 'script', message: /^abuse\.js:3:1: 42$/ },
  { name: 'a thrown null', script: inCompileJob('throw null;'), kind: 'script', message: /^abuse\.js:3:1: null$/ },
  { name: 'a thrown undefined', script: inCompileJob('throw undefined;'), kind: 'script', message: /^abuse\.js:3:1: undefined$/ },
  { name: 'a thrown Symbol', script: inCompileJob("throw Symbol('bad');"), kind: 'script', message: /^abuse\.js:3:1: Symbol\(bad\)$/ },
  { name: 'a thrown Symbol at the top level', script: withJobType(`${JOB_TYPE}throw Symbol('bad');`), kind: 'script', message: /^abuse\.js:2:1: Symbol\(bad\)$/ },
  { name: 'a thrown object with a throwing toString', script: inCompileJob("throw { toString() { throw new Error('no'); } };"), kind: 'script', message: /^abuse\.js:3:1: \{"toString":\[Function toString\]\}$/ },
  {
    name: 'a thrown object with throwing message and stack getters',
    script: inCompileJob("throw { get message() { throw new Error('no'); }, get stack() { throw new Error('no'); } };"),
    kind: 'script',
    message: /^abuse\.js:3:1: the script threw a value that cannot be shown$/,
  },
  {
    name: 'a thrown Proxy whose traps throw',
    script: inCompileJob("const p = new Proxy({}, { get() { throw p; }, has() { throw p; }, getPrototypeOf() { throw p; }, ownKeys() { throw p; } });\nthrow p;"),
    kind: 'script',
    message: /^abuse\.js:4:1: the script threw a value that cannot be shown$/,
  },
  {
    name: 'a thrown Proxy at the top level',
    script: withJobType(`${JOB_TYPE}const p = new Proxy({}, { get() { throw p; }, has() { throw p; }, getPrototypeOf() { throw p; }, ownKeys() { throw p; } }); throw p;`),
    kind: 'script',
    message: /^abuse\.js:2:\d+: the script threw a value that cannot be shown$/,
  },
  {
    name: 'an Error subclass whose message getter throws',
    script: inCompileJob("class BadError extends Error { get message() { throw new Error('no'); } }\nthrow new BadError();"),
    kind: 'script',
    message: /^abuse\.js:4:7: the script threw a value that cannot be shown$/,
  },
  {
    name: 'an Error whose name getter recurses',
    script: inCompileJob("const e = new Error('x'); Object.defineProperty(e, 'name', { get() { return e.name; } });\nthrow e;"),
    kind: 'script',
    message: /^abuse\.js:3:\d+: the script threw a value that cannot be shown$/,
  },
  { name: 'a frozen Error', script: inCompileJob("throw Object.freeze(new Error('frozen solid'));"), kind: 'script', message: /^abuse\.js:3:21: frozen solid$/ },
  { name: 'an Error without a message', script: inCompileJob('throw new Error();'), kind: 'script', message: /^abuse\.js:3:7: the script threw an error without a message$/ },
  {
    name: 'a thrown string of 5 MB',
    script: inCompileJob("throw 'x'.repeat(5e6);"),
    kind: 'script',
    message: /^abuse\.js:3:1: x+$/,
    check: (error) => assert.ok(error.message.length < 20_000, `a message of ${error.message.length} characters`),
  },
  { name: 'a string thrown after an await', script: asyncCompileJob("await null;\nthrow 'late';"), kind: 'script', message: /^abuse\.js:4:1: late$/ },

  // ---- broken scripts ---------------------------------------------------------------------
  { name: 'a syntax error', script: inCompileJob('const = 1;'), kind: 'script', message: /^abuse\.js:3:7: SyntaxError: Unexpected token$/ },
  { name: 'a syntax error in a helper', script: inCompileJob("require('./broken');"), helpers: { 'broken.js': 'module.exports = {\n  a: 1,,\n};' }, kind: 'script', message: /broken\.js:2:8: SyntaxError: Unexpected token/ },
  { name: 'no compileJob', script: JOB_TYPE, kind: 'incomplete', message: /the script does not define a compileJob\(job\) function/ },
  { name: 'compileJob that is not a function', script: `${JOB_TYPE}const compileJob = 42;`, kind: 'incomplete', message: /the script does not define a compileJob\(job\) function/ },
  { name: 'no JOB_TYPE', script: 'function compileJob(job) {}', kind: 'incomplete', message: /the script does not define JOB_TYPE/ },
  { name: 'JOB_TYPE a number', script: withJobType('const JOB_TYPE = 42;'), kind: 'incomplete', message: /JOB_TYPE must be an object like .* but it is 42/ },
  { name: 'JOB_TYPE without a label', script: withJobType('const JOB_TYPE = { settings: [] };'), kind: 'incomplete', message: /JOB_TYPE\.label must be/ },
  { name: 'JOB_TYPE.settings not a list', script: withJobType("const JOB_TYPE = { label: 'x', settings: 'frames' };"), kind: 'incomplete', message: /JOB_TYPE\.settings must be a list of settings/ },
  { name: 'JOB_TYPE with a BigInt', script: withJobType("const JOB_TYPE = { label: 'x', version: 1n };"), kind: 'incomplete', message: /JOB_TYPE cannot be read as data: Do not know how to serialize a BigInt/ },
  { name: 'no tasks at all', script: inCompileJob(''), kind: 'output', message: NO_TASKS },

  // ---- parameters that are not JSON -------------------------------------------------------
  { name: 'a function parameter', script: withParameters('{ f() {} }'), kind: 'script', message: /task 1 "a", command "render": parameters\.f is a function; only JSON values/ },
  { name: 'a NaN parameter', script: withParameters('{ n: NaN }'), kind: 'script', message: /parameters\.n is NaN, which JSON cannot store/ },
  { name: 'an Infinity parameter', script: withParameters('{ list: [1, -Infinity] }'), kind: 'script', message: /parameters\.list\[1\] is -Infinity, which JSON cannot store/ },
  { name: 'a BigInt parameter', script: withParameters('{ n: 10n }'), kind: 'script', message: /parameters\.n is a bigint/ },
  { name: 'a Symbol parameter', script: withParameters("{ s: Symbol('s') }"), kind: 'script', message: /parameters\.s is a symbol/ },
  { name: 'a class instance parameter', script: withParameters('{ shot: new Shot() }', 'class Shot {}\n'), kind: 'script', message: /parameters\.shot is a Shot object; only plain objects can be stored/ },
  { name: 'a Map parameter', script: withParameters('{ m: new Map([[1, 2]]) }'), kind: 'script', message: /parameters\.m is a Map object/ },
  { name: 'an invalid Date parameter', script: withParameters("{ when: new Date('never') }"), kind: 'script', message: /parameters\.when is an invalid Date/ },
  { name: 'a toJSON that loops, in parameters', script: withParameters('{ m: { toJSON() { for (;;) {} } } }'), kind: 'script', message: /parameters\.m\.toJSON is a function/ },
  { name: 'a function in job.settings', script: inCompileJob(`job.settings.f = () => 1;\n${ONE_TASK}`), kind: 'script', message: /job\.settings\.f is a function/ },

  // ---- tasks and dependencies ---------------------------------------------------------------
  {
    name: 'a dependency on a task not in the job',
    script: inCompileJob("const a = author.Task('a', 'misc'); const b = author.Task('b', 'misc'); b.addDependency(a); job.addTask(b);"),
    kind: 'script',
    message: /task "b" depends on task "a", which was never added to the job; call job\.addTask\(\) for it too/,
  },
  {
    name: 'a forged dependency list',
    script: inCompileJob("const t = author.Task('a', 'misc'); job.addTask(t); t.dependencies = [{ uuid: 'x', name: 'fake' }];"),
    kind: 'script',
    message: /depends on task "fake", which was never added to the job/,
  },
  {
    name: 'tasks that depend on each other',
    script: inCompileJob("const a = author.Task('a', 'misc'); const b = author.Task('b', 'misc'); a.addDependency(b); b.addDependency(a); job.addTask(a); job.addTask(b);"),
    kind: 'output',
    message: /tasks of this job depend on each other in a circle/,
  },
  {
    name: 'a forged UUID',
    script: inCompileJob("const a = author.Task('a', 'misc'); const b = author.Task('b', 'misc'); b.uuid = a.uuid; job.addTask(a); job.addTask(b);"),
    kind: 'output',
    message: /task 2 "b" has the same UUID as task 1 "a"/,
  },
  { name: 'a fake task object', script: inCompileJob("job.addTask({ name: 'x', type: 'y', commands: [], dependencies: [] });"), kind: 'script', message: /job\.addTask\(task\) takes a task made by author\.Task\(name, type\), not an object/ },

  // ---- helpers ------------------------------------------------------------------------------
  {
    name: 'helpers that require each other in a cycle',
    script: inCompileJob("require('./a');"),
    helpers: { 'a.js': "require('./b');\nmodule.exports = 1;", 'b.js': "require('./a');\nmodule.exports = 2;" },
    kind: 'script',
    message: /^b\.js:1:1: require\('\.\/a'\): a\.js requires itself \(a require cycle\)$/,
  },
  { name: 'a helper that throws while loading', script: inCompileJob("require('./bad');"), helpers: { 'bad.js': "\nthrow 'the helper is broken';" }, kind: 'script', message: /^bad\.js:2:1: the helper is broken$/ },
];

const SUBMISSION: SubmittedJob = { name: 'Abusive job', type: 'abuse', priority: 50 };

function source(script: string, helpers?: Record<string, string>): JobTypeSource {
  return { name: 'abuse', filename: 'abuse.js', source: script, ...(helpers ? { helpers } : {}) };
}

const GOOD_SUBMISSION: SubmittedJob = { name: 'Good job', type: 'good', priority: 60, settings: { frames: '1-7' } };

const GOOD: JobTypeSource = {
  name: 'good',
  filename: 'good.js',
  source: `const JOB_TYPE = { label: 'Good', settings: [{ key: 'frames', type: 'string', required: true }] };
function compileJob(job) {
  print('chunks of', job.settings.frames);
  let previous;
  for (const chunk of frameChunker(job.settings.frames, 3)) {
    const task = author.Task('render-' + chunk, 'blender');
    task.addCommand(author.Command('blender-render', { frames: chunk }, 3));
    if (previous) task.addDependency(previous);
    job.addTask(task);
    previous = task;
  }
}`,
};

describe('the sandbox against hostile and broken scripts', function () {
  this.timeout(30_000);
  const compilers = {} as Record<CompilerName, JobCompiler>;
  let rssBefore = 0;

  before(() => {
    rssBefore = process.memoryUsage().rss;
    compilers.fast = new JobCompiler({ limits: FAST_LIMITS, poolSize: 2 });
    compilers.memory = new JobCompiler({ limits: MEMORY_LIMITS, poolSize: 2 });
    compilers.default = new JobCompiler();
  });

  after(() => {
    for (const compiler of Object.values(compilers)) compiler.dispose();
  });

  it(`has at least 35 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 35);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, 'every case has its own name');
  });

  for (const abuse of CASES) {
    it(`${abuse.name}: ${abuse.kind}`, async () => {
      const compiler = compilers[abuse.compiler ?? 'fast'];
      let error: unknown;
      try {
        const compiled = await compiler.compile(source(abuse.script, abuse.helpers), SUBMISSION);
        assert.fail(`the script compiled: ${JSON.stringify(compiled).slice(0, 500)}`);
      } catch (caught) {
        error = caught;
      }
      assertClearError(error, abuse.kind, abuse.message);
      abuse.check?.(error as CompileError);
    });
  }

  it('still compiles a good script correctly with every compiler afterwards', async () => {
    for (const compiler of Object.values(compilers)) assertGoodCompile(await compiler.compile(GOOD, GOOD_SUBMISSION));
  });

  it('keeps the memory of the test process bounded', () => {
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 1024 ** 3, `the process grew by ${Math.round(grown / 1024 ** 2)} MiB`);
  });

  it('survives hash-table bombs that V8 treats as fatal (in a child process)', async function () {
    this.timeout(60_000);
    const bombs = [
      'const m = new Map(); for (let i = 0;; i++) m.set(i, { i });',
      'const s = new Set(); for (let i = 0;; i++) s.add(i);',
      "const o = {}; for (let i = 0;; i++) o['k' + i] = i;",
    ];
    const child = `
      import { JobCompiler } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
      const compiler = new JobCompiler({ limits: ${JSON.stringify(MEMORY_LIMITS)}, poolSize: 1 });
      const results = [];
      for (const script of ${JSON.stringify(bombs.map((bomb) => inCompileJob(bomb)))}) {
        try {
          await compiler.compile({ name: 'abuse', filename: 'abuse.js', source: script }, ${JSON.stringify(SUBMISSION)});
          results.push({ compiled: true });
        } catch (error) {
          results.push({ name: error.name, kind: error.kind, message: error.message });
        }
      }
      results.push(await compiler.compile(${JSON.stringify(GOOD)}, ${JSON.stringify(GOOD_SUBMISSION)}));
      // The parked threads keep the process from exiting, even by process.exit(): only a signal ends it.
      process.stdout.write(JSON.stringify(results), () => process.kill(process.pid, 'SIGKILL'));
    `;
    const results = JSON.parse(await runNode(child, 50_000)) as unknown[];
    assert.equal(results.length, bombs.length + 1);
    for (const result of results.slice(0, bombs.length)) {
      assert.deepEqual(result, {
        name: 'CompileError',
        kind: 'memory',
        message: 'abuse.js: the script needed more than 32 MiB of memory and was stopped; look for data that grows without end',
      });
    }
    assertGoodCompile(results[bombs.length] as CompiledJob);
  });
});

function assertClearError(error: unknown, kind: CompileErrorKind, message: RegExp): asserts error is CompileError {
  assert.ok(error instanceof CompileError, `expected a CompileError, got ${String(error)}`);
  assert.equal(error.kind, kind, `kind of: ${error.message.slice(0, 500)}`);
  assert.match(error.message, message);
  assert.ok(!error.message.includes(process.cwd()), 'the message names no path of the host');
  assert.doesNotMatch(error.message, /node:internal|isolated-vm|ivm::/, 'the message shows nothing of the host');
}

function assertGoodCompile(compiled: CompiledJob): void {
  assert.deepEqual(
    compiled.tasks.map((t) => [t.name, t.commands[0].parameters.frames, t.dependencies.length]),
    [
      ['render-1-3', '1-3', 0],
      ['render-4-6', '4-6', 1],
      ['render-7', '7', 1],
    ],
  );
  assert.equal(compiled.tasks[1].dependencies[0], compiled.tasks[0].uuid);
  assert.equal(compiled.tasks[2].dependencies[0], compiled.tasks[1].uuid);
  assert.deepEqual(compiled.job, { name: 'Good job', type: 'good', priority: 60, settings: { frames: '1-7' }, metadata: {} });
  assert.deepEqual(compiled.log, [{ level: 'print', message: 'chunks of 1-7' }]);
}

/** Runs `code` as an ES module in a child Node.js process and returns what it wrote on stdout. */
function runNode(code: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      if (stdout !== '') resolve(stdout);
      else reject(new Error(`the child process ended (${exitCode ?? signal}) without output:\n${stderr.slice(-2000)}`));
    });
  });
}
