import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { blenderInvocation, blenderRender } from '../../src/commands/blender-render.ts';
import { CommandError } from '../../src/commands/command.ts';
import { ends, pidsFrom } from '../platform/process-checks.ts';
import { fixture, outputLines, recordingContext } from './recording-context.ts';

const transcript = (name: string): string => fixture(`transcripts/${name}`);

describe('blender-render: the command line', () => {
  it('is exe, exeArgs split like a shell line, argsBefore, blendfile, args', () => {
    const invocation = blenderInvocation({
      exe: 'D:\\Blender 3.2\\blender.exe',
      exeArgs: ` --factory-startup --python-expr "import bpy; print(\\"hello world\\")"`,
      argsBefore: ['-noaudio'],
      blendfile: 'file with spaces.blend',
      args: ['--render-frame', 1, '--debug'],
    });
    assert.equal(invocation.exe, 'D:\\Blender 3.2\\blender.exe');
    assert.deepEqual(invocation.args, [
      '--factory-startup',
      '--python-expr',
      'import bpy; print("hello world")',
      '-noaudio',
      'file with spaces.blend',
      '--render-frame',
      '1',
      '--debug',
    ]);
  });

  it('leaves out an empty blendfile (a Python script may make the scene instead)', () => {
    const invocation = blenderInvocation({ exe: 'blender', blendfile: '', args: ['-f', '1'] });
    assert.deepEqual(invocation.args, ['-f', '1']);
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['a missing exe', { blendfile: 'a.blend' }, /blender-render: parameter "exe" is missing, expected the Blender executable \(a string\)/],
    ['an empty exe', { exe: '', blendfile: 'a.blend' }, /parameter "exe" is empty/],
    ['a missing blendfile', { exe: 'blender' }, /parameter "blendfile" is missing/],
    ['args that are not a list', { exe: 'blender', blendfile: '', args: '-f 1' }, /parameter "args" must be a list of arguments \(strings\), not the string "-f 1"/],
    ['an object in argsBefore', { exe: 'blender', blendfile: '', argsBefore: ['-b', {}] }, /parameter "argsBefore" must be a list of arguments \(strings\), but item 1 is an object/],
    ['exeArgs that are not text', { exe: 'blender', blendfile: '', exeArgs: 3 }, /parameter "exeArgs" must be extra Blender arguments on one line \(a string\), not the number 3/],
    ['exeArgs with an unclosed quote', { exe: 'blender', blendfile: '', exeArgs: '-b "x' }, /parameter "exeArgs" cannot be split into arguments: unbalanced quotes/],
  ];
  for (const [what, parameters, message] of refusals) {
    it(`refuses ${what}, naming the parameter`, () => {
      assert.throws(() => blenderInvocation(parameters), (error: unknown) => {
        assert.ok(error instanceof CommandError);
        assert.match(error.message, message);
        return true;
      });
    });
  }
});

describe('blender-render: running Blender (a fake one)', () => {
  it('passes every argument as given, with no shell in between', async () => {
    const awkward = ['$HOME', '*.png', 'a b', `it's`, '"quoted"', '; rm -rf /', '', 'ünïcödé'];
    const { context, recording } = recordingContext({ exe: fixture('print-args.sh'), blendfile: 'my scene.blend', args: awkward });
    await blenderRender(context);
    assert.deepEqual(outputLines(recording.logs), ['my scene.blend', ...awkward].map((argument) => `arg: ${argument}`));
  });

  it('logs the command line first, quoted for pasting into a shell', async () => {
    const { context, recording } = recordingContext({ exe: fixture('print-args.sh'), blendfile: '', args: ['a b'] });
    await blenderRender(context);
    assert.equal(recording.logs[0], `going to run: ${fixture('print-args.sh')} 'a b'`);
  });

  it('reports saved frames as output, finished frames as steps, and the frame being rendered as the activity, in order', async () => {
    const { context, recording } = recordingContext({
      exe: fixture('fake-blender.sh'),
      blendfile: '',
      args: ['--transcript', transcript('blender-3.4-two-frames.txt')],
    });
    await blenderRender(context);
    assert.deepEqual(
      recording.events.filter((event) => !event.startsWith('log:')),
      [
        'activity:rendering frame 1',
        'output:/render/out/frame_000001.png',
        'step',
        'activity:rendering frame 2',
        'output:/render/out/frame_000002.png',
        'step',
      ],
    );
    assert.ok(recording.logs.some((line) => /^pid=\d+ > Blender quit$/.test(line)), 'every output line goes to the task log');
  });

  it('counts skipped existing frames as steps', async () => {
    const { context, recording } = recordingContext({
      exe: fixture('fake-blender.sh'),
      blendfile: '',
      args: ['--transcript', transcript('blender-skipping.txt')],
    });
    await blenderRender(context);
    assert.equal(recording.steps.length, 3);
    assert.deepEqual(recording.outputs, ['/render/out/frame_0003.png']);
  });

  it("understands Blender 5's `render | ` log format", async () => {
    const { context, recording } = recordingContext({
      exe: fixture('fake-blender.sh'),
      blendfile: '',
      args: ['--transcript', transcript('blender-5-log-format.txt')],
    });
    await blenderRender(context);
    assert.deepEqual(recording.outputs, ['/render/out/frame_0007.exr']);
    assert.equal(recording.steps.length, 2);
    assert.deepEqual(recording.activities.slice(0, 1), ['rendering frame 7']);
  });

  it('fails on a non-zero exit, naming the exit code and the Python error lines (from stderr too)', async () => {
    const { context, recording } = recordingContext({
      exe: fixture('fake-blender.sh'),
      blendfile: '',
      args: ['--transcript', transcript('blender-python-error.txt'), '--exit-code', '1'],
    });
    await assert.rejects(blenderRender(context), (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.match(error.message, /^blender-render: Blender exited with code 1; its last error lines: /);
      assert.match(error.message, /ValueError: no camera named 'Hero'/);
      assert.match(error.message, /Error: script failed/);
      assert.doesNotMatch(error.message, /Read blend/);
      return true;
    });
    assert.ok(outputLines(recording.logs).includes('ValueError: no camera named \'Hero\''));
  });

  it("names Blender's error when it cannot read the .blend file", async () => {
    const { context } = recordingContext({
      exe: fixture('fake-blender.sh'),
      blendfile: '',
      args: ['--transcript', transcript('blender-missing-file.txt'), '--exit-code', '1'],
    });
    await assert.rejects(blenderRender(context), /code 1; its last error lines: Error: Cannot read file '\/render\/missing.blend'/);
  });

  it('says when Blender was killed by a signal', async () => {
    const { context } = recordingContext({ exe: fixture('fake-blender.sh'), blendfile: '', args: ['--kill-self'] });
    await assert.rejects(blenderRender(context), /blender-render: Blender was killed by signal SIGKILL \(perhaps the machine ran out of memory\)/);
  });

  it('says clearly when the Blender executable does not exist, and how to fix that', async () => {
    const { context } = recordingContext({ exe: '/nowhere/blender', blendfile: 'a.blend' });
    await assert.rejects(
      blenderRender(context),
      new CommandError(
        'blender-render: Blender could not be started: "/nowhere/blender" was not found; install Blender on this worker and put it on PATH, ' +
          "or give its location as blender in the worker's tablao-worker.yaml, or in the manager's {blender} variable for this platform",
      ),
    );
  });

  it('says when an argument cannot be passed to any program', async () => {
    const { context } = recordingContext({ exe: fixture('print-args.sh'), blendfile: 'a\0.blend' });
    await assert.rejects(blenderRender(context), /^CommandError: blender-render: Blender could not be started: ".*print-args.sh": The argument 'args\[0\]' must be a string without null bytes/);
  });

  it('says when the executable is a variable the manager did not replace', async () => {
    const { context } = recordingContext({ exe: '{blender}', blendfile: 'a.blend' });
    await assert.rejects(
      blenderRender(context),
      new CommandError(
        'blender-render: Blender could not be started: "{blender}" was not found: it holds the variable {blender}, which the manager did not replace; ' +
          'define it under variables in tablao-manager.yaml',
      ),
    );
  });

  it('stops Blender and everything it started when aborted, leaving no orphan', async function () {
    if (process.platform === 'win32') this.skip();
    const folder = await mkdtemp(join(tmpdir(), 'tablao-blender-abort-'));
    try {
      const pidFile = join(folder, 'pids');
      const { context, abort } = recordingContext({ exe: fixture('start-grandchild.sh'), argsBefore: [pidFile], blendfile: '' });
      const rendering = blenderRender(context);
      const pids = await pidsFrom(pidFile);
      abort.abort();
      await assert.rejects(rendering, { name: 'AbortError' });
      for (const pid of pids) assert.equal(await ends(pid), true, `process ${pid} is gone`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('says clearly when the Blender file may not be run', async () => {
    const { context } = recordingContext({ exe: fixture('not-executable.sh'), blendfile: 'a.blend' });
    await assert.rejects(blenderRender(context), /Blender could not be started: ".*not-executable.sh" may not be run \(permission denied\)/);
  });

  it('uses the Blender the worker found for the bare default name', async () => {
    const { context, recording } = recordingContext(
      { exe: 'blender', blendfile: 'a.blend' },
      { blender: fixture('print-args.sh') },
    );
    await blenderRender(context);
    assert.deepEqual(outputLines(recording.logs), ['arg: a.blend']);
  });

  it("falls back to the worker's Blender when a bare name is not on PATH, and says so", async () => {
    const { context, recording } = recordingContext(
      { exe: 'blender-9.9-that-nobody-has', blendfile: 'a.blend' },
      { blender: fixture('print-args.sh') },
    );
    await blenderRender(context);
    assert.match(recording.logs[0] ?? '', /"blender-9.9-that-nobody-has" is not on PATH; using the Blender this worker found: /);
    assert.deepEqual(outputLines(recording.logs), ['arg: a.blend']);
  });
});
