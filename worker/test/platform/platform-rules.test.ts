import assert from 'node:assert/strict';

import {
  defaultSoftwareLocations,
  executableFileNames,
  ffmpegInputMethodFor,
  hasDirectoryPart,
  isDefaultSoftwareName,
  leftoverKillFor,
  needsExecutePermission,
  nodeGlobPattern,
  pathFor,
  quoteCommandLine,
  samePath,
  searchDirectories,
  softwareFileName,
  spawnOptionsFor,
  treeKillFor,
  type Platform,
} from '../../src/platform/platform-rules.ts';

const POSIX: readonly Platform[] = ['linux', 'darwin', 'freebsd'];

describe('platform rules: Linux, macOS and other Unix-likes', () => {
  for (const platform of POSIX) {
    describe(platform, () => {
      it('starts a process as the leader of its own process group, and stops the whole group with SIGKILL', () => {
        assert.deepEqual(spawnOptionsFor(platform), { detached: true, windowsHide: true });
        assert.deepEqual(treeKillFor(4242, platform), { kind: 'signal-group', processGroup: 4242, signal: 'SIGKILL' });
        assert.deepEqual(leftoverKillFor(4242, platform), { kind: 'signal-group', processGroup: 4242, signal: 'SIGKILL' });
      });

      it('names executables without an extension and needs the execute permission', () => {
        assert.equal(softwareFileName('blender', platform), 'blender');
        assert.equal(softwareFileName('ffmpeg', platform), 'ffmpeg');
        assert.deepEqual(executableFileNames('blender', { PATHEXT: '.EXE' }, platform), ['blender']);
        assert.equal(needsExecutePermission(platform), true);
      });

      it('sees a directory part only in a slash', () => {
        assert.equal(hasDirectoryPart('blender', platform), false);
        assert.equal(hasDirectoryPart('./blender', platform), true);
        assert.equal(hasDirectoryPart('/opt/blender/blender', platform), true);
        assert.equal(hasDirectoryPart('odd\\name', platform), false);
        assert.equal(hasDirectoryPart('C:blender', platform), false);
      });

      it('splits PATH on colons and skips empty entries', () => {
        assert.deepEqual(searchDirectories({ PATH: '/usr/bin::/bin', Path: '/nope' }, platform), ['/usr/bin', '/bin']);
        assert.deepEqual(searchDirectories({}, platform), []);
      });

      it('compares paths with case, after normalising', () => {
        assert.equal(samePath('/usr/bin/../bin/ffmpeg', '/usr/bin/ffmpeg', platform), true);
        assert.equal(samePath('/usr/bin/FFmpeg', '/usr/bin/ffmpeg', platform), false);
      });

      it('lets FFmpeg expand the glob itself, and leaves a backslash in a glob alone for Node', () => {
        assert.equal(ffmpegInputMethodFor(platform), 'glob-pattern');
        assert.equal(nodeGlobPattern('/render/\\*.png', platform), '/render/\\*.png');
      });

      it('quotes a command line for a POSIX shell', () => {
        assert.equal(
          quoteCommandLine(['/usr/bin/blender', '-b', 'my file.blend', `it's`, '', '$HOME', 'a=b,c'], platform),
          `/usr/bin/blender -b 'my file.blend' 'it'\\''s' '' '$HOME' a=b,c`,
        );
      });

      it('uses / paths', () => {
        assert.equal(pathFor(platform).isAbsolute('/render'), true);
        assert.equal(pathFor(platform).isAbsolute('C:\\render'), false);
      });
    });
  }

  it('knows where Blender lives on macOS when it is not on PATH, and nothing of the kind elsewhere', () => {
    assert.deepEqual(defaultSoftwareLocations('blender', 'darwin'), ['/Applications/Blender.app/Contents/MacOS/Blender']);
    assert.deepEqual(defaultSoftwareLocations('blender', 'linux'), []);
    assert.deepEqual(defaultSoftwareLocations('ffmpeg', 'darwin'), []);
  });
});

describe('platform rules: Windows', () => {
  const windows: Platform = 'win32';

  it('starts the process without a console window of its own, and stops its tree with taskkill /T /F', () => {
    assert.deepEqual(spawnOptionsFor(windows), { detached: false, windowsHide: true });
    assert.deepEqual(treeKillFor(4242, windows), { kind: 'run', executable: 'taskkill', args: ['/PID', '4242', '/T', '/F'] });
  });

  it('has nothing to stop after a process ended by itself (its children cannot be found any more)', () => {
    assert.equal(leftoverKillFor(4242, windows), undefined);
  });

  it('names executables with .exe, and tries the PATHEXT extensions for a bare name', () => {
    assert.equal(softwareFileName('blender', windows), 'blender.exe');
    assert.equal(softwareFileName('ffmpeg', windows), 'ffmpeg.exe');
    assert.deepEqual(executableFileNames('blender', { PathExt: '.COM;.EXE' }, windows), ['blender.com', 'blender.exe']);
    assert.deepEqual(executableFileNames('blender.EXE', { PATHEXT: '.COM;.EXE' }, windows), ['blender.EXE']);
    assert.deepEqual(executableFileNames('tool', {}, windows), ['tool.com', 'tool.exe', 'tool.bat', 'tool.cmd']);
    assert.equal(needsExecutePermission(windows), false);
  });

  it('sees a directory part in either slash and in a drive letter', () => {
    assert.equal(hasDirectoryPart('blender.exe', windows), false);
    assert.equal(hasDirectoryPart('C:\\Blender\\blender.exe', windows), true);
    assert.equal(hasDirectoryPart('tools/ffmpeg.exe', windows), true);
    assert.equal(hasDirectoryPart('C:blender.exe', windows), true);
  });

  it('reads the search path from Path in any case, split on semicolons', () => {
    assert.deepEqual(searchDirectories({ Path: 'C:\\Windows;;D:\\Blender' }, windows), ['C:\\Windows', 'D:\\Blender']);
    assert.deepEqual(searchDirectories({ PATH: 'C:\\Tools' }, windows), ['C:\\Tools']);
  });

  it('compares paths without case, either slash', () => {
    assert.equal(samePath('C:\\Tools\\FFmpeg.EXE', 'c:/tools/ffmpeg.exe', windows), true);
    assert.equal(samePath('C:\\Tools\\ffmpeg.exe', 'D:\\Tools\\ffmpeg.exe', windows), false);
  });

  it('gives FFmpeg a list of files (it cannot glob there), and hands Node a glob with / separators', () => {
    assert.equal(ffmpegInputMethodFor(windows), 'concat-list');
    assert.equal(nodeGlobPattern('R:\\render\\shot 1\\*.png', windows), 'R:/render/shot 1/*.png');
  });

  it('quotes a command line as CommandLineToArgvW reads it', () => {
    assert.equal(
      quoteCommandLine(['C:\\Program Files\\Blender\\blender.exe', '-b', 'say "hi"', 'C:\\out dir\\', '', 'plain'], windows),
      '"C:\\Program Files\\Blender\\blender.exe" -b "say \\"hi\\"" "C:\\out dir\\\\" "" plain',
    );
  });

  it('uses drive-letter paths', () => {
    assert.equal(pathFor(windows).isAbsolute('C:\\render'), true);
    assert.equal(pathFor(windows).join('C:\\render', 'blender.exe'), 'C:\\render\\blender.exe');
  });
});

describe('platform rules: the software names a task may use for "the usual one"', () => {
  it('takes blender and ffmpeg, with or without .exe, in any case', () => {
    assert.equal(isDefaultSoftwareName('blender', 'blender'), true);
    assert.equal(isDefaultSoftwareName('Blender.exe', 'blender'), true);
    assert.equal(isDefaultSoftwareName('ffmpeg.exe', 'ffmpeg'), true);
    assert.equal(isDefaultSoftwareName('blender-4.2', 'blender'), false);
    assert.equal(isDefaultSoftwareName('ffmpeg', 'blender'), false);
  });
});
