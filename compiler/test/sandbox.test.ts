// The sandbox's promises: no state leaks between compiles, the host is never touched, isolates are
// pooled and replaced, errors point at the right place, and the authoring API behaves as the
// contract says (job-types.md, "What the script can use").

import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { CompileError, JobCompiler } from '../src/index.ts';
import type { CompiledJob, CompileErrorKind, JobTypeSource, SourceLocation, SubmittedJob } from '../src/index.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const JOB_TYPE = "const JOB_TYPE = { label: 'Sandbox test', settings: [] };\n";

function jobType(source: string, helpers?: Record<string, string>, name = 'sandbox-test'): JobTypeSource {
  return { name, filename: `${name}.js`, source, ...(helpers ? { helpers } : {}) };
}

function submission(name = 'A job', settings?: Record<string, unknown>): SubmittedJob {
  return { name, type: 'sandbox-test', priority: 50, ...(settings ? { settings } : {}) };
}

/** A script whose compileJob stores `expression` (JSON) as the parameters of its one command. */
function reporting(expression: string, top = ''): string {
  return `${JOB_TYPE}${top}
function compileJob(job) {
  const report = author.Task('report', 'misc');
  report.addCommand(author.Command('report', ${expression}));
  job.addTask(report);
}
`;
}

function reportOf(compiled: CompiledJob): Record<string, unknown> {
  return compiled.tasks[0].commands[0].parameters;
}

async function refusal(compiler: JobCompiler, source: JobTypeSource, job: SubmittedJob = submission()): Promise<CompileError> {
  try {
    await compiler.compile(source, job);
  } catch (error) {
    assert.ok(error instanceof CompileError, `expected a CompileError, got ${String(error)}`);
    return error;
  }
  assert.fail('the script compiled');
}

async function locationOf(compiler: JobCompiler, source: JobTypeSource, kind: CompileErrorKind = 'script'): Promise<SourceLocation | undefined> {
  const error = await refusal(compiler, source);
  assert.equal(error.kind, kind, error.message);
  if (error.location) {
    const { file, line, column } = error.location;
    assert.ok(error.message.startsWith(`${file}:${line}:${column}: `), `the message starts with the location: ${error.message}`);
  }
  return error.location;
}

describe('the sandbox', function () {
  this.timeout(20_000);

  describe('leaks no state from one compile into the next', () => {
    let compiler: JobCompiler;
    before(() => (compiler = new JobCompiler({ poolSize: 1 })));
    after(() => compiler.dispose());

    // Reports what it finds, then changes everything it can reach.
    const TAMPERING = `${JOB_TYPE}
var counter = (typeof counter === 'number' ? counter : 0) + 1;
let topLevel = [];
const helper = require('./counter');
function compileJob(job) {
  topLevel.push('compiled');
  const report = {
    counter, topLevel: topLevel.length, helperLoads: helper.loads(),
    leakedGlobal: typeof globalThis.leaked, leakedVar: typeof leakedVar,
    objectPrototype: Object.getOwnPropertyNames(Object.prototype).sort().join(),
    protoProperty: typeof ({}).polluted,
    arrayPush: Array.prototype.push.name, stringTrim: String.prototype.trim.name,
    jsonStringify: JSON.stringify.name, mathRandom: Math.random.name, dateNow: Date.now.name,
    settingsKeys: Object.keys(job.settings).join(),
  };
  const task = author.Task('report', 'misc');
  task.addCommand(author.Command('report', report));
  job.addTask(task);

  globalThis.leaked = 'yes';
  leakedVar = 'yes';
  counter += 10;
  helper.bump();
  Object.prototype.polluted = 'yes';
  const push = Array.prototype.push;
  Array.prototype.push = function hijackedPush(...items) { return push.apply(this, items); };
  String.prototype.trim = function hijackedTrim() { return 'hijacked'; };
  JSON.stringify = function hijackedStringify() { return '{}'; };
  Math.random = function hijackedRandom() { return 4; };
  Date.now = function hijackedNow() { return 0; };
  job.settings.added = 'yes';
}
`;
    const COUNTER_HELPER = 'let loads = 0;\nloads++;\nmodule.exports = { loads: () => loads, bump() { loads += 100; } };';
    const PRISTINE = {
      counter: 1,
      topLevel: 1,
      helperLoads: 1,
      leakedGlobal: 'undefined',
      leakedVar: 'undefined',
      protoProperty: 'undefined',
      arrayPush: 'push',
      stringTrim: 'trim',
      jsonStringify: 'stringify',
      mathRandom: 'random',
      dateNow: 'now',
      settingsKeys: 'frames',
    };

    it('a script that changes globals, prototypes, its variables and a helper sees a pristine world the next time', async () => {
      const source = jobType(TAMPERING, { 'counter.js': COUNTER_HELPER });
      const first = reportOf(await compiler.compile(source, submission('first', { frames: '1-10' })));
      const second = reportOf(await compiler.compile(source, submission('second', { frames: '1-10' })));
      const { objectPrototype, ...rest } = first;
      assert.deepEqual(rest, PRISTINE);
      assert.doesNotMatch(String(objectPrototype), /polluted/);
      assert.deepEqual(second, first);
    });

    it("tampering in one job type does not reach another type's compile", async () => {
      await compiler.compile(jobType(TAMPERING, { 'counter.js': COUNTER_HELPER }), submission('tamper'));
      const other = jobType(
        reporting(
          "{ leaked: typeof leaked, polluted: typeof ({}).polluted, push: [].push.name, trim: ' x '.trim(), random: Math.random.name, counter: typeof counter }",
        ),
        undefined,
        'other-type',
      );
      const report = reportOf(await compiler.compile(other, { ...submission('other'), type: 'other-type' }));
      assert.deepEqual(report, { leaked: 'undefined', polluted: 'undefined', push: 'push', trim: 'x', random: 'random', counter: 'undefined' });
    });
  });

  describe('never touches the host', () => {
    it("leaves the host's globals and prototypes as they were, whatever the scripts do", async () => {
      const snapshot = () => ({
        globals: Object.getOwnPropertyNames(globalThis).sort(),
        objectPrototype: Object.getOwnPropertyNames(Object.prototype).sort(),
        arrayPrototype: Object.getOwnPropertyNames(Array.prototype).sort(),
        functionPrototype: Object.getOwnPropertyNames(Function.prototype).sort(),
        stringPrototype: Object.getOwnPropertyNames(String.prototype).sort(),
        functions: [JSON.stringify, JSON.parse, Array.prototype.push, Function.prototype.call, Math.random, Object.defineProperty, Promise.prototype.then],
        prepareStackTrace: Error.prepareStackTrace,
        stackTraceLimit: Error.stackTraceLimit,
      });
      const before = snapshot();
      const compiler = new JobCompiler({ limits: { timeMs: 500 }, poolSize: 2 });
      try {
        const hostile = [
          "Object.prototype.polluted = 1; Array.prototype.push = null; JSON.stringify = null; Function.prototype.call = null; Math.random = null; Object.defineProperty = null; Promise.prototype.then = null;",
          "this.constructor.constructor('return this')().hostGlobal = 1; globalThis.anotherGlobal = 2;",
          "Error.prepareStackTrace = () => 'hijacked'; Error.stackTraceLimit = 0; throw new Error('x');",
          "Object.setPrototypeOf(Object.prototype, { inherited: 1 });",
          "({}).__proto__.viaProto = 1; [].__proto__.viaArray = 1; ''.__proto__.viaString = 1; (function () {}).__proto__.viaFunction = 1;",
          "try { require('fs'); } catch (e) { e.__proto__.__proto__.polluted = 1; e.constructor.prototype.polluted = 1; }",
        ];
        for (const body of hostile) {
          await compiler.compile(jobType(`${JOB_TYPE}function compileJob(job) {\n${body}\n}\n`), submission()).catch((error: unknown) => {
            assert.ok(error instanceof CompileError, String(error));
          });
        }
      } finally {
        compiler.dispose();
      }
      assert.deepEqual(snapshot(), before);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  });

  describe('pools isolates', () => {
    const SLOW = reporting("{ name: job.name, spins: spin() }", "function spin() { let x = 0; for (let i = 0; i < 2e6; i++) x += i % 7; return x; }\n");

    it('runs two compiles at once on a pool of two, both correctly', async () => {
      const compiler = new JobCompiler({ poolSize: 2 });
      try {
        const source = jobType(SLOW);
        const [a, b, c] = await Promise.all([
          compiler.compile(source, submission('a')),
          compiler.compile(source, submission('b')),
          compiler.compile(source, submission('c')),
        ]);
        assert.deepEqual([reportOf(a).name, reportOf(b).name, reportOf(c).name], ['a', 'b', 'c']);
        assert.equal(reportOf(a).spins, reportOf(b).spins);
        assert.deepEqual([a.job.name, b.job.name, c.job.name], ['a', 'b', 'c']);
      } finally {
        compiler.dispose();
      }
    });

    it('replaces an isolate killed by a memory bomb, and the next compile works', async () => {
      const compiler = new JobCompiler({ limits: { heapMiB: 32, timeMs: 10_000 }, poolSize: 1 });
      try {
        const bomb = jobType(`${JOB_TYPE}function compileJob(job) {\n  const all = []; for (;;) all.push(new Array(1000).fill(1));\n}\n`, undefined, 'bomb');
        for (let round = 0; round < 2; round++) {
          const error = await refusal(compiler, bomb);
          assert.equal(error.kind, 'memory');
          assert.match(error.message, /^bomb\.js: the script needed more than 32 MiB of memory and was stopped/);
          const compiled = await compiler.compile(jobType(reporting("{ round: 'next' }")), submission());
          assert.deepEqual(reportOf(compiled), { round: 'next' });
        }
      } finally {
        compiler.dispose();
      }
    });

    it('stops a loop for good at its time limit: no thread of it keeps running', async () => {
      // An allocating loop that V8 compiles while it runs (on-stack replacement) once ignored
      // isolated-vm's requests to stop, and burnt a core after its compile had failed.
      const compiler = new JobCompiler({ limits: { timeMs: 300 }, poolSize: 1 });
      try {
        const error = await refusal(compiler, jobType(`${JOB_TYPE}function compileJob(job) {\n  for (;;) { const a = new Array(1000); a[0] = 1; }\n}\n`));
        assert.equal(error.kind, 'timeout');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const before = process.cpuUsage();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const used = process.cpuUsage(before);
        assert.ok(used.user + used.system < 500_000, `the process used ${Math.round((used.user + used.system) / 1000)} ms of CPU in 1 s while idle`);
      } finally {
        compiler.dispose();
      }
    });

    it('replaces an isolate stopped at its time limit, and the next compile works', async () => {
      const compiler = new JobCompiler({ limits: { timeMs: 300 }, poolSize: 1 });
      try {
        const error = await refusal(compiler, jobType(`${JOB_TYPE}async function compileJob(job) {\n  await new Promise(() => {});\n}\n`));
        assert.equal(error.kind, 'timeout');
        assert.deepEqual(reportOf(await compiler.compile(jobType(reporting('{ ok: true }')), submission())), { ok: true });
      } finally {
        compiler.dispose();
      }
    });
  });

  describe('reports where an error happened', () => {
    let compiler: JobCompiler;
    before(() => (compiler = new JobCompiler({ poolSize: 1 })));
    after(() => compiler.dispose());

    const inCompileJob = (lines: string[], helpers?: Record<string, string>) =>
      jobType(`${JOB_TYPE}function compileJob(job) {\n${lines.join('\n')}\n}\n`, helpers);

    it('for a thrown string: the throw statement', async () => {
      assert.deepEqual(await locationOf(compiler, inCompileJob(['  const frames = job.settings.frames;', "    throw 'no frames';"])), {
        file: 'sandbox-test.js',
        line: 4,
        column: 5,
      });
    });

    it('for a thrown Error: where the Error was made', async () => {
      assert.deepEqual(await locationOf(compiler, inCompileJob(['', "  if (true) throw new Error('bad');"])), {
        file: 'sandbox-test.js',
        line: 4,
        column: 19,
      });
    });

    it("for the engine's TypeError: the failing expression", async () => {
      const error = await refusal(compiler, inCompileJob(['  const missing = job.settings.nothing;', '  return missing.length;']));
      assert.deepEqual(error.location, { file: 'sandbox-test.js', line: 4, column: 18 });
      assert.equal(error.message, "sandbox-test.js:4:18: TypeError: Cannot read properties of undefined (reading 'length')");
    });

    it('for an error inside a helper loaded by require: the helper', async () => {
      const helpers = { 'helper.js': "// a helper\nexports.frames = function (job) {\n  return job.settings.range.split('-');\n};\n" };
      const error = await refusal(compiler, inCompileJob(["  require('./helper').frames(job);"], helpers));
      assert.deepEqual(error.location, { file: 'helper.js', line: 3, column: 29 });
      assert.match(error.message, /^helper\.js:3:29: TypeError: Cannot read properties of undefined \(reading 'split'\)$/);
    });

    it('for an error on the first line of a helper (after the wrapper the sandbox adds)', async () => {
      const helpers = { 'helper.js': "module.exports = function () { return null.frames; };" };
      assert.deepEqual(await locationOf(compiler, inCompileJob(["  require('./helper')();"], helpers)), { file: 'helper.js', line: 1, column: 44 });
    });

    it('for a string thrown by a helper: the helper', async () => {
      const helpers = { 'check.js': "module.exports = function (job) {\n  if (!job.settings.frames) { throw 'frames are required'; }\n};\n" };
      const error = await refusal(compiler, inCompileJob(["  require('./check')(job);"], helpers));
      assert.deepEqual(error.location, { file: 'check.js', line: 2, column: 31 });
      assert.equal(error.message, 'check.js:2:31: frames are required');
    });

    it('for an error thrown by a runtime function: the call in the script', async () => {
      const error = await refusal(compiler, inCompileJob(['  const x = 1;', "  const chunks = frameChunker('x', 1);"]));
      assert.deepEqual(error.location, { file: 'sandbox-test.js', line: 4, column: 18 });
      assert.match(error.message, /^sandbox-test\.js:4:18: .*"x"/);
    });

    it('for an engine error on a line where an earlier throw was rewritten: the right column', async () => {
      // `throw 'a'` is rewritten to `throw __tablaoThrowAt(…, 'a')`, shifting what follows on the line;
      // V8 points at the property it could not read (column 61, `frames`).
      const error = await refusal(compiler, inCompileJob(["  if (!job) throw 'no job'; const settings = null; settings.frames;"]));
      assert.deepEqual(error.location, { file: 'sandbox-test.js', line: 3, column: 61 });
    });

    it('for a second throw on the same line: its own column', async () => {
      const location = await locationOf(compiler, inCompileJob(["  if (!job) throw 'no job'; if (job) throw 'second';"]));
      assert.deepEqual(location, { file: 'sandbox-test.js', line: 3, column: 38 });
    });

    it('for an Error made on a line with a rewritten throw before it: the right column', async () => {
      const location = await locationOf(compiler, inCompileJob(["  if (!job) { throw 'a'; } else { throw new RangeError('b'); }"]));
      assert.deepEqual(location, { file: 'sandbox-test.js', line: 3, column: 41 });
    });

    it('for a throw at the top level: the top level', async () => {
      const source = jobType(`${JOB_TYPE}const x = 1;\n  throw 'top';\nfunction compileJob(job) {}\n`);
      const error = await refusal(compiler, source);
      assert.deepEqual(error.location, { file: 'sandbox-test.js', line: 3, column: 3 });
    });

    it('for a syntax error: its line and column', async () => {
      const error = await refusal(compiler, jobType(`${JOB_TYPE}function compileJob(job) {\n  const a = ;\n}\n`));
      assert.deepEqual(error.location, { file: 'sandbox-test.js', line: 3, column: 13 });
      assert.equal(error.message, 'sandbox-test.js:3:13: SyntaxError: Unexpected token');
    });
  });

  describe('the authoring API', () => {
    let compiler: JobCompiler;
    before(() => (compiler = new JobCompiler({ poolSize: 2 })));
    after(() => compiler.dispose());

    it('captures print and alert in the log with their levels', async () => {
      const compiled = await compiler.compile(
        jobType(reporting('{}', "print('reading', 3, 'settings', { a: [1, 'b'] }, null, undefined);\nalert('careful:', true);\n")),
        submission(),
      );
      assert.deepEqual(compiled.log, [
        { level: 'print', message: 'reading 3 settings {"a":[1,"b"]} null undefined' },
        { level: 'alert', message: 'careful: true' },
      ]);
    });

    it('keeps the log of a compile that fails', async () => {
      const error = await refusal(compiler, jobType(`${JOB_TYPE}function compileJob(job) {\n  print('before');\n  alert('about to fail');\n  throw 'failed';\n}\n`));
      assert.equal(error.kind, 'script');
      assert.deepEqual(error.log, [
        { level: 'print', message: 'before' },
        { level: 'alert', message: 'about to fail' },
      ]);
    });

    it("gives require('author'), require('path') and require('process') the globals' objects", async () => {
      const compiled = await compiler.compile(
        jobType(reporting("{ author: require('author') === author, path: require('path') === path, process: require('process') === process, frozen: Object.isFrozen(author) }")),
        submission(),
      );
      assert.deepEqual(reportOf(compiled), { author: true, path: true, process: true, frozen: true });
    });

    it('lets helpers require each other and share one instance of each', async () => {
      const helpers = {
        'naming.js': "const paths = require('./paths');\nexports.output = (shot) => paths.join('/render', shot);\nexports.paths = paths;",
        'paths.js': "exports.join = (a, b) => path.join(a, b);",
      };
      const compiled = await compiler.compile(
        jobType(reporting("{ output: require('./naming').output('sh010'), same: require('./naming').paths === require('./paths.js') }"), helpers),
        submission(),
      );
      assert.deepEqual(reportOf(compiled), { output: '/render/sh010', same: true });
    });

    it('shows process.cwd() and process.platform without a path of the host', async () => {
      const compiled = await compiler.compile(jobType(reporting('{ cwd: process.cwd(), platform: process.platform }')), submission());
      const report = reportOf(compiled);
      assert.deepEqual(report, { cwd: '/', platform: process.platform === 'win32' ? 'windows' : process.platform });
      assert.ok(!JSON.stringify(report).includes(process.cwd()));
      assert.ok(!JSON.stringify(report).includes(homedir()));
    });

    it('gives job.created as the `now` of the compile', async () => {
      const now = new Date(Date.UTC(2006, 0, 2, 15, 4, 5, 123));
      const compiled = await compiler.compile(
        jobType(reporting('{ created: job.created.toISOString(), isDate: job.created instanceof Date }')),
        submission(),
        { now },
      );
      assert.deepEqual(reportOf(compiled), { created: '2006-01-02T15:04:05.123Z', isDate: true });
    });

    it('makes task UUIDs that are valid version 4 and unique, across compiles too', async () => {
      const source = jobType(`${JOB_TYPE}function compileJob(job) {\n  for (let i = 0; i < 200; i++) job.addTask(author.Task('t' + i, 'misc'));\n}\n`);
      const uuids = [];
      for (let round = 0; round < 2; round++) {
        for (const task of (await compiler.compile(source, submission())).tasks) uuids.push(task.uuid);
      }
      assert.equal(uuids.length, 400);
      for (const uuid of uuids) assert.match(uuid, UUID_V4);
      assert.equal(new Set(uuids).size, 400);
    });

    it('refuses a dependency on a task never added to the job, clearly', async () => {
      const error = await refusal(
        compiler,
        jobType(`${JOB_TYPE}function compileJob(job) {\n  const render = author.Task('render', 'blender');\n  const video = author.Task('video', 'ffmpeg');\n  video.addDependency(render);\n  job.addTask(video);\n}\n`),
      );
      assert.ok(error.kind === 'script' || error.kind === 'output', error.kind);
      assert.match(error.message, /task "video" depends on task "render", which was never added to the job/);
    });

    it('stores undefined parameters as null, with an alert naming the parameter', async () => {
      const compiled = await compiler.compile(
        jobType(
          `${JOB_TYPE}function compileJob(job) {
  const task = author.Task('render', 'blender');
  task.addCommand(author.Command('blender-render', { exe: '{blender}', blendfile: undefined, args: ['-b', undefined] }));
  task.addCommand(author.Command('move', { list: [1, undefined] }));
  task.addCommand(author.Command('copy', { files: [{ from: 'a', to: undefined }] }));
  job.addTask(task);
}
`,
        ),
        submission(),
      );
      assert.deepEqual(
        compiled.tasks[0].commands.map((c) => c.parameters),
        [{ exe: '{blender}', blendfile: null, args: ['-b', null] }, { list: [1, null] }, { files: [{ from: 'a', to: null }] }],
      );
      const alerts = compiled.log.filter((line) => line.level === 'alert').map((line) => line.message);
      assert.ok(alerts.some((message) => /command "blender-render": parameters\.blendfile is undefined; it is stored as null/.test(message)), alerts.join('\n'));
      assert.ok(alerts.some((message) => /command "move": parameters\.list\[1\] is undefined/.test(message)), alerts.join('\n'));
      assert.ok(alerts.some((message) => /command "copy": parameters\.files\[0\]\.to is undefined/.test(message)), alerts.join('\n'));
    });

    it('stores Dates in parameters as ISO text', async () => {
      const compiled = await compiler.compile(
        jobType(reporting("{ when: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)), nested: { list: [new Date(0)] } }")),
        submission(),
      );
      assert.deepEqual(reportOf(compiled), { when: '2020-01-02T03:04:05.000Z', nested: { list: ['1970-01-01T00:00:00.000Z'] } });
    });

    it('runs an async compileJob', async () => {
      const compiled = await compiler.compile(
        jobType(`${JOB_TYPE}async function compileJob(job) {
  const frames = await Promise.resolve('1-4');
  for (const chunk of frameChunker(frames, 2)) {
    await null;
    const task = author.Task('render-' + chunk, 'blender');
    task.addCommand(author.Command('render', { frames: chunk }));
    job.addTask(task);
  }
  print('done');
}
`),
        submission(),
      );
      assert.deepEqual(compiled.tasks.map((t) => t.commands[0].parameters.frames), ['1,2', '3,4']);
      assert.deepEqual(compiled.log, [{ level: 'print', message: 'done' }]);
    });
  });
});
