import { autocomplete, removeMemberCards, syncMemberCards, type AutocompleteMatch, type GalScope } from '@partage/contacts';
import { ShareError } from '@partage/sharing';
import { repositories, withTransaction, type AccountRow, type Db, type Repositories } from '@partage/storage';
import { AccountError, normalizeEmail, type AccountHooks } from './accounts.js';

/** A GAL as the REST API and the CLI show it. */
export interface GalJson {
  readonly owner: string;
  /** The contacts folder's name below the owner's home. */
  readonly folder: string;
  readonly enabled: boolean;
}

/** Who acts on a GAL flag. */
export interface GalActor {
  readonly id: number;
  readonly isAdmin: boolean;
}

/** At most this many suggestions per autocomplete, whatever the client asks. */
export const maxAutocompleteResults = 50;

/**
 * The account hooks of "members in the GAL" (SPEC §2): a group created with the option gets
 * its Contacts folder flagged and one card per member; membership changes, renamed and removed
 * accounts keep the cards in step, in the same transaction as the change, and the option can
 * be turned on (cards created) or off (cards removed) later.
 *
 * @example new AccountService(db, blobStore, defaults, galAccountHooks())
 */
export function galAccountHooks(): AccountHooks {
  const resync = async (repos: Repositories, group: AccountRow, without?: number) => {
    if (!(await repos.gal.isMembersInGal(group.id))) return;
    const members = (await repos.accounts.members(group.id)).filter((m) => m.id !== without);
    await syncMemberCards(repos, group, members);
  };
  return {
    accountCreated: async (repos, account, input) => {
      if (account.kind !== 'group' || !input.membersInGal) return;
      await repos.gal.setMembersInGal(account.id, true);
      await resync(repos, account);
    },
    membersChanged: (repos, group) => resync(repos, group),
    accountUpdated: async (repos, account, update) => {
      if (update.membersInGal !== undefined) {
        await repos.gal.setMembersInGal(account.id, update.membersInGal);
        if (update.membersInGal) await resync(repos, account);
        else await removeMemberCards(repos, account);
      }
      if (update.displayName !== undefined) {
        for (const groupId of await repos.gal.groupsWithMember(account.id)) {
          const group = await repos.accounts.findAccount(groupId);
          if (group) await resync(repos, group);
        }
      }
    },
    accountRemoving: async (repos, account) => {
      for (const groupId of await repos.gal.groupsWithMember(account.id)) {
        const group = await repos.accounts.findAccount(groupId);
        if (group) await resync(repos, group, account.id);
      }
    },
  };
}

/**
 * Flags contacts folders as Global Address Lists and answers autocomplete (SPEC §5). Only the
 * folder's owner or an administrator changes a flag; autocomplete searches the GALs the
 * caller may read (whatever its GroupWare policy, as the reference guide says) and its domain.
 */
export class GalService {
  constructor(
    private readonly db: Db,
    private readonly scope: GalScope,
  ) {}

  /** Sets or clears the GAL flag of `<owner>/<folder>`. */
  async setGal(actor: GalActor, ownerEmail: string, folder: string, isEnabled: boolean): Promise<GalJson> {
    const repos = repositories(this.db);
    const owner = await repos.accounts.findAccountByEmail(normalizeEmail(ownerEmail));
    if (!owner) throw new AccountError('not-found', `no account ${ownerEmail}`);
    if (!actor.isAdmin && actor.id !== owner.id) throw new ShareError('forbidden', 'only the owner or an administrator flags a GAL');
    const segments = folder.split('/').filter((s) => s !== '').map((s) => s.normalize('NFC'));
    const node = await repos.nodes.resolvePath(owner.id, segments);
    if (!node?.isCollection) throw new AccountError('not-found', `no folder ${folder} in ${owner.email}`);
    if (node.folderKind !== 'contacts') throw new AccountError('invalid', `${folder} is not a contacts folder`);
    await withTransaction(this.db, async (trx) => {
      if (isEnabled) await trx.gal.flag(node.id, owner.id);
      else await trx.gal.unflag(node.id);
    });
    return { owner: owner.email, folder: node.name, enabled: isEnabled };
  }

  /** The GALs of one owner (the owner or an administrator asks), or of the server (an administrator). */
  async list(actor: GalActor, ownerEmail?: string): Promise<GalJson[]> {
    const repos = repositories(this.db);
    let ownerId: number | undefined;
    if (ownerEmail !== undefined) {
      const owner = await repos.accounts.findAccountByEmail(normalizeEmail(ownerEmail));
      if (!owner) throw new AccountError('not-found', `no account ${ownerEmail}`);
      ownerId = owner.id;
    }
    if (!actor.isAdmin && ownerId !== actor.id) throw new ShareError('forbidden', 'only an administrator lists the GALs of others');
    return (await repos.gal.list(ownerId)).map((g) => ({ owner: g.ownerEmail, folder: g.folderName, enabled: true }));
  }

  /** Whether a group keeps its members in the GAL. */
  async isMembersInGal(groupEmail: string): Promise<boolean> {
    const repos = repositories(this.db);
    const group = await repos.accounts.findAccountByEmail(normalizeEmail(groupEmail));
    if (!group) throw new AccountError('not-found', `no account ${groupEmail}`);
    return repos.gal.isMembersInGal(group.id);
  }

  /**
   * Suggestions for a recipient field: the caller's readable GALs and the accounts of its
   * domain, ranked (exact email, prefix, word start, anywhere), at most `limit` (capped at 50).
   */
  async autocomplete(caller: AccountRow, query: string, limit: number): Promise<AutocompleteMatch[]> {
    const folders = await this.scope.readableFolders({ id: caller.id, isAdmin: caller.isAdmin });
    return autocomplete(this.db, { folders, domainId: caller.domainId }, query, Math.min(limit, maxAutocompleteResults));
  }
}
