import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TABLAO_SCRIPT } from '../launch.ts';

const jobTypes = fileURLToPath(new URL('../../job-types/', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TABLAO_SCRIPT, ...args], { env: { ...process.env, TZ: 'UTC' } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the tablao command', function () {
  this.timeout(30_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tablao-cli-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(name: string, content: unknown): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  it('lists its commands with --help', async () => {
    const result = await run('--help');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: tablao <command>/);
    assert.match(result.stdout, /compile/);
  });

  it('refuses an unknown command with the list of commands', async () => {
    const result = await run('frobnicate');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
    assert.match(result.stderr, /compile/);
  });

  it('compiles a job and prints the compiled job as JSON', async () => {
    const job = await file('echo.json', {
      name: 'hello',
      type: 'echo-sleep-test',
      priority: 50,
      settings: { message: 'hi', sleep_repeats: 2 },
    });
    const result = await run('compile', join(jobTypes, 'echo-sleep-test.js'), job, '--now', '2006-01-02T15:04:05Z');
    assert.equal(result.code, 0, result.stderr);
    const compiled = JSON.parse(result.stdout);
    assert.equal(compiled.job.name, 'hello');
    assert.deepEqual(
      compiled.tasks.map((t: { name: string }) => t.name),
      ['echo', 'sleep', 'sleep'],
    );
    assert.deepEqual(compiled.tasks[1].dependencies, [compiled.tasks[0].uuid]);
    assert.deepEqual(compiled.tasks[0].commands[0], { name: 'echo', parameters: { message: 'hi' }, totalStepCount: 0 });
  });

  it('fixes job.created with --now', async () => {
    const script = await file(
      'stamp.js',
      `const JOB_TYPE = { label: 'Stamp', settings: [] };
function compileJob(job) {
  const t = author.Task(formatTimestampLocal(job.created), 'misc');
  t.addCommand(author.Command('echo', { message: job.created.toISOString() }));
  job.addTask(t);
}`,
    );
    const job = await file('stamp.json', { name: 's', type: 'stamp', priority: 50 });
    const result = await run('compile', script, job, '--now', '2006-01-02T15:04:05Z');
    assert.equal(result.code, 0, result.stderr);
    const compiled = JSON.parse(result.stdout);
    assert.equal(compiled.tasks[0].name, '2006-01-02_150405');
    assert.equal(compiled.tasks[0].commands[0].parameters.message, '2006-01-02T15:04:05.000Z');
  });

  it('names the line and column of a script error', async () => {
    const script = await file(
      'broken.js',
      `const JOB_TYPE = { label: 'Broken', settings: [] };
function compileJob(job) {
  throw "nothing to render";
}`,
    );
    const job = await file('broken.json', { name: 'b', type: 'broken', priority: 50 });
    const result = await run('compile', script, job);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /broken\.js:3:3: nothing to render/);
  });

  it('names the setting that does not fit', async () => {
    const job = await file('bad-settings.json', {
      name: 'b',
      type: 'echo-sleep-test',
      priority: 50,
      settings: { sleep_repeats: 'many' },
    });
    const result = await run('compile', join(jobTypes, 'echo-sleep-test.js'), job);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /bad-settings\.json/);
    assert.match(result.stderr, /"message" is required/);
    assert.match(result.stderr, /"sleep_repeats"/);
  });

  it('names a file that is missing or not JSON', async () => {
    const missing = await run('compile', join(dir, 'nope.js'), join(dir, 'nope.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.js: no such file/);

    const notJson = await file('not-json.json', '{"name": ');
    const result = await run('compile', join(jobTypes, 'echo-sleep-test.js'), notJson);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /not-json\.json is not valid JSON/);
  });

  it('explains its usage when arguments are missing or wrong', async () => {
    const missing = await run('compile', 'only-one.js');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Usage: tablao compile/);
    const badNow = await run('compile', 'a.js', 'b.json', '--now', 'yesterday');
    assert.equal(badNow.code, 2);
    assert.match(badNow.stderr, /--now "yesterday" is not a date/);
  });
});
