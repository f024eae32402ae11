import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config.ts';
import { runBlenderVersion } from '../../src/setup/blender-check.ts';
import { findBlender } from '../../src/setup/blender-finder.ts';
import { onEachDatabase } from '../support/test-manager.ts';

const POSIX = process.platform !== 'win32';
const MANAGER_PLATFORM = process.platform === 'win32' ? 'windows' : process.platform;

/** A shell script standing in for a program: `blender` that says it is Blender 4.2.1, or anything else. */
async function fakeProgram(folder: string, name: string, body: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const path = join(folder, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

const FAKE_BLENDER = 'echo "Blender 4.2.1 LTS"\necho "\tbuild date: 2024-08-19"';

onEachDatabase('configuration API', (manager) => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'tablao-setup-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  describe('getConfiguration', () => {
    it('says it is a first run until shared storage is set', async () => {
      const answer = await manager().request('GET', '/api/v3/configuration');
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, { storageLocation: '', shamanEnabled: false, isFirstRun: true });
    });
  });

  describe('getVariables and getSharedStorage', () => {
    it('gives the variables an audience sees on a platform', async () => {
      const linux = await manager().request('GET', '/api/v3/configuration/variables/workers/linux');
      assert.equal(linux.status, 200);
      assert.deepEqual(linux.body.blender, { value: 'blender', is_twoway: false });
      assert.deepEqual(linux.body.blenderArgs, { value: '-b -y', is_twoway: false });
      assert.deepEqual(linux.body.jobs, { value: '', is_twoway: false });
      const windows = await manager().request('GET', '/api/v3/configuration/variables/users/windows');
      assert.equal(windows.body.blender.value, 'blender.exe');
    });

    it('refuses unknown audiences', async () => {
      const answer = await manager().request('GET', '/api/v3/configuration/variables/artists/linux');
      assert.equal(answer.status, 400);
      assert.match(answer.body.message, /audience/);
      assert.equal((await manager().request('GET', '/api/v3/configuration/shared-storage/everyone/linux')).status, 400);
    });

    it('translates shared storage with two-way variables, as the running configuration has them', async () => {
      const config = manager().services.config;
      const saved = { sharedStoragePath: config.sharedStoragePath, variables: config.variables };
      try {
        config.sharedStoragePath = '/render/farm';
        config.variables = {
          ...config.variables,
          render: { isTwoWay: true, values: [{ platform: MANAGER_PLATFORM, value: '/render' }, { platform: 'windows', value: 'R:\\' }] },
        };
        const windows = await manager().request('GET', '/api/v3/configuration/shared-storage/users/windows');
        assert.equal(windows.status, 200);
        assert.deepEqual(windows.body, { location: 'R:\\farm', audience: 'users', platform: 'windows', shamanEnabled: false });
        const own = await manager().request('GET', `/api/v3/configuration/shared-storage/workers/${MANAGER_PLATFORM}`);
        assert.equal(own.body.location, '/render/farm');
        const variables = await manager().request('GET', '/api/v3/configuration/variables/users/windows');
        assert.deepEqual(variables.body.render, { value: 'R:', is_twoway: true });
        assert.deepEqual(variables.body.jobs, { value: '/render/farm', is_twoway: false });
      } finally {
        Object.assign(config, saved);
      }
    });
  });

  describe('checkSharedStoragePath', () => {
    const check = async (path: string) => {
      const answer = await manager().request('POST', '/api/v3/configuration/check/shared-storage', { path });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.path, path);
      return answer.body as { is_usable: boolean; cause: string };
    };

    it('accepts an existing folder it can write in, leaving nothing behind', async () => {
      const folder = join(scratch, 'storage-ok');
      await mkdir(folder);
      const verdict = await check(folder);
      assert.equal(verdict.is_usable, true, verdict.cause);
      assert.deepEqual(await readdir(folder), []);
    });

    it('refuses empty, relative, UNC, missing and file paths, and the manager’s own folders', async () => {
      const file = join(scratch, 'a-file.txt');
      await writeFile(file, 'x');
      const cases: [string, RegExp][] = [
        ['', /empty/],
        ['render/farm', /absolute path/],
        ['\\\\server\\share', /UNC/],
        [join(scratch, 'nowhere'), /does not exist/],
        [file, /not a folder/],
        [manager().dataDir, /data folder/],
        [fileURLToPath(new URL('../../../', import.meta.url)), /installed in/],
      ];
      for (const [path, cause] of cases) {
        const verdict = await check(path);
        assert.equal(verdict.is_usable, false, path);
        assert.match(verdict.cause, cause, path);
      }
    });

    it('refuses a folder it cannot create files in', async function () {
      let folder: string;
      if (process.platform === 'linux' && process.getuid?.() === 0) {
        folder = '/proc'; // root may write anywhere, but nobody creates files in /proc
      } else if (POSIX) {
        folder = join(scratch, 'read-only');
        await mkdir(folder, { recursive: true });
        await chmod(folder, 0o555);
      } else {
        this.skip();
      }
      const verdict = await check(folder);
      assert.equal(verdict.is_usable, false);
      assert.match(verdict.cause, /cannot create files/);
    });

    it('needs a path in the body', async () => {
      const answer = await manager().request('POST', '/api/v3/configuration/check/shared-storage', {});
      assert.equal(answer.status, 400);
      assert.match(answer.body.message, /path/);
    });
  });

  describe('checkBlenderExePath and findBlenderExePath', function () {
    before(function () {
      if (!POSIX) this.skip();
    });
    const check = async (path: string) => {
      const answer = await manager().request('POST', '/api/v3/configuration/check/blender', { path });
      assert.equal(answer.status, 200, answer.text);
      return answer.body as { input: string; path: string; source: string; is_usable: boolean; cause: string };
    };

    it('runs a path with --version and reports the Blender it finds', async () => {
      const blender = await fakeProgram(join(scratch, 'blender-4.2'), 'blender', FAKE_BLENDER);
      assert.deepEqual(await check(blender), { input: blender, path: blender, source: 'input_path', is_usable: true, cause: 'Found Blender 4.2.1 LTS' });
      const quoted = await check(`"${blender}"`);
      assert.equal(quoted.is_usable, true);
      const folder = await check(join(scratch, 'blender-4.2'));
      assert.equal(folder.path, blender);
      assert.equal(folder.is_usable, true);
    });

    it('says why a command is not Blender', async () => {
      const python = await fakeProgram(join(scratch, 'not-blender'), 'python', 'echo "Python 3.12.1"');
      const failing = await fakeProgram(join(scratch, 'not-blender'), 'failing', 'echo "no such option" >&2\nexit 3');
      const plain = join(scratch, 'not-blender', 'plain.txt');
      await writeFile(plain, 'not a program');
      const cases: [string, RegExp][] = [
        [python, /printed "Python 3\.12\.1".*not Blender/],
        [failing, /exited with code 3/],
        [plain, /not a program the manager may run/],
        [join(scratch, 'nowhere', 'blender'), /does not exist/],
        [join(scratch, 'not-blender'), /folder without Blender/],
        ['no-such-blender-anywhere', /not a program on the manager's PATH/],
        ['', /Give the Blender executable/],
      ];
      for (const [path, cause] of cases) {
        const verdict = await check(path);
        assert.equal(verdict.is_usable, false, path);
        assert.match(verdict.cause, cause, path);
      }
    });

    it('finds Blender on the PATH and where the {blender} variable points', async () => {
      const onPath = await fakeProgram(join(scratch, 'path-bin'), 'blender', FAKE_BLENDER);
      const configured = await fakeProgram(join(scratch, 'configured'), 'blender-custom', 'echo "Blender 3.6.5"');
      const config = manager().services.config;
      const savedVariables = config.variables;
      const savedPath = process.env.PATH;
      process.env.PATH = `${join(scratch, 'path-bin')}${delimiter}${savedPath ?? ''}`;
      try {
        const byName = await check('blender');
        assert.deepEqual([byName.source, byName.path, byName.is_usable], ['path_envvar', onPath, true]);

        config.variables = { ...config.variables, blender: { values: [{ platform: MANAGER_PLATFORM, value: configured }] } };
        const found = await manager().request('GET', '/api/v3/configuration/check/blender');
        assert.equal(found.status, 200);
        const bySource = Object.fromEntries(found.body.map((r: { source: string }) => [r.source, r]));
        assert.deepEqual(bySource.path_envvar, { input: 'blender', path: onPath, source: 'path_envvar', is_usable: true, cause: 'Found Blender 4.2.1 LTS' });
        assert.deepEqual(bySource.input_path, { input: configured, path: configured, source: 'input_path', is_usable: true, cause: 'Found Blender 3.6.5' });
      } finally {
        process.env.PATH = savedPath;
        config.variables = savedVariables;
      }
    });

    it('looks in the usual places, each program once, usable ones first', async () => {
      const good = await fakeProgram(join(scratch, 'usual'), 'blender', FAKE_BLENDER);
      const bad = await fakeProgram(join(scratch, 'usual'), 'old-blender', 'exit 1');
      const found = await findBlender({ searchPath: '', systemLocations: async () => [bad, join(scratch, 'usual', 'absent'), good, good] });
      assert.deepEqual(
        found.map((r) => [r.path, r.source, r.is_usable]),
        [
          [good, 'system_location', true],
          [bad, 'system_location', false],
        ],
      );
      assert.deepEqual(await findBlender({ searchPath: '', systemLocations: async () => [] }), []);
    });

    it('gives up on a program that does not finish --version in time', async () => {
      const hanging = await fakeProgram(join(scratch, 'slow'), 'blender', 'sleep 30 &\nwait');
      const result = await runBlenderVersion(hanging, 300);
      assert.equal(result.ok, false);
      assert.match(result.cause, /did not finish "--version" within/);
    });
  });

  describe('saveSetupAssistantConfig', () => {
    const usableBlender = { input: 'blender', path: '/usr/bin/blender', source: 'path_envvar', is_usable: true, cause: 'Found Blender 4.2.1' };

    it('refuses unusable storage or an unusable Blender, writing nothing', async () => {
      const missing = await manager().request('POST', '/api/v3/configuration/setup-assistant', {
        storageLocation: join(scratch, 'nowhere'),
        blenderExecutable: usableBlender,
      });
      assert.equal(missing.status, 400);
      assert.match(missing.body.message, /storageLocation.*does not exist/);
      const folder = join(scratch, 'setup-refused');
      await mkdir(folder, { recursive: true });
      const unusable = await manager().request('POST', '/api/v3/configuration/setup-assistant', {
        storageLocation: folder,
        blenderExecutable: { ...usableBlender, is_usable: false },
      });
      assert.equal(unusable.status, 400);
      assert.match(unusable.body.message, /not usable/);
      const noPath = await manager().request('POST', '/api/v3/configuration/setup-assistant', {
        storageLocation: folder,
        blenderExecutable: { ...usableBlender, source: 'input_path', path: '' },
      });
      assert.equal(noPath.status, 400);
      const badSource = await manager().request('POST', '/api/v3/configuration/setup-assistant', {
        storageLocation: folder,
        blenderExecutable: { ...usableBlender, source: 'registry' },
      });
      assert.equal(badSource.status, 400);
      assert.equal((await manager().request('GET', '/api/v3/configuration')).body.isFirstRun, true);
    });

    it('stores shared storage and Blender in the file and applies them at once', async () => {
      const folder = join(scratch, 'setup-storage');
      await mkdir(folder, { recursive: true });
      const blender = join(scratch, 'Blender Foundation', 'Blender 4.2', 'blender');
      const saved = await manager().request('POST', '/api/v3/configuration/setup-assistant', {
        storageLocation: folder,
        blenderExecutable: { input: blender, path: blender, source: 'input_path', is_usable: true, cause: 'Found Blender 4.2.1' },
      });
      assert.equal(saved.status, 204, saved.text);

      assert.deepEqual((await manager().request('GET', '/api/v3/configuration')).body, { storageLocation: folder, shamanEnabled: false, isFirstRun: false });
      const variables = await manager().request('GET', '/api/v3/configuration/variables/workers/windows');
      assert.deepEqual(variables.body.blender, { value: blender, is_twoway: false });
      assert.deepEqual(variables.body.jobs, { value: folder, is_twoway: false });

      const config = manager().services.config;
      const reread = await loadConfig({ configFile: config.configFile, dataDir: config.dataDir });
      assert.equal(reread.sharedStoragePath, folder);
      assert.deepEqual(reread.variables.blender, { values: ['linux', 'windows', 'darwin'].map((platform) => ({ platform, value: blender })) });
      assert.deepEqual(reread.variables.blenderArgs, { values: [{ platform: 'all', value: '-b -y' }] });

      const onPath = await manager().request('POST', '/api/v3/configuration/setup-assistant', {
        storageLocation: folder,
        blenderExecutable: usableBlender,
      });
      assert.equal(onPath.status, 204);
      assert.equal((await manager().request('GET', '/api/v3/configuration/variables/workers/linux')).body.blender.value, 'blender');
    });
  });

  describe('getConfigurationFile and updateConfigurationFile', () => {
    it('gives the file as JSON with defaults filled in, or as its YAML text', async () => {
      const file = manager().services.config.configFile;
      await writeFile(file, '# studio settings\nmanager_name: Sierra farm\n');
      const json = await manager().request('GET', '/api/v3/configuration/file');
      assert.equal(json.status, 200);
      assert.equal(json.body.manager_name, 'Sierra farm');
      assert.equal(json.body.port, 8080);
      assert.ok(json.body.variables.blender);
      const yaml = await manager().request('GET', '/api/v3/configuration/file', undefined, { accept: 'application/yaml' });
      assert.equal(yaml.status, 200);
      assert.match(yaml.headers.get('content-type') ?? '', /application\/yaml/);
      assert.equal(yaml.text, '# studio settings\nmanager_name: Sierra farm\n');
    });

    it('answers with the running settings when the file cannot be read', async () => {
      await writeFile(manager().services.config.configFile, 'port: [broken\n');
      const json = await manager().request('GET', '/api/v3/configuration/file');
      assert.equal(json.status, 200);
      assert.equal(json.body.manager_name, manager().services.config.managerName);
      const yaml = await manager().request('GET', '/api/v3/configuration/file', undefined, { accept: 'application/yaml' });
      assert.equal(yaml.text, 'port: [broken\n');
    });

    it('replaces the file with checked settings, without reloading them', async () => {
      const config = manager().services.config;
      const nameBefore = config.managerName;
      const put = await manager().request('PUT', '/api/v3/configuration/file', { manager_name: 'Renamed', port: 9090, shared_storage_path: '/render' });
      assert.equal(put.status, 204, put.text);
      assert.deepEqual(parse(await readFile(config.configFile, 'utf8')), { manager_name: 'Renamed', port: 9090, shared_storage_path: '/render' });
      assert.equal(config.managerName, nameBefore, 'the running manager keeps its settings until restarted');
      const json = await manager().request('GET', '/api/v3/configuration/file');
      assert.equal(json.body.manager_name, 'Renamed');
      assert.equal(json.body.port, 9090);
    });

    it('refuses settings that do not fit, naming them, and keeps the old file', async () => {
      const file = manager().services.config.configFile;
      await writeFile(file, 'manager_name: Kept\n');
      const cases: [unknown, RegExp][] = [
        [{ port: 'eighty' }, /"port" must be integer/],
        [{ sharedstorage: '/render' }, /"sharedstorage" is not a setting/],
        [{ variables: { blender: { values: [{ platform: 'linux' }] } } }, /"variables\.blender\.values\.0" must have required property 'value'/],
        [['manager_name'], /body/],
      ];
      for (const [body, message] of cases) {
        const refused = await manager().request('PUT', '/api/v3/configuration/file', body);
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.match(refused.body.message, message);
      }
      assert.equal(await readFile(file, 'utf8'), 'manager_name: Kept\n');
      assert.deepEqual(
        (await readdir(manager().dataDir)).filter((name) => name.endsWith('.tmp')),
        [],
        `no temporary files in ${relative(scratch, manager().dataDir)}`,
      );
    });
  });
});
