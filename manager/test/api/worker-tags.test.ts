import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { onEachDatabase } from '../support/test-manager.ts';
import { addWorker } from '../support/worker-rows.ts';

const TAGS = '/api/v3/worker-mgt/tags';
const TAG = '/api/v3/worker-mgt/tag';

onEachDatabase('worker tags API', (manager) => {
  it('creates a tag with an id of its own choosing, and reads it back', async () => {
    const created = await manager().request('POST', TAGS, { name: 'gpu-eevee', description: 'Machines with a GPU.' });
    assert.equal(created.status, 200, created.text);
    assert.match(created.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(created.body, { id: created.body.id, name: 'gpu-eevee', description: 'Machines with a GPU.' });
    const fetched = await manager().request('GET', `${TAG}/${created.body.id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body, created.body);
  });

  it('creates a tag with the id it is given (or a new one for an empty id)', async () => {
    const id = randomUUID();
    const given = await manager().request('POST', TAGS, { id, name: `given-${id}` });
    assert.equal(given.status, 200, given.text);
    assert.equal(given.body.id, id);
    assert.equal(given.body.description, undefined);
    const empty = await manager().request('POST', TAGS, { id: '', name: `empty-id-${id}` });
    assert.equal(empty.status, 200);
    assert.notEqual(empty.body.id, '');
    assert.equal((await manager().request('GET', `${TAG}/${empty.body.id}`)).status, 200);
  });

  it('lists the tags by name', async () => {
    const prefix = `sorted-${randomUUID().slice(0, 6)}`;
    for (const name of ['b', 'c', 'a']) await manager().request('POST', TAGS, { name: `${prefix}-${name}` });
    const list = await manager().request('GET', TAGS);
    assert.equal(list.status, 200);
    const names: string[] = list.body.tags.map((t: { name: string }) => t.name).filter((name: string) => name.startsWith(prefix));
    assert.deepEqual(names, [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
  });

  it('refuses duplicate names and ids (409), blank names and bad ids (400)', async () => {
    const name = `unique-${randomUUID()}`;
    const first = await manager().request('POST', TAGS, { name });
    assert.equal(first.status, 200);
    const sameName = await manager().request('POST', TAGS, { name });
    assert.equal(sameName.status, 409);
    assert.match(sameName.body.message, /called .* already/);
    const sameId = await manager().request('POST', TAGS, { id: first.body.id, name: `other-${name}` });
    assert.equal(sameId.status, 409);
    const blank = await manager().request('POST', TAGS, { name: '   ' });
    assert.equal(blank.status, 400);
    const nameless = await manager().request('POST', TAGS, { description: 'no name' });
    assert.equal(nameless.status, 400);
    assert.match(nameless.body.message, /name/);
    const badId = await manager().request('POST', TAGS, { id: 'tag-1', name: `bad-id-${name}` });
    assert.equal(badId.status, 400);
  });

  it('renames and re-describes a tag, keeping the description when none is sent', async () => {
    const created = await manager().request('POST', TAGS, { name: `old-${randomUUID()}`, description: 'kept' });
    const newName = `new-${randomUUID()}`;
    const renamed = await manager().request('PUT', `${TAG}/${created.body.id}`, { name: newName });
    assert.equal(renamed.status, 204, renamed.text);
    assert.deepEqual((await manager().request('GET', `${TAG}/${created.body.id}`)).body, { id: created.body.id, name: newName, description: 'kept' });

    const ignoredId = await manager().request('PUT', `${TAG}/${created.body.id}`, { id: randomUUID(), name: newName, description: 'changed' });
    assert.equal(ignoredId.status, 204);
    assert.deepEqual((await manager().request('GET', `${TAG}/${created.body.id}`)).body, { id: created.body.id, name: newName, description: 'changed' });
  });

  it('refuses to give a tag the name of another (409) and answers 404 for unknown tags', async () => {
    const taken = await manager().request('POST', TAGS, { name: `taken-${randomUUID()}` });
    const other = await manager().request('POST', TAGS, { name: `other-${randomUUID()}` });
    const clash = await manager().request('PUT', `${TAG}/${other.body.id}`, { name: taken.body.name });
    assert.equal(clash.status, 409);
    assert.equal((await manager().request('GET', `${TAG}/${other.body.id}`)).body.name, other.body.name);
    const sameName = await manager().request('PUT', `${TAG}/${other.body.id}`, { name: other.body.name });
    assert.equal(sameName.status, 204, 'keeping its own name is no clash');

    const unknown = randomUUID();
    assert.equal((await manager().request('GET', `${TAG}/${unknown}`)).status, 404);
    assert.equal((await manager().request('PUT', `${TAG}/${unknown}`, { name: 'x' })).status, 404);
    assert.equal((await manager().request('DELETE', `${TAG}/${unknown}`)).status, 404);
    assert.equal((await manager().request('GET', `${TAG}/not-a-uuid`)).status, 400);
  });

  it('deletes a tag: workers leave it and jobs limited to it are open to all', async () => {
    const tag = await manager().request('POST', TAGS, { name: `doomed-${randomUUID()}` });
    const workerId = await addWorker(manager());
    await manager().request('POST', `/api/v3/worker-mgt/workers/${workerId}/settags`, { tag_ids: [tag.body.id] });
    const job = await manager().request('POST', '/api/v3/jobs', {
      name: 'tagged',
      type: 'echo-sleep-test',
      priority: 50,
      submitter_platform: 'linux',
      settings: { message: 'hi' },
      worker_tag: tag.body.id,
    });
    assert.equal(job.status, 200, job.text);
    assert.equal(job.body.worker_tag, tag.body.id);

    const deleted = await manager().request('DELETE', `${TAG}/${tag.body.id}`);
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal((await manager().request('GET', `${TAG}/${tag.body.id}`)).status, 404);
    assert.ok(!(await manager().request('GET', TAGS)).body.tags.some((t: { id: string }) => t.id === tag.body.id));
    assert.deepEqual((await manager().request('GET', `/api/v3/worker-mgt/workers/${workerId}`)).body.tags, []);
    assert.equal((await manager().request('GET', `/api/v3/jobs/${job.body.id}`)).body.worker_tag, undefined);
    assert.equal((await manager().request('DELETE', `${TAG}/${tag.body.id}`)).status, 404);
  });

  it('publishes worker-tag events for new, changed and deleted tags', async () => {
    const seen: Record<string, unknown>[] = [];
    const stop = manager().services.events.subscribe((event) => {
      if (event.type === 'worker-tag') seen.push(event.data);
    });
    const name = `evented-${randomUUID()}`;
    const id = randomUUID();
    try {
      await manager().request('POST', TAGS, { id, name });
      await manager().request('PUT', `${TAG}/${id}`, { name, description: 'now described' });
      await manager().request('DELETE', `${TAG}/${id}`);
      await manager().request('PUT', `${TAG}/${id}`, { name });
    } finally {
      stop();
    }
    assert.deepEqual(seen, [
      { tag: { id, name } },
      { tag: { id, name, description: 'now described' } },
      { tag: { id, name, description: 'now described' }, was_deleted: true },
    ]);
  });

  it('refuses a tag beyond the 1000 a farm may have (409)', async () => {
    const db = manager().db;
    const [row] = await db('worker_tags').count({ n: '*' });
    const missing = 1000 - Number(row?.n ?? 0);
    const rows = Array.from({ length: missing }, (_, i) => ({ id: randomUUID(), name: `filler-${i}-${randomUUID()}`, description: '' }));
    for (let i = 0; i < rows.length; i += 100) await db('worker_tags').insert(rows.slice(i, i + 100));
    const refused = await manager().request('POST', TAGS, { name: `one-too-many-${randomUUID()}` });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /1000 worker tags/);
    assert.equal((await manager().request('GET', TAGS)).body.tags.length, 1000);
  });
});
