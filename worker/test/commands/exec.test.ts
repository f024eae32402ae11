import assert from 'node:assert/strict';

import { CommandError } from '../../src/commands/command.ts';
import { execCommand } from '../../src/commands/exec.ts';
import { fixture, outputLines, recordingContext } from './recording-context.ts';

describe('exec', () => {
  it('runs an allowed executable with its arguments as given', async () => {
    const { context, recording } = recordingContext(
      { exe: fixture('print-args.sh'), args: ['a b', '$HOME', 3] },
      { allowedExecutables: [fixture('print-args.sh')] },
    );
    await execCommand(context);
    assert.deepEqual(outputLines(recording.logs), ['arg: a b', 'arg: $HOME', 'arg: 3']);
  });

  it('refuses an executable the configuration does not allow, saying how to allow it', async () => {
    const { context, recording } = recordingContext(
      { exe: fixture('print-args.sh'), args: [] },
      { allowedExecutables: [fixture('fake-ffmpeg.sh')] },
    );
    await assert.rejects(execCommand(context), (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.equal(
        error.message,
        `exec: ${JSON.stringify(fixture('print-args.sh'))} is not an executable this worker may run; to allow it, add it to allowed_executables in the worker's tablao-worker.yaml`,
      );
      return true;
    });
    assert.deepEqual(recording.logs, [], 'nothing ran');
  });

  it('refuses everything when nothing is allowed', async () => {
    const { context } = recordingContext({ exe: 'true' });
    await assert.rejects(execCommand(context), /exec: "true" is not an executable this worker may run/);
  });

  it('matches a bare allowed name with the same program named by its path, and runs the program found on PATH', async function () {
    if (process.platform === 'win32') this.skip();
    const { context, recording } = recordingContext({ exe: '/bin/true' }, { allowedExecutables: ['true'] });
    await execCommand(context);
    assert.match(recording.logs[0] ?? '', /^going to run: \/.*true$/);
  });

  it('does not allow a different file that has an allowed name', async () => {
    const { context } = recordingContext({ exe: fixture('print-args.sh') }, { allowedExecutables: ['print-args.sh'] });
    await assert.rejects(execCommand(context), /is not an executable this worker may run/);
  });

  it('fails clearly when an allowed executable is missing', async () => {
    const { context } = recordingContext({ exe: '/nowhere/tool' }, { allowedExecutables: ['/nowhere/tool'] });
    await assert.rejects(execCommand(context), /exec: \/nowhere\/tool could not be started: "\/nowhere\/tool" was not found; install it on this worker/);
  });

  it('fails on a non-zero exit, naming the code', async () => {
    const { context } = recordingContext(
      { exe: fixture('fake-blender.sh'), args: ['--exit-code', '7'] },
      { allowedExecutables: [fixture('fake-blender.sh')] },
    );
    await assert.rejects(execCommand(context), /exec: .*fake-blender.sh exited with code 7$/);
  });

  it('says when the program was killed', async () => {
    const { context } = recordingContext(
      { exe: fixture('fake-blender.sh'), args: ['--kill-self'] },
      { allowedExecutables: [fixture('fake-blender.sh')] },
    );
    await assert.rejects(execCommand(context), /exec: .*fake-blender.sh was killed by signal SIGKILL/);
  });

  it('refuses a missing exe and wrong-typed args', async () => {
    await assert.rejects(execCommand(recordingContext({ args: [] }).context), /exec: parameter "exe" is missing/);
    await assert.rejects(execCommand(recordingContext({ exe: 'true', args: 'x' }).context), /exec: parameter "args" must be a list of arguments/);
  });

  it('stops the program when aborted', async () => {
    const { context, abort } = recordingContext({ exe: fixture('hang.sh') }, { allowedExecutables: [fixture('hang.sh')] });
    const running = execCommand(context);
    setImmediate(() => abort.abort());
    await assert.rejects(running, { name: 'AbortError' });
  });
});
