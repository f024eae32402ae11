import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CommandError } from '../../src/commands/command.ts';
import { copyFile } from '../../src/commands/copy-file.ts';
import { fileErrorReason } from '../../src/commands/file-errors.ts';
import { makeDirectory } from '../../src/commands/make-directory.ts';
import { moveDirectory } from '../../src/commands/move-directory.ts';
import { recordingContext } from './recording-context.ts';

describe('file commands', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tablao-file-commands-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  describe('make-directory', () => {
    it('creates a folder with its missing parents, and logs it', async () => {
      const path = join(folder, 'a', 'b', 'c');
      const { context, recording } = recordingContext({ path });
      await makeDirectory(context);
      assert.ok((await stat(path)).isDirectory());
      assert.deepEqual(recording.logs, [`make-directory: creating directory ${JSON.stringify(path)}`]);
    });

    it('is content when the folder exists', async () => {
      await makeDirectory(recordingContext({ path: folder }).context);
      assert.ok((await stat(folder)).isDirectory());
    });

    it('fails clearly when a file is in the way', async () => {
      await writeFile(join(folder, 'file'), '');
      const path = join(folder, 'file', 'sub');
      await assert.rejects(
        makeDirectory(recordingContext({ path }).context),
        new CommandError(`make-directory: could not create directory ${JSON.stringify(path)}: a part of the path is a file, not a folder (ENOTDIR)`),
      );
    });

    it('refuses a missing or non-text path', async () => {
      await assert.rejects(makeDirectory(recordingContext({}).context), /make-directory: parameter "path" is missing, expected the folder to create/);
      await assert.rejects(makeDirectory(recordingContext({ path: ['x'] }).context), /parameter "path" must be the folder to create \(a string\), not a list/);
    });
  });

  describe('move-directory', () => {
    it('moves a folder to a free destination', async () => {
      const [src, dest] = [join(folder, 'frames-new'), join(folder, 'frames')];
      await mkdir(src);
      await writeFile(join(src, '0001.png'), 'new');
      const { context, recording } = recordingContext({ src, dest });
      await moveDirectory(context);
      assert.equal(await readFile(join(dest, '0001.png'), 'utf8'), 'new');
      assert.deepEqual(recording.logs, [`move-directory: moving ${JSON.stringify(src)} to ${JSON.stringify(dest)}`]);
    });

    it("moves an existing destination aside, named after its modification time, and never overwrites one moved aside before", async () => {
      const dest = join(folder, 'frames');
      const modified = new Date(2026, 0, 2, 15, 4, 5, 200); // local time, as the suffix is
      for (const round of ['first', 'second', 'third', 'fourth']) {
        const src = join(folder, `render-${round}`);
        await mkdir(src);
        await writeFile(join(src, 'which'), round);
        await utimes(dest, modified, modified).catch(() => {});
        await moveDirectory(recordingContext({ src, dest: `${dest}/` }).context);
      }
      assert.deepEqual((await readdir(folder)).sort(), [
        'frames',
        'frames-2026-01-02_150405',
        'frames-2026-01-02_150405-001',
        'frames-2026-01-02_150405-002',
      ]);
      const which = async (name: string): Promise<string> => readFile(join(folder, name, 'which'), 'utf8');
      assert.equal(await which('frames'), 'fourth');
      assert.equal(await which('frames-2026-01-02_150405'), 'first');
      assert.equal(await which('frames-2026-01-02_150405-001'), 'second');
      assert.equal(await which('frames-2026-01-02_150405-002'), 'third');
    });

    it('logs both moves when it moves the destination aside', async () => {
      const [src, dest] = [join(folder, 'new'), join(folder, 'old')];
      await mkdir(src);
      await mkdir(dest);
      const { context, recording } = recordingContext({ src, dest });
      await moveDirectory(context);
      assert.equal(recording.logs.length, 2);
      assert.match(recording.logs[0] ?? '', new RegExp(`^move-directory: moving "${dest}" to "${dest}-\\d{4}-\\d\\d-\\d\\d_\\d{6}"$`));
    });

    it('fails when the source does not exist, touching nothing', async () => {
      const dest = join(folder, 'frames');
      await mkdir(dest);
      const src = join(folder, 'missing');
      await assert.rejects(
        moveDirectory(recordingContext({ src, dest }).context),
        new CommandError(`move-directory: source path ${JSON.stringify(src)} does not exist, so there is nothing to move`),
      );
      assert.deepEqual(await readdir(folder), ['frames']);
    });

    it('refuses missing parameters', async () => {
      await assert.rejects(moveDirectory(recordingContext({ dest: folder }).context), /move-directory: parameter "src" is missing/);
      await assert.rejects(moveDirectory(recordingContext({ src: folder }).context), /move-directory: parameter "dest" is missing/);
    });
  });

  describe('copy-file', () => {
    it('copies a file, creating the missing folders, and logs it', async () => {
      const [src, dest] = [join(folder, 'scene.blend'), join(folder, 'copies', 'deep', 'scene.blend')];
      await writeFile(src, 'blend data');
      const { context, recording } = recordingContext({ src, dest });
      await copyFile(context);
      assert.equal(await readFile(dest, 'utf8'), 'blend data');
      assert.deepEqual(recording.logs, [
        `copy-file: copying ${JSON.stringify(src)} to ${JSON.stringify(dest)}`,
        `copy-file: copied ${JSON.stringify(src)} to ${JSON.stringify(dest)}`,
      ]);
    });

    it('never overwrites', async () => {
      const [src, dest] = [join(folder, 'new'), join(folder, 'existing')];
      await writeFile(src, 'new');
      await writeFile(dest, 'precious');
      await assert.rejects(
        copyFile(recordingContext({ src, dest }).context),
        new CommandError(`copy-file: could not copy ${JSON.stringify(src)} to ${JSON.stringify(dest)}: it exists already, and copy-file never overwrites`),
      );
      assert.equal(await readFile(dest, 'utf8'), 'precious');
    });

    it('refuses relative paths', async () => {
      await assert.rejects(
        copyFile(recordingContext({ src: 'scene.blend', dest: join(folder, 'x') }).context),
        /copy-file: parameter "src" must be an absolute path, not "scene.blend"/,
      );
      await assert.rejects(copyFile(recordingContext({ src: join(folder, 'x'), dest: 'x' }).context), /parameter "dest" must be an absolute path/);
    });

    it('judges absolute paths by the platform', async () => {
      await assert.rejects(
        copyFile(recordingContext({ src: '/render/a.png', dest: 'R:\\b.png' }, { platform: 'linux' }).context),
        /parameter "dest" must be an absolute path/,
      );
    });

    it('fails for a missing source and for a folder', async () => {
      const missing = join(folder, 'missing');
      await assert.rejects(
        copyFile(recordingContext({ src: missing, dest: join(folder, 'x') }).context),
        new CommandError(`copy-file: cannot copy ${JSON.stringify(missing)}: no such file or folder (ENOENT)`),
      );
      await assert.rejects(
        copyFile(recordingContext({ src: folder, dest: join(folder, 'x') }).context),
        new CommandError(`copy-file: cannot copy ${JSON.stringify(folder)}: it is not a regular file`),
      );
    });
  });

  it('explains a failed file operation in words, keeping the system code', () => {
    const denied = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' });
    assert.equal(fileErrorReason(denied), "permission denied for the worker's user (EACCES)");
    const odd = Object.assign(new Error('ELOOP: too many symbolic links'), { code: 'ELOOP' });
    assert.equal(fileErrorReason(odd), 'ELOOP: too many symbolic links');
  });
});
