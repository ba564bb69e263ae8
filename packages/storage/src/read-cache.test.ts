import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { openDatabase, type OpenedDatabase } from './open-database.js';
import { ReadCache, WriteLog } from './read-cache.js';

describe('WriteLog and ReadCache', () => {
  it('keeps an entry until a table it depends on changes', async () => {
    const writes = new WriteLog();
    const cache = new ReadCache(writes);
    let loads = 0;
    const read = () => cache.get('k', () => Promise.resolve(++loads), ['account:-used_bytes', 'domain']);
    expect(await read()).toBe(1);
    writes.note({ inserted: ['node'], updated: [], deleted: [] });
    writes.note({ inserted: [], updated: ['account'], deleted: [], singleColumn: ['account.used_bytes'] });
    expect(await read()).toBe(1);
    writes.note({ inserted: [], updated: ['account'], deleted: [], singleColumn: ['account.display_name'] });
    expect(await read()).toBe(2);
    writes.note({ inserted: ['domain'], updated: [], deleted: [] });
    expect(await read()).toBe(3);
    writes.note('all');
    expect(await read()).toBe(4);
  });

  it('lets `:existing` entries outlive inserts but not updates or deletes', async () => {
    const writes = new WriteLog();
    const cache = new ReadCache(writes);
    let loads = 0;
    const read = () => cache.get('k', () => Promise.resolve(++loads), ['node:existing']);
    await read();
    writes.note({ inserted: ['node'], updated: [], deleted: [] });
    expect(await read()).toBe(1);
    writes.note({ inserted: [], updated: ['node'], deleted: [] });
    expect(await read()).toBe(2);
    writes.note({ inserted: [], updated: [], deleted: ['node'] });
    expect(await read()).toBe(3);
  });

  it('counts a delete as a change to the tables its foreign keys cascade to', async () => {
    const writes = new WriteLog();
    writes.setCascades(new Map([['account', ['node']], ['node', ['card']]]));
    const cache = new ReadCache(writes);
    let loads = 0;
    const read = () => cache.get('k', () => Promise.resolve(++loads), ['card:existing']);
    await read();
    writes.note({ inserted: [], updated: ['account'], deleted: [] });
    expect(await read()).toBe(1);
    writes.note({ inserted: [], updated: [], deleted: ['account'] });
    expect(await read()).toBe(2);
  });

  it('forgets an entry without dependencies at any write, and keeps nothing read while a write happened', async () => {
    const writes = new WriteLog();
    const cache = new ReadCache(writes);
    let loads = 0;
    expect(await cache.get('k', () => Promise.resolve(++loads))).toBe(1);
    writes.note({ inserted: ['unrelated'], updated: [], deleted: [] });
    expect(await cache.get('k', () => Promise.resolve(++loads))).toBe(2);
    const racing = await cache.get('r', () => {
      writes.note({ inserted: ['other'], updated: [], deleted: [] });
      return Promise.resolve('stale?');
    }, ['node']);
    expect(racing).toBe('stale?');
    expect(await cache.get('r', () => Promise.resolve('fresh'), ['node'])).toBe('fresh');
  });

  it('passes every read through when disabled (PostgreSQL)', async () => {
    const cache = new ReadCache(undefined);
    let loads = 0;
    await cache.get('k', () => Promise.resolve(++loads), ['node']);
    expect(await cache.get('k', () => Promise.resolve(++loads), ['node'])).toBe(2);
    expect(cache.isEnabled).toBe(false);
  });
});

describe('the embedded store reports what each statement changed', () => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    opened = await openDatabase({ inMemory: true });
  }, 60_000);
  afterAll(() => opened.close());

  /** Whether a value cached with `dependencies` survives `write`. */
  async function survives(dependencies: string[], write: () => Promise<unknown>): Promise<boolean> {
    let loads = 0;
    const key = `k${Math.random()}`;
    await opened.readCache.get(key, () => Promise.resolve(++loads), dependencies);
    await write();
    await opened.readCache.get(key, () => Promise.resolve(++loads), dependencies);
    return loads === 1;
  }

  it('tells inserts, updates, single-column updates, deletes, raw SQL and rolled-back transactions apart', async () => {
    const { db } = opened;
    const domain = await db.insertInto('domain').values({ name: 'cache.test' }).returning('id').executeTakeFirstOrThrow();
    const account = () =>
      db.insertInto('account').values({ email: `a${Math.random()}@cache.test`, domainId: domain.id, kind: 'user' }).returning('id').executeTakeFirstOrThrow();
    const { id } = await account();
    expect(await survives(['domain'], account)).toBe(true);
    expect(await survives(['account:existing'], account)).toBe(true);
    expect(await survives(['account'], account)).toBe(false);
    const usage = () => db.updateTable('account').set({ usedBytes: 10 }).where('id', '=', id).execute();
    expect(await survives(['account:-used_bytes'], usage)).toBe(true);
    expect(await survives(['account'], usage)).toBe(false);
    const rename = () => db.updateTable('account').set({ displayName: 'x' }).where('id', '=', id).execute();
    expect(await survives(['account:-used_bytes'], rename)).toBe(false);
    expect(await survives(['account:existing'], () => sql`update account set display_name = 'y' where id = ${id}`.execute(db))).toBe(false);
    expect(await survives(['domain'], () => sql`select 1`.execute(db))).toBe(true);
    // A write in a CTE of a SELECT, and one of an INSERT into another table.
    const cteSelect = () =>
      db
        .with('added', (w) => w.insertInto('domain').values({ name: `cte${Math.random()}.test` }).returning('id'))
        .selectFrom('added')
        .selectAll()
        .execute();
    expect(await survives(['domain'], cteSelect)).toBe(false);
    const cteInsert = () =>
      db
        .with('renamed', (w) => w.updateTable('domain').set({ name: `r${Math.random()}.test` }).where('id', '=', domain.id))
        .insertInto('loginFailure')
        .values({ accountKey: `k${Math.random()}`, address: '127.0.0.1', failures: 1, windowStartedAt: new Date(), blockedUntil: null })
        .execute();
    expect(await survives(['domain:existing'], cteInsert)).toBe(false);
    expect(await survives(['login_failure:existing'], cteInsert)).toBe(true);
    expect(await survives(['domain'], () => sql`create table cache_probe (x int)`.execute(db))).toBe(false);
    // A delete of an account removes its nodes (on delete cascade).
    expect(await survives(['node:existing'], () => db.deleteFrom('account').where('id', '=', id).execute())).toBe(false);
    const rolledBack = () =>
      db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('domain').values({ name: 'gone.test' }).execute();
          throw new Error('abort');
        })
        .catch(() => undefined);
    expect(await survives(['domain'], rolledBack)).toBe(false);
  });
});
