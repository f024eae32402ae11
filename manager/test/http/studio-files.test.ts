// The studio's files at `/`: served as built, index.html for the app's pages, never in the way
// of the API, and a page that says how to build the studio when it is missing.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Koa from 'koa';
import { studioFiles } from '../../src/http/studio-files.ts';
import { startTestManager, type TestManager } from '../support/test-manager.ts';

describe('studio files', function () {
  let dist: string;
  let server: Server;
  let base: string;

  before(async function () {
    dist = await mkdtemp(join(tmpdir(), 'tablao-studio-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>studio</title>');
    await writeFile(join(dist, 'assets', 'main-abc123.js'), 'console.log(1)');
    const app = new Koa();
    app.use(studioFiles(dist));
    server = app.listen(0, '127.0.0.1');
    await new Promise((done) => server.once('listening', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    server?.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves built files, hashed assets for good', async function () {
    const response = await fetch(`${base}/assets/main-abc123.js`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.match(response.headers.get('cache-control') ?? '', /immutable/);
    assert.equal(await response.text(), 'console.log(1)');
  });

  it('answers the app\'s pages with index.html', async function () {
    for (const path of ['/', '/jobs/3f2b3c1e-9a7d-4c55-8d2a-0c6f1b9e5a77', '/job-types/my-render']) {
      const response = await fetch(base + path);
      assert.equal(response.status, 200, path);
      assert.equal(await response.text(), '<!doctype html><title>studio</title>', path);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
    }
  });

  it('leaves missing files, the API and paths outside the build to others', async function () {
    for (const path of ['/assets/gone.js', '/api/v3/nothing', '/job-files/x', '/metrics', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/secret.txt']) {
      assert.equal((await fetch(base + path)).status, 404, path);
    }
    assert.equal((await fetch(`${base}/`, { method: 'POST' })).status, 404);
  });

  it('says how to build the studio when it is not built', async function () {
    const app = new Koa();
    app.use(studioFiles(join(dist, 'not-built')));
    const bare = app.listen(0, '127.0.0.1');
    await new Promise((done) => bare.once('listening', done));
    try {
      const response = await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/jobs`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build:studio/);
    } finally {
      bare.close();
    }
  });

  describe('in the manager', function () {
    let manager: TestManager;
    before(async function () {
      manager = await startTestManager('sqlite');
    });
    after(async function () {
      await manager?.stop();
    });

    it('keeps the API answering as before', async function () {
      const version = await manager.request('GET', '/api/v3/version');
      assert.equal(version.status, 200);
      const unknown = await manager.request('GET', '/api/v3/no-such-operation');
      assert.equal(unknown.status, 404);
      assert.match(unknown.headers.get('content-type') ?? '', /json/);
    });

    it('answers / with the studio (or how to build it), not the API documentation', async function () {
      const response = await fetch(manager.url + '/', { redirect: 'manual' });
      assert.ok(response.status === 200 || response.status === 503, `status ${response.status}`);
      assert.match(response.headers.get('content-type') ?? '', /html/);
    });
  });
});
