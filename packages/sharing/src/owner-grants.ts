import { repositories, type Db, type GrantRow, type ReadCache } from '@partage/storage';

/**
 * The grants an owner gives, read again only after a write to the grant table (embedded store;
 * with PostgreSQL the cache passes every read through). The rights check, the GAL's scope and
 * the listings that mark shared folders read them on every request.
 */
export function ownerGrants(db: Db, ownerId: number, readCache: ReadCache): Promise<GrantRow[]> {
  return readCache.get(`grants:owner:${ownerId}`, () => repositories(db).grants.forOwner(ownerId), ['grant']);
}
