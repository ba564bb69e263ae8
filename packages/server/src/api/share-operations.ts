import type { Right } from '@partage/sharing';
import { param, type Operation, type OperationInput } from './operation.js';

/** The body of `PUT /accounts/{owner}/grants` (SPEC §7). */
interface GrantBody {
  readonly folder: string | null;
  readonly grantee: string;
  readonly rights: readonly Right[];
}

const actorOf = (input: OperationInput) => ({ id: input.caller.id, isAdmin: input.caller.isAdmin });
const queryString = (input: OperationInput, name: string): string | undefined => {
  const value = input.query[name];
  return typeof value === 'string' ? value : undefined;
};

/** The grant, invitation and subscription calls of SPEC §7. */
export const shareOperations: readonly Operation[] = [
  {
    method: 'get',
    path: '/accounts/:email/grants',
    access: 'sharing',
    handle: async (input) => ({ status: 200, body: await input.sharing.listGrants(param(input, 'email'), actorOf(input)) }),
  },
  {
    method: 'put',
    path: '/accounts/:email/grants',
    access: 'sharing',
    handle: async (input) => {
      const grant = input.body as GrantBody; // the request validator checked it against Grant
      const result = await input.sharing.setGrant(param(input, 'email'), grant, actorOf(input));
      return { status: result.created ? 201 : 200, body: { folder: grant.folder, grantee: grant.grantee, rights: grant.rights } };
    },
  },
  {
    method: 'delete',
    path: '/accounts/:email/grants',
    access: 'sharing',
    handle: async (input) => {
      const grantee = queryString(input, 'grantee') ?? '';
      await input.sharing.removeGrant(param(input, 'email'), queryString(input, 'folder') ?? null, grantee, actorOf(input));
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/public-folders',
    access: 'admin',
    handle: async (input) => ({ status: 200, body: await input.sharing.publicFolders(actorOf(input)) }),
  },
  {
    method: 'get',
    path: '/invitations',
    access: 'sharing',
    handle: async (input) => ({ status: 200, body: await input.sharing.invitations(actorOf(input)) }),
  },
  {
    method: 'post',
    path: '/invitations/:id/subscribe',
    access: 'sharing',
    handle: async (input) => {
      const body = input.body as { scope: 'folder' | 'account' }; // checked against SubscribeScope
      await input.sharing.subscribe(Number(param(input, 'id')), body.scope, actorOf(input));
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/invitations/:id/decline',
    access: 'sharing',
    handle: async (input) => {
      await input.sharing.decline(Number(param(input, 'id')), actorOf(input));
      return { status: 204 };
    },
  },
  {
    method: 'post',
    path: '/subscriptions',
    access: 'sharing',
    handle: async (input) => {
      const body = input.body as { owner: string; folder: string | null }; // checked against NewSubscription
      await input.sharing.addSubscription(body.owner, body.folder, actorOf(input));
      return { status: 204 };
    },
  },
];
