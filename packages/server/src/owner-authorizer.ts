import { dav, type ClarkName } from '@partage/dav-xml';
import type { Access, Authorizer, RequestContext, Resource } from '@partage/dav-core';

const everything: ReadonlySet<ClarkName> = new Set([
  dav('read'), dav('read-current-user-privilege-set'), dav('write-content'), dav('write-properties'), dav('bind'),
  dav('unbind'), dav('read-acl'), dav('write-acl'), dav('unlock'),
]);
const readOnly: ReadonlySet<ClarkName> = new Set([dav('read'), dav('read-current-user-privilege-set')]);
const none: ReadonlySet<ClarkName> = new Set();

/**
 * Rights before sharing (SPEC §4, rule 3): the owner has every right on its own tree, the
 * administrator on every tree, and every authenticated account may read the DAV root and
 * the principals. No other access exists until grants are added by the sharing module.
 */
export const ownerAuthorizer: Authorizer = {
  access: async (ctx: RequestContext, resources: readonly Resource[]): Promise<Access[]> =>
    resources.map((resource) => ({ privileges: privilegesOf(ctx, resource) })),
};

function privilegesOf(ctx: RequestContext, resource: Resource): ReadonlySet<ClarkName> {
  const principal = ctx.principal;
  if (!principal) return none;
  const [first, second] = resource.path;
  if (first === undefined || second === undefined) return readOnly;
  if (first !== 'webdav') return none;
  if (second === 'principals') return readOnly;
  if (principal.isAdmin || second === principal.name) return everything;
  return none;
}
