import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { CommandError, type CommandContext } from '../../src/commands/command.ts';
import { commandRunnerFor, findSoftware } from '../../src/commands/index.ts';
import type { FoundSoftware } from '../../src/commands/find-software.ts';
import { recordingContext } from './recording-context.ts';

// The commands on the real programs (Debian's blender and ffmpeg; .ci/run installs them): a
// tiny scene rendered with Cycles on the CPU, and a video made from a few frames.

const run = promisify(execFile);

async function required(software: 'blender' | 'ffmpeg'): Promise<FoundSoftware> {
  const report = await findSoftware(software, { platform: process.platform });
  if (!report.found) throw new Error(`${report.summary} (on Debian: apt-get install ${software})`);
  return report.found;
}

function runCommand(name: string, context: CommandContext): Promise<void> {
  const runner = commandRunnerFor(name);
  assert.ok(runner, `a runner for ${name}`);
  return runner(context);
}

/** Width and height from a PNG file's header. */
async function pngSize(file: string): Promise<[number, number]> {
  const bytes = await readFile(file);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

// Cycles on the CPU, denoising off (Debian's Blender 3.4 has no OpenImageDenoise), 4 samples, 32×24.
const MAKE_SCENE = `
import bpy, sys
scene = bpy.context.scene
scene.render.engine = 'CYCLES'
scene.cycles.device = 'CPU'
scene.cycles.samples = 4
scene.cycles.use_denoising = False
scene.render.resolution_x = 32
scene.render.resolution_y = 24
scene.render.resolution_percentage = 100
bpy.ops.wm.save_as_mainfile(filepath=sys.argv[sys.argv.index('--') + 1])
`;

describe('commands on the real Blender and FFmpeg', function () {
  this.timeout(120_000);
  let folder: string;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tablao-real-software-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  describe('blender-render', () => {
    let blender: FoundSoftware;
    let blendfile: string;

    before(async () => {
      blender = await required('blender');
      blendfile = join(folder, 'tiny scene.blend');
      await run(blender.path, ['-b', '--factory-startup', '--python-exit-code', '1', '--python-expr', MAKE_SCENE, '--', blendfile]);
    });

    it('renders two frames, reporting each as a step and as output produced', async () => {
      const frames = join(folder, 'frames');
      const { context, recording } = recordingContext(
        {
          exe: 'blender',
          exeArgs: '-b -y',
          argsBefore: [],
          blendfile,
          args: ['--python-exit-code', '1', '--render-output', join(frames, 'frame_######'), '--render-format', 'PNG', '--render-frame', '1..2'],
        },
        { blender: blender.path },
      );
      await runCommand('blender-render', context);

      const expected = [join(frames, 'frame_000001.png'), join(frames, 'frame_000002.png')];
      assert.deepEqual(recording.outputs, expected);
      assert.deepEqual(recording.steps, [1, 2]);
      assert.deepEqual(recording.activities, ['rendering frame 1', 'rendering frame 2']);
      assert.deepEqual(await readdir(frames), ['frame_000001.png', 'frame_000002.png']);
      for (const file of expected) assert.deepEqual(await pngSize(file), [32, 24]);
      assert.ok(recording.logs.some((line) => /^pid=\d+ > Blender quit$/.test(line)));
    });

    it("fails with Blender's exit code and its Python error", async () => {
      const { context } = recordingContext(
        { exe: blender.path, exeArgs: '-b', blendfile, args: ['--python-exit-code', '1', '--python-expr', "raise ValueError('no camera named Hero')"] },
      );
      await assert.rejects(runCommand('blender-render', context), (error: unknown) => {
        assert.ok(error instanceof CommandError);
        assert.match(error.message, /^blender-render: Blender exited with code 1; its last error lines: .*ValueError: no camera named Hero/);
        return true;
      });
    });
  });

  describe('frames-to-video', () => {
    let ffmpeg: FoundSoftware;
    let frames: string;

    before(async () => {
      ffmpeg = await required('ffmpeg');
      frames = join(folder, 'video-frames');
      await mkdir(frames);
      await run(ffmpeg.path, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x24:rate=1', '-frames:v', '5', join(frames, 'frame_%04d.png')]);
    });

    async function probe(video: string): Promise<{ frames: number; rate: string }> {
      const { stdout } = await run(join(ffmpeg.path, '..', 'ffprobe'), [
        '-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=nb_read_frames,r_frame_rate', '-of', 'json', video,
      ]);
      const stream = (JSON.parse(stdout) as { streams: { nb_read_frames: string; r_frame_rate: string }[] }).streams[0];
      assert.ok(stream, `${video} has a video stream`);
      return { frames: Number(stream.nb_read_frames), rate: stream.r_frame_rate };
    }

    // As simple-blender-render asks for its preview video.
    const encoding = ['-c:v', 'h264', '-crf', '20', '-g', '18', '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-pix_fmt', 'yuv420p', '-r', 24, '-y'];

    for (const platform of ['linux', 'win32'] as const) {
      const how = platform === 'win32' ? 'from a list of the frames, as on Windows' : 'from a glob, as on Linux and macOS';
      it(`makes a video of every frame at the given rate, ${how}`, async () => {
        const outputFile = join(folder, `preview-${platform}.mp4`);
        const { context } = recordingContext(
          { exe: 'ffmpeg', fps: 24, inputGlob: join(frames, '*.png'), outputFile, args: encoding },
          { ffmpeg: ffmpeg.path, platform },
        );
        await runCommand('frames-to-video', context);
        assert.deepEqual(await probe(outputFile), { frames: 5, rate: '24/1' });
        assert.deepEqual((await readdir(frames)).length, 5, 'no list file is left beside the frames');
      });
    }
  });
});
