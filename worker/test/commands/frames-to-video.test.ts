import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CommandError } from '../../src/commands/command.ts';
import { framesToVideo } from '../../src/commands/frames-to-video.ts';
import { fixture, outputLines, recordingContext } from './recording-context.ts';

describe('frames-to-video (a fake FFmpeg)', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tablao-frames-to-video-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const parameters = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    exe: fixture('fake-ffmpeg.sh'),
    exeArgs: '-hide_banner',
    fps: 23.976,
    inputGlob: join(folder, '*.png'),
    outputFile: join(folder, 'preview.mp4'),
    argsBefore: ['-loglevel', 'warning'],
    args: ['-c:v', 'h264', '-r', 23.976, '-y'],
    ...overrides,
  });

  it('gives FFmpeg the glob itself on Linux and macOS', async () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const { context, recording } = recordingContext(parameters(), { platform });
      await framesToVideo(context);
      assert.deepEqual(
        outputLines(recording.logs).map((line) => line.replace(/^arg: /, '')),
        ['-hide_banner', '-loglevel', 'warning', '-r', '23.976', '-pattern_type', 'glob', '-i', join(folder, '*.png'),
          '-c:v', 'h264', '-r', '23.976', '-y', '-r', '23.976', join(folder, 'preview.mp4')],
      );
    }
  });

  it('gives FFmpeg a list of the frames on Windows, and removes the list afterwards', async () => {
    for (const frame of ['0002.png', '0001.png', 'notes.txt']) await writeFile(join(folder, frame), '');
    const { context, recording } = recordingContext(parameters({ fps: 25 }), { platform: 'win32' });
    await framesToVideo(context);
    const list = join(folder, 'ffmpeg-file-index.txt');
    const lines = outputLines(recording.logs);
    assert.deepEqual(lines.slice(3, 9), ['arg: -f', 'arg: concat', 'arg: -safe', 'arg: 0', 'arg: -i', `arg: ${list}`]);
    assert.deepEqual(
      lines.filter((line) => line.startsWith('list: ')),
      [`list: file '${join(folder, '0001.png')}'`, 'list: duration 0.040000', `list: file '${join(folder, '0002.png')}'`, 'list: duration 0.040000'],
    );
    assert.deepEqual((await readdir(folder)).sort(), ['0001.png', '0002.png', 'notes.txt']);
  });

  it('fails on Windows when no frame matches, saying where it looked', async () => {
    const { context } = recordingContext(parameters(), { platform: 'win32' });
    await assert.rejects(framesToVideo(context), (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.equal(error.message, `frames-to-video: no frames match inputGlob ${JSON.stringify(join(folder, '*.png'))}; check that the frames were rendered there`);
      return true;
    });
  });

  it('removes the list on Windows when FFmpeg fails too', async () => {
    await writeFile(join(folder, '0001.png'), '');
    const { context } = recordingContext(parameters({ outputFile: join(folder, 'fail.mp4') }), { platform: 'win32' });
    await assert.rejects(framesToVideo(context), /FFmpeg exited with code 234/);
    assert.deepEqual(await readdir(folder), ['0001.png']);
  });

  it("fails on a non-zero exit with the exit code and FFmpeg's last lines", async () => {
    const { context } = recordingContext(parameters({ outputFile: join(folder, 'fail.mp4') }), { platform: 'linux' });
    await assert.rejects(framesToVideo(context), (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.match(error.message, /^frames-to-video: FFmpeg exited with code 234; its last lines: .* \| .*fail\.mp4: Invalid argument$/);
      return true;
    });
  });

  it('says when FFmpeg was killed', async () => {
    const { context } = recordingContext(parameters({ exe: fixture('fake-blender.sh'), exeArgs: '--kill-self' }), { platform: 'linux' });
    await assert.rejects(framesToVideo(context), /^CommandError: frames-to-video: FFmpeg was killed by signal SIGKILL/);
  });

  it('stops FFmpeg when aborted, and removes the list of frames on Windows', async () => {
    await writeFile(join(folder, '0001.png'), '');
    const { context, abort } = recordingContext(parameters({ exe: fixture('hang.sh') }), { platform: 'win32' });
    const encoding = framesToVideo(context);
    setImmediate(() => abort.abort());
    await assert.rejects(encoding, { name: 'AbortError' });
    assert.deepEqual(await readdir(folder), ['0001.png']);
  });

  it('uses the FFmpeg the worker found for the bare name ffmpeg', async () => {
    const { context, recording } = recordingContext(parameters({ exe: 'ffmpeg' }), { ffmpeg: fixture('print-args.sh'), platform: 'linux' });
    await framesToVideo(context);
    assert.equal(outputLines(recording.logs).at(-1), `arg: ${join(folder, 'preview.mp4')}`);
  });

  it('says clearly when FFmpeg is missing', async () => {
    const { context } = recordingContext(parameters({ exe: join(folder, 'ffmpeg') }), { platform: 'linux' });
    await assert.rejects(framesToVideo(context), /frames-to-video: FFmpeg could not be started: ".*ffmpeg" was not found; install FFmpeg on this worker/);
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['no fps', { fps: undefined }, /parameter "fps" is missing, expected the frames per second of the video \(a number\)/],
    ['fps as text', { fps: '24' }, /parameter "fps" must be the frames per second of the video \(a number\), not the string "24"/],
    ['fps 0', { fps: 0 }, /parameter "fps" is 0, but must be above 0 \(the frames per second of the video\)/],
    ['no inputGlob', { inputGlob: '' }, /parameter "inputGlob" is empty/],
    ['no outputFile', { outputFile: undefined }, /parameter "outputFile" is missing/],
    ['no exe', { exe: undefined }, /parameter "exe" is missing, expected the FFmpeg executable/],
    ['args as text', { args: '-y' }, /parameter "args" must be a list of arguments/],
    ['broken exeArgs', { exeArgs: "-x 'open" }, /parameter "exeArgs" cannot be split into arguments/],
  ];
  for (const [what, overrides, message] of refusals) {
    it(`refuses ${what}`, async () => {
      const { context, recording } = recordingContext(parameters(overrides));
      await assert.rejects(framesToVideo(context), (error: unknown) => error instanceof CommandError && message.test(error.message));
      assert.deepEqual(recording.logs, [], 'nothing ran');
    });
  }
});
