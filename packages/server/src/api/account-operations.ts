import type { AccountKind } from '@partage/storage';
import type { AccountPolicyOverrides, AccountUpdate, NewServerFolder } from '../accounts.js';
import { accountJson, appPasswordJson } from './representations.js';
import { param, type Operation } from './operation.js';

/** The body of `POST /accounts` (`NewAccount` in `openapi.yaml`). */
interface NewAccountBody {
  readonly email: string;
  readonly password?: string;
  readonly kind?: AccountKind;
  readonly displayName?: string;
  readonly members?: readonly string[];
  readonly publicFolder?: boolean;
  readonly isAdmin?: boolean;
  readonly quotaBytes?: number | null;
}

/** The account operations of SPEC §7, plus password changes and app passwords. */
export const accountOperations: readonly Operation[] = [
  {
    method: 'post',
    path: '/accounts',
    access: 'admin',
    handle: async ({ accounts, body }) => {
      const input = body as NewAccountBody; // the request validator checked it against NewAccount
      const account = await accounts.create(input);
      const members = account.kind === 'group' ? await accounts.members(account.email) : undefined;
      return { status: 201, body: accountJson(account, members) };
    },
  },
  {
    method: 'get',
    path: '/accounts',
    access: 'admin',
    handle: async ({ accounts, query }) => {
      const domain = typeof query['domain'] === 'string' ? query['domain'] : undefined;
      return { status: 200, body: (await accounts.list(domain)).map((account) => accountJson(account)) };
    },
  },
  {
    method: 'get',
    path: '/accounts/:email',
    access: 'self-or-admin',
    handle: async (input) => {
      const account = await input.accounts.get(param(input, 'email'));
      const members = account.kind === 'group' ? await input.accounts.members(account.email) : undefined;
      return { status: 200, body: accountJson(account, members) };
    },
  },
  {
    method: 'patch',
    path: '/accounts/:email',
    access: 'admin',
    handle: async (input) => {
      const update = input.body as AccountUpdate; // the request validator checked it against AccountPatch
      const account = await input.accounts.update(param(input, 'email'), update);
      const members = account.kind === 'group' ? await input.accounts.members(account.email) : undefined;
      return { status: 200, body: accountJson(account, members) };
    },
  },
  {
    method: 'delete',
    path: '/accounts/:email',
    access: 'admin',
    handle: async (input) => {
      await input.accounts.remove(param(input, 'email'));
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/accounts/:email/members',
    access: 'self-or-admin',
    handle: async (input) => {
      const members = await input.accounts.members(param(input, 'email'));
      return { status: 200, body: members.map((m) => m.email) };
    },
  },
  {
    method: 'put',
    path: '/accounts/:email/members',
    access: 'admin',
    handle: async (input) => {
      const emails = input.body as readonly string[]; // the request validator checked it against EmailList
      const members = await input.accounts.setMembers(param(input, 'email'), emails);
      return { status: 200, body: members.map((m) => m.email) };
    },
  },
  {
    method: 'get',
    path: '/accounts/:email/policies',
    access: 'self-or-admin',
    handle: async (input) => ({ status: 200, body: await input.accounts.policies(param(input, 'email')) }),
  },
  {
    method: 'put',
    path: '/accounts/:email/policies',
    access: 'admin',
    handle: async (input) => {
      const overrides = input.body as AccountPolicyOverrides; // the request validator checked it against AccountPolicyOverrides
      return { status: 200, body: await input.accounts.setPolicies(param(input, 'email'), overrides) };
    },
  },
  {
    method: 'post',
    path: '/accounts/:email/server-folders',
    access: 'admin',
    handle: async (input) => {
      const folder = input.body as NewServerFolder; // the request validator checked it against NewServerFolder
      return { status: 201, body: await input.accounts.createServerFolder(param(input, 'email'), folder) };
    },
  },
  {
    method: 'put',
    path: '/accounts/:email/password',
    access: 'self-or-admin',
    handle: async (input) => {
      const { password } = input.body as { readonly password: string }; // validated: required string
      await input.accounts.setPassword(param(input, 'email'), password);
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/accounts/:email/app-passwords',
    access: 'self-or-admin',
    handle: async (input) => {
      const { label } = input.body as { readonly label: string }; // validated: required string
      const { id, token } = await input.accounts.addAppPassword(param(input, 'email'), label);
      return { status: 201, body: { id, label, token } };
    },
  },
  {
    method: 'get',
    path: '/accounts/:email/app-passwords',
    access: 'self-or-admin',
    handle: async (input) => {
      const appPasswords = await input.accounts.listAppPasswords(param(input, 'email'));
      return { status: 200, body: appPasswords.map(appPasswordJson) };
    },
  },
  {
    method: 'delete',
    path: '/accounts/:email/app-passwords/:id',
    access: 'self-or-admin',
    handle: async (input) => {
      // The validator checked that `id` is a positive integer.
      await input.accounts.removeAppPassword(param(input, 'email'), Number(param(input, 'id')));
      return { status: 204 };
    },
  },
];
