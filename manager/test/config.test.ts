import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_FILE_NAME, ConfigError, loadConfig, updateConfigFile, writeConfigFile } from '../src/config/config.ts';
import { DEFAULT_VARIABLES } from '../src/domain/variables.ts';

describe('the configuration file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tablao-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function withFile(text: string): Promise<string> {
    const file = join(dir, 'settings.yaml');
    await writeFile(file, text);
    return file;
  }

  it('is made with working defaults on first run', async () => {
    const dataDir = join(dir, 'data');
    const config = await loadConfig({ dataDir });
    assert.equal(config.configFile, join(dataDir, CONFIG_FILE_NAME));
    assert.equal(config.port, 8080);
    assert.equal(config.sharedStoragePath, '');
    assert.equal(config.managerName, 'Tablao Manager');
    assert.deepEqual(config.variables, DEFAULT_VARIABLES);
    const text = await readFile(config.configFile, 'utf8');
    assert.match(text, /^# Tablao manager configuration/);
    assert.equal(parse(text).port, 8080);
    // A second start reads the same file.
    assert.deepEqual(await loadConfig({ dataDir }), config);
  });

  it('is overridden by command-line flags for host, port and database', async () => {
    const file = await withFile('port: 9000\nhost: 0.0.0.0\ndatabase: postgres://farm@db/tablao\nmanager_name: Sierra\n');
    const fromFile = await loadConfig({ configFile: file, dataDir: dir });
    assert.deepEqual([fromFile.port, fromFile.host, fromFile.database, fromFile.managerName], [9000, '0.0.0.0', 'postgres://farm@db/tablao', 'Sierra']);
    const overridden = await loadConfig({ configFile: file, dataDir: dir, port: 9100, host: '127.0.0.1', database: '' });
    assert.deepEqual([overridden.port, overridden.host, overridden.database, overridden.managerName], [9100, '127.0.0.1', '', 'Sierra']);
  });

  it('reads two-way variables', async () => {
    const file = await withFile(
      ['variables:', '  render:', '    is_twoway: true', '    values:', '      - { platform: linux, value: /render }', '      - { platform: windows, value: "R:\\\\" }', ''].join('\n'),
    );
    const config = await loadConfig({ configFile: file, dataDir: dir });
    assert.deepEqual(config.variables.render, {
      isTwoWay: true,
      values: [
        { platform: 'linux', value: '/render' },
        { platform: 'windows', value: 'R:\\' },
      ],
    });
  });

  it('refuses a bad file with a message naming the setting', async () => {
    const cases: [string, RegExp][] = [
      ['port: eighty\n', /"port" must be integer/],
      ['port: 70000\n', /"port" must be <= 65535/],
      ['shared_storage: /render\n', /"shared_storage" is not a setting \(known: .*shared_storage_path/],
      ['variables:\n  blender:\n    values:\n      - { platform: linux, vaule: blender }\n', /"variables\.blender\.values\.0" has "vaule"/],
      ['variables:\n  blender: {}\n', /"variables\.blender" must have required property 'values'/],
      ['port: [\n', /not valid YAML/],
      ['- just\n- a list\n', /must be a map of settings/],
    ];
    for (const [text, message] of cases) {
      const file = await withFile(text);
      await assert.rejects(loadConfig({ configFile: file, dataDir: dir }), (error: Error) => {
        assert.ok(error instanceof ConfigError, text);
        assert.match(error.message, message, text);
        assert.ok(error.message.includes(file), 'the message names the file');
        return true;
      });
    }
  });

  it('has Flamenco\'s Shaman section: on (but not on Windows), a look every day for files unused for 31 days', async () => {
    const config = await loadConfig({ dataDir: join(dir, 'data') });
    assert.deepEqual(config.shaman, {
      enabled: process.platform !== 'win32',
      garbageCollect: { periodMs: 24 * 3_600_000, maxAgeMs: 744 * 3_600_000, extraCheckoutPaths: [] },
    });
    assert.deepEqual(parse(await readFile(config.configFile, 'utf8')).shaman, {
      enabled: process.platform !== 'win32',
      garbageCollect: { period: '24h0m0s', maxAge: '744h0m0s', extraCheckoutPaths: [] },
    });
    const file = await withFile('shaman:\n  enabled: false\n  garbageCollect:\n    period: 1h30m\n    extraCheckoutPaths: [/render/old-jobs]\n');
    assert.deepEqual((await loadConfig({ configFile: file, dataDir: dir })).shaman, {
      enabled: false,
      garbageCollect: { periodMs: 90 * 60_000, maxAgeMs: 744 * 3_600_000, extraCheckoutPaths: ['/render/old-jobs'] },
    });
  });

  it('refuses Shaman settings it cannot use, naming them', async () => {
    const cases: [string, RegExp][] = [
      ['shaman:\n  enabled: yes please\n', /"shaman\.enabled" must be boolean/],
      ['shaman:\n  garbageCollect:\n    period: 1 day\n', /"shaman\.garbageCollect\.period" must be a duration such as 24h0m0s/],
      ['shaman:\n  garbageCollect:\n    maxAge: 0s\n', /"shaman\.garbageCollect\.maxAge" cannot be 0/],
      ['shaman:\n  garbageColect: {}\n', /"shaman" has "garbageColect"/],
    ];
    for (const [text, message] of cases) {
      const file = await withFile(text);
      await assert.rejects(loadConfig({ configFile: file, dataDir: dir }), (error: Error) => error instanceof ConfigError && message.test(error.message), text);
    }
  });

  it('refuses a --config file that does not exist, instead of making one', async () => {
    const file = join(dir, 'missing.yaml');
    await assert.rejects(loadConfig({ configFile: file, dataDir: dir }), /missing\.yaml does not exist/);
    assert.deepEqual(await readdir(dir), []);
  });

  it('is replaced whole by writeConfigFile, after a check that keeps the old file on a bad request', async () => {
    const file = await withFile('# mine\nport: 9000\n');
    await assert.rejects(writeConfigFile(file, { port: 'x' }), (error: Error) => error instanceof ConfigError && /"port" must be integer/.test(error.message));
    assert.equal(await readFile(file, 'utf8'), '# mine\nport: 9000\n');

    await writeConfigFile(file, { port: 9001, shared_storage_path: '/render' });
    const config = await loadConfig({ configFile: file, dataDir: dir });
    assert.equal(config.port, 9001);
    assert.equal(config.sharedStoragePath, '/render');
    assert.deepEqual(await readdir(dir), ['settings.yaml'], 'no temporary file is left behind');
  });

  it('is changed by updateConfigFile, which also changes the running configuration in place', async () => {
    const file = await withFile('port: 9000\nmanager_name: Before\n');
    const config = await loadConfig({ configFile: file, dataDir: dir, port: 9500 });
    const sameObject = config;
    await updateConfigFile(config, (settings) => ({ ...settings, manager_name: 'After', shared_storage_path: '/render/farm' }));
    assert.equal(sameObject.managerName, 'After');
    assert.equal(sameObject.sharedStoragePath, '/render/farm');
    assert.equal(sameObject.port, 9500, 'flags still win in the running configuration');
    const reread = await loadConfig({ configFile: file, dataDir: dir });
    assert.deepEqual([reread.port, reread.managerName, reread.sharedStoragePath], [9000, 'After', '/render/farm']);
  });

  it('is written from the running settings when the file has become unreadable', async () => {
    const file = await withFile('port: 9000\n');
    const config = await loadConfig({ configFile: file, dataDir: dir });
    await writeFile(file, 'port: [broken\n');
    await updateConfigFile(config, (settings) => ({ ...settings, shared_storage_path: '/render' }));
    const reread = await loadConfig({ configFile: file, dataDir: dir });
    assert.equal(reread.sharedStoragePath, '/render');
    assert.deepEqual(reread.variables, DEFAULT_VARIABLES);
  });

  it('keeps the old file and the running settings when an update does not fit', async () => {
    const file = await withFile('port: 9000\n');
    const config = await loadConfig({ configFile: file, dataDir: dir });
    await assert.rejects(
      updateConfigFile(config, (settings) => ({ ...settings, port: 0 })),
      (error: Error) => error instanceof ConfigError && /"port" must be >= 1/.test(error.message),
    );
    assert.equal(await readFile(file, 'utf8'), 'port: 9000\n');
    assert.equal(config.port, 9000);
  });
});
