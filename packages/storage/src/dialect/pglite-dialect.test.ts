import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from './pglite-dialect.js';

interface TestDatabase {
  item: { name: string; n: number };
  counter: { id: number; value: number };
}

describe('PGliteDialect', () => {
  let db: Kysely<TestDatabase>;

  beforeAll(async () => {
    db = new Kysely<TestDatabase>({ dialect: new PGliteDialect({ pglite: await PGlite.create() }) });
    await db.schema.createTable('item').addColumn('name', 'text').addColumn('n', 'integer').execute();
    await db.schema.createTable('counter').addColumn('id', 'integer', (c) => c.primaryKey()).addColumn('value', 'integer').execute();
  });
  afterAll(() => db.destroy());
  beforeEach(async () => {
    await db.deleteFrom('item').execute();
    await db.deleteFrom('counter').execute();
  });

  it('keeps a concurrent rollback from leaking into a committing transaction', async () => {
    let markWritten!: () => void;
    const aHasWritten = new Promise<void>((resolve) => (markWritten = resolve));
    const a = db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ name: 'A', n: 1 }).execute();
      markWritten();
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('A fails');
    });
    const b = (async () => {
      await aHasWritten;
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values({ name: 'B', n: 2 }).execute();
      });
    })();
    await expect(a).rejects.toThrow('A fails');
    await b;
    const rows = await db.selectFrom('item').select('name').orderBy('name').execute();
    expect(rows.map((r) => r.name)).toEqual(['B']);
  });

  it('serializes 50 concurrent read-modify-write transactions', async () => {
    await db.insertInto('counter').values({ id: 1, value: 0 }).execute();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db.transaction().execute(async (trx) => {
          const { value } = await trx.selectFrom('counter').select('value').where('id', '=', 1).executeTakeFirstOrThrow();
          await new Promise((resolve) => setImmediate(resolve));
          await trx.updateTable('counter').set({ value: value + 1 }).where('id', '=', 1).execute();
        }),
      ),
    );
    const { value } = await db.selectFrom('counter').select('value').executeTakeFirstOrThrow();
    expect(value).toBe(50);
  });

  it('reports affected rows for update, insert and delete', async () => {
    const inserted = await db.insertInto('item').values([{ name: 'x', n: 1 }, { name: 'y', n: 2 }, { name: 'z', n: 3 }]).executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n);
    const updated = await db.updateTable('item').set({ n: 0 }).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(3n);
    const none = await db.updateTable('item').set({ n: 9 }).where('name', '=', 'nobody').executeTakeFirst();
    expect(none.numUpdatedRows).toBe(0n);
    const deleted = await db.deleteFrom('item').where('name', '!=', 'x').executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(2n);
  });

  it('rolls back to a savepoint inside a transaction', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('item').values({ name: 'kept', n: 1 }).execute();
    const sp = await trx.savepoint('before "odd" name').execute();
    await sp.insertInto('item').values({ name: 'undone', n: 2 }).execute();
    const back = await sp.rollbackToSavepoint('before "odd" name').execute();
    await back.commit().execute();
    const rows = await db.selectFrom('item').select('name').execute();
    expect(rows.map((r) => r.name)).toEqual(['kept']);
  });

  it('fails the commit of a transaction left aborted by a swallowed error', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('item').values({ name: 'lost', n: 1 }).execute();
    await expect(sql`select 1 / 0`.execute(trx)).rejects.toThrow();
    await expect(trx.commit().execute()).rejects.toThrow();
    expect(await db.selectFrom('item').selectAll().execute()).toEqual([]);
  });

  it('streams a query as one chunk', async () => {
    await db.insertInto('item').values([{ name: 'a', n: 1 }, { name: 'b', n: 2 }]).execute();
    const names: string[] = [];
    for await (const row of db.selectFrom('item').select('name').orderBy('name').stream()) names.push(row.name);
    expect(names).toEqual(['a', 'b']);
  });
});
