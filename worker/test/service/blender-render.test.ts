// End to end on real software: Blender makes a tiny scene, a real manager compiles a Simple
// Blender Render job of it, a real worker renders the frames with Blender (Cycles on the CPU)
// and makes the preview video with FFmpeg. Debian's Blender 3.4 has no OpenImageDenoise, so the
// scene renders without denoising; each frame takes a fraction of a second.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { commandRunners } from '../../src/commands/index.ts';
import { loadWorkerConfig } from '../../src/config/worker-config.ts';
import { ManagerClient } from '../../src/manager/manager-client.ts';
import { findWorkerSoftware } from '../../src/startup/software.ts';
import { startWorker, type RunningWorker } from '../../src/worker.ts';
import { FAST_TIMING, jobStatus, newDataDir, removeDataDirs, startManager, submit, taskLog, tasksOf, testLog, waitFor, type TestManager } from '../support/test-farm.ts';

const run = promisify(execFile);

const SCENE_SCRIPT = (blendFile: string) =>
  [
    'import bpy',
    's = bpy.context.scene',
    "s.render.engine = 'CYCLES'",
    "s.cycles.device = 'CPU'",
    's.cycles.samples = 4',
    's.cycles.use_denoising = False',
    's.render.resolution_x = 32',
    's.render.resolution_y = 18',
    's.render.resolution_percentage = 100',
    's.frame_start = 1',
    's.frame_end = 3',
    's.render.fps = 24',
    "s.render.image_settings.file_format = 'PNG'",
    `bpy.ops.wm.save_as_mainfile(filepath=${JSON.stringify(blendFile)})`,
  ].join('\n');

describe('rendering with real Blender and FFmpeg', function () {
  this.timeout(90_000);
  let manager: TestManager;
  let worker: RunningWorker | undefined;
  let dir: string;
  let blendFile: string;

  before(async function () {
    for (const program of ['blender', 'ffmpeg', 'ffprobe']) {
      const found = await run('which', [program]).then(
        () => true,
        () => false,
      );
      if (!found && process.env.TABLAO_SKIP_BLENDER_TESTS) this.skip();
      assert.ok(found, `${program} is not installed: install Debian's blender and ffmpeg packages (.ci/run does), or set TABLAO_SKIP_BLENDER_TESTS=1`);
    }
    dir = await newDataDir();
    blendFile = join(dir, 'tiny-scene.blend');
    await run('blender', ['--background', '--factory-startup', '--python-expr', SCENE_SCRIPT(blendFile), '--python-exit-code', '1']);
    manager = await startManager();
  });
  after(async () => {
    await worker?.stop();
    await manager?.stop();
    await removeDataDirs();
  });

  it('renders a Simple Blender Render job: PNG frames, the preview video, task logs and the last-rendered image', async () => {
    const config = await loadWorkerConfig({ dataDir: join(dir, 'worker'), managerUrl: manager.url, workerName: 'blender-worker' });
    const software = await findWorkerSoftware(config, new ManagerClient(config.managerUrl));
    assert.ok(software.blender.found, software.blender.summary);
    assert.ok(software.ffmpeg.found, software.ffmpeg.summary);
    worker = await startWorker({ config, commandRunners, environment: software.environment, log: testLog, timing: FAST_TIMING });

    const outputRoot = join(dir, 'renders');
    const jobId = await submit(manager, {
      name: 'tiny render',
      type: 'simple-blender-render',
      priority: 50,
      submitter_platform: 'linux',
      settings: {
        frames: '1-3',
        chunk_size: 2,
        render_output_root: outputRoot,
        add_path_components: 0,
        render_output_path: join(outputRoot, 'tiny', '######'),
        blendfile: blendFile,
        fps: 24,
        format: 'PNG',
        image_file_extension: '.png',
        has_previews: false,
        scene: 'Scene',
      },
    });
    await waitFor('the render job to complete', async () => {
      const status = await jobStatus(manager, jobId);
      assert.notEqual(status, 'failed', 'the render job failed');
      return status === 'completed';
    }, 80_000);

    const renderDir = join(outputRoot, 'tiny');
    const files = (await readdir(renderDir)).sort();
    assert.deepEqual(files, ['000001.png', '000002.png', '000003.png', 'tiny-scene-1-3.mp4']);
    for (const frame of files.filter((file) => file.endsWith('.png'))) {
      const metadata = await sharp(await readFile(join(renderDir, frame))).metadata();
      assert.equal(metadata.format, 'png');
      assert.deepEqual([metadata.width, metadata.height], [32, 18]);
    }

    const { stdout } = await run('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,r_frame_rate,codec_name', '-of', 'json', join(renderDir, 'tiny-scene-1-3.mp4')]);
    const stream = JSON.parse(stdout).streams[0];
    assert.equal(stream.codec_name, 'h264');
    assert.equal(Number(stream.nb_read_frames), 3);
    assert.equal(stream.r_frame_rate, '24/1');

    const tasks = await tasksOf(manager, jobId);
    assert.deepEqual(tasks.map((t) => [t.name, t.status, t.steps_completed, t.steps_total]), [
      ['render-1,2', 'completed', 2, 2],
      ['render-3', 'completed', 1, 1],
      ['preview-video', 'completed', 1, 1],
    ]);
    const renderLog = await taskLog(manager, tasks[0]!.id);
    assert.match(renderLog, /Blender 3\.\d/);
    assert.match(renderLog, new RegExp(`Saved: '${join(renderDir, '000001.png')}'`));
    assert.match(renderLog, new RegExp(`Saved: '${join(renderDir, '000002.png')}'`));
    assert.match(await taskLog(manager, tasks[2]!.id), /ffmpeg/i);

    const info = await waitFor('the last-rendered image', async () => {
      const response = await manager.request('GET', `/api/v3/jobs/${jobId}/last-rendered`);
      return response.status === 200 ? response.body : undefined;
    });
    const image = await fetch(`${manager.url}${info.base}/${info.suffixes[0]}`);
    assert.equal(image.status, 200);
    const preview = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    assert.ok(preview.width! > 0);
  });
});
