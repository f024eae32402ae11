import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, loadWorkerConfig, WorkerConfigError } from '../../src/config/worker-config.ts';
import { useTempDirs } from '../support/temp-dir.ts';

describe('the worker configuration', () => {
  const tempDir = useTempDirs();

  async function withFile(text: string): Promise<string> {
    const dir = await tempDir();
    await writeFile(join(dir, CONFIG_FILE_NAME), text);
    return dir;
  }

  it('writes a file with working, explained defaults on first run', async () => {
    const dataDir = join(await tempDir(), 'fresh');
    const config = await loadWorkerConfig({ dataDir });
    assert.equal(config.managerUrl, 'http://localhost:8080');
    assert.equal(config.workerName, hostname());
    assert.deepEqual(config.taskTypes, ['blender', 'ffmpeg', 'file-management', 'misc']);
    assert.equal(config.restartExitCode, 0);
    assert.deepEqual(config.allowedExecutables, []);
    assert.equal(config.configFile, join(dataDir, CONFIG_FILE_NAME));
    const text = await readFile(config.configFile, 'utf8');
    assert.match(text, /^manager_url: http:\/\/localhost:8080$/m);
    assert.match(text, /# allowed_executables: programs the `exec` command may run/);
    // The written file reads back to the same configuration.
    assert.deepEqual(await loadWorkerConfig({ dataDir }), config);
  });

  it('reads the settings of the file; flags override them', async () => {
    const dataDir = await withFile(
      ['manager_url: http://farm:9000/', 'worker_name: render-07', 'task_types: [Blender, misc, misc]', 'restart_exit_code: 47', 'allowed_executables: [/usr/bin/true]'].join('\n'),
    );
    const config = await loadWorkerConfig({ dataDir });
    assert.equal(config.managerUrl, 'http://farm:9000');
    assert.equal(config.workerName, 'render-07');
    assert.deepEqual(config.taskTypes, ['blender', 'misc']);
    assert.equal(config.restartExitCode, 47);
    assert.deepEqual(config.allowedExecutables, ['/usr/bin/true']);
    const overridden = await loadWorkerConfig({ dataDir, managerUrl: 'https://other:8443', workerName: 'flagged' });
    assert.equal(overridden.managerUrl, 'https://other:8443');
    assert.equal(overridden.workerName, 'flagged');
  });

  const problems: [string, string, RegExp][] = [
    ['an unknown key', 'manager: http://x', /"manager" is not a setting \(known: manager_url, worker_name/],
    ['a wrong type', 'restart_exit_code: lots', /"restart_exit_code" must be integer \(restart_exit_code: exit code that makes the service manager/],
    ['an exit code out of range', 'restart_exit_code: 300', /"restart_exit_code" must be <= 255/],
    ['a bad task type', 'task_types: ["has space"]', /"task_types\.0" must match pattern/],
    ['a URL that is none', 'manager_url: render-manager', /"manager_url" must be the manager's http:\/\/ or https:\/\/ address, such as http:\/\/render-manager:8080, not "render-manager"/],
    ['broken YAML', 'manager_url: [unclosed', /is not valid YAML/],
    ['no map', '- just\n- a list', /the configuration must be a map of settings/],
  ];
  for (const [what, text, message] of problems) {
    it(`names the setting and the fix for ${what}`, async () => {
      const dataDir = await withFile(text);
      await assert.rejects(loadWorkerConfig({ dataDir }), (error: Error) => {
        assert.ok(error instanceof WorkerConfigError, String(error));
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('refuses a --manager that is not a URL, naming the flag', async () => {
    await assert.rejects(loadWorkerConfig({ dataDir: await tempDir(), managerUrl: 'ftp://x' }), /--manager must be the manager's http:\/\/ or https:\/\/ address/);
  });

  it('refuses a --config file that does not exist', async () => {
    const dir = await tempDir();
    await assert.rejects(loadWorkerConfig({ dataDir: dir, configFile: join(dir, 'nope.yaml') }), /nope\.yaml does not exist; leave out --config/);
  });
});
