import assert from 'node:assert/strict';
import { onEachDatabase } from '../support/test-manager.ts';

onEachDatabase('API basics', (manager) => {
  it('says who it is, as Flamenco does', async () => {
    const version = await manager().request('GET', '/api/v3/version');
    assert.equal(version.status, 200);
    assert.equal(version.body.shortversion, '3.9');
    assert.equal(version.body.name, 'Test Manager');
  });

  it('serves its OpenAPI document as JSON and YAML', async () => {
    const json = await manager().request('GET', '/api/v3/openapi.json');
    assert.equal(json.status, 200);
    assert.match(json.body.openapi, /^3\.1\./);
    assert.ok(json.body.paths['/api/v3/jobs']);
    const yaml = await manager().request('GET', '/api/v3/openapi.yaml');
    assert.equal(yaml.status, 200);
    assert.match(yaml.text, /^openapi: 3\.1/m);
  });

  it('serves Swagger UI for its document; the front page is the studio', async () => {
    const page = await manager().request('GET', '/api/v3/swagger-ui/');
    assert.equal(page.status, 200);
    assert.match(page.text, /swagger-ui-bundle\.js/);
    const bundle = await fetch(`${manager().url}/api/v3/swagger-ui/swagger-ui-bundle.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    const init = await manager().request('GET', '/api/v3/swagger-ui/initializer.js');
    assert.match(init.text, /\/api\/v3\/openapi\.json/);
    const front = await fetch(`${manager().url}/`, { redirect: 'manual' });
    assert.match(front.headers.get('content-type') ?? '', /html/);
    assert.match(await front.text(), /Tablao/);
  });

  it('lists the built-in job types with their settings and etags', async () => {
    const types = await manager().request('GET', '/api/v3/jobs/types');
    assert.equal(types.status, 200);
    const names = types.body.job_types.map((t: { name: string }) => t.name);
    for (const name of ['echo-sleep-test', 'simple-blender-render', 'single-image-render']) assert.ok(names.includes(name), name);
    const echo = types.body.job_types.find((t: { name: string }) => t.name === 'echo-sleep-test');
    assert.equal(echo.etag, 'eba586e16d6b55baaa43e32f9e78ae514b457fee');
    const one = await manager().request('GET', '/api/v3/jobs/type/echo-sleep-test');
    assert.deepEqual(one.body, echo);
    const missing = await manager().request('GET', '/api/v3/jobs/type/nope');
    assert.equal(missing.status, 404);
  });

  it('answers a request that does not fit the API with 400 and what is wrong', async () => {
    const tooHigh = await manager().request('POST', '/api/v3/jobs', { name: 'x', type: 'echo-sleep-test', priority: 101, submitter_platform: 'linux' });
    assert.equal(tooHigh.status, 400);
    assert.match(tooHigh.body.message, /"priority" must be <= 100/);
    const noName = await manager().request('POST', '/api/v3/jobs', { type: 'echo-sleep-test', priority: 50, submitter_platform: 'linux' });
    assert.equal(noName.status, 400);
    assert.match(noName.body.message, /missing the required field "name"/);
    const badId = await manager().request('GET', '/api/v3/jobs/not-a-uuid');
    assert.equal(badId.status, 400);
    assert.match(badId.body.message, /path parameter "job_id" must be a uuid/);
  });

  it('answers broken JSON, wrong content types and oversized bodies with 4xx', async () => {
    const broken = await manager().request('POST', '/api/v3/jobs', '{"name": ');
    assert.equal(broken.status, 400);
    assert.match(broken.body.message, /not valid JSON/);
    const text = await manager().request('POST', '/api/v3/jobs', 'hello', { 'content-type': 'text/plain' });
    assert.equal(text.status, 415);
    const huge = await manager().request('POST', '/api/v3/jobs/check', { name: 'x'.repeat(20 * 1024 * 1024) });
    assert.equal(huge.status, 413);
  });

  it('answers unknown paths with a JSON 404 and unbuilt operations with 501', async () => {
    const unknown = await manager().request('GET', '/api/v3/nothing-here');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /there is no GET \/api\/v3\/nothing-here/);
    const unbuilt = await manager().request('GET', '/api/v3/worker-mgt/workers');
    assert.ok([200, 501].includes(unbuilt.status));
    if (unbuilt.status === 501) assert.match(unbuilt.body.message, /not implemented/);
  });
});
