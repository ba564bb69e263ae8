import type {
  AccountPolicies,
  AccountPolicyOverrides,
  AccountService,
  AccountUpdate,
  DomainPolicies,
  NewAccount,
  NewServerFolder,
  ServerFolder,
} from '../accounts.js';
import { accountJson, domainJson, type AccountJson, type DomainJson } from './representations.js';

/** A new app password with its token, which is shown only once. */
export interface NewAppPasswordJson {
  readonly id: number;
  readonly label: string;
  readonly token: string;
}

/**
 * The administration calls of the CLI (SPEC §7), answered either by the store itself
 * ({@link storeAdminBackend}) or by the REST API of the server that holds it
 * (`restAdminBackend`). Both answer in the REST representations, so the CLI prints the
 * same thing either way.
 */
export interface AdminBackend {
  /** Where the calls go, for messages. */
  readonly description: string;
  createDomain(name: string): Promise<DomainJson>;
  listDomains(): Promise<DomainJson[]>;
  removeDomain(name: string): Promise<void>;
  createAccount(input: NewAccount): Promise<AccountJson>;
  listAccounts(domain?: string): Promise<AccountJson[]>;
  removeAccount(email: string): Promise<void>;
  updateAccount(email: string, update: AccountUpdate): Promise<AccountJson>;
  setPassword(email: string, password: string): Promise<void>;
  members(email: string): Promise<string[]>;
  setMembers(email: string, members: readonly string[]): Promise<string[]>;
  addAppPassword(email: string, label: string): Promise<NewAppPasswordJson>;
  setDomainPolicies(name: string, policies: DomainPolicies): Promise<DomainJson>;
  accountPolicies(email: string): Promise<AccountPolicies>;
  setAccountPolicies(email: string, overrides: AccountPolicyOverrides): Promise<AccountPolicies>;
  createServerFolder(email: string, folder: NewServerFolder): Promise<ServerFolder>;
}

/** The administration calls over an open store (no server holds it). */
export function storeAdminBackend(accounts: AccountService): AdminBackend {
  const emails = (rows: readonly { email: string }[]) => rows.map((row) => row.email);
  return {
    description: 'the store',
    createDomain: async (name) => domainJson(await accounts.createDomain(name)),
    listDomains: async () => (await accounts.listDomains()).map(domainJson),
    removeDomain: (name) => accounts.removeDomain(name),
    createAccount: async (input) => {
      const account = await accounts.create(input);
      return accountJson(
        account,
        account.kind === 'group' ? await accounts.members(account.email) : undefined,
      );
    },
    listAccounts: async (domain) => (await accounts.list(domain)).map((account) => accountJson(account)),
    removeAccount: (email) => accounts.remove(email),
    updateAccount: async (email, update) => {
      const account = await accounts.update(email, update);
      return accountJson(account, account.kind === 'group' ? await accounts.members(account.email) : undefined);
    },
    setPassword: (email, password) => accounts.setPassword(email, password),
    members: async (email) => emails(await accounts.members(email)),
    setMembers: async (email, members) => emails(await accounts.setMembers(email, members)),
    addAppPassword: async (email, label) => ({ ...(await accounts.addAppPassword(email, label)), label }),
    setDomainPolicies: async (name, policies) => domainJson(await accounts.setDomainPolicies(name, policies)),
    accountPolicies: (email) => accounts.policies(email),
    setAccountPolicies: (email, overrides) => accounts.setPolicies(email, overrides),
    createServerFolder: (email, folder) => accounts.createServerFolder(email, folder),
  };
}
