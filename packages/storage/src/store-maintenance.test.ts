import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { sql } from 'kysely';
import { openDatabase, type OpenedDatabase } from './open-database.js';
import { StoreMaintenance } from './store-maintenance.js';

/** Time passes on the test's clock only: the schedule's timers and `Date.now` are jest's fakes. */
const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe('StoreMaintenance schedule', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  const schedule = { threshold: 10, scale: 0.5, idleMs: 60, idleMinimum: 3 };
  /** A maintenance whose runs only record whether they gathered statistics; the store holds `rows`. */
  const recording = (rows: number, overrides: Partial<typeof schedule> = {}) => {
    const runs: boolean[] = [];
    const maintenance = new StoreMaintenance(async (withStatistics) => {
      runs.push(withStatistics);
      return rows;
    }, { ...schedule, ...overrides });
    return { runs, maintenance };
  };

  it('runs after the threshold, then after the threshold plus a share of the rows', async () => {
    const { runs, maintenance } = recording(100, { idleMs: 60_000 });
    for (let i = 0; i < 9; i++) maintenance.afterWrite();
    expect(runs).toHaveLength(0);
    maintenance.afterWrite();
    await maintenance.start(); // the run under way
    expect(runs).toHaveLength(1);
    // next due: 10 + 0.5 × 100 = 60 writes
    for (let i = 0; i < 59; i++) maintenance.afterWrite();
    await sleep(5);
    expect(runs).toHaveLength(1);
    maintenance.afterWrite();
    await sleep(5);
    expect(runs).toEqual([true, true]);
    await maintenance.close();
  });

  it('runs a vacuum without statistics once the store is quiet after a few writes, not after fewer', async () => {
    const { runs, maintenance } = recording(0);
    maintenance.afterWrite();
    maintenance.afterWrite();
    await sleep(150);
    expect(runs).toEqual([]); // two writes: below idleMinimum
    maintenance.afterWrite();
    await sleep(30);
    maintenance.afterWrite(); // still writing: the quiet period starts again
    await sleep(40);
    expect(runs).toEqual([]);
    await sleep(80);
    expect(runs).toEqual([false]); // one run, without statistics
    expect(maintenance.runs).toBe(1);
    await maintenance.close();
  });

  it('counts writes toward the statistics across the quiet vacuums', async () => {
    const { runs, maintenance } = recording(0, { idleMs: 20 });
    for (let i = 0; i < 5; i++) maintenance.afterWrite();
    await sleep(60);
    expect(runs).toEqual([false]);
    for (let i = 0; i < 5; i++) maintenance.afterWrite(); // the 10th write since the statistics
    await sleep(5);
    expect(runs).toEqual([false, true]);
    await maintenance.close();
  });

  it('survives a failed run and tries again later; close waits for the run under way', async () => {
    let calls = 0;
    let release: () => void = () => undefined;
    const maintenance = new StoreMaintenance(async () => {
      calls++;
      if (calls === 1) throw new Error('store busy');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return 0;
    }, schedule);
    await expect(maintenance.start()).resolves.toBeUndefined();
    expect(maintenance.runs).toBe(0);
    const second = maintenance.start();
    expect(maintenance.start()).toBe(second); // one run at a time
    let closed = false;
    const closing = maintenance.close().then(() => {
      closed = true;
    });
    await sleep(10);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(maintenance.runs).toBe(1);
    await maintenance.start(); // closed: nothing more runs
    expect(calls).toBe(2);
  });
});

describe('maintenance of the embedded store', () => {
  let opened: OpenedDatabase | undefined;
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
  });

  it('reclaims dead rows, marks pages all-visible and gathers statistics', async () => {
    opened = await openDatabase({ inMemory: true });
    const { db, maintenance } = opened;
    expect(maintenance).toBeDefined();
    const domain = await db.insertInto('domain').values({ name: 'vacuum.example' }).returning('id').executeTakeFirstOrThrow();
    const accounts = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@vacuum.example`, domainId: domain.id, kind: 'user' as const, displayName: null, passwordHash: null, quotaBytes: null, groupwareEnabled: null, webdavEnabled: null }));
    await db.insertInto('account').values(accounts('user', 400)).execute();
    const deleted = await db.deleteFrom('account').where('email', 'like', 'user1%').executeTakeFirstOrThrow();
    expect(Number(deleted.numDeletedRows)).toBe(111);
    const before = await stats(opened);
    expect(before.allVisiblePages).toBe(0);
    await maintenance?.start();
    const after = await stats(opened);
    expect(maintenance?.runs).toBe(1);
    expect(after.allVisiblePages).toBeGreaterThan(0);
    expect(after.estimatedRows).toBe(289);
    // The deleted rows' space is reused: as many new rows fit without the table growing.
    await db.insertInto('account').values(accounts('again', 100)).execute();
    expect((await stats(opened)).bytes).toBe(after.bytes);
    const left = await db.selectFrom('account').select('email').where('domainId', '=', domain.id).execute();
    expect(left).toHaveLength(389);
  });

  it('without a vacuum, the same rows make the table grow', async () => {
    opened = await openDatabase({ inMemory: true });
    const { db } = opened;
    const domain = await db.insertInto('domain').values({ name: 'novacuum.example' }).returning('id').executeTakeFirstOrThrow();
    const accounts = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ email: `${prefix}${i}@novacuum.example`, domainId: domain.id, kind: 'user' as const, displayName: null, passwordHash: null, quotaBytes: null, groupwareEnabled: null, webdavEnabled: null }));
    await db.insertInto('account').values(accounts('user', 400)).execute();
    await db.deleteFrom('account').where('email', 'like', 'user1%').execute();
    const before = await stats(opened);
    await db.insertInto('account').values(accounts('again', 100)).execute();
    expect((await stats(opened)).bytes).toBeGreaterThan(before.bytes);
    // A vacuum without statistics marks the pages all-visible all the same.
    await opened.maintenance?.start(false);
    expect((await stats(opened)).allVisiblePages).toBeGreaterThan(0);
  });
});

/** The size of `account`'s heap, its all-visible pages and the planner's row estimate. */
async function stats({ db }: OpenedDatabase): Promise<{ bytes: number; allVisiblePages: number; estimatedRows: number }> {
  const { rows } = await sql<{ bytes: number; visible: number; estimated: number }>`
    select pg_relation_size(oid)::int as bytes, relallvisible as visible, reltuples::int as estimated
    from pg_class where relname = 'account' and relkind = 'r'`.execute(db);
  return { bytes: rows[0]?.bytes ?? -1, allVisiblePages: rows[0]?.visible ?? -1, estimatedRows: rows[0]?.estimated ?? -1 };
}
