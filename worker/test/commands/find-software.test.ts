import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { findSoftware, type SoftwareSearch } from '../../src/commands/find-software.ts';
import { fixture } from './recording-context.ts';

describe('finding Blender and FFmpeg at start (fake ones)', function () {
  if (process.platform === 'win32') return;
  let folder: string;
  let onPath: string;
  let empty: string;
  const search = (overrides: Partial<SoftwareSearch>): SoftwareSearch => ({
    platform: process.platform,
    environment: { PATH: empty },
    ...overrides,
  });

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tablao-find-software-'));
    onPath = join(folder, 'bin');
    empty = join(folder, 'empty');
    await mkdir(onPath);
    await mkdir(empty);
    await symlink(fixture('fake-blender.sh'), join(onPath, 'blender'));
    await symlink(fixture('fake-ffmpeg.sh'), join(onPath, 'ffmpeg'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("takes the configuration's executable first, with its version", async () => {
    const report = await findSoftware('blender', search({ configured: fixture('fake-blender.sh'), environment: { PATH: onPath } }));
    assert.deepEqual(report.found, { software: 'blender', path: fixture('fake-blender.sh'), version: 'Blender 9.9.9 (fake)', source: 'configuration' });
    assert.deepEqual(report.problems, []);
    assert.equal(report.summary, `Blender: Blender 9.9.9 (fake) at ${fixture('fake-blender.sh')} (from the worker's configuration)`);
  });

  it('takes a configured folder to mean the executable in it', async () => {
    const report = await findSoftware('ffmpeg', search({ configured: onPath }));
    assert.equal(report.found?.path, join(onPath, 'ffmpeg'));
    assert.equal(report.found?.version, 'ffmpeg version 9.9 (fake)');
  });

  it("falls back to the manager's variable, then to PATH, saying what it skipped", async () => {
    const fromVariable = await findSoftware('blender', search({ configured: join(folder, 'nope'), variable: join(onPath, 'blender') }));
    assert.equal(fromVariable.found?.source, 'variable');
    assert.deepEqual(fromVariable.problems, [`the worker's configuration: ${JSON.stringify(join(folder, 'nope'))} was not found`]);

    const fromPath = await findSoftware('blender', search({ variable: 'blender-that-nobody-has', environment: { PATH: onPath } }));
    assert.equal(fromPath.found?.source, 'PATH');
    assert.equal(fromPath.found?.path, join(onPath, 'blender'));
    assert.deepEqual(fromPath.problems, [`the manager's {blender} variable: "blender-that-nobody-has" was not found`]);
  });

  it('skips a program that is not what it should be', async () => {
    const report = await findSoftware('blender', search({ configured: fixture('print-args.sh'), environment: { PATH: onPath } }));
    assert.equal(report.found?.source, 'PATH');
    assert.deepEqual(report.problems, [`the worker's configuration: ${JSON.stringify(fixture('print-args.sh'))} does not look like Blender: its --version said "arg: --version"`]);
  });

  it('skips a program that hangs when asked its version', async () => {
    const report = await findSoftware('ffmpeg', search({ configured: fixture('hang.sh'), versionTimeoutMs: 100 }));
    assert.equal(report.found, undefined);
    assert.equal(report.problems[0], `the worker's configuration: ${JSON.stringify(fixture('hang.sh'))} did not answer -version within 0.1 s`);
  });

  it('says what to do when nothing is found', async () => {
    const report = await findSoftware('ffmpeg', search({}));
    assert.equal(report.found, undefined);
    assert.equal(
      report.summary,
      'FFmpeg was not found on this worker (PATH: "ffmpeg" was not found); install FFmpeg on this worker and put it on PATH, ' +
        "or give its location as ffmpeg in the worker's tablao-worker.yaml",
    );
  });
});
