import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bulkInsert } from '../../src/storage/bulk-insert.ts';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { describeOnEachDatabase, POSTGRES_URL } from '../support/test-manager.ts';

describeOnEachDatabase('bulkInsert', (kind) => {
  let db: Database;
  let dir: string;
  const schema = `test_${randomUUID().replaceAll('-', '')}`;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tablao-bulk-'));
    db = await openDatabase(kind === 'postgres' ? { url: POSTGRES_URL, schema } : { url: join(dir, 'db.sqlite') });
    await db.schema.createTable('items', (t) => {
      t.string('id').primary();
      t.integer('n').notNullable();
      t.text('note');
    });
  });
  after(async () => {
    if (kind === 'postgres') await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores every row with its values, nulls and odd text included', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [`id-${i}`, i, i % 3 === 0 ? null : `note "${i}" ' ; --`]);
    await db.transaction((trx) => bulkInsert(trx, 'items', { id: 'text', n: 'integer', note: 'text' }, rows));
    const stored = await db('items').orderBy('n').select('id', 'n', 'note');
    assert.equal(stored.length, 2500);
    assert.deepEqual(
      stored.slice(0, 3).map((r) => [r.id, Number(r.n), r.note]),
      [
        ['id-0', 0, null],
        ['id-1', 1, `note "1" ' ; --`],
        ['id-2', 2, `note "2" ' ; --`],
      ],
    );
  });

  it('belongs to the transaction: a rollback removes the rows', async () => {
    await assert.rejects(
      db.transaction(async (trx) => {
        await bulkInsert(trx, 'items', { id: 'text', n: 'integer', note: 'text' }, [['rolled-back', 1, null]]);
        throw new Error('undo');
      }),
      /undo/,
    );
    assert.equal(await db('items').where('id', 'rolled-back').first(), undefined);
  });
});
