// The zip writer and the add-on download: archives that Python's zipfile (what Blender's
// "Install…" uses) reads back byte for byte, and /tablao-addon.zip on a real manager.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addonArchive, ADDON_SOURCE_DIR } from '../../src/http/addon-download.ts';
import { zipArchive } from '../../src/http/zip-writer.ts';
import { TABLAO_VERSION } from '../../src/manager.ts';
import { startTestManager, type TestManager } from '../support/test-manager.ts';

/** What Python's zipfile sees in an archive: name → {method, content as base64}, after its CRC check. */
function readWithPython(archive: Buffer, folder: string): Promise<Record<string, { method: number; data: string }>> {
  return (async () => {
    const file = join(folder, 'a.zip');
    await writeFile(file, archive);
    const script = [
      'import base64, json, sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'bad = z.testzip()',
      'assert bad is None, "CRC error in " + str(bad)',
      'print(json.dumps({i.filename: {"method": i.compress_type, "data": base64.b64encode(z.read(i)).decode()} for i in z.infolist()}))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as Record<string, { method: number; data: string }>;
  })();
}

describe('zip writer', function () {
  this.timeout(20_000);
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tablao-zip-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('writes files Python reads back unchanged, deflated when that helps and stored when not', async () => {
    const text = Buffer.from('print("hello")\n'.repeat(200));
    const noise = randomBytes(4096);
    const empty = Buffer.alloc(0);
    const archive = zipArchive([
      { name: 'pkg/__init__.py', data: text },
      { name: 'pkg/noise.bin', data: noise },
      { name: 'pkg/ñame é.txt', data: empty },
    ]);
    const read = await readWithPython(archive, folder);
    assert.deepEqual(Object.keys(read), ['pkg/__init__.py', 'pkg/noise.bin', 'pkg/ñame é.txt']);
    assert.equal(Buffer.from(read['pkg/__init__.py']!.data, 'base64').toString(), text.toString());
    assert.equal(read['pkg/__init__.py']!.method, 8);
    assert.ok(Buffer.from(read['pkg/noise.bin']!.data, 'base64').equals(noise));
    assert.equal(read['pkg/noise.bin']!.method, 0);
    assert.equal(read['pkg/ñame é.txt']!.data, '');
  });

  it('refuses names that would escape the folder it is unpacked in, and duplicates', () => {
    assert.throws(() => zipArchive([{ name: '../evil.py', data: Buffer.from('x') }]), /cannot be a path/);
    assert.throws(() => zipArchive([{ name: '/etc/passwd', data: Buffer.from('x') }]), /cannot be a path/);
    assert.throws(() => zipArchive([{ name: 'a', data: Buffer.from('x') }, { name: 'a', data: Buffer.from('y') }]), /twice/);
  });

  it('packs the add-on under tablao/, with the manager\'s version in bl_info and no bytecode', async () => {
    const read = await readWithPython(await addonArchive(), folder);
    const names = Object.keys(read);
    assert.ok(names.includes('tablao/__init__.py'), names.join(', '));
    assert.ok(names.includes('tablao/client.py'));
    assert.ok(names.every((name) => name.startsWith('tablao/') && !name.includes('__pycache__') && !name.endsWith('.pyc')), names.join(', '));
    const init = Buffer.from(read['tablao/__init__.py']!.data, 'base64').toString();
    assert.equal(init, await readFile(join(ADDON_SOURCE_DIR, '__init__.py'), 'utf8'));
    const version = /"version": \((\d+), (\d+), (\d+)\)/.exec(init);
    assert.ok(version, 'bl_info has a version');
    assert.equal(version.slice(1).join('.'), TABLAO_VERSION, 'the add-on and the manager have the same version');
  });
});

describe('GET /tablao-addon.zip', function () {
  this.timeout(20_000);
  let manager: TestManager;
  before(async () => {
    manager = await startTestManager('sqlite');
  });
  after(async () => {
    await manager.stop();
  });

  it('answers the add-on as a zip download named with the version', async () => {
    const response = await fetch(`${manager.url}/tablao-addon.zip`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    assert.match(response.headers.get('content-disposition') ?? '', new RegExp(`tablao-addon-${TABLAO_VERSION.replaceAll('.', '\\.')}\\.zip`));
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(body.readUInt32LE(0), 0x04034b50);
    const head = await fetch(`${manager.url}/tablao-addon.zip`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get('content-length')), body.length);
  });
});
