import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CredentialsError, credentialsFile, loadCredentials, newSecret, saveCredentials } from '../../src/config/credentials.ts';
import { useTempDirs } from '../support/temp-dir.ts';

describe('the worker credentials', () => {
  const tempDir = useTempDirs();

  it('are none before registration', async () => {
    assert.equal(await loadCredentials(credentialsFile(await tempDir())), undefined);
  });

  it('read back as saved, readable by the owner only', async () => {
    const file = credentialsFile(await tempDir());
    const credentials = { workerId: '8e3d1d8c-2f4a-4b7e-9c0e-5a6b7c8d9e0f', secret: newSecret(), managerUrl: 'http://farm:8080' };
    await saveCredentials(file, credentials);
    assert.deepEqual(await loadCredentials(file), credentials);
    if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('make secrets of 32 random bytes', () => {
    const [a, b] = [newSecret(), newSecret()];
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
  });

  it('say how to recover from a damaged file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'tablao-worker-credentials.yaml'), 'worker_id: [1, 2');
    await assert.rejects(loadCredentials(credentialsFile(dir)), (error: Error) => {
      assert.ok(error instanceof CredentialsError);
      assert.match(error.message, /does not hold a worker_id and worker_secret; delete it and the worker registers again/);
      return true;
    });
  });
});
