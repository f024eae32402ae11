import assert from 'node:assert/strict';
import { dirname } from 'node:path';

import { findExecutable } from '../../src/platform/find-executable.ts';
import { fixture } from '../commands/recording-context.ts';

describe('finding an executable', () => {
  describe('on Windows (a pretend file system)', () => {
    const files = new Set(['C:\\Tools\\ffmpeg.exe', 'D:\\Blender 4.2\\blender.exe', 'C:\\Work\\render.cmd']);
    const lookup = {
      platform: 'win32' as const,
      environment: { Path: 'C:\\Windows;C:\\Tools;D:\\Blender 4.2', PATHEXT: '.COM;.EXE;.CMD' },
      cwd: 'C:\\Work',
      isExecutableFile: async (path: string) => files.has(path),
    };

    it('looks a bare name up on Path with the PATHEXT extensions', async () => {
      assert.equal(await findExecutable('ffmpeg', lookup), 'C:\\Tools\\ffmpeg.exe');
      assert.equal(await findExecutable('blender.exe', lookup), 'D:\\Blender 4.2\\blender.exe');
    });

    it('takes a path as given, adding an extension when it has none, relative to the working folder', async () => {
      assert.equal(await findExecutable('D:/Blender 4.2/blender', lookup), 'D:\\Blender 4.2\\blender.exe');
      assert.equal(await findExecutable('.\\render.cmd', lookup), 'C:\\Work\\render.cmd');
    });

    it('finds nothing for a name that is nowhere', async () => {
      assert.equal(await findExecutable('houdini', lookup), undefined);
    });
  });

  describe('on Linux and macOS (a pretend file system)', () => {
    const files = new Set(['/usr/bin/ffmpeg', '/opt/blender/blender']);
    for (const platform of ['linux', 'darwin'] as const) {
      const lookup = { platform, environment: { PATH: '/usr/local/bin:/usr/bin' }, cwd: '/opt', isExecutableFile: async (path: string) => files.has(path) };

      it(`${platform}: looks a bare name up on PATH, takes a path as given`, async () => {
        assert.equal(await findExecutable('ffmpeg', lookup), '/usr/bin/ffmpeg');
        assert.equal(await findExecutable('blender', lookup), undefined);
        assert.equal(await findExecutable('blender/blender', lookup), '/opt/blender/blender');
        assert.equal(await findExecutable('ffmpeg.exe', lookup), undefined);
      });
    }
  });

  describe('on this machine', function () {
    if (process.platform === 'win32') return;
    const lookup = { platform: process.platform, environment: { PATH: dirname(fixture('print-args.sh')) }, cwd: '/' };

    it('finds an executable file on PATH', async () => {
      assert.equal(await findExecutable('print-args.sh', lookup), fixture('print-args.sh'));
    });

    it('skips a file without the execute permission, and a folder', async () => {
      assert.equal(await findExecutable('not-executable.sh', lookup), undefined);
      assert.equal(await findExecutable('transcripts', lookup), undefined);
    });
  });
});
