import type { Resource } from '@partage/dav-core';
import { isNodeResource } from '@partage/files';
import type { Db, ReadCache } from '@partage/storage';
import { calendarServer } from './notifications.js';
import { ownerGrants } from './owner-grants.js';

/**
 * Adds `CS:shared-owner` to the resourcetype of the folders among `resources` that their
 * owner shares with an account or a group (caldav-sharing §5.1): Apple Calendar shows them
 * as shared by the caller. One query for the whole list (none while the owner's grants are
 * cached); only the owner's view is marked.
 */
export async function withSharedOwner<R extends Resource>(db: Db, ownerId: number, resources: readonly R[], readCache: ReadCache): Promise<R[]> {
  if (!resources.some((r) => isNodeResource(r) && r.isCollection && r.node.parentId !== null)) return [...resources];
  const grants = await ownerGrants(db, ownerId, readCache);
  const shared = new Set(
    grants.filter((g) => g.folderId !== null && (g.granteeKind === 'account' || g.granteeKind === 'group') && g.rights !== '').map((g) => g.folderId),
  );
  return resources.map((r) =>
    isNodeResource(r) && r.isCollection && shared.has(r.node.id) ? { ...r, resourceTypes: [...r.resourceTypes, calendarServer('shared-owner')] } : r,
  );
}
