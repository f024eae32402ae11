import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { changeRows, queryRows } from '../../src/storage/direct-sql.ts';
import { lightPostgresTransaction } from '../../src/storage/pg-transaction.ts';
import { POSTGRES_URL } from '../support/test-manager.ts';

(POSTGRES_URL ? describe : describe.skip)('light PostgreSQL transactions', () => {
  let db: Database;
  const schema = `test_${randomUUID().replaceAll('-', '')}`;

  before(async () => {
    db = await openDatabase({ url: POSTGRES_URL, schema });
    await db.schema.createTable('items', (t) => {
      t.integer('n').primary();
    });
  });
  beforeEach(async () => {
    await db('items').delete();
  });
  after(async () => {
    await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await db.destroy();
  });

  const insert = (trx: Database, n: number) => changeRows(trx, 'INSERT INTO items (n) VALUES (?)', [n]);
  const stored = async () => (await queryRows<{ n: number }>(db, 'SELECT n FROM items ORDER BY n')).map((row) => Number(row.n));

  it('commits the work, with knex query builders and direct statements on one connection', async () => {
    const result = await lightPostgresTransaction(db, async (trx) => {
      await insert(trx, 1);
      await trx('items').insert({ n: 2 });
      const inside = (await trx('items').count({ n: '*' }))[0]!.n;
      assert.deepEqual(await stored(), [], 'nothing is visible outside before the commit');
      return Number(inside);
    });
    assert.equal(result, 2);
    assert.deepEqual(await stored(), [1, 2]);
  });

  it('rolls back a failing work, whether the work or PostgreSQL said no, and the pool goes on', async () => {
    await assert.rejects(
      lightPostgresTransaction(db, async (trx) => {
        await insert(trx, 1);
        throw new Error('the work changed its mind');
      }),
      /changed its mind/,
    );
    await assert.rejects(
      lightPostgresTransaction(db, async (trx) => {
        await insert(trx, 2);
        await insert(trx, 2);
      }),
      /duplicate key/,
    );
    // More transactions at once than the pool has connections: every connection came back.
    await Promise.all(Array.from({ length: 30 }, (_, n) => lightPostgresTransaction(db, (trx) => insert(trx, 10 + n))));
    assert.equal((await stored()).length, 30);
    assert.ok(!(await stored()).some((n) => n < 10));
  });

  it('refuses a statement on a transaction that has ended', async () => {
    let kept: Database | undefined;
    await lightPostgresTransaction(db, async (trx) => {
      kept = trx;
      await insert(trx, 1);
    });
    await assert.rejects(insert(kept!, 2), /after its transaction ended/);
  });
});
