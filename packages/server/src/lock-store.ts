import type { ActiveLock, LockStore } from '@partage/dav-core';
import { repositories, withTransaction, type Db, type LockRow, type ReadCache } from '@partage/storage';

const toActive = (row: LockRow): ActiveLock => ({
  token: row.token,
  path: row.path,
  depth: row.depth,
  scope: row.scope,
  ownerXml: row.ownerXml ?? undefined,
  principalId: row.principalId ?? undefined,
  timeoutSeconds: row.timeoutSeconds,
  expiresAt: row.expiresAt,
});

/**
 * dav-core's lock port over the `dav_lock` table, shared by every server process. Every write
 * asks for the locks on its path; with the read cache (embedded store), the time the last lock
 * expires is kept until the table changes, so that without live locks no query is made.
 */
export function createLockStore(db: Db, readCache: ReadCache): LockStore {
  const locks = () => repositories(db).locks;
  return {
    locksAffecting: async (path, { below }) => {
      if (readCache.isEnabled) {
        const latest = await readCache.get('locks:latest-expiry', () => locks().latestExpiry(), ['dav_lock']);
        if (latest === undefined || latest.getTime() <= Date.now()) return [];
      }
      return (await locks().affecting(path, below)).map(toActive);
    },
    create: async (lock) => {
      const conflict = await withTransaction(db, (repos) =>
        repos.locks.createUnlessConflicting({
          token: lock.token,
          path: lock.path,
          depth: lock.depth,
          scope: lock.scope,
          ownerXml: lock.ownerXml ?? null,
          principalId: lock.principalId ?? null,
          timeoutSeconds: lock.timeoutSeconds,
          expiresAt: lock.expiresAt,
        }),
      );
      return conflict && toActive(conflict);
    },
    refresh: async (token, timeoutSeconds) => {
      const row = await locks().refresh(token, timeoutSeconds);
      return row && toActive(row);
    },
    remove: (token) => locks().remove(token),
    removeAt: (path) => locks().removeAt(path),
  };
}
