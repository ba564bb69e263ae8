import { hash } from '@node-rs/argon2';
import { randomBytes, createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, sep } from 'node:path';
import {
  repositories,
  withTransaction,
  type AccountKind,
  type AccountRow,
  type BlobStore,
  type Db,
  type DomainRow,
  type FolderKind,
  type Repositories,
} from '@partage/storage';

/** argon2id parameters (m = 19 MiB, t = 2, p = 1): OWASP's baseline, ~30 ms here. */
export const argon2Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** A domain-level failure of an account operation, with a stable code for the REST API. */
export class AccountError extends Error {
  constructor(
    readonly code: 'exists' | 'not-found' | 'invalid' | 'has-accounts' | 'not-a-group' | 'forbidden',
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

const emailPattern = /^[^@\s/\\<>"]+@[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;
const domainPattern = /^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/;

/** Normalises and checks an email address; the path segment of a home (SPEC §3). */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase().normalize('NFC');
  if (!emailPattern.test(normalized) || normalized.length > 254) {
    throw new AccountError('invalid', `not a valid email address: ${email}`);
  }
  return normalized;
}

export function normalizeDomain(name: string): string {
  const normalized = name.trim().toLowerCase();
  if (!domainPattern.test(normalized) || normalized.length > 253) throw new AccountError('invalid', `not a valid domain: ${name}`);
  return normalized;
}

/** The folders a new user gets (SPEC §2). */
export const defaultFolders: readonly { name: string; kind: FolderKind; components: string | null }[] = [
  { name: 'Documents', kind: 'files', components: null },
  { name: 'Calendar', kind: 'calendar', components: 'VEVENT' },
  { name: 'Tasks', kind: 'calendar', components: 'VTODO' },
  { name: 'Notes', kind: 'calendar', components: 'VJOURNAL' },
  { name: 'Contacts', kind: 'contacts', components: null },
];

/** What creating an account takes (the REST body of SPEC §7). */
export interface NewAccount {
  readonly email: string;
  readonly password?: string | undefined;
  readonly kind?: AccountKind | undefined;
  readonly displayName?: string | undefined;
  readonly members?: readonly string[] | undefined;
  readonly publicFolder?: boolean | undefined;
  readonly isAdmin?: boolean | undefined;
  readonly quotaBytes?: number | null | undefined;
  /** A group keeps one card per member in its Contacts folder, a GAL (SPEC §2 "members in the GAL"). */
  readonly membersInGal?: boolean | undefined;
}

/** A change to an account (`AccountPatch` in `openapi.yaml`); what is undefined stays. */
export interface AccountUpdate {
  /** The name shown to others; null removes it. */
  readonly displayName?: string | null | undefined;
  /** Groups only: keep one card per member in the group's Contacts folder (SPEC §2). */
  readonly membersInGal?: boolean | undefined;
}

/**
 * Reactions to account changes, run in the transaction of the change (STYLE §1: typed hooks
 * passed in by the composition root, such as the GAL's member cards).
 */
export interface AccountHooks {
  /** After an account, its folders and its members are created. */
  readonly accountCreated?: (repos: Repositories, account: AccountRow, input: NewAccount) => Promise<void>;
  /** After the members of a group were replaced. */
  readonly membersChanged?: (repos: Repositories, group: AccountRow) => Promise<void>;
  /** After an account was changed by {@link AccountService.update}. */
  readonly accountUpdated?: (repos: Repositories, account: AccountRow, update: AccountUpdate) => Promise<void>;
  /** Before an account is removed (its memberships still hold). */
  readonly accountRemoving?: (repos: Repositories, account: AccountRow) => Promise<void>;
}

/** A domain's service policies (SPEC §2); a member left out is not changed. */
export interface DomainPolicies {
  readonly groupwareEnabled?: boolean;
  readonly webdavEnabled?: boolean;
}

/** An account's overrides of its domain's policies: null follows the domain; left out, unchanged. */
export interface AccountPolicyOverrides {
  readonly groupwareEnabled?: boolean | null;
  readonly webdavEnabled?: boolean | null;
}

/** An account's policies: its overrides and, after its domain's are applied, what is in force. */
export interface AccountPolicies {
  readonly groupwareEnabled: boolean | null;
  readonly webdavEnabled: boolean | null;
  readonly effective: { readonly groupwareEnabled: boolean; readonly webdavEnabled: boolean };
}

/** What creating a server-path folder takes (`POST /accounts/{email}/server-folders`). */
export interface NewServerFolder {
  readonly name: string;
  readonly path: string;
  readonly recursive?: boolean | undefined;
}

/** A server-path folder as created. */
export interface ServerFolder {
  readonly owner: string;
  readonly folder: string;
  /** The real path of the directory. */
  readonly path: string;
  readonly recursive: boolean;
}

/** Account administration: domains, accounts, passwords, members, app passwords. */
export class AccountService {
  constructor(
    private readonly db: Db,
    private readonly blobStore: BlobStore,
    private readonly defaults: { quotaBytes: number | undefined; serverPathRoots?: readonly string[] },
    private readonly hooks: AccountHooks = {},
  ) {}

  /**
   * Creates an account with its home and default folders, in one transaction; an
   * unknown domain is created with it (SPEC §7). Groups get folders only with a public folder.
   */
  async create(input: NewAccount): Promise<AccountRow> {
    const email = normalizeEmail(input.email);
    const kind = input.kind ?? 'user';
    if (kind === 'user' && !input.password) throw new AccountError('invalid', 'a user needs a password');
    if (input.password !== undefined && input.password.length < 8) {
      throw new AccountError('invalid', 'passwords have at least 8 characters');
    }
    const passwordHash = input.password ? await hash(input.password, argon2Options) : null;
    const memberEmails = (input.members ?? []).map(normalizeEmail);
    if (memberEmails.length > 0 && kind !== 'group') throw new AccountError('invalid', 'only groups have members');
    return withTransaction(this.db, async (repos) => {
      const domain = await repos.accounts.ensureDomain(email.split('@')[1] ?? '');
      const account = await repos.accounts.createAccount({
        email,
        domainId: domain.id,
        kind,
        displayName: input.displayName ?? null,
        passwordHash,
        isAdmin: input.isAdmin ?? false,
        quotaBytes: input.quotaBytes === undefined ? (this.defaults.quotaBytes ?? null) : input.quotaBytes,
        publicFolder: input.publicFolder ?? false,
      });
      if (!account) throw new AccountError('exists', `the account ${email} exists already`);
      const home = await repos.nodes.createHome(account.id);
      const folders =
        kind === 'user' || (kind === 'group' && input.publicFolder)
          ? defaultFolders
          : kind === 'resource'
            ? defaultFolders.filter((f) => f.name === 'Calendar')
            : [];
      for (const folder of folders) {
        await repos.nodes.createCollection({
          accountId: account.id,
          parentId: home.id,
          name: folder.name,
          folderKind: folder.kind,
          components: folder.components,
          displayName: folder.name,
        });
      }
      if (memberEmails.length > 0) await this.setMembersWith(repos, account, memberEmails);
      await this.hooks.accountCreated?.(repos, account, input);
      return account;
    });
  }

  async get(email: string): Promise<AccountRow> {
    const account = await repositories(this.db).accounts.findAccountByEmail(normalizeEmail(email));
    if (!account) throw new AccountError('not-found', `no account ${email}`);
    return account;
  }

  list(domain?: string): Promise<AccountRow[]> {
    return repositories(this.db).accounts.listAccounts(domain === undefined ? undefined : normalizeDomain(domain));
  }

  /**
   * Changes an account's display name and, for a group, whether it keeps its members in the
   * GAL, in one transaction with the hooks' reactions (the member cards follow).
   */
  async update(email: string, update: AccountUpdate): Promise<AccountRow> {
    const account = await this.get(email);
    if (update.membersInGal !== undefined && account.kind !== 'group') {
      throw new AccountError('not-a-group', `${email} is not a group`);
    }
    if (typeof update.displayName === 'string' && update.displayName.trim() === '') {
      throw new AccountError('invalid', 'a display name is not empty (null removes it)');
    }
    return withTransaction(this.db, async (repos) => {
      if (update.displayName !== undefined) await repos.accounts.setDisplayName(account.id, update.displayName);
      const updated = (await repos.accounts.findAccount(account.id)) ?? account;
      await this.hooks.accountUpdated?.(repos, updated, update);
      return updated;
    });
  }

  /** Removes an account, its tree and its files. */
  async remove(email: string): Promise<void> {
    const account = await this.get(email);
    const blobIds = await withTransaction(this.db, async (repos) => {
      const home = await repos.nodes.home(account.id);
      const rows = home ? await repos.nodes.subtree(home.id) : [];
      await this.hooks.accountRemoving?.(repos, account);
      await repos.accounts.removeAccount(account.id);
      return rows.flatMap((r) => (r.blobId ? [r.blobId] : []));
    });
    await Promise.all(blobIds.map((id) => this.blobStore.delete(id)));
  }

  async setPassword(email: string, password: string): Promise<void> {
    if (password.length < 8) throw new AccountError('invalid', 'passwords have at least 8 characters');
    const account = await this.get(email);
    await repositories(this.db).accounts.setPasswordHash(account.id, await hash(password, argon2Options));
  }

  async setMembers(email: string, members: readonly string[]): Promise<AccountRow[]> {
    const group = await this.get(email);
    if (group.kind !== 'group') throw new AccountError('not-a-group', `${email} is not a group`);
    const emails = members.map(normalizeEmail);
    return withTransaction(this.db, (repos) => this.setMembersWith(repos, group, emails));
  }

  async members(email: string): Promise<AccountRow[]> {
    const group = await this.get(email);
    if (group.kind !== 'group') throw new AccountError('not-a-group', `${email} is not a group`);
    return repositories(this.db).accounts.members(group.id);
  }

  private async setMembersWith(repos: ReturnType<typeof repositories>, group: AccountRow, emails: readonly string[]) {
    const ids: number[] = [];
    for (const email of emails) {
      const member = await repos.accounts.findAccountByEmail(email);
      if (!member) throw new AccountError('invalid', `no account ${email} to add as a member`);
      if (member.id === group.id) throw new AccountError('invalid', 'a group cannot contain itself');
      ids.push(member.id);
    }
    await repos.accounts.setMembers(group.id, ids);
    await repos.grants.groupMembershipChanged(group.id);
    await this.hooks.membersChanged?.(repos, group);
    return repos.accounts.members(group.id);
  }

  /** Creates a per-device app password; the token is shown once and stored as its SHA-256. */
  async addAppPassword(email: string, label: string): Promise<{ id: number; token: string }> {
    const account = await this.get(email);
    const token = randomBytes(16).toString('hex');
    const id = await repositories(this.db).accounts.addAppPassword(account.id, label, sha256(token));
    return { id, token };
  }

  async createDomain(name: string) {
    const created = await repositories(this.db).accounts.createDomain(normalizeDomain(name));
    if (!created) throw new AccountError('exists', `the domain ${name} exists already`);
    return created;
  }

  listDomains() {
    return repositories(this.db).accounts.listDomains();
  }

  async removeDomain(name: string): Promise<void> {
    const result = await repositories(this.db).accounts.removeDomain(normalizeDomain(name));
    if (result === 'missing') throw new AccountError('not-found', `no domain ${name}`);
    if (result === 'has-accounts') throw new AccountError('has-accounts', `the domain ${name} still has accounts`);
  }

  /** Sets a domain's policies (SPEC §2); those not given stay. They hold from the next request on. */
  async setDomainPolicies(name: string, policies: DomainPolicies): Promise<DomainRow> {
    const domain = await repositories(this.db).accounts.setDomainPolicies(normalizeDomain(name), policies);
    if (!domain) throw new AccountError('not-found', `no domain ${name}`);
    return domain;
  }

  /** An account's policy overrides (null: follows its domain) and what is in force. */
  async policies(email: string): Promise<AccountPolicies> {
    return this.policiesOf(await this.get(email));
  }

  /** Sets an account's policy overrides (null: follow the domain); those not given stay. */
  async setPolicies(email: string, policies: AccountPolicyOverrides): Promise<AccountPolicies> {
    const account = await this.get(email);
    const updated = await repositories(this.db).accounts.setAccountPolicies(account.id, policies);
    if (!updated) throw new AccountError('not-found', `no account ${email}`);
    return this.policiesOf(updated);
  }

  private async policiesOf(account: AccountRow): Promise<AccountPolicies> {
    const [effective] = await repositories(this.db).accounts.effectivePolicies([account.id]);
    if (!effective) throw new AccountError('not-found', `no account ${account.email}`);
    return {
      groupwareEnabled: account.groupwareEnabled,
      webdavEnabled: account.webdavEnabled,
      effective: { groupwareEnabled: effective.groupware, webdavEnabled: effective.webdav },
    };
  }

  /**
   * Creates a files folder in the account's home backed by a directory of the server
   * (SPEC §5). The directory must exist and its real path lie under one of the configured
   * roots (`PARTAGE_SERVER_PATH_ROOTS`); the real path is stored, so a link changed later
   * does not move the folder. Rights and sharing apply to it as to any folder.
   */
  async createServerFolder(email: string, input: NewServerFolder): Promise<ServerFolder> {
    const account = await this.get(email);
    const name = input.name.normalize('NFC');
    if (!/^[^/\\~\u0000-\u001f\u007f]+$/u.test(name) || name === '.' || name === '..' || name.length > 255) {
      throw new AccountError('invalid', `not a valid folder name: ${input.name}`);
    }
    if (!isAbsolute(input.path)) throw new AccountError('invalid', 'the directory must be an absolute path');
    const roots = await Promise.all((this.defaults.serverPathRoots ?? []).map((root) => realpath(root).catch(() => undefined)));
    let directory: string;
    try {
      directory = await realpath(input.path);
      if (!(await stat(directory)).isDirectory()) throw new AccountError('invalid', `${input.path} is not a directory`);
    } catch (error) {
      if (error instanceof AccountError) throw error;
      throw new AccountError('invalid', `${input.path} is not an existing directory`);
    }
    const isAllowed = roots.some((root) => root !== undefined && (directory === root || directory.startsWith(root.endsWith(sep) ? root : root + sep)));
    if (!isAllowed) {
      throw new AccountError('forbidden', `${input.path} is not under a directory that PARTAGE_SERVER_PATH_ROOTS allows`);
    }
    const recursive = input.recursive ?? false;
    return withTransaction(this.db, async (repos) => {
      const home = await repos.nodes.home(account.id);
      if (!home) throw new AccountError('not-found', `${email} has no home`);
      if (await repos.nodes.resolvePath(account.id, [name])) throw new AccountError('exists', `${email} already has a folder ${name}`);
      await repos.nodes.createCollection({
        accountId: account.id,
        parentId: home.id,
        name,
        folderKind: 'files',
        displayName: name,
        serverPath: directory,
        serverPathRecursive: recursive,
      });
      return { owner: account.email, folder: name, path: directory, recursive };
    });
  }

  /**
   * Creates the administrator on first start with an empty store, with the given password
   * or a random one. Returns the generated password so that it is printed once.
   */
  async bootstrapAdmin(email: string, password: string | undefined): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await repositories(this.db).accounts.countAccounts()) > 0) return { created: false };
    const generated = password ? undefined : randomBytes(12).toString('base64url');
    try {
      await this.create({ email, password: password ?? generated, displayName: 'Administrator', isAdmin: true, quotaBytes: null });
    } catch (error) {
      if (error instanceof AccountError && error.code === 'exists') return { created: false };
      throw error;
    }
    return generated ? { created: true, generatedPassword: generated } : { created: true };
  }

  /** The app passwords of an account, without their tokens (those are shown once, at creation). */
  async listAppPasswords(email: string): Promise<{ id: number; label: string; createdAt: Date }[]> {
    const account = await this.get(email);
    return repositories(this.db).accounts.listAppPasswords(account.id);
  }

  /** Revokes one app password of an account; cached credentials end with it everywhere. */
  async removeAppPassword(email: string, id: number): Promise<void> {
    const account = await this.get(email);
    if (!(await repositories(this.db).accounts.removeAppPassword(account.id, id))) {
      throw new AccountError('not-found', `no app password ${id} for ${email}`);
    }
  }
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
