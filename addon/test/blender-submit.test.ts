// The add-on in real Blender against a real manager, once with shared storage and once through
// Shaman: installed from the zip the manager serves, a small generated project is submitted
// through the Tablao panel's operators; the job, its settings and its files are then checked
// through the API and on disk.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ManagerConfig } from '../../manager/src/config/config.ts';
import { DEFAULT_VARIABLES } from '../../manager/src/domain/variables.ts';
import { startTestManager, type TestManager } from '../../manager/test/support/test-manager.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./blender/submit_in_blender.py', import.meta.url));

interface OperatorCall extends Array<unknown> {
  0: string[];
  1: string;
}

interface BlenderResult {
  unreachable: OperatorCall;
  connected: OperatorCall;
  connected_status: string;
  job_name_from_file: string;
  stored_image_path: string;
  refresh: OperatorCall;
  job_type_choices: string[];
  frames_prefilled: string;
  form: Record<string, { type: string; subtype: string; readonly: boolean }>;
  render_output_path_shown: string;
  submit: OperatorCall;
  submit_status: string;
  job_id: string;
  job_url: string;
  original_unchanged: boolean;
  image_path_after: string;
  original_image_path_on_disk: string;
  reopened: { job_type: string; chunk_size: number; render_output_root: string; job_name: string };
  stale: OperatorCall;
  refused: OperatorCall;
  incomplete: OperatorCall;
  stale_failed_flag: boolean;
  drawn: [string, string][];
  drawn_submitted: [string, string][];
  drawn_after: [string, string][];
  drawn_preferences: [string, string][];
  job_storage: { shaman_checkout_id?: string };
  copy: {
    image_path: string;
    image_exists: boolean;
    library_paths: string[];
    library_exists: boolean[];
    linked_material_loaded: boolean;
    strip_directory: string;
    strip_files_exist: boolean[];
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Files (or links to files, as a Shaman checkout has) under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

interface Run {
  manager: TestManager;
  dir: string;
  storage: string;
  workerTag: string;
  result: BlenderResult;
}

/** Starts a manager (with `overrides`), runs the add-on's script in Blender against it. */
async function runInBlender(context: Mocha.Context, overrides: (storage: string) => Partial<ManagerConfig>, runs: Run[]): Promise<Run> {
  const found = await run('which', ['blender']).then(() => true, () => false);
  if (!found && process.env.TABLAO_SKIP_BLENDER_TESTS) context.skip();
  assert.ok(found, "blender is not installed: install Debian's blender package (.ci/run does), or set TABLAO_SKIP_BLENDER_TESTS=1");
  const dir = await mkdtemp(join(tmpdir(), 'tablao-addon-'));
  const storage = join(dir, 'storage');
  await mkdir(storage);
  const manager = await startTestManager('sqlite', { sharedStoragePath: storage, ...overrides(storage) });
  const partial = { manager, dir, storage, workerTag: '', result: undefined as unknown as BlenderResult };
  runs.push(partial);
  const tag = await manager.request('POST', '/api/v3/worker-mgt/tags', { name: 'gpu', description: 'Machines with a GPU' });
  assert.equal(tag.status, 200);
  partial.workerTag = (tag.body as { id: string }).id;

  const zip = Buffer.from(await (await fetch(`${manager.url}/tablao-addon.zip`)).arrayBuffer());
  await writeFile(join(dir, 'tablao-addon.zip'), zip);
  const args = {
    zip: join(dir, 'tablao-addon.zip'),
    manager_url: manager.url,
    unreachable_url: `http://127.0.0.1:${await closedPort()}`,
    project: join(dir, 'project'),
    renders: join(dir, 'renders'),
    output: join(dir, 'result.json'),
    worker_tag: partial.workerTag,
  };
  const env = { ...process.env, BLENDER_USER_SCRIPTS: join(dir, 'user-scripts'), BLENDER_USER_CONFIG: join(dir, 'user-config') };
  try {
    await run('blender', ['--background', '--factory-startup', '--python-exit-code', '1', '--python', SCRIPT, '--', JSON.stringify(args)], { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    throw new Error(`Blender failed:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`, { cause: error });
  }
  partial.result = JSON.parse(await readFile(args.output, 'utf8')) as BlenderResult;
  return partial;
}

async function stopRuns(runs: Run[]): Promise<void> {
  for (const { manager, dir } of runs.splice(0)) {
    await manager.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** What both ways of getting files to the farm have in common: the form, the job's settings, refusals. */
function theSubmission(get: () => Run): void {
  let manager: TestManager;
  let dir: string;
  let result: BlenderResult;
  let workerTag: string;
  beforeEach(() => {
    ({ manager, dir, result, workerTag } = get());
  });

  it('tests the connection: a clear message when nothing answers, the name and version when the manager does', () => {
    assert.deepEqual(result.unreachable[0], ['CANCELLED']);
    assert.match(result.unreachable[1], /Cannot reach the manager at http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(result.unreachable[1], /Traceback/);
    assert.deepEqual(result.connected, [['FINISHED'], '']);
    assert.match(result.connected_status, /Connected to Test Manager \(version 3\.9 \(Tablao \d+\.\d+\.\d+\)\)/);
  });

  it('builds the form from the job type: types, folder picker, read-only settings, link toggle, values worked out', () => {
    assert.deepEqual(result.refresh[0], ['FINISHED']);
    assert.ok(result.job_type_choices.includes('simple-blender-render'), result.job_type_choices.join(', '));
    assert.equal(result.job_name_from_file, 'scene');
    assert.equal(result.form.frames?.type, 'STRING');
    assert.equal(result.form.chunk_size?.type, 'INT');
    assert.equal(result.form.render_output_root?.subtype, 'DIR_PATH');
    assert.equal(result.form.render_output_path?.readonly, true);
    assert.equal(result.form.autoeval_frames?.type, 'BOOLEAN');
    assert.equal(result.form.fps?.type, 'FLOAT');
    assert.equal(result.frames_prefilled, '1-3');
    assert.equal(result.render_output_path_shown, join(dir, 'renders', 'sh010', 'sh010 lighting', '{timestamp}', '######'));
  });

  it('draws the panel and the preferences with the form\'s settings, and the studio link once submitted', () => {
    const shown = (drawn: [string, string][]) => drawn.filter(([kind]) => kind === 'prop').map(([, name]) => name);
    assert.deepEqual(shown(result.drawn), [
      'tablao_job_name', 'tablao_job_priority', 'tablao_submit_paused', 'tablao_job_type', 'tablao_worker_tag',
      'autoeval_frames', 'chunk_size', 'render_output_root', 'add_path_components', 'render_output_path',
    ]);
    assert.ok(result.drawn.some(([kind, text]) => kind === 'label' && text === 'Frame range of the scene'), 'the linked setting shows its evalInfo description');
    assert.ok(result.drawn.some(([kind, name]) => kind === 'operator' && name === 'tablao.submit_job'));
    assert.ok(!result.drawn.some(([, name]) => name === 'wm.url_open'));
    assert.ok(result.drawn_submitted.some(([kind, name]) => kind === 'operator' && name === 'wm.url_open'), 'the studio link after submitting');
    assert.ok(result.drawn_submitted.some(([kind, text]) => kind === 'label' && text.includes(result.job_id)));
    assert.ok(result.drawn_after.some(([kind, text]) => kind === 'label' && /refresh the job types/.test(text)), 'the refusal is shown in the panel');
    assert.deepEqual(result.drawn_preferences.filter(([kind]) => kind !== 'label'), [['prop', 'manager_url'], ['operator', 'tablao.test_connection']]);
    assert.ok(result.drawn_preferences.some(([kind, text]) => kind === 'label' && text.startsWith('Connected to Test Manager')));
  });

  it('submits: the job arrives with the form\'s settings and those Blender worked out', async () => {
    assert.deepEqual(result.submit, [['FINISHED'], ''], result.submit_status);
    assert.equal(result.job_url, `${manager.url}/jobs/${result.job_id}`);
    const response = await manager.request('GET', `/api/v3/jobs/${result.job_id}`);
    assert.equal(response.status, 200);
    const job = response.body as { name: string; type: string; priority: number; settings: Record<string, unknown>; submitter_platform: string; worker_tag?: string };
    assert.equal(job.name, 'sh010 lighting');
    assert.equal(job.worker_tag, workerTag);
    assert.match(result.submit_status, /submitted as [0-9a-f-]{36}; 1 missing and 0 unpacked files/, 'the missing texture is reported');
    assert.equal(job.type, 'simple-blender-render');
    assert.equal(job.priority, 70);
    assert.equal(job.submitter_platform, 'linux');
    assert.equal(job.settings.frames, '1-3');
    assert.equal(job.settings.chunk_size, 2);
    assert.equal(job.settings.fps, 24);
    assert.equal(job.settings.format, 'PNG');
    assert.equal(job.settings.scene, 'Scene');
    assert.equal(job.settings.image_file_extension, '.png');
    assert.equal(job.settings.render_output_root, join(dir, 'renders'));
    assert.match(String(job.settings.render_output_path), new RegExp(`^${join(dir, 'renders', 'sh010', 'sh010 lighting')}/\\d{4}-\\d{2}-\\d{2}_\\d{6}/######$`));
    const tasks = await manager.request('GET', `/api/v3/jobs/${result.job_id}/tasks`);
    const names = (tasks.body as { tasks: { name: string }[] }).tasks.map((task) => task.name);
    assert.equal(names.filter((name) => name.startsWith('render')).length, 2, names.join(', '));
  });

  it('keeps the job type and the form in the blend file', () => {
    assert.deepEqual(result.reopened, { job_type: 'simple-blender-render', chunk_size: 2, render_output_root: join(dir, 'renders'), job_name: 'sh010 lighting' });
  });

  it('shows the job type\'s refusal and a setting left empty as messages, and submits nothing', () => {
    assert.equal(result.refused[0][0], 'CANCELLED');
    assert.match(result.refused[1], /The manager refused the job: .*"FFMPEG" writes a video file/);
    assert.equal(result.incomplete[0][0], 'CANCELLED');
    assert.match(result.incomplete[1], /"Render Output Root" is required/);
    for (const message of [result.refused[1], result.incomplete[1]]) assert.doesNotMatch(message, /Traceback/);
  });

  it('refuses a job type that changed on the manager with a message to refresh, and submits nothing', async () => {
    assert.equal(result.stale[0][0], 'CANCELLED');
    assert.match(result.stale[1], /refresh the job types/);
    assert.doesNotMatch(result.stale[1], /Traceback/);
    assert.equal(result.stale_failed_flag, true);
    const jobs = await manager.request('GET', '/api/v3/jobs');
    assert.equal((jobs.body as { jobs: unknown[] }).jobs.length, 1);
  });
}

describe('Blender add-on in real Blender: shared storage', function () {
  this.timeout(120_000);
  const runs: Run[] = [];
  let shared: Run;
  before(async function () {
    // The storage as a two-way variable: the add-on names the blend file `{farm}/…` for the workers.
    shared = await runInBlender(this, (storage) => ({ variables: { ...DEFAULT_VARIABLES, farm: { isTwoWay: true, values: [{ platform: 'linux', value: storage }] } } }), runs);
  });
  after(() => stopRuns(runs));

  theSubmission(() => shared);

  it('puts a copy of the .blend with its texture and library in the job\'s folder, paths rewritten, the artist\'s file untouched', async () => {
    const { manager, storage, result, dir } = shared;
    const response = await manager.request('GET', `/api/v3/jobs/${result.job_id}`);
    const named = String((response.body as { settings: Record<string, unknown> }).settings.blendfile);
    assert.match(named, /^\{farm\}\//, 'the blend file is named through the two-way variable');
    const blendfile = named.replace('{farm}', storage);
    const [folder] = relative(storage, blendfile).split('/');
    assert.match(folder!, /^\d{4}-\d{2}-\d{2}_\d{6}-sh010_lighting$/);
    assert.deepEqual(await filesUnder(join(storage, folder!)), ['lib/mats.blend', 'plates/plate0001.png', 'plates/plate0002.png', 'shots/sh010/scene.blend', 'tex/wood.png']);
    assert.deepEqual(await readdir(storage), [folder], 'the refused submission left nothing in the shared storage');
    assert.ok(existsSync(blendfile));
    assert.equal(result.original_unchanged, true);
    assert.equal(result.stored_image_path, join(dir, 'project', 'tex', 'wood.png'), 'the scene uses the texture by absolute path');
    assert.equal(result.image_path_after, result.stored_image_path, 'the path in the open file is put back');
    assert.equal(result.original_image_path_on_disk, result.stored_image_path, "the artist's file keeps its paths");
    assert.equal(result.copy.image_path, '//../../tex/wood.png');
    assert.equal(result.copy.image_exists, true);
    assert.deepEqual(result.copy.library_paths, ['//../../lib/mats.blend']);
    assert.deepEqual(result.copy.library_exists, [true]);
    assert.equal(result.copy.linked_material_loaded, true);
    assert.equal(result.copy.strip_directory, '//../../plates/');
    assert.deepEqual(result.copy.strip_files_exist, [true, true]);
  });

});

describe('Blender add-on in real Blender: Shaman', function () {
  this.timeout(120_000);
  const runs: Run[] = [];
  let shamanRun: Run;
  before(async function () {
    shamanRun = await runInBlender(this, () => ({ shaman: { enabled: true, garbageCollect: { periodMs: 0, maxAgeMs: 31 * 24 * 3600_000, extraCheckoutPaths: [] } } }), runs);
  });
  after(() => stopRuns(runs));

  theSubmission(() => shamanRun);

  it('sends the .blend, its texture and library through Shaman: the job folder is a checkout of links to the file store', async () => {
    const { manager, storage, result } = shamanRun;
    const response = await manager.request('GET', `/api/v3/jobs/${result.job_id}`);
    const job = response.body as { settings: Record<string, unknown>; storage?: { shaman_checkout_id?: string } };
    const match = /^\{jobs\}\/(\d{4}-\d{2}-\d{2}_\d{6}-sh010_lighting[^/]*)\/shots\/sh010\/scene\.blend$/.exec(String(job.settings.blendfile));
    assert.ok(match, String(job.settings.blendfile));
    const checkout = match[1]!;
    assert.equal(job.storage?.shaman_checkout_id, checkout);
    const folder = join(storage, 'jobs', checkout);
    assert.deepEqual(await filesUnder(folder), ['lib/mats.blend', 'plates/plate0001.png', 'plates/plate0002.png', 'shots/sh010/scene.blend', 'tex/wood.png']);
    for (const file of ['lib/mats.blend', 'plates/plate0001.png', 'plates/plate0002.png', 'shots/sh010/scene.blend', 'tex/wood.png']) {
      assert.match(await readlink(join(folder, file)), /file-store\/stored\//, `${file} is a link into the file store`);
      assert.ok((await stat(join(folder, file))).isFile());
    }
    assert.equal((await readFile(join(folder, 'tex/wood.png'))).subarray(1, 4).toString(), 'PNG');
    assert.equal(result.original_unchanged, true);
    assert.equal(result.image_path_after, result.stored_image_path);
    assert.equal(result.copy.image_path, '//../../tex/wood.png');
    assert.equal(result.copy.image_exists, true);
    assert.deepEqual(result.copy.library_exists, [true]);
    assert.equal(result.copy.linked_material_loaded, true);
    assert.equal(result.copy.strip_directory, '//../../plates/');
    assert.deepEqual(result.copy.strip_files_exist, [true, true]);
  });
});
