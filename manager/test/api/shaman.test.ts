// Shaman through HTTP: which files to upload, uploads (verified, streamed, concurrent, cut
// short), checkouts (links into the file store, paths that would escape refused, missing
// files) and the garbage collector that removes files no checkout uses.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ShamanConfig } from '../../src/config/config.ts';
import { ShamanGarbageCollector } from '../../src/shaman/garbage-collector.ts';
import { submitEchoJob } from '../support/submissions.ts';
import { describeOnEachDatabase, startTestManager, type TestManager } from '../support/test-manager.ts';

const DAY = 24 * 3_600_000;

function shamanOn(extraCheckoutPaths: string[] = []): ShamanConfig {
  return { enabled: true, garbageCollect: { periodMs: 0, maxAgeMs: 31 * DAY, extraCheckoutPaths } };
}

interface TestFile {
  sha: string;
  size: number;
  path: string;
  content: Buffer;
}

let fileCounter = 0;
/** A file with content no other test uses, so that tests never share stored files. */
function testFile(path: string, bytes = 100): TestFile {
  const content = Buffer.alloc(bytes, `${path}:${++fileCounter}:${Date.now()}:${Math.random()}|`);
  return { sha: createHash('sha256').update(content).digest('hex'), size: content.length, path, content };
}

const spec = (file: TestFile) => ({ sha: file.sha, size: file.size, path: file.path });

async function upload(manager: TestManager, file: TestFile, body: Buffer = file.content, headers: Record<string, string> = {}) {
  const response = await fetch(`${manager.url}/api/v3/shaman/files/${file.sha}/${file.size}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function status(manager: TestManager, file: TestFile): Promise<string> {
  const answer = await manager.request('GET', `/api/v3/shaman/files/${file.sha}/${file.size}`);
  assert.equal(answer.status, 200, answer.text);
  return answer.body.status;
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** Polls until `check` holds; the test fails by its own timeout otherwise. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 10));
}

describeOnEachDatabase('Shaman', (kind) => {
  let shared = '';
  let manager: TestManager | undefined;
  const m = () => manager as TestManager;
  const stored = (file: TestFile) => join(shared, 'file-store', 'stored', file.sha.slice(0, 2), file.sha.slice(2), `${file.size}.blob`);
  const uploading = () => join(shared, 'file-store', 'uploading');

  before(async () => {
    shared = await mkdtemp(join(tmpdir(), 'tablao-shaman-'));
    manager = await startTestManager(kind, { sharedStoragePath: shared, shaman: shamanOn([join(shared, 'extra')]) });
  });
  after(async () => {
    await manager?.stop();
    await rm(shared, { recursive: true, force: true });
  });

  it('says it is on, and where jobs live', async () => {
    assert.deepEqual((await m().request('GET', '/api/v3/configuration')).body, { storageLocation: shared, shamanEnabled: true, isFirstRun: false });
    assert.equal((await m().request('GET', '/api/v3/configuration/shared-storage/users/linux')).body.shamanEnabled, true);
    const variables = await m().request('GET', '/api/v3/configuration/variables/workers/linux');
    assert.equal(variables.body.jobs.value, join(shared, 'jobs'));
  });

  it('goes round trip: requirements, upload, checkout with links to the stored files, job, deletion', async () => {
    const scene = testFile('scene.blend', 70_000);
    const wood = testFile('textures/wood.png', 3000);
    const empty = { ...testFile('empty.txt', 0), sha: createHash('sha256').digest('hex') };
    const files = [scene, wood, { ...wood, path: 'textures\\copy of wood.png' }, empty];

    const needed = await m().request('POST', '/api/v3/shaman/checkout/requirements', { files: files.map(spec) });
    assert.equal(needed.status, 200, needed.text);
    assert.deepEqual(needed.body.files, [scene, wood, empty].map((f) => ({ ...spec(f), status: 'unknown' })), 'each content once, all unknown');

    for (const file of [scene, wood, empty]) {
      assert.equal(await status(m(), file), 'unknown');
      assert.equal((await upload(m(), file, file.content, { 'X-Shaman-Original-Filename': `=?UTF-8?B?${Buffer.from(`ñ/${file.path}`).toString('base64')}?=` })).status, 204);
      assert.equal(await status(m(), file), 'stored');
      assert.deepEqual(await readFile(stored(file)), file.content);
    }
    assert.equal((await upload(m(), scene)).status, 208, 'a second upload is told the file is stored');
    assert.deepEqual((await m().request('POST', '/api/v3/shaman/checkout/requirements', { files: files.map(spec) })).body, { files: [] });
    assert.deepEqual(await filesUnder(uploading()), [], 'no upload leftovers');

    const created = await m().request('POST', '/api/v3/shaman/checkout/create', { checkoutPath: 'sierra/sc010-roundtrip', files: files.map(spec) });
    assert.equal(created.status, 200, created.text);
    assert.deepEqual(created.body, { checkoutPath: 'sierra/sc010-roundtrip' });
    const dir = join(shared, 'jobs', 'sierra', 'sc010-roundtrip');
    assert.deepEqual((await filesUnder(dir)).sort(), ['empty.txt', 'scene.blend', 'textures/copy of wood.png', 'textures/wood.png']);
    for (const file of files) {
      const link = join(dir, file.path.replaceAll('\\', '/'));
      assert.ok((await lstat(link)).isSymbolicLink());
      assert.ok(!isAbsolute(await readlink(link)), 'links are relative, so they hold wherever the storage is mounted');
      assert.deepEqual(await readFile(link), file.content);
    }

    // The checkout is what a job's storage names; deleting the job removes it, not the stored files.
    const { jobId } = await submitEchoJob(m(), { storage: { shaman_checkout_id: created.body.checkoutPath } });
    assert.deepEqual((await m().request('GET', `/api/v3/jobs/${jobId}/what-would-delete-do`)).body, { shaman_checkout: true });
    assert.equal((await m().request('DELETE', `/api/v3/jobs/${jobId}`)).status, 204);
    assert.ok(!existsSync(dir));
    assert.ok(existsSync(stored(scene)));
  });

  it('refuses a body whose checksum differs, and keeps nothing of it', async () => {
    const file = testFile('wrong-checksum.blend', 5000);
    const other = Buffer.from(file.content);
    other[10] = other[10] === 0x41 ? 0x42 : 0x41;
    const answer = await upload(m(), file, other);
    assert.equal(answer.status, 417);
    assert.match(JSON.parse(answer.text).message, new RegExp(`SHA-256 mismatch: the URL declares ${file.sha} but the received bytes have [0-9a-f]{64}; nothing was stored`));
    assert.equal(await status(m(), file), 'unknown');
    assert.ok(!existsSync(stored(file)));
    assert.deepEqual(await filesUnder(uploading()), []);
  });

  it('refuses a body shorter or longer than the declared size', async () => {
    const file = testFile('wrong-size.blend', 5000);
    const short = await upload(m(), file, file.content.subarray(0, 4000));
    assert.equal(short.status, 417);
    assert.match(JSON.parse(short.text).message, /declares 5000 bytes but 4000 were received/);
    const long = await upload(m(), file, Buffer.concat([file.content, Buffer.from('more')]));
    assert.equal(long.status, 417);
    assert.match(JSON.parse(long.text).message, /declares 5000 bytes but 5004 were received/);
    assert.equal(await status(m(), file), 'unknown');
    assert.deepEqual(await filesUnder(uploading()), []);
    assert.equal((await upload(m(), file)).status, 204, 'the right bytes are taken afterwards');
  });

  it('drops an upload cut off halfway, so that it can be sent again', async () => {
    const file = testFile('cut-off.blend', 200_000);
    const url = new URL(`${m().url}/api/v3/shaman/files/${file.sha}/${file.size}`);
    const cut = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.size) } });
    cut.on('error', () => undefined);
    cut.write(file.content.subarray(0, 50_000));
    await eventually(async () => (await status(m(), file)) === 'uploading');
    cut.destroy();
    await eventually(async () => (await status(m(), file)) === 'unknown' && (await filesUnder(uploading())).length === 0);
    assert.ok(!existsSync(stored(file)));
    assert.equal((await upload(m(), file)).status, 204);
    assert.deepEqual(await readFile(stored(file)), file.content);
  });

  it('takes concurrent uploads of one file once: others are told to defer, or that it is stored', async () => {
    const file = testFile('popular.blend', 100_000);
    // The first client sends half its file, then waits.
    let first!: ReadableStreamDefaultController<Uint8Array>;
    const firstAnswer = fetch(`${m().url}/api/v3/shaman/files/${file.sha}/${file.size}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new ReadableStream<Uint8Array>({ start: (controller) => void (first = controller) }),
      duplex: 'half',
    } as RequestInit);
    first.enqueue(file.content.subarray(0, 50_000));
    await eventually(async () => (await status(m(), file)) === 'uploading');
    const needed = await m().request('POST', '/api/v3/shaman/checkout/requirements', { files: [spec(file)] });
    assert.deepEqual(needed.body.files, [{ ...spec(file), status: 'uploading' }]);

    // One that can defer is sent away; one that cannot uploads the whole file and wins.
    assert.equal((await upload(m(), file, file.content, { 'X-Shaman-Can-Defer-Upload': 'true' })).status, 425);
    assert.equal((await upload(m(), file, file.content, { 'X-Shaman-Can-Defer-Upload': 'false' })).status, 204);

    // The first one's upload ends as soon as it sends more: the file is stored already.
    first.enqueue(file.content.subarray(50_000, 60_000));
    const answer = await firstAnswer;
    assert.equal(answer.status, 208);
    first.close();
    assert.deepEqual(await readFile(stored(file)), file.content);
    await eventually(async () => (await filesUnder(uploading())).length === 0);
  });

  it('stores a file once when several clients upload it at the same moment', async () => {
    const file = testFile('rush.blend', 300_000);
    const answers = await Promise.all([1, 2, 3].map(() => upload(m(), file)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [204, 208, 208]);
    assert.deepEqual(await readFile(stored(file)), file.content);
    assert.deepEqual(await filesUnder(uploading()), []);
  });

  it('refuses bad upload headers with what they should be', async () => {
    const file = testFile('headers.blend');
    const defer = await upload(m(), file, file.content, { 'X-Shaman-Can-Defer-Upload': 'maybe' });
    assert.equal(defer.status, 400);
    assert.match(JSON.parse(defer.text).message, /X-Shaman-Can-Defer-Upload must be true or false/);
    const name = await upload(m(), file, file.content, { 'X-Shaman-Original-Filename': '=?ISO-8859-1?Q?caf=E9?=' });
    assert.equal(name.status, 400);
    assert.match(JSON.parse(name.text).message, /RFC 2047 encoded UTF-8/);
    assert.equal(await status(m(), file), 'unknown');
  });

  it('answers 424 naming the files that are not uploaded, and creates nothing', async () => {
    const there = testFile('there.blend');
    const missing = testFile('missing.png');
    assert.equal((await upload(m(), there)).status, 204);
    const answer = await m().request('POST', '/api/v3/shaman/checkout/create', { checkoutPath: 'sierra/missing', files: [spec(there), spec(missing)] });
    assert.equal(answer.status, 424);
    assert.match(answer.body.message, new RegExp(`1 file is not uploaded: ${missing.sha} \\(100 bytes\\); ask shamanCheckoutRequirements`));
    assert.ok(!answer.body.message.includes(there.sha));
    assert.ok(!existsSync(join(shared, 'jobs', 'sierra', 'missing')));
  });

  it('refuses paths that would leave the checkout folder, also through a symbolic link', async () => {
    const file = testFile('escape.blend');
    assert.equal((await upload(m(), file)).status, 204);
    const outside = await mkdtemp(join(tmpdir(), 'tablao-outside-'));
    try {
      await mkdir(join(shared, 'jobs'), { recursive: true });
      await symlink(outside, join(shared, 'jobs', 'linked'));
      await writeFile(join(shared, 'jobs', 'plain-file'), 'not a folder');
      const cases: [string, string, RegExp][] = [
        ['../outside', 'a.blend', /may not contain "\.\."/],
        ['sierra/../../outside', 'a.blend', /may not contain "\.\."/],
        ['/etc', 'a.blend', /pattern|must be relative/],
        ['sierra/escape', '../../../outside.blend', /contains "\.\."/],
        ['sierra/escape', '/tmp/absolute.blend', /is absolute/],
        ['sierra/escape', 'C:\\Windows\\x.blend', /is absolute/],
        ['linked/shot', 'a.blend', /leads through "linked", a symbolic link/],
        ['plain-file/shot', 'a.blend', /leads through a file where a folder should be/],
      ];
      for (const [checkoutPath, path, message] of cases) {
        const answer = await m().request('POST', '/api/v3/shaman/checkout/create', { checkoutPath, files: [{ ...spec(file), path }] });
        assert.equal(answer.status, 400, `${checkoutPath} + ${path}: ${answer.text}`);
        assert.match(answer.body.message, message, `${checkoutPath} + ${path}`);
      }
      assert.deepEqual(await readdir(outside), [], 'nothing was made outside');
      assert.ok(!existsSync(join(shared, 'jobs', 'sierra', 'escape')));
      assert.ok(!existsSync(join(shared, 'outside')));
    } finally {
      await rm(join(shared, 'jobs', 'linked'), { force: true });
      await rm(join(shared, 'jobs', 'plain-file'), { force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('never reuses a checkout folder: a taken path gets a random suffix', async () => {
    const file = testFile('twice.blend');
    assert.equal((await upload(m(), file)).status, 204);
    const request = { checkoutPath: 'sierra/twice', files: [spec(file)] };
    const answers = await Promise.all([1, 2, 3].map(() => m().request('POST', '/api/v3/shaman/checkout/create', request)));
    const paths = answers.map((a) => a.body.checkoutPath as string);
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200]);
    assert.equal(new Set(paths).size, 3);
    assert.ok(paths.includes('sierra/twice'));
    for (const path of paths) {
      assert.match(path, /^sierra\/twice(-[a-z0-9]{4})?$/);
      assert.deepEqual(await readFile(join(shared, 'jobs', path, 'twice.blend')), file.content);
    }
  });

  it('removes stored files that no checkout links and that are older than maxAge', async () => {
    const linked = testFile('gc/linked.blend');
    const extra = testFile('gc/extra.blend');
    const unused = testFile('gc/unused.blend');
    for (const file of [linked, extra, unused]) assert.equal((await upload(m(), file)).status, 204);
    const created = await m().request('POST', '/api/v3/shaman/checkout/create', { checkoutPath: 'gc/checkout', files: [spec(linked)] });
    assert.equal(created.status, 200);
    await mkdir(join(shared, 'extra'), { recursive: true });
    await symlink(stored(extra), join(shared, 'extra', 'extra.blend'));
    const abandoned = join(uploading(), 'ab', 'cdef', '12-abandoned.tmp');
    await mkdir(join(abandoned, '..'), { recursive: true });
    await writeFile(abandoned, 'half a file');

    const collectorAt = (aheadMs: number) => new ShamanGarbageCollector({ ...m().services, clock: () => new Date(Date.now() + aheadMs) });
    const early = await collectorAt(30 * DAY).collectNow();
    assert.equal(early.deleted, 0);
    assert.ok(existsSync(stored(unused)), 'not old enough yet');

    const round = await collectorAt(31 * DAY + 60_000).collectNow();
    assert.ok(round.deleted >= 1);
    assert.ok(round.stillUsed >= 2);
    assert.ok(!existsSync(stored(unused)), 'unused and old: removed');
    assert.ok(existsSync(stored(linked)), 'linked from a checkout: kept');
    assert.ok(existsSync(stored(extra)), 'linked from an extra checkout path: kept');
    assert.ok(!existsSync(abandoned), 'an abandoned upload goes too');
    assert.ok(!existsSync(join(stored(unused), '..')), 'and the folder it was in');
    assert.equal(await status(m(), unused), 'unknown');

    // Asking for a file again marks it as used now: it survives a round that would remove it.
    await utimes(stored(linked), new Date(0), new Date(0));
    await rm(join(shared, 'jobs', 'gc'), { recursive: true });
    await m().request('POST', '/api/v3/shaman/checkout/requirements', { files: [spec(linked)] });
    await collectorAt(DAY).collectNow();
    assert.ok(existsSync(stored(linked)));
    await collectorAt(32 * DAY).collectNow();
    assert.ok(!existsSync(stored(linked)), 'once its checkout is gone and it is old, it goes');
  });

  it('answers 503 with how to turn it on while Shaman is off', async () => {
    const config = m().services.config;
    const saved = config.shaman;
    const file = testFile('off.blend');
    try {
      config.shaman = { ...shamanOn(), enabled: false };
      assert.equal((await m().request('GET', '/api/v3/configuration')).body.shamanEnabled, false);
      const answers = [
        await m().request('POST', '/api/v3/shaman/checkout/requirements', { files: [spec(file)] }),
        await m().request('POST', '/api/v3/shaman/checkout/create', { checkoutPath: 'x', files: [spec(file)] }),
        await m().request('GET', `/api/v3/shaman/files/${file.sha}/${file.size}`),
        { status: (await upload(m(), file)).status, body: { message: 'set shaman.enabled' } },
      ];
      for (const answer of answers) {
        assert.equal(answer.status, 503);
        assert.match(answer.body.message, /set shaman\.enabled/);
      }
    } finally {
      config.shaman = saved;
    }
  });
});
