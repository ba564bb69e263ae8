import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { AccountTable, DomainTable } from '../schema/index.js';
import type { Executor } from './executor.js';

export type AccountRow = Selectable<AccountTable>;
export type DomainRow = Selectable<DomainTable>;
export type AccountKind = AccountTable['kind'];

/** The services a policy switches (SPEC §2). */
export type PolicyService = 'groupware' | 'webdav';

/** An account's effective policies: its own setting, else its domain's. */
export interface EffectivePolicies {
  readonly accountId: number;
  readonly groupware: boolean;
  readonly webdav: boolean;
}

/** Domains, accounts, group members and app passwords. */
export class AccountRepository {
  constructor(private readonly db: Executor) {}

  listDomains(): Promise<DomainRow[]> {
    return this.db.selectFrom('domain').selectAll().orderBy('name').execute();
  }

  findDomain(name: string): Promise<DomainRow | undefined> {
    return this.db.selectFrom('domain').selectAll().where('name', '=', name).executeTakeFirst();
  }

  /** Creates a domain; resolves undefined when it exists already. */
  async createDomain(name: string): Promise<DomainRow | undefined> {
    return this.db
      .insertInto('domain')
      .values({ name })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
  }

  async ensureDomain(name: string): Promise<DomainRow> {
    const created = await this.createDomain(name);
    if (created) return created;
    const existing = await this.findDomain(name);
    if (!existing) throw new Error(`domain ${name} vanished`);
    return existing;
  }

  /** Removes a domain that has no accounts; false when it has some or does not exist. */
  async removeDomain(name: string): Promise<'removed' | 'missing' | 'has-accounts'> {
    const domain = await this.findDomain(name);
    if (!domain) return 'missing';
    const count = await this.db
      .selectFrom('account')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('domainId', '=', domain.id)
      .executeTakeFirstOrThrow();
    if (count.n > 0) return 'has-accounts';
    await this.db.deleteFrom('domain').where('id', '=', domain.id).execute();
    return 'removed';
  }

  findAccountByEmail(email: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom('account').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  findAccount(id: number): Promise<AccountRow | undefined> {
    return this.db.selectFrom('account').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * An account together with the end of a login block on (login name, address), in one
   * query: what every request with cached credentials needs.
   */
  async findAccountWithBlock(
    id: number,
    accountKey: string,
    address: string,
  ): Promise<{ account: AccountRow; blockedUntil: Date | null } | undefined> {
    const row = await this.db
      .selectFrom('account')
      .selectAll('account')
      .select((eb) =>
        eb
          .selectFrom('loginFailure')
          .select('loginFailure.blockedUntil')
          .where('loginFailure.accountKey', '=', accountKey)
          .where('loginFailure.address', '=', address)
          .as('loginBlockedUntil'),
      )
      .where('account.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const { loginBlockedUntil, ...account } = row;
    return { account, blockedUntil: loginBlockedUntil ?? null };
  }

  listAccounts(domain?: string): Promise<AccountRow[]> {
    let query = this.db.selectFrom('account').selectAll('account').orderBy('email');
    if (domain !== undefined) {
      query = query.innerJoin('domain', 'domain.id', 'account.domainId').where('domain.name', '=', domain);
    }
    return query.execute();
  }

  /** Inserts an account; undefined when the email is taken. */
  createAccount(values: {
    email: string;
    domainId: number;
    kind: AccountKind;
    displayName: string | null;
    passwordHash: string | null;
    isAdmin?: boolean;
    quotaBytes?: number | null;
    publicFolder?: boolean;
  }): Promise<AccountRow | undefined> {
    // One statement with its `account_change` row (the directory's log, migration 0013).
    return this.db
      .with('created', (db) =>
        db
          .insertInto('account')
          .values({ ...values, email: values.email.toLowerCase() })
          .onConflict((oc) => oc.column('email').doNothing())
          .returningAll(),
      )
      .with('logged', (db) =>
        db
          .insertInto('accountChange')
          .columns(['domainId', 'accountId', 'email', 'changeKind'])
          .expression((eb) => eb.selectFrom('created').select(['domainId', 'id', 'email', sql<'created'>`'created'`.as('changeKind')])),
      )
      .selectFrom('created')
      .selectAll()
      .executeTakeFirst();
  }

  /** Removes an account (its nodes, grants and memberships go with it), logging it for the directory. */
  async removeAccount(id: number): Promise<void> {
    await this.db
      .with('removed', (db) => db.deleteFrom('account').where('id', '=', id).returning(['id', 'domainId', 'email']))
      .insertInto('accountChange')
      .columns(['domainId', 'accountId', 'email', 'changeKind'])
      .expression((eb) => eb.selectFrom('removed').select(['domainId', 'id', 'email', sql<'deleted'>`'deleted'`.as('changeKind')]))
      .execute();
  }

  /** Sets a password hash and invalidates cached credentials everywhere. */
  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('account')
      .set({ passwordHash, credentialsVersion: sql`credentials_version + 1` })
      .where('id', '=', id)
      .execute();
  }

  /** Sets the name shown to others (null: none, the email stands for it). */
  async setDisplayName(id: number, displayName: string | null): Promise<void> {
    // The directory shows the name on the account's card: the change is logged with it.
    await this.db
      .with('renamed', (db) => db.updateTable('account').set({ displayName }).where('id', '=', id).returning(['id', 'domainId', 'email']))
      .insertInto('accountChange')
      .columns(['domainId', 'accountId', 'email', 'changeKind'])
      .expression((eb) => eb.selectFrom('renamed').select(['domainId', 'id', 'email', sql<'modified'>`'modified'`.as('changeKind')]))
      .execute();
  }

  async setQuota(id: number, quotaBytes: number | null): Promise<void> {
    await this.db.updateTable('account').set({ quotaBytes }).where('id', '=', id).execute();
  }

  /** Adds `deltaBytes` to the space an account uses. */
  async addUsedBytes(id: number, deltaBytes: number): Promise<void> {
    if (deltaBytes === 0) return;
    await this.db
      .updateTable('account')
      .set({ usedBytes: sql`greatest(0, used_bytes + ${deltaBytes})` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * The effective policies of accounts (SPEC §2: the account's setting, else its domain's),
   * in one query. Read at every request rather than cached, so a change made through any
   * server process holds at the next request of every process.
   */
  async effectivePolicies(ids: readonly number[]): Promise<EffectivePolicies[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('account')
      .innerJoin('domain', 'domain.id', 'account.domainId')
      .select([
        'account.id as accountId',
        sql<boolean>`coalesce(account.groupware_enabled, domain.groupware_enabled)`.as('groupware'),
        sql<boolean>`coalesce(account.webdav_enabled, domain.webdav_enabled)`.as('webdav'),
      ])
      .where('account.id', 'in', [...new Set(ids)])
      .execute();
    return rows;
  }

  /** Sets a domain's policies; the ones not given stay. Undefined when there is no such domain. */
  async setDomainPolicies(name: string, policies: { groupwareEnabled?: boolean; webdavEnabled?: boolean }): Promise<DomainRow | undefined> {
    if (policies.groupwareEnabled === undefined && policies.webdavEnabled === undefined) return this.findDomain(name);
    return this.db.updateTable('domain').set(policies).where('name', '=', name).returningAll().executeTakeFirst();
  }

  /** Sets an account's policy overrides (null: follow the domain); the ones not given stay. */
  async setAccountPolicies(
    id: number,
    policies: { groupwareEnabled?: boolean | null; webdavEnabled?: boolean | null },
  ): Promise<AccountRow | undefined> {
    if (policies.groupwareEnabled === undefined && policies.webdavEnabled === undefined) return this.findAccount(id);
    return this.db.updateTable('account').set(policies).where('id', '=', id).returningAll().executeTakeFirst();
  }

  async credentialsVersion(id: number): Promise<number | undefined> {
    const row = await this.db.selectFrom('account').select('credentialsVersion').where('id', '=', id).executeTakeFirst();
    return row?.credentialsVersion;
  }

  /** Replaces the members of a group. */
  async setMembers(groupId: number, memberIds: readonly number[]): Promise<void> {
    await this.db.deleteFrom('groupMember').where('groupId', '=', groupId).execute();
    if (memberIds.length > 0) {
      await this.db
        .insertInto('groupMember')
        .values([...new Set(memberIds)].map((memberId) => ({ groupId, memberId })))
        .execute();
    }
  }

  async members(groupId: number): Promise<AccountRow[]> {
    return this.db
      .selectFrom('groupMember')
      .innerJoin('account', 'account.id', 'groupMember.memberId')
      .selectAll('account')
      .where('groupMember.groupId', '=', groupId)
      .orderBy('account.email')
      .execute();
  }

  async addAppPassword(accountId: number, label: string, tokenSha256: string): Promise<number> {
    const row = await this.db
      .insertInto('appPassword')
      .values({ accountId, label, tokenSha256 })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The account an app password belongs to, by the token's SHA-256. */
  async accountByAppPassword(tokenSha256: string): Promise<AccountRow | undefined> {
    return this.db
      .selectFrom('appPassword')
      .innerJoin('account', 'account.id', 'appPassword.accountId')
      .selectAll('account')
      .where('appPassword.tokenSha256', '=', tokenSha256)
      .executeTakeFirst();
  }

  async listAppPasswords(accountId: number): Promise<{ id: number; label: string; createdAt: Date }[]> {
    return this.db
      .selectFrom('appPassword')
      .select(['id', 'label', 'createdAt'])
      .where('accountId', '=', accountId)
      .orderBy('id')
      .execute();
  }

  async removeAppPassword(accountId: number, id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('appPassword')
      .where('accountId', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numDeletedRows > 0n) {
      await this.db
        .updateTable('account')
        .set({ credentialsVersion: sql`credentials_version + 1` })
        .where('id', '=', accountId)
        .execute();
    }
    return result.numDeletedRows > 0n;
  }

  async countAccounts(): Promise<number> {
    const row = await this.db
      .selectFrom('account')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }
}
