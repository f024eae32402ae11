// The built-in job types against their examples: every `examples/<type>/<case>.job.json` is
// compiled and compared with `<case>.expected.json` (task UUIDs written as "#<index>"), or must be
// refused as `<case>.error.json` says ({"kind", "messageIncludes"}).
//
// All examples are compiled at 2006-01-02T15:04:05 local time with the process in UTC, so that
// `{timestamp}` becomes "2006-01-02_150405" whatever the machine's time zone.
//
// The expected outputs were written by hand from Flamenco 3.9's job_compilers_test.go:
// - simple-blender-render/happy: TestSimpleBlenderRenderHappy ("3Д рендеринг", frames 1-10 in
//   chunks of 3); with-scene: TestSimpleBlenderRenderWithScene; windows-paths:
//   TestSimpleBlenderRenderWindowsPaths; timestamp-in-output-path:
//   TestSimpleBlenderRenderOutputPathFieldReplacement; complex-frame-range: TestComplexFrameRange;
//   without-worker-tag and empty-worker-tag: TestJobWithoutTag.
//   Flamenco's example job has no `scene`, which its manager does not check; Tablao refuses a
//   job without a required setting (missing-scene), so these examples send `"scene": ""`, which
//   leaves out `--scene` exactly as a missing scene does in Flamenco.
// - echo-sleep-test/flamenco-etag-test and bad-etag: TestEtag.
// The other examples cover the rest of the job types' rules (EXR with and without previews, no
// fps, a movie format, an empty output path, the single-image tiles and merge).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompileError, JobCompiler } from '../../compiler/src/index.ts';
import type { CompileErrorKind, CompiledJob, JobTypeSource, SubmittedJob } from '../../compiler/src/index.ts';
import { normaliseTaskIds } from '../../manager/src/job-types/task-positions.ts';
import { builtInJobTypesDir, loadBuiltInJobTypes, loadJobTypeFile, loadJobTypesIn } from '../index.ts';

const EXAMPLES_DIR = join(builtInJobTypesDir, 'examples');
const NOW = new Date(Date.UTC(2006, 0, 2, 15, 4, 5));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The etag Flamenco's own tests expect for echo-sleep-test (job_compilers_test.go, TestEtag). */
const FLAMENCO_ECHO_SLEEP_TEST_ETAG = 'eba586e16d6b55baaa43e32f9e78ae514b457fee';

interface ExpectedError {
  kind: CompileErrorKind;
  messageIncludes: string;
}

interface Example {
  type: string;
  name: string;
  submission: SubmittedJob;
  expected?: CompiledJob;
  error?: ExpectedError;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

function readExamples(): Example[] {
  const examples: Example[] = [];
  for (const type of readdirSync(EXAMPLES_DIR, { withFileTypes: true })) {
    if (!type.isDirectory()) continue;
    const dir = join(EXAMPLES_DIR, type.name);
    for (const file of readdirSync(dir).sort()) {
      const match = /^(.+)\.job\.json$/.exec(file);
      if (!match) continue;
      const name = match[1];
      const expectedFile = join(dir, `${name}.expected.json`);
      const errorFile = join(dir, `${name}.error.json`);
      examples.push({
        type: type.name,
        name,
        submission: readJson(join(dir, file)) as SubmittedJob,
        ...(existsSync(expectedFile) ? { expected: readJson(expectedFile) as CompiledJob } : {}),
        ...(existsSync(errorFile) ? { error: readJson(errorFile) as ExpectedError } : {}),
      });
    }
  }
  return examples;
}

/** The compiled job as plain JSON data, with every task UUID replaced by "#<index of the task>". */
const normalise = (compiled: CompiledJob): CompiledJob => normaliseTaskIds(compiled, (index) => `#${index}`);

/** Every `--python-expr` argument of the job's commands. */
function pythonExpressions(compiled: CompiledJob): string[] {
  const found: string[] = [];
  for (const task of compiled.tasks) {
    for (const command of task.commands) {
      const args = command.parameters.args;
      if (!Array.isArray(args)) continue;
      args.forEach((arg, index) => {
        if (arg === '--python-expr') found.push(String(args[index + 1]));
      });
    }
  }
  return found;
}

const examples = readExamples();
const builtIns = await loadBuiltInJobTypes();

describe('built-in job types', () => {
  let compiler: JobCompiler;
  const originalTz = process.env.TZ;
  const sourceOf = (type: string): JobTypeSource => {
    const source = builtIns.find((s) => s.name === type);
    assert.ok(source, `examples/${type} has no job type ${type}.js beside it`);
    return source;
  };

  before(() => {
    // Node passes a change of TZ on to V8; isolates made afterwards use it too.
    process.env.TZ = 'UTC';
    compiler = new JobCompiler();
  });

  after(() => {
    compiler.dispose();
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('formats the examples\' creation time as 2006-01-02_150405 inside the sandbox', async () => {
    const clock: JobTypeSource = {
      name: 'clock',
      filename: 'clock.js',
      source: [
        "const JOB_TYPE = { label: 'Clock', settings: [] };",
        'function compileJob(job) {',
        '  print(formatTimestampLocal(job.created));',
        "  const task = author.Task('tick', 'misc');",
        "  task.addCommand(author.Command('echo', { message: 'tick' }));",
        '  job.addTask(task);',
        '}',
      ].join('\n'),
    };
    const compiled = await compiler.compile(clock, { name: 'clock', type: 'clock', priority: 50 }, { now: NOW });
    assert.deepStrictEqual(compiled.log, [{ level: 'print', message: '2006-01-02_150405' }]);
  });

  it('are the three scripts of job-types/, named after their files', () => {
    assert.deepStrictEqual(
      builtIns.map((s) => [s.name, s.filename]),
      [
        ['echo-sleep-test', 'echo-sleep-test.js'],
        ['simple-blender-render', 'simple-blender-render.js'],
        ['single-image-render', 'single-image-render.js'],
      ],
    );
  });

  for (const source of builtIns) {
    it(`${source.name}: JOB_TYPE reads, with a stable etag`, async () => {
      const info = await compiler.readJobType(source);
      assert.equal(info.name, source.name);
      assert.ok(info.label.trim() !== '', 'the label is empty');
      assert.match(info.etag, /^[0-9a-f]{40}$/);
      const again = new JobCompiler();
      try {
        const fresh = await again.readJobType(await loadJobTypeFile(join(builtInJobTypesDir, source.filename)));
        assert.deepStrictEqual(fresh, info);
      } finally {
        again.dispose();
      }
    });
  }

  it('echo-sleep-test has the etag Flamenco expects', async () => {
    const info = await compiler.readJobType(sourceOf('echo-sleep-test'));
    assert.equal(info.etag, FLAMENCO_ECHO_SLEEP_TEST_ETAG);
  });

  describe('examples', () => {
    it('each have exactly one expected outcome and a known job type', () => {
      assert.ok(examples.length > 0, 'no examples found');
      for (const example of examples) {
        const where = `examples/${example.type}/${example.name}`;
        assert.ok(
          (example.expected === undefined) !== (example.error === undefined),
          `${where} needs exactly one of .expected.json and .error.json`,
        );
        assert.equal(example.submission.type, example.type, `${where}: the job's type is not its folder's`);
        sourceOf(example.type);
      }
      for (const type of readdirSync(EXAMPLES_DIR, { withFileTypes: true }).filter((d) => d.isDirectory())) {
        for (const file of readdirSync(join(EXAMPLES_DIR, type.name))) {
          const match = /^(.+)\.(expected|error)\.json$/.exec(file);
          if (match) assert.ok(existsSync(join(EXAMPLES_DIR, type.name, `${match[1]}.job.json`)), `${file} has no .job.json`);
        }
      }
    });

    for (const example of examples) {
      const title = `${example.type}/${example.name}`;
      if (example.error) {
        const expected = example.error;
        it(`${title} is refused (${expected.kind})`, async () => {
          let error: unknown;
          try {
            await compiler.compile(sourceOf(example.type), example.submission, { now: NOW });
          } catch (caught) {
            error = caught;
          }
          assert.ok(error instanceof CompileError, `expected a CompileError, got ${error === undefined ? 'a compiled job' : String(error)}`);
          assert.equal(error.kind, expected.kind, `wrong kind; message: ${error.message}`);
          assert.ok(
            error.message.includes(expected.messageIncludes),
            `the message does not include ${JSON.stringify(expected.messageIncludes)}:\n${error.message}`,
          );
        });
      } else {
        it(`${title} compiles as expected`, async () => {
          const compiled = await compiler.compile(sourceOf(example.type), example.submission, { now: NOW });
          const uuids = compiled.tasks.map((task) => task.uuid);
          for (const uuid of uuids) assert.match(uuid, UUID);
          assert.equal(new Set(uuids).size, uuids.length, 'task UUIDs are not unique');
          assert.deepStrictEqual(normalise(compiled), example.expected);
        });
      }
    }

    it('write only valid Python in --python-expr (needs python3)', async function () {
      const python = spawnSync('python3', ['--version']);
      if (python.error || python.status !== 0) this.skip();
      const expressions: string[] = [];
      for (const example of examples.filter((e) => e.expected)) {
        const compiled = await compiler.compile(sourceOf(example.type), example.submission, { now: NOW });
        expressions.push(...pythonExpressions(compiled));
      }
      assert.ok(expressions.length > 0, 'no --python-expr found in the examples');
      const check = spawnSync(
        'python3',
        ['-c', 'import json, sys\nfor i, s in enumerate(json.load(sys.stdin)): compile(s, "expr %d" % i, "exec")'],
        { input: JSON.stringify(expressions), encoding: 'utf8' },
      );
      assert.equal(check.status, 0, check.stderr);
    });
  });
});

describe('loading job-type scripts', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tablao-job-types-'));
    await writeFile(join(dir, 'render_stills.js'), 'const JOB_TYPE = { label: "Stills", settings: [] };\n');
    await writeFile(join(dir, 'frames.js'), 'module.exports = {};\n');
    await writeFile(join(dir, 'empty.js'), '\n');
    await writeFile(join(dir, 'notes.txt'), 'not a script, although it is long enough\n');
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('names a job type after its file, with the other scripts as helpers', async () => {
    const source = await loadJobTypeFile(join(dir, 'render_stills.js'));
    assert.deepStrictEqual(source, {
      name: 'render-stills',
      filename: 'render_stills.js',
      source: 'const JOB_TYPE = { label: "Stills", settings: [] };\n',
      helpers: { 'empty.js': '\n', 'frames.js': 'module.exports = {};\n' },
    });
  });

  it('skips files that are not .js or shorter than 8 bytes', async () => {
    const sources = await loadJobTypesIn(dir);
    assert.deepStrictEqual(
      sources.map((s) => s.name),
      ['frames', 'render-stills'],
    );
  });
});
