import { sql, type Selectable } from 'kysely';
import type { GrantTable, InvitationTable, SubscriptionTable } from '../schema/index.js';
import type { Executor } from './executor.js';

export type GrantRow = Selectable<GrantTable>;
export type InvitationRow = Selectable<InvitationTable>;
export type SubscriptionRow = Selectable<SubscriptionTable>;

/** Who a stored grant is for. */
export type GranteeKey =
  | { readonly kind: 'account' | 'group'; readonly accountId: number }
  | { readonly kind: 'domain'; readonly domainId: number }
  | { readonly kind: 'authenticated' };

const columnsOf = (grantee: GranteeKey) => ({
  granteeKind: grantee.kind,
  granteeAccountId: grantee.kind === 'account' || grantee.kind === 'group' ? grantee.accountId : null,
  granteeDomainId: grantee.kind === 'domain' ? grantee.domainId : null,
});

/** Grants, invitations and subscriptions (SPEC §4, §5). */
export class GrantRepository {
  constructor(private readonly db: Executor) {}

  /** Every grant of an owner; the rule needs all of them to pick the one that applies. */
  forOwner(ownerId: number): Promise<GrantRow[]> {
    return this.db.selectFrom('grant').selectAll().where('ownerId', '=', ownerId).orderBy('id').execute();
  }

  /** Every grant made to these accounts or groups, by any owner (what they are delegates for). */
  toGrantees(accountIds: readonly number[]): Promise<GrantRow[]> {
    if (accountIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('grant')
      .selectAll()
      .where('granteeKind', 'in', ['account', 'group'])
      .where('granteeAccountId', 'in', [...accountIds])
      .orderBy('id')
      .execute();
  }

  /**
   * Sets a grantee's grant at one level, replacing the previous one. Returns whether the
   * grant is new (an invitation follows only a new grant, SPEC §5).
   */
  async set(ownerId: number, folderId: number | null, grantee: GranteeKey, rights: readonly string[]): Promise<boolean> {
    const existing = await this.find(ownerId, folderId, grantee);
    await this.bumpVersion(ownerId);
    if (existing) {
      await this.db.updateTable('grant').set({ rights: rights.join(',') }).where('id', '=', existing.id).execute();
      return false;
    }
    await this.db.insertInto('grant').values({ ownerId, folderId, ...columnsOf(grantee), rights: rights.join(',') }).execute();
    return true;
  }

  find(ownerId: number, folderId: number | null, grantee: GranteeKey): Promise<GrantRow | undefined> {
    const columns = columnsOf(grantee);
    return this.db
      .selectFrom('grant')
      .selectAll()
      .where('ownerId', '=', ownerId)
      .where(sql`coalesce(folder_id, 0)`, '=', folderId ?? 0)
      .where('granteeKind', '=', columns.granteeKind)
      .where(sql`coalesce(grantee_account_id, 0)`, '=', columns.granteeAccountId ?? 0)
      .where(sql`coalesce(grantee_domain_id, 0)`, '=', columns.granteeDomainId ?? 0)
      .executeTakeFirst();
  }

  async remove(ownerId: number, folderId: number | null, grantee: GranteeKey): Promise<boolean> {
    const existing = await this.find(ownerId, folderId, grantee);
    if (!existing) return false;
    await this.db.deleteFrom('grant').where('id', '=', existing.id).execute();
    await this.bumpVersion(ownerId);
    return true;
  }

  /**
   * A group's members changed, so the rights its grants give changed too: renews the sync
   * tokens of every owner granting to the group, and of the group itself (its public folder).
   */
  async groupMembershipChanged(groupId: number): Promise<void> {
    await this.db
      .updateTable('account')
      .set((eb) => ({ grantsVersion: eb('grantsVersion', '+', 1) }))
      .where((eb) =>
        eb.or([
          eb('id', '=', groupId),
          eb('id', 'in', eb.selectFrom('grant').select('ownerId').where('granteeKind', '=', 'group').where('granteeAccountId', '=', groupId)),
        ]),
      )
      .execute();
  }

  /** Marks the owner's rights as changed: sync tokens issued before no longer hold. */
  private async bumpVersion(ownerId: number): Promise<void> {
    await this.db
      .updateTable('account')
      .set((eb) => ({ grantsVersion: eb('grantsVersion', '+', 1) }))
      .where('id', '=', ownerId)
      .execute();
  }

  /** The owner's grants version (see `bumpVersion`). */
  async version(ownerId: number): Promise<number> {
    const row = await this.db.selectFrom('account').select('grantsVersion').where('id', '=', ownerId).executeTakeFirst();
    return row?.grantsVersion ?? 0;
  }

  async addInvitation(values: { ownerId: number; folderId: number | null; shareeId: number; rights: string }): Promise<InvitationRow> {
    return this.db.insertInto('invitation').values(values).returningAll().executeTakeFirstOrThrow();
  }

  pendingInvitations(shareeId: number): Promise<InvitationRow[]> {
    return this.db
      .selectFrom('invitation')
      .selectAll()
      .where('shareeId', '=', shareeId)
      .where('status', '=', 'pending')
      .orderBy('id')
      .execute();
  }

  invitation(id: number): Promise<InvitationRow | undefined> {
    return this.db.selectFrom('invitation').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async setInvitationStatus(id: number, status: 'subscribed' | 'declined'): Promise<void> {
    await this.db.updateTable('invitation').set({ status }).where('id', '=', id).execute();
  }

  /** Drops the pending invitations that a removed grant had sent: there is nothing left to accept. */
  async dropPendingInvitations(ownerId: number, folderId: number | null, shareeId: number): Promise<void> {
    await this.db
      .deleteFrom('invitation')
      .where('ownerId', '=', ownerId)
      .where('shareeId', '=', shareeId)
      .where(sql`coalesce(folder_id, 0)`, '=', folderId ?? 0)
      .where('status', '=', 'pending')
      .execute();
  }

  /** Subscribes a sharee to a folder (or a whole account); idempotent. */
  async subscribe(shareeId: number, ownerId: number, folderId: number | null): Promise<void> {
    const existing = await this.db
      .selectFrom('subscription')
      .select('id')
      .where('shareeId', '=', shareeId)
      .where('ownerId', '=', ownerId)
      .where(sql`coalesce(folder_id, 0)`, '=', folderId ?? 0)
      .executeTakeFirst();
    if (!existing) await this.db.insertInto('subscription').values({ shareeId, ownerId, folderId }).execute();
  }

  async unsubscribe(shareeId: number, ownerId: number, folderId: number | null): Promise<void> {
    await this.db
      .deleteFrom('subscription')
      .where('shareeId', '=', shareeId)
      .where('ownerId', '=', ownerId)
      .where(sql`coalesce(folder_id, 0)`, '=', folderId ?? 0)
      .execute();
  }

  subscriptions(shareeId: number): Promise<SubscriptionRow[]> {
    return this.db.selectFrom('subscription').selectAll().where('shareeId', '=', shareeId).orderBy('id').execute();
  }

  /** The groups an account belongs to and its domain: what the rule needs to know of a caller. */
  async callerFacts(accountId: number): Promise<{ groupIds: number[]; domainId: number } | undefined> {
    const account = await this.db.selectFrom('account').select('domainId').where('id', '=', accountId).executeTakeFirst();
    if (!account) return undefined;
    const groups = await this.db.selectFrom('groupMember').select('groupId').where('memberId', '=', accountId).execute();
    return { groupIds: groups.map((g) => g.groupId), domainId: account.domainId };
  }
}
