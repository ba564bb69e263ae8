import type { DomainPolicies } from '../accounts.js';
import { domainJson } from './representations.js';
import { param, type Operation } from './operation.js';

/** The domain operations of SPEC §7; administrators only. */
export const domainOperations: readonly Operation[] = [
  {
    method: 'post',
    path: '/domains',
    access: 'admin',
    handle: async ({ accounts, body }) => {
      const { name } = body as { readonly name: string }; // the request validator checked it: required string
      return { status: 201, body: domainJson(await accounts.createDomain(name)) };
    },
  },
  {
    method: 'get',
    path: '/domains',
    access: 'admin',
    handle: async ({ accounts }) => ({ status: 200, body: (await accounts.listDomains()).map(domainJson) }),
  },
  {
    method: 'put',
    path: '/domains/:name/policies',
    access: 'admin',
    handle: async (input) => {
      const policies = input.body as DomainPolicies; // the request validator checked it against DomainPolicies
      return { status: 200, body: domainJson(await input.accounts.setDomainPolicies(param(input, 'name'), policies)) };
    },
  },
  {
    method: 'delete',
    path: '/domains/:name',
    access: 'admin',
    handle: async (input) => {
      await input.accounts.removeDomain(param(input, 'name'));
      return { status: 204 };
    },
  },
];
