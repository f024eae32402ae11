import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobCompiler } from '@tablao/compiler';
import { pino } from 'pino';
import type { FarmEvent } from '../../src/events/event-bus.ts';
import { EventBus } from '../../src/events/event-bus.ts';
import { HttpError } from '../../src/http/http-error.ts';
import {
  createCustomJobType,
  deleteCustomJobTypeNamed,
  rollBackCustomJobType,
  saveCustomJobTypeSource,
} from '../../src/job-types/custom-job-types.ts';
import { JobTypeRegistry } from '../../src/job-types/registry.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { onEachDatabase } from '../support/test-manager.ts';

/** A small job type: `count` greeting tasks, each after the one before. */
const greetingScript = (label = 'Greeting', extraSetting = '') => `
const JOB_TYPE = {
  label: ${JSON.stringify(label)},
  settings: [
    { key: 'message', type: 'string', required: true },
    { key: 'count', type: 'int32', default: 2 },${extraSetting}
  ],
};
function compileJob(job) {
  let previous;
  for (let i = 0; i < job.settings.count; i++) {
    const task = author.Task('greet-' + i, 'misc');
    task.addCommand(author.Command('echo', { message: job.settings.message }));
    if (previous) task.addDependency(previous);
    job.addTask(task);
    previous = task;
  }
}
`;

const greetingJob = (type: string) => ({ name: 'hello', type, priority: 50, submitter_platform: 'linux', settings: { message: 'hi' } });

onEachDatabase('job-type management API', (manager) => {
  const create = (name: string, source = greetingScript(), message?: string) =>
    manager().request('POST', '/api/v3/jobs/types', { name, source, ...(message ? { message } : {}) });
  const scriptsDir = () => join(manager().dataDir, 'scripts');

  describe('creating custom job types', () => {
    it('stores the script as version 1 and serves it like any job type', async () => {
      const created = await create('greeting', greetingScript(), 'first draft');
      assert.equal(created.status, 201, created.text);
      assert.equal(created.headers.get('location'), '/api/v3/jobs/type/greeting/source');
      assert.equal(created.body.name, 'greeting');
      assert.equal(created.body.origin, 'custom');
      assert.equal(created.body.editable, true);
      assert.equal(created.body.version, 1);
      assert.equal(created.body.message, 'first draft');
      assert.equal(created.body.source, greetingScript());
      assert.match(created.body.etag, /^[0-9a-f]{40}$/);
      assert.ok(!Number.isNaN(Date.parse(created.body.created)));

      const type = await manager().request('GET', '/api/v3/jobs/type/greeting');
      assert.equal(type.status, 200);
      assert.equal(type.body.label, 'Greeting');
      assert.equal(type.body.etag, created.body.etag);
      const listed = await manager().request('GET', '/api/v3/jobs/types');
      assert.ok(listed.body.job_types.some((t: { name: string }) => t.name === 'greeting'));

      const submitted = await manager().request('POST', '/api/v3/jobs', { ...greetingJob('greeting'), type_etag: created.body.etag });
      assert.equal(submitted.status, 200, submitted.text);
      assert.equal(submitted.body.steps_total, 2);
    });

    it('refuses names of built-in, folder and existing custom job types with 409', async () => {
      const builtIn = await create('echo-sleep-test');
      assert.equal(builtIn.status, 409);
      assert.match(builtIn.body.message, /built into Tablao/);

      await mkdir(scriptsDir(), { recursive: true });
      await writeFile(join(scriptsDir(), 'folder_greeting.js'), greetingScript('Folder greeting'));
      try {
        const folder = await create('folder-greeting');
        assert.equal(folder.status, 409);
        assert.match(folder.body.message, /scripts folder/);
      } finally {
        await rm(join(scriptsDir(), 'folder_greeting.js'));
      }

      assert.equal((await create('taken')).status, 201);
      const again = await create('taken', greetingScript('Other'));
      assert.equal(again.status, 409);
      assert.match(again.body.message, /exists already/);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/taken/source')).body.source, greetingScript());
    });

    it('creates only one of two job types of the same name created at once', async () => {
      const both = await Promise.all([create('twin', greetingScript('Twin A')), create('twin', greetingScript('Twin B'))]);
      assert.deepEqual(both.map((r) => r.status).sort(), [201, 409]);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/twin/versions')).body.total, 1);
    });

    it('refuses a script that does not load with 422, the error and where it is, and stores nothing', async () => {
      const syntax = await create('broken-syntax', 'const JOB_TYPE = { label: "x", settings: [] };\nfunction compileJob(job) {\n  job.addTask(;\n}\n');
      assert.equal(syntax.status, 422, syntax.text);
      assert.equal(syntax.body.code, 422);
      assert.equal(syntax.body.kind, 'script');
      assert.equal(syntax.body.location.file, 'broken-syntax.js');
      assert.equal(syntax.body.location.line, 3);

      const missing = await create('no-job-type', 'function compileJob(job) {}\n');
      assert.equal(missing.status, 422);
      assert.equal(missing.body.kind, 'incomplete');
      assert.match(missing.body.message, /JOB_TYPE/);

      const malformed = await create('bad-job-type', 'const JOB_TYPE = { label: "x", settings: [{ key: "n", type: "integer" }] };\nfunction compileJob(job) {}\n');
      assert.equal(malformed.status, 422);
      assert.equal(malformed.body.kind, 'incomplete');
      assert.match(malformed.body.message, /type must be one of/);

      for (const name of ['broken-syntax', 'no-job-type', 'bad-job-type']) {
        assert.equal((await manager().request('GET', `/api/v3/jobs/type/${name}/source`)).status, 404, name);
      }
    });

    it('checks names, sizes and fields against the document', async () => {
      assert.equal((await create('has space')).status, 400);
      assert.equal((await create('-leading-dash')).status, 400);
      assert.equal((await create('x'.repeat(65))).status, 400);
      const unknownField = await manager().request('POST', '/api/v3/jobs/types', { name: 'typo', source: greetingScript(), mesage: 'x' });
      assert.equal(unknownField.status, 400);
      assert.match(unknownField.body.message, /mesage/);
      const tooLong = await create('too-long', '//' + 'x'.repeat(1024 * 1024));
      assert.equal(tooLong.status, 400);
      const tooLarge = await create('too-large', '//' + 'x'.repeat(9 * 1024 * 1024));
      assert.equal(tooLarge.status, 413);
    });

    it('refuses text the database cannot keep as it is with 400, and looks up any name without failing', async () => {
      const nul = await create('with-nul', greetingScript() + '// \u0000\n');
      assert.equal(nul.status, 400);
      assert.match(nul.body.message, /"source" contains a NUL character/);
      const surrogate = await create('with-surrogate', greetingScript(), 'half a pair: \ud800');
      assert.equal(surrogate.status, 400);
      assert.match(surrogate.body.message, /"message" contains a lone UTF-16 surrogate/);
      // A label with a NUL character is fine in the script; the history keeps it without.
      const label = await create('nul-label', greetingScript('Nul\u0000label'));
      assert.equal(label.status, 201, label.text);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/nul-label')).body.label, 'Nul\u0000label');
      for (const path of ['/api/v3/jobs/type/a%00b', '/api/v3/jobs/type/a%00b/source', '/api/v3/jobs/type/a%00b/versions']) {
        assert.equal((await manager().request('GET', path)).status, 404, path);
      }
      assert.equal((await manager().request('DELETE', '/api/v3/jobs/type/a%00b')).status, 404);
    });
  });

  describe('the catalog', () => {
    it('lists every job type with its origin, version, test count, and folder scripts that fail to load', async () => {
      await create('catalogued', greetingScript('Catalogued'));
      await manager().request('PUT', '/api/v3/jobs/type/catalogued/source', { source: greetingScript('Catalogued v2') });
      await manager().request('POST', '/api/v3/jobs/type/catalogued/tests', { name: 'one', job: greetingJob('catalogued') });
      await mkdir(scriptsDir(), { recursive: true });
      await writeFile(join(scriptsDir(), 'broken_folder.js'), 'const JOB_TYPE = {;\n');
      await writeFile(join(scriptsDir(), 'fine_folder.js'), greetingScript('Fine folder'));
      try {
        const catalog = await manager().request('GET', '/api/v3/jobs/types/catalog');
        assert.equal(catalog.status, 200);
        const entries: { name: string }[] = catalog.body.job_types;
        const names = entries.map((e) => e.name);
        assert.deepEqual(names, [...names].sort());
        const byName = (name: string) => catalog.body.job_types.find((e: { name: string }) => e.name === name);

        const builtIn = byName('echo-sleep-test');
        assert.equal(builtIn.origin, 'built-in');
        assert.equal(builtIn.editable, false);
        assert.equal(builtIn.label, 'Echo Sleep Test');
        assert.equal(builtIn.settings_count, 3);
        assert.equal(builtIn.version, undefined);

        const custom = byName('catalogued');
        assert.equal(custom.origin, 'custom');
        assert.equal(custom.editable, true);
        assert.equal(custom.label, 'Catalogued v2');
        assert.equal(custom.version, 2);
        assert.equal(custom.test_count, 1);
        assert.ok(!Number.isNaN(Date.parse(custom.updated)));

        assert.equal(byName('fine-folder').origin, 'folder');
        const broken = byName('broken-folder');
        assert.equal(broken.origin, 'folder');
        assert.equal(broken.editable, false);
        assert.equal(broken.load_error.kind, 'script');
        assert.equal(broken.load_error.location.file, 'broken_folder.js');
        assert.equal(broken.label, undefined);
      } finally {
        await rm(join(scriptsDir(), 'broken_folder.js'));
        await rm(join(scriptsDir(), 'fine_folder.js'));
      }
    });
  });

  describe('sources', () => {
    it('serves the script of built-in and folder job types, read-only', async () => {
      const builtIn = await manager().request('GET', '/api/v3/jobs/type/simple-blender-render/source');
      assert.equal(builtIn.status, 200);
      assert.equal(builtIn.body.origin, 'built-in');
      assert.equal(builtIn.body.editable, false);
      assert.match(builtIn.body.source, /function compileJob/);
      assert.equal(builtIn.body.etag, (await manager().request('GET', '/api/v3/jobs/type/simple-blender-render')).body.etag);

      await mkdir(scriptsDir(), { recursive: true });
      await writeFile(join(scriptsDir(), 'half_done.js'), 'const JOB_TYPE = {;\n');
      try {
        const broken = await manager().request('GET', '/api/v3/jobs/type/half-done/source');
        assert.equal(broken.status, 200);
        assert.equal(broken.body.origin, 'folder');
        assert.equal(broken.body.source, 'const JOB_TYPE = {;\n');
        assert.equal(broken.body.etag, undefined);
      } finally {
        await rm(join(scriptsDir(), 'half_done.js'));
      }
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/half-done/source')).status, 404);
    });

    it('refuses to change built-in and folder job types with 409, saying to duplicate them', async () => {
      const builtIn = await manager().request('PUT', '/api/v3/jobs/type/echo-sleep-test/source', { source: greetingScript() });
      assert.equal(builtIn.status, 409);
      assert.match(builtIn.body.message, /duplicate it into a custom job type/);
      const deleted = await manager().request('DELETE', '/api/v3/jobs/type/echo-sleep-test');
      assert.equal(deleted.status, 409);
      assert.match(deleted.body.message, /read-only/);
      const rolledBack = await manager().request('POST', '/api/v3/jobs/type/echo-sleep-test/rollback', { version: 1 });
      assert.equal(rolledBack.status, 409);

      await mkdir(scriptsDir(), { recursive: true });
      await writeFile(join(scriptsDir(), 'studio_render.js'), greetingScript('Studio render'));
      try {
        const folder = await manager().request('PUT', '/api/v3/jobs/type/studio-render/source', { source: greetingScript() });
        assert.equal(folder.status, 409);
        assert.match(folder.body.message, /studio_render\.js in the manager's scripts folder/);
        assert.match(folder.body.message, /duplicate it/);
      } finally {
        await rm(join(scriptsDir(), 'studio_render.js'));
      }
    });

    it('answers 404 for job types that do not exist', async () => {
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/nobody/source')).status, 404);
      assert.equal((await manager().request('PUT', '/api/v3/jobs/type/nobody/source', { source: greetingScript() })).status, 404);
      assert.equal((await manager().request('DELETE', '/api/v3/jobs/type/nobody')).status, 404);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/nobody/versions')).status, 404);
      assert.equal((await manager().request('POST', '/api/v3/jobs/type/nobody/rollback', { version: 1 })).status, 404);
    });
  });

  describe('versions', () => {
    it('saves each update as a new version; the etag follows JOB_TYPE', async () => {
      const v1 = (await create('versioned', greetingScript('Versioned'))).body;
      const v2 = await manager().request('PUT', '/api/v3/jobs/type/versioned/source', {
        source: greetingScript('Versioned') + '\n// only a comment changed\n',
        expected_version: 1,
        message: 'a comment',
      });
      assert.equal(v2.status, 200, v2.text);
      assert.equal(v2.body.version, 2);
      assert.equal(v2.body.message, 'a comment');
      assert.equal(v2.body.etag, v1.etag, 'the settings did not change, so neither does the etag');

      const v3 = await manager().request('PUT', '/api/v3/jobs/type/versioned/source', {
        source: greetingScript('Versioned', "\n    { key: 'shout', type: 'bool', default: false },"),
      });
      assert.equal(v3.status, 200);
      assert.equal(v3.body.version, 3);
      assert.notEqual(v3.body.etag, v1.etag);
      const current = await manager().request('GET', '/api/v3/jobs/type/versioned/source');
      assert.equal(current.body.version, 3);
      assert.equal(current.body.source, v3.body.source);

      const outdated = await manager().request('POST', '/api/v3/jobs', { ...greetingJob('versioned'), type_etag: v1.etag });
      assert.equal(outdated.status, 412);
    });

    it('refuses a save based on an older version with 409 and the current version', async () => {
      await create('contested');
      assert.equal((await manager().request('PUT', '/api/v3/jobs/type/contested/source', { source: greetingScript('A'), expected_version: 1 })).status, 200);
      const late = await manager().request('PUT', '/api/v3/jobs/type/contested/source', { source: greetingScript('B'), expected_version: 1 });
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 409);
      assert.equal(late.body.current_version, 2);
      assert.match(late.body.message, /someone saved in between/);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/contested/source')).body.source, greetingScript('A'));
    });

    it('lets exactly one of two simultaneous saves of the same version win, and numbers the rest in turn', async () => {
      await create('raced');
      const saves = await Promise.all(
        ['X', 'Y'].map((label) => manager().request('PUT', '/api/v3/jobs/type/raced/source', { source: greetingScript(label), expected_version: 1 })),
      );
      assert.deepEqual(saves.map((s) => s.status).sort(), [200, 409]);
      const unconditional = await Promise.all(
        ['P', 'Q', 'R'].map((label) => manager().request('PUT', '/api/v3/jobs/type/raced/source', { source: greetingScript(label) })),
      );
      assert.deepEqual(unconditional.map((s) => s.body.version).sort(), [3, 4, 5]);
    });

    it('refuses an update that does not load with 422 and keeps the current version', async () => {
      await create('kept');
      const bad = await manager().request('PUT', '/api/v3/jobs/type/kept/source', { source: 'const JOB_TYPE = 3;\nfunction compileJob() {}\n' });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.kind, 'incomplete');
      const current = await manager().request('GET', '/api/v3/jobs/type/kept/source');
      assert.equal(current.body.version, 1);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/kept/versions')).body.total, 1);
    });

    it('lists the history newest first, paged, with sizes; serves one version', async () => {
      await create('history', greetingScript('H1'), 'one');
      for (const label of ['H2', 'H3', 'Hé4']) {
        await manager().request('PUT', '/api/v3/jobs/type/history/source', { source: greetingScript(label), message: label });
      }
      const all = await manager().request('GET', '/api/v3/jobs/type/history/versions');
      assert.equal(all.status, 200);
      assert.equal(all.body.name, 'history');
      assert.equal(all.body.total, 4);
      assert.equal(all.body.offset, 0);
      assert.equal(all.body.limit, 50);
      assert.deepEqual(all.body.versions.map((v: { version: number }) => v.version), [4, 3, 2, 1]);
      assert.equal(all.body.versions[0].message, 'Hé4');
      assert.equal(all.body.versions[0].size, Buffer.byteLength(greetingScript('Hé4')));
      assert.equal(all.body.versions[0].source, undefined);
      assert.equal(all.body.versions[3].message, 'one');

      const page = await manager().request('GET', '/api/v3/jobs/type/history/versions?offset=1&limit=2');
      assert.deepEqual(page.body.versions.map((v: { version: number }) => v.version), [3, 2]);
      assert.equal(page.body.total, 4);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/history/versions?limit=201')).status, 400);

      const one = await manager().request('GET', '/api/v3/jobs/type/history/versions/2');
      assert.equal(one.status, 200);
      assert.equal(one.body.version, 2);
      assert.equal(one.body.source, greetingScript('H2'));
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/history/versions/9')).status, 404);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/history/versions/zero')).status, 400);
      const builtIn = await manager().request('GET', '/api/v3/jobs/type/echo-sleep-test/versions');
      assert.equal(builtIn.status, 404);
      assert.match(builtIn.body.message, /only custom job types are versioned/);
    });

    it('rolls back by saving an old script as a new version', async () => {
      await create('rolling', greetingScript('R1'));
      await manager().request('PUT', '/api/v3/jobs/type/rolling/source', { source: greetingScript('R2') });
      const rolled = await manager().request('POST', '/api/v3/jobs/type/rolling/rollback', { version: 1, expected_version: 2 });
      assert.equal(rolled.status, 200, rolled.text);
      assert.equal(rolled.body.version, 3);
      assert.equal(rolled.body.source, greetingScript('R1'));
      assert.equal(rolled.body.message, 'rolled back to version 1');
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/rolling')).body.label, 'R1');
      const history = await manager().request('GET', '/api/v3/jobs/type/rolling/versions');
      assert.equal(history.body.versions[0].rolled_back_from, 1);
      assert.equal(history.body.versions[1].rolled_back_from, undefined);

      const stale = await manager().request('POST', '/api/v3/jobs/type/rolling/rollback', { version: 2, expected_version: 2 });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.current_version, 3);
      const missing = await manager().request('POST', '/api/v3/jobs/type/rolling/rollback', { version: 7 });
      assert.equal(missing.status, 404);
      assert.match(missing.body.message, /no version 7/);
    });

    it('refuses to roll back to a script that no longer loads, with 422', async () => {
      await mkdir(scriptsDir(), { recursive: true });
      await writeFile(join(scriptsDir(), 'labels.js'), 'module.exports = { label: "From helper" };\n');
      try {
        const uses = "const JOB_TYPE = { label: require('./labels').label, settings: [] };\nfunction compileJob(job) {}\n";
        assert.equal((await create('helped', uses)).status, 201);
        await manager().request('PUT', '/api/v3/jobs/type/helped/source', { source: greetingScript() });
        await writeFile(join(scriptsDir(), 'labels.js'), 'module.exports = {;\n');
        const rolled = await manager().request('POST', '/api/v3/jobs/type/helped/rollback', { version: 1 });
        assert.equal(rolled.status, 422, rolled.text);
        assert.equal((await manager().request('GET', '/api/v3/jobs/type/helped/source')).body.version, 2);
      } finally {
        await rm(join(scriptsDir(), 'labels.js'));
      }
    });
  });

  describe('deleting', () => {
    it('deletes a custom job type with its versions and tests; submitted jobs stay', async () => {
      await create('doomed');
      await manager().request('PUT', '/api/v3/jobs/type/doomed/source', { source: greetingScript('Doomed') });
      const test = await manager().request('POST', '/api/v3/jobs/type/doomed/tests', { name: 't', job: greetingJob('doomed') });
      assert.equal(test.status, 201, test.text);
      const job = await manager().request('POST', '/api/v3/jobs', greetingJob('doomed'));
      assert.equal(job.status, 200);

      const deleted = await manager().request('DELETE', '/api/v3/jobs/type/doomed');
      assert.equal(deleted.status, 204);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/doomed')).status, 404);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/doomed/versions/1')).status, 404);
      assert.equal((await manager().request('GET', `/api/v3/jobs/type/doomed/tests/${test.body.id}`)).status, 404);
      assert.equal((await manager().request('DELETE', '/api/v3/jobs/type/doomed')).status, 404);
      assert.equal((await manager().request('GET', `/api/v3/jobs/${job.body.id}`)).status, 200);

      const reborn = await create('doomed', greetingScript('Reborn'));
      assert.equal(reborn.status, 201);
      assert.equal(reborn.body.version, 1);
      assert.equal((await manager().request('GET', '/api/v3/jobs/type/doomed/tests')).body.total, 0);
    });
  });
});

describe('job-type events', () => {
  it('publishes a job-type event when a custom job type is created, changed, rolled back or deleted', async () => {
    const db = await openDatabase({ url: ':memory:' });
    const compiler = new JobCompiler();
    const events = new EventBus();
    const seen: FarmEvent[] = [];
    events.subscribe((event) => seen.push(event));
    const services = {
      db,
      compiler,
      registry: new JobTypeRegistry({ compiler, db, scriptsDir: '/nonexistent/tablao-scripts' }),
      clock: () => new Date('2030-01-02T03:04:05Z'),
      events,
      log: pino({ level: 'silent' }),
    };
    try {
      await createCustomJobType(services, { name: 'evented', source: greetingScript('E1') });
      await saveCustomJobTypeSource(services, 'evented', { source: greetingScript('E2') });
      await rollBackCustomJobType(services, 'evented', { version: 1 });
      await assert.rejects(saveCustomJobTypeSource(services, 'evented', { source: 'nope(' }), HttpError);
      await deleteCustomJobTypeNamed(services, 'evented');
      assert.deepEqual(
        seen.map((e) => [e.type, e.data.name, e.data.change, e.data.version, e.data.label]),
        [
          ['job-type', 'evented', 'created', 1, 'E1'],
          ['job-type', 'evented', 'updated', 2, 'E2'],
          ['job-type', 'evented', 'updated', 3, 'E1'],
          ['job-type', 'evented', 'deleted', undefined, undefined],
        ],
      );
    } finally {
      compiler.dispose();
      await db.destroy();
    }
  });
});
