import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { isAbortError } from '../../src/platform/abort.ts';
import { ProcessStartError, runProcess, type ProcessRequest } from '../../src/platform/run-process.ts';
import { fixture } from '../commands/recording-context.ts';
import { ends, hasEnded, pidsFrom } from './process-checks.ts';

function request(executable: string, args: readonly string[], overrides: Partial<ProcessRequest> = {}): ProcessRequest & { lines: string[] } {
  const lines: string[] = [];
  return { executable, args, platform: process.platform, signal: new AbortController().signal, onLine: (line) => lines.push(line), lines, ...overrides };
}

describe('running a process (for real, on this machine)', function () {
  if (process.platform === 'win32') return;
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tablao-run-process-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('hands over the lines of stdout and stderr, and the exit code', async () => {
    const run = request(fixture('fake-blender.sh'), ['--transcript', fixture('transcripts/blender-python-error.txt'), '--exit-code', '3']);
    const ended = await runProcess(run);
    assert.equal(ended.exitCode, 3);
    assert.equal(ended.signal, null);
    assert.deepEqual(run.lines.slice(0, 2), ['Blender 3.4.1', 'Read blend: /render/scene.blend']);
    assert.ok(run.lines.includes("ValueError: no camera named 'Hero'"), 'lines written to stderr arrive too');
  });

  it('tells when it started, with the process id', async () => {
    let started: number | undefined;
    const ended = await runProcess(request(fixture('print-args.sh'), [], { onStart: (pid) => (started = pid) }));
    assert.equal(started, ended.pid);
    assert.ok(ended.pid > 0);
  });

  it('reports a signal that ended the process', async () => {
    const ended = await runProcess(request(fixture('fake-blender.sh'), ['--kill-self']));
    assert.deepEqual([ended.exitCode, ended.signal], [null, 'SIGKILL']);
  });

  it('fails to start a missing executable with ENOENT', async () => {
    await assert.rejects(runProcess(request(join(folder, 'missing'), [])), (error: unknown) => {
      assert.ok(error instanceof ProcessStartError);
      assert.equal(error.code, 'ENOENT');
      assert.equal(error.executable, join(folder, 'missing'));
      return true;
    });
  });

  it('fails to start a file without execute permission with EACCES', async () => {
    await assert.rejects(runProcess(request(fixture('not-executable.sh'), [])), { name: 'ProcessStartError', code: 'EACCES' });
  });

  it('refuses arguments no process can take, as a failed start', async () => {
    await assert.rejects(runProcess(request(fixture('print-args.sh'), ['a\0b'])), { name: 'ProcessStartError', code: 'ERR_INVALID_ARG_VALUE' });
  });

  it('stops the process and its grandchild at once on abort, and leaves no orphan', async () => {
    const pidFile = join(folder, 'pids');
    const abort = new AbortController();
    const running = runProcess(
      request(fixture('start-grandchild.sh'), [pidFile], {
        signal: abort.signal,
        onLine: (line) => {
          if (line === 'ready') abort.abort(new Error('the task was taken away'));
        },
      }),
    );
    await assert.rejects(running, (error: unknown) => {
      assert.ok(isAbortError(error));
      assert.equal(((error as Error).cause as Error).message, 'the task was taken away');
      return true;
    });
    const [grandchild, child] = await pidsFrom(pidFile);
    assert.ok(grandchild !== undefined && child !== undefined);
    assert.equal(hasEnded(child), true, 'the process itself has ended when the promise settles');
    assert.equal(await ends(grandchild), true, 'the grandchild is gone too');
  });

  it('stops a process aborted while it was still starting', async () => {
    const pidFile = join(folder, 'pids');
    const abort = new AbortController();
    const running = runProcess(request(fixture('start-grandchild.sh'), [pidFile], { signal: abort.signal }));
    abort.abort();
    await assert.rejects(running, { name: 'AbortError' });
    // The script is gone now, so it wrote its process ids already or never will.
    const written = (await readFile(pidFile, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
    for (const pid of written) assert.equal(await ends(pid), true, `process ${pid} is gone`);
  });

  it('does not start anything when aborted before', async () => {
    const abort = new AbortController();
    abort.abort();
    let started = false;
    await assert.rejects(runProcess(request(fixture('print-args.sh'), [], { signal: abort.signal, onStart: () => (started = true) })), {
      name: 'AbortError',
    });
    assert.equal(started, false);
  });

  it('stops what a process left running behind when it exited, instead of waiting for it', async () => {
    const pidFile = join(folder, 'pids');
    const run = request(fixture('leave-background.sh'), [pidFile]);
    const ended = await runProcess(run);
    assert.equal(ended.exitCode, 0);
    assert.deepEqual(run.lines, ['done']);
    const [background] = await pidsFrom(pidFile);
    assert.ok(background !== undefined);
    assert.equal(await ends(background), true);
  });

  it('passes arguments through untouched: no shell expands or splits them', async () => {
    const run = request(fixture('print-args.sh'), ['$(id)', '`id`', 'a  b', '*', '~', '']);
    await runProcess(run);
    assert.deepEqual(run.lines, ['arg: $(id)', 'arg: `id`', 'arg: a  b', 'arg: *', 'arg: ~', 'arg: ']);
  });
});
