import { isDirectory, isDirectoryCard } from '@partage/contacts';
import type { Access, Authorizer } from '@partage/dav-core';
import { dav, type ClarkName } from '@partage/dav-xml';

const readOnly: ReadonlySet<ClarkName> = new Set([dav('read'), dav('read-current-user-privilege-set')]);

/**
 * The share authorizer, plus read-only access to the directory address book and its cards
 * for the authenticated caller: the directory is built per caller from what the rights rule
 * lets it read (see `galScope`), so there is nothing more to decide about it here and nothing
 * in it can be written. Every other resource is decided by `base`, in one bulk call.
 *
 * @example authorizer: withDirectoryAccess(createShareAuthorizer(db, readCache))
 */
export function withDirectoryAccess(base: Authorizer): Authorizer {
  return {
    access: async (ctx, resources): Promise<Access[]> => {
      const isGal = resources.map((r) => isDirectory(r) || isDirectoryCard(r));
      const decided = await base.access(
        ctx,
        resources.filter((_, i) => !isGal[i]),
      );
      let next = 0;
      return resources.map((_, i) => {
        if (isGal[i]) return { privileges: ctx.principal ? readOnly : new Set<ClarkName>() };
        const access = decided[next++];
        if (!access) throw new Error('the authorizer answers once per resource');
        return access;
      });
    },
  };
}
