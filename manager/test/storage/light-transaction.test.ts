import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { changeRows, queryRows } from '../../src/storage/direct-sql.ts';
import { lightSqliteTransaction } from '../../src/storage/light-transaction.ts';

describe('light SQLite transactions, committed in groups', () => {
  let db: Database;
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tablao-light-'));
    db = await openDatabase({ url: join(dir, 'db.sqlite') });
    await db.schema.createTable('items', (t) => {
      t.integer('n').primary();
    });
  });
  beforeEach(async () => {
    await db('items').delete();
  });
  after(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const insert = (trx: Database, n: number) => changeRows(trx, 'INSERT INTO items (n) VALUES (?)', [n]);
  const stored = async () => (await queryRows<{ n: number }>(db, 'SELECT n FROM items ORDER BY n')).map((row) => row.n);

  it('answers the transactions asked for together only after their shared commit', async () => {
    const seen: string[] = [];
    const first = lightSqliteTransaction(db, async (trx) => {
      await insert(trx, 1);
      seen.push('first ran');
      return 'first';
    }).then((result) => seen.push(`${result} answered`));
    const second = lightSqliteTransaction(db, async (trx) => {
      await insert(trx, 2);
      seen.push('second ran');
      return 'second';
    }).then((result) => seen.push(`${result} answered`));
    await Promise.all([first, second]);
    assert.deepEqual(seen, ['first ran', 'second ran', 'first answered', 'second answered']);
    assert.deepEqual(await stored(), [1, 2]);
  });

  it('rolls back only the transaction that failed, whether its work or SQLite said no', async () => {
    const outcomes = await Promise.allSettled([
      lightSqliteTransaction(db, (trx) => insert(trx, 1)),
      lightSqliteTransaction(db, async (trx) => {
        await insert(trx, 2);
        throw new Error('the work changed its mind');
      }),
      lightSqliteTransaction(db, async (trx) => {
        await insert(trx, 3);
        await insert(trx, 1); // a second row 1: UNIQUE constraint failed
      }),
      lightSqliteTransaction(db, (trx) => insert(trx, 4)),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'rejected', 'fulfilled'],
    );
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /changed its mind/);
    assert.match(String((outcomes[2] as PromiseRejectedResult).reason), /UNIQUE/);
    assert.deepEqual(await stored(), [1, 4]);
  });

  it('lets statements outside a transaction read what was committed, not what a group is writing', async () => {
    await lightSqliteTransaction(db, (trx) => insert(trx, 1));
    let readDuringGroup: number[] = [];
    await lightSqliteTransaction(db, async (trx) => {
      await insert(trx, 2);
      readDuringGroup = await stored();
    });
    assert.deepEqual(readDuringGroup, [1]);
    assert.deepEqual(await stored(), [1, 2]);
  });

  it('refuses a statement on a transaction that has ended', async () => {
    let kept: Database | undefined;
    await lightSqliteTransaction(db, async (trx) => {
      kept = trx;
      await insert(trx, 1);
    });
    await assert.rejects(insert(kept!, 2), /after its transaction ended/);
    assert.deepEqual(await stored(), [1]);
  });

  it('keeps answering after many transactions, more than one group holds', async () => {
    const all = Array.from({ length: 100 }, (_, n) => lightSqliteTransaction(db, (trx) => insert(trx, n)));
    await Promise.all(all);
    assert.equal((await stored()).length, 100);
  });
});
