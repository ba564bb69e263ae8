import { sql, type Selectable } from 'kysely';
import type { DavLockTable } from '../schema/index.js';
import type { Executor } from './executor.js';

export type LockRow = Selectable<DavLockTable>;

function ancestorsOf(path: string): string[] {
  const segments = path.split('/').filter((s) => s !== '');
  const result: string[] = ['/'];
  for (let i = 1; i < segments.length; i++) result.push(`/${segments.slice(0, i).join('/')}`);
  return result;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** WebDAV locks in the store, so that every server process sees them (SPEC §7). */
export class LockRepository {
  constructor(private readonly db: Executor) {}

  /** When the last lock of the store expires; undefined when there is none. */
  async latestExpiry(): Promise<Date | undefined> {
    const row = await this.db.selectFrom('davLock').select((eb) => eb.fn.max('expiresAt').as('latest')).executeTakeFirst();
    return row?.latest ?? undefined;
  }

  /** Unexpired locks on the path, on its ancestors with depth infinity, and optionally below it. */
  async affecting(path: string, below: boolean, now = new Date()): Promise<LockRow[]> {
    return this.db
      .selectFrom('davLock')
      .selectAll()
      .where('expiresAt', '>', now)
      .where((eb) =>
        eb.or([
          eb('path', '=', path),
          eb.and([eb('path', 'in', ancestorsOf(path)), eb('depth', '=', 'infinity')]),
          ...(below ? [eb('path', 'like', `${escapeLike(path === '/' ? '' : path)}/%`)] : []),
        ]),
      )
      .orderBy('createdAt')
      .execute();
  }

  /**
   * Inserts a lock unless one conflicts: an exclusive lock conflicts with any lock on the
   * same resources, a shared one with exclusive locks. The check and the insert run under
   * a transaction-scoped advisory lock so that two processes cannot both win.
   */
  async createUnlessConflicting(lock: Omit<LockRow, 'createdAt'>): Promise<LockRow | undefined> {
    await sql`select pg_advisory_xact_lock(7355608)`.execute(this.db);
    await this.db.deleteFrom('davLock').where('expiresAt', '<=', new Date()).execute();
    const existing = await this.affecting(lock.path, lock.depth === 'infinity');
    const conflict = existing.find((l) => lock.scope === 'exclusive' || l.scope === 'exclusive');
    if (conflict) return conflict;
    await this.db.insertInto('davLock').values(lock).execute();
    return undefined;
  }

  async refresh(token: string, timeoutSeconds: number): Promise<LockRow | undefined> {
    return this.db
      .updateTable('davLock')
      .set({ timeoutSeconds, expiresAt: new Date(Date.now() + timeoutSeconds * 1000) })
      .where('token', '=', token)
      .where('expiresAt', '>', new Date())
      .returningAll()
      .executeTakeFirst();
  }

  async remove(token: string): Promise<boolean> {
    const result = await this.db.deleteFrom('davLock').where('token', '=', token).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async removeAt(path: string): Promise<void> {
    await this.db
      .deleteFrom('davLock')
      .where((eb) => eb.or([eb('path', '=', path), eb('path', 'like', `${escapeLike(path)}/%`)]))
      .execute();
  }
}
