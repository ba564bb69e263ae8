import type { GalCaller, GalScope, ReadableGal } from '@partage/contacts';
import { effectiveRights, grantOf, ownerGrants, type Grant } from '@partage/sharing';
import { repositories, type Db, type ReadCache } from '@partage/storage';

/**
 * The GAL's view of the rights model (SPEC §4, §5): a GAL is found by every account whose
 * effective rights on the folder include `read` — the same rule the share authorizer applies
 * to DAV, evaluated with one grant load per owner (from the read cache, as the authorizer's:
 * autocomplete asks on every keystroke). GroupWare follows the account's policy, else its
 * domain's (null = follow; SPEC §2).
 *
 * @example const folders = await galScope(db, readCache).readableFolders({ id: caller.id, isAdmin: caller.isAdmin });
 */
export function galScope(db: Db, readCache: ReadCache): GalScope {
  return {
    readableFolders: async (caller: GalCaller): Promise<ReadableGal[]> => {
      const repos = repositories(db);
      const all = await repos.gal.list();
      if (caller.isAdmin || all.length === 0) return all.map((folder) => ({ ...folder, seesRestricted: true }));
      const facts = await repos.grants.callerFacts(caller.id);
      if (!facts) return [];
      const who = { accountId: caller.id, groupIds: new Set(facts.groupIds), domainId: facts.domainId, isAdmin: false };
      const grants = new Map<number, Grant[]>();
      const isPublicGroup = new Map<number, boolean>();
      const readable: ReadableGal[] = [];
      for (const folder of all) {
        if (folder.ownerId === caller.id) {
          readable.push({ ...folder, seesRestricted: true });
          continue;
        }
        if (!grants.has(folder.ownerId)) {
          grants.set(folder.ownerId, (await ownerGrants(db, folder.ownerId, readCache)).map(grantOf));
          const owner = await repos.accounts.findAccount(folder.ownerId);
          isPublicGroup.set(folder.ownerId, owner?.kind === 'group' && owner.publicFolder);
        }
        const target = {
          ownerId: folder.ownerId,
          folderChain: await repos.nodes.folderChain(folder.folderId),
          ownerIsPublicGroup: isPublicGroup.get(folder.ownerId) ?? false,
        };
        const rights = effectiveRights(who, target, grants.get(folder.ownerId) ?? []);
        if (rights.has('read')) readable.push({ ...folder, seesRestricted: rights.has('admin') });
      }
      return readable;
    },
    hasGroupware: async (accountId: number): Promise<boolean> => {
      const [policies] = await repositories(db).accounts.effectivePolicies([accountId]);
      return policies?.groupware ?? false;
    },
  };
}
