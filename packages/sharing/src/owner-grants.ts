import { repositories, type Db, type GrantRow, type ReadCache } from '@partage/storage';

/**
 * The grants an owner gives, read again only after a write to the grant table (embedded store;
 * with PostgreSQL, or without a cache, read every time). The rights check and the listings that
 * mark shared folders read them on every request.
 */
export function ownerGrants(db: Db, ownerId: number, readCache?: ReadCache): Promise<GrantRow[]> {
  const load = () => repositories(db).grants.forOwner(ownerId);
  return readCache ? readCache.get(`grants:owner:${ownerId}`, load, ['grant']) : load();
}
