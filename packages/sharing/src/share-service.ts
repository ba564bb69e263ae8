import { repositories, withTransaction, type AccountRow, type Db, type GranteeKey, type GrantRow, type Repositories } from '@partage/storage';
import { listPublicFolders, type PublicFolderGroupView } from './public-folders.js';
import { Delegation, delegationGrant, delegationRights, granteeKeyOf, type ProxyKind } from './delegation.js';
import { effectiveRights } from './effective-rights.js';
import { grantOf } from './share-authorizer.js';
import { allRights, isRight, type Caller, type Right } from './rights.js';

/** A failure of a sharing operation, with a stable code for the REST API. */
export class ShareError extends Error {
  constructor(
    readonly code: 'not-found' | 'invalid' | 'forbidden',
    message: string,
  ) {
    super(message);
    this.name = 'ShareError';
  }
}

/** A grant as the REST API and the CLI show it (SPEC §7). */
export interface GrantView {
  /** The folder's path below the owner's home, `/`-separated; null for the whole account. */
  readonly folder: string | null;
  /** An email (account or group), `@domain`, or `authenticated`. */
  readonly grantee: string;
  readonly rights: readonly Right[];
}

/** A pending invitation (SPEC §5). */
export interface InvitationView {
  readonly id: number;
  readonly owner: string;
  readonly folder: string | null;
  readonly rights: readonly Right[];
  readonly createdAt: string;
}

/** Who acts. */
export interface Actor {
  readonly id: number;
  readonly isAdmin: boolean;
}

const rightsOf = (text: string): Right[] => (text === '' ? [] : text.split(',').filter(isRight));

/** Sets one grant in a transaction; a new grant to an account invites it (SPEC §5). */
async function setGrantWith(
  repos: Repositories,
  owner: AccountRow,
  folderId: number | null,
  grantee: GranteeKey,
  rights: readonly Right[],
): Promise<{ created: boolean; invitationId?: number }> {
  const created = await repos.grants.set(owner.id, folderId, grantee, rights);
  if (!created || grantee.kind !== 'account' || rights.length === 0) return { created };
  const invitation = await repos.grants.addInvitation({ ownerId: owner.id, folderId, shareeId: grantee.accountId, rights: rights.join(',') });
  return { created, invitationId: invitation.id };
}

/**
 * Granting, revoking and subscribing (SPEC §5). The owner, an administrator, or whoever
 * holds `admin` on the folder may change its grants; a new grant to an account invites it.
 */
export class ShareService {
  /**
   * `hooks.onInvitation` is called once a new invitation is committed (the e-mail of SPEC §5);
   * it must not throw: what it does is its own affair and never fails the grant.
   */
  constructor(
    private readonly db: Db,
    private readonly hooks: { readonly onInvitation?: (invitationId: number) => void } = {},
  ) {}

  private repos() {
    return repositories(this.db);
  }

  private async account(email: string): Promise<AccountRow> {
    const account = await this.repos().accounts.findAccountByEmail(email.trim().toLowerCase());
    if (!account) throw new ShareError('not-found', `no account ${email}`);
    return account;
  }

  /** The folder node id of a path below an owner's home (null: the whole account). */
  private async folderId(owner: AccountRow, folder: string | null): Promise<number | null> {
    if (folder === null || folder === '') return null;
    const segments = folder.split('/').filter((s) => s !== '').map((s) => s.normalize('NFC'));
    const node = await this.repos().nodes.resolvePath(owner.id, segments);
    if (!node?.isCollection) throw new ShareError('not-found', `no folder ${folder} in ${owner.email}`);
    return node.id;
  }

  private async grantee(text: string): Promise<GranteeKey> {
    const value = text.trim().toLowerCase();
    if (value === 'authenticated') return { kind: 'authenticated' };
    if (value.startsWith('@')) {
      const domain = await this.repos().accounts.findDomain(value.slice(1));
      if (!domain) throw new ShareError('not-found', `no domain ${value.slice(1)}`);
      return { kind: 'domain', domainId: domain.id };
    }
    const account = await this.account(value);
    return { kind: account.kind === 'group' ? 'group' : 'account', accountId: account.id };
  }

  private async granteeName(row: GrantRow): Promise<string> {
    if (row.granteeKind === 'authenticated') return 'authenticated';
    if (row.granteeKind === 'domain') {
      const domains = await this.repos().accounts.listDomains();
      return `@${domains.find((d) => d.id === row.granteeDomainId)?.name ?? '?'}`;
    }
    return (await this.repos().accounts.findAccount(row.granteeAccountId ?? 0))?.email ?? '?';
  }

  private async folderName(folderId: number | null): Promise<string | null> {
    return folderId === null ? null : (await this.repos().nodes.pathBelowHome(folderId)).join('/');
  }

  /** May the actor change the sharing of this folder (or whole account)? */
  private async mayAdminister(actor: Actor, owner: AccountRow, folderId: number | null): Promise<boolean> {
    if (actor.isAdmin || actor.id === owner.id) return true;
    const facts = await this.repos().grants.callerFacts(actor.id);
    if (!facts) return false;
    const caller: Caller = { accountId: actor.id, groupIds: new Set(facts.groupIds), domainId: facts.domainId, isAdmin: false };
    const chain = folderId === null ? [] : await this.repos().nodes.folderChain(folderId);
    const grants = (await this.repos().grants.forOwner(owner.id)).map(grantOf);
    const isPublicGroup = owner.kind === 'group' && owner.publicFolder;
    return effectiveRights(caller, { ownerId: owner.id, folderChain: chain, ownerIsPublicGroup: isPublicGroup }, grants).has('admin');
  }

  /** The grants of an owner that the actor may see: all of them for the owner and administrators, else those it administers. */
  async listGrants(ownerEmail: string, actor: Actor): Promise<GrantView[]> {
    const owner = await this.account(ownerEmail);
    const rows = await this.repos().grants.forOwner(owner.id);
    const views: GrantView[] = [];
    for (const row of rows) {
      const folderId = row.folderId;
      if (!(await this.mayAdminister(actor, owner, folderId))) continue;
      views.push({ folder: await this.folderName(folderId), grantee: await this.granteeName(row), rights: rightsOf(row.rights) });
    }
    if (views.length === 0 && !(await this.mayAdminister(actor, owner, null)) && rows.length > 0) {
      throw new ShareError('forbidden', `you may not see the grants of ${owner.email}`);
    }
    return views;
  }

  /**
   * Sets one grant, replacing that grantee's grant at that level (SPEC §7). A new grant to
   * an account sends it an invitation; changing a grant does not.
   */
  async setGrant(ownerEmail: string, grant: GrantView, actor: Actor): Promise<{ created: boolean; invitationId?: number }> {
    const owner = await this.account(ownerEmail);
    const unknown = grant.rights.filter((r) => !(allRights as readonly string[]).includes(r));
    if (unknown.length > 0) throw new ShareError('invalid', `unknown rights: ${unknown.join(', ')}`);
    const folderId = await this.folderId(owner, grant.folder);
    if (!(await this.mayAdminister(actor, owner, folderId))) {
      throw new ShareError('forbidden', 'only the owner, an administrator or a holder of admin may share this folder');
    }
    const grantee = await this.grantee(grant.grantee);
    if (grantee.kind === 'account' && grantee.accountId === owner.id) throw new ShareError('invalid', 'an owner needs no grant');
    const rights = allRights.filter((r) => grant.rights.includes(r));
    const result = await withTransaction(this.db, (repos) => setGrantWith(repos, owner, folderId, grantee, rights));
    if (result.invitationId !== undefined) this.hooks.onInvitation?.(result.invitationId);
    return result;
  }

  /**
   * Sets the members of one of the owner's proxy groups (SPEC §5 "Delegation", ADR 0013),
   * all or nothing: each member gets the delegation rights of `kind` on every calendar
   * folder of the owner, and a grantee that leaves the group loses every grant that made
   * it a member. The actor must be allowed to share every one of those calendars.
   */
  async setDelegates(ownerEmail: string, kind: ProxyKind, memberEmails: readonly string[], actor: Actor): Promise<void> {
    const owner = await this.account(ownerEmail);
    const delegation = new Delegation(this.db);
    const calendars = await delegation.calendarFolderIds(owner.id);
    for (const folderId of calendars) {
      if (!(await this.mayAdminister(actor, owner, folderId))) {
        throw new ShareError('forbidden', `you may not share the calendars of ${owner.email}`);
      }
    }
    const members: GranteeKey[] = [];
    for (const email of memberEmails) {
      const member = await this.account(email);
      if (member.id === owner.id) throw new ShareError('invalid', 'an owner is not its own delegate');
      members.push({ kind: member.kind === 'group' ? 'group' : 'account', accountId: member.id });
    }
    if (calendars.size === 0 && members.length > 0) throw new ShareError('invalid', `${owner.email} has no calendar to delegate`);
    const memberIds = new Set(members.map((m) => (m.kind === 'account' || m.kind === 'group' ? m.accountId : 0)));
    const rows = await this.repos().grants.forOwner(owner.id);
    const current = await delegation.members(owner, kind);
    const rights = delegationRights[kind];
    const invitations: number[] = [];
    const note = (result: { invitationId?: number }): void => {
      if (result.invitationId !== undefined) invitations.push(result.invitationId);
    };
    await withTransaction(this.db, async (repos) => {
      for (const row of rows) {
        const grantee = row.granteeAccountId ?? 0;
        const isDelegation = delegationGrant(row, calendars) !== undefined;
        if (!isDelegation) continue;
        if (memberIds.has(grantee)) {
          // A member gets exactly this kind wherever a grant made it a delegate (ADR 0013).
          if (delegationGrant(row, calendars) !== kind) note(await setGrantWith(repos, owner, row.folderId, granteeKeyOf(row), rights));
        } else if (current.some((a) => a.id === grantee) && delegationGrant(row, calendars) === kind) {
          await repos.grants.remove(owner.id, row.folderId, granteeKeyOf(row));
        }
      }
      for (const member of members) {
        for (const folderId of calendars) {
          const existing = await repos.grants.find(owner.id, folderId, member);
          if (existing && delegationGrant(existing, calendars) === kind) continue;
          note(await setGrantWith(repos, owner, folderId, member, rights));
        }
      }
    });
    for (const id of invitations) this.hooks.onInvitation?.(id);
  }

  async removeGrant(ownerEmail: string, folder: string | null, granteeText: string, actor: Actor): Promise<void> {
    const owner = await this.account(ownerEmail);
    const folderId = await this.folderId(owner, folder);
    if (!(await this.mayAdminister(actor, owner, folderId))) throw new ShareError('forbidden', 'you may not change this sharing');
    const grantee = await this.grantee(granteeText);
    const removed = await withTransaction(this.db, async (repos) => {
      const done = await repos.grants.remove(owner.id, folderId, grantee);
      if (done && grantee.kind === 'account') await repos.grants.dropPendingInvitations(owner.id, folderId, grantee.accountId);
      return done;
    });
    if (!removed) throw new ShareError('not-found', 'no such grant');
  }

  /** Every public folder of every group with its rights (SPEC §5); administrators only. */
  async publicFolders(actor: Actor): Promise<PublicFolderGroupView[]> {
    if (!actor.isAdmin) throw new ShareError('forbidden', 'only an administrator may list the public folders');
    return listPublicFolders(this.db);
  }

  async invitations(actor: Actor): Promise<InvitationView[]> {
    const rows = await this.repos().grants.pendingInvitations(actor.id);
    const views: InvitationView[] = [];
    for (const row of rows) {
      const owner = await this.repos().accounts.findAccount(row.ownerId);
      views.push({
        id: row.id,
        owner: owner?.email ?? '?',
        folder: await this.folderName(row.folderId),
        rights: rightsOf(row.rights),
        createdAt: row.createdAt.toISOString(),
      });
    }
    return views;
  }

  /** Subscribes to the invitation's folder, or to the whole account of its owner; returns the folder subscribed to (null: the account). */
  async subscribe(invitationId: number, scope: 'folder' | 'account', actor: Actor): Promise<number | null> {
    const invitation = await this.repos().grants.invitation(invitationId);
    if (invitation?.shareeId !== actor.id || invitation.status !== 'pending') {
      throw new ShareError('not-found', `no pending invitation ${invitationId}`);
    }
    const folderId = scope === 'account' ? null : invitation.folderId;
    await withTransaction(this.db, async (repos) => {
      await repos.grants.subscribe(actor.id, invitation.ownerId, folderId);
      await repos.grants.setInvitationStatus(invitation.id, 'subscribed');
    });
    return folderId;
  }

  /**
   * Subscribes through a link of the invitation e-mail (SPEC §5): only the invited account
   * may, whether or not it answered already, so both links of the mail work in turn.
   * Returns the owner and the folder subscribed to (null: the whole account).
   */
  async subscribeFromLink(invitationId: number, scope: 'folder' | 'account', actor: Actor): Promise<{ owner: string; folder: string | null }> {
    const invitation = await this.repos().grants.invitation(invitationId);
    if (invitation?.shareeId !== actor.id) throw new ShareError('not-found', `no invitation ${invitationId}`);
    const folderId = scope === 'account' ? null : invitation.folderId;
    await withTransaction(this.db, async (repos) => {
      await repos.grants.subscribe(actor.id, invitation.ownerId, folderId);
      if (invitation.status === 'pending') await repos.grants.setInvitationStatus(invitation.id, 'subscribed');
    });
    const owner = await this.repos().accounts.findAccount(invitation.ownerId);
    return { owner: owner?.email ?? '?', folder: await this.folderName(folderId) };
  }

  /** Declines an invitation; the grant stays (SPEC §5). */
  async decline(invitationId: number, actor: Actor): Promise<void> {
    const invitation = await this.repos().grants.invitation(invitationId);
    if (invitation?.shareeId !== actor.id || invitation.status !== 'pending') {
      throw new ShareError('not-found', `no pending invitation ${invitationId}`);
    }
    await this.repos().grants.setInvitationStatus(invitation.id, 'declined');
  }

  /** Subscribes without an invitation ("add a shared account", SPEC §5). */
  async addSubscription(ownerEmail: string, folder: string | null, actor: Actor): Promise<void> {
    const owner = await this.account(ownerEmail);
    const folderId = await this.folderId(owner, folder);
    await this.repos().grants.subscribe(actor.id, owner.id, folderId);
  }
}
