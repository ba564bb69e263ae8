import { isDirectory, isDirectoryCard } from '@partage/contacts';
import { DavError, type Access, type Authorizer, type RequestContext, type Resource } from '@partage/dav-core';
import { el, type ClarkName } from '@partage/dav-xml';
import { isNodeResource } from '@partage/files';
import { repositories, type Db, type EffectivePolicies, type PolicyService, type ReadCache } from '@partage/storage';

/** `{urn:partage:ns}service-disabled`: the condition of a request refused by a policy (SPEC §2). */
export const serviceDisabledName: ClarkName = '{urn:partage:ns}service-disabled';

const serviceLabels: Record<PolicyService, string> = {
  webdav: 'WebDAV',
  groupware: 'GroupWare (calendars and address books)',
};

/**
 * The 403 of a service switched off by a policy: a `DAV:error` holding
 * `<P:service-disabled>webdav|groupware</P:service-disabled>` and a sentence naming the
 * service and the account whose policy is off.
 */
export function serviceDisabled(service: PolicyService, email: string, isCaller: boolean): DavError {
  const whose = isCaller ? `for your account (${email})` : `for ${email}, the owner of this folder`;
  return new DavError(403, el(serviceDisabledName, [service]), `${serviceLabels[service]} is turned off ${whose} by its policy`);
}

/** The calendars and address books, their items, and the directory: what GroupWare covers. */
function isGroupware(resource: Resource): boolean {
  if (isDirectory(resource) || isDirectoryCard(resource)) return true;
  return isNodeResource(resource) && (resource.folderKind === 'calendar' || resource.folderKind === 'contacts');
}

const memoKey = Symbol('service-policies');

/**
 * The policies of SPEC §2, enforced where rights are (the `Authorizer` the pipeline's guard
 * asks for every method and every listing): an account whose WebDAV policy is off is refused
 * the whole DAV tree; one whose GroupWare policy is off is refused calendars and address
 * books (CalDAV, CardDAV, the directory), and so are others on its calendars and address
 * books, since sharing needs GroupWare on both sides (reference guide, "Le droit
 * d'utilisation du partage"). Refused resources are left out of listings and answer 403
 * with `service-disabled`. A resource on which the caller holds nothing keeps `base`'s
 * answer (404 or need-privileges), so a refusal reveals nothing.
 *
 * Policies are read from the store once per request (through the read cache, which the
 * embedded store empties at every write; PostgreSQL reads them each time), so a change
 * holds at the next request in every server process.
 *
 * @example authorizer: withServicePolicies(withDirectoryAccess(createShareAuthorizer(db, readCache)), db, readCache)
 */
export function withServicePolicies(base: Authorizer, db: Db, readCache: ReadCache): Authorizer {
  async function policiesOf(ctx: RequestContext, ids: readonly number[]): Promise<Map<number, EffectivePolicies>> {
    let known = ctx.memo.get(memoKey) as Map<number, EffectivePolicies> | undefined; // only this module writes under its symbol
    if (!known) {
      known = new Map();
      ctx.memo.set(memoKey, known);
    }
    const missing = [...new Set(ids)].filter((id) => !known.has(id)).sort((a, b) => a - b);
    if (missing.length > 0) {
      const rows = await readCache.get(`policies:${missing.join(',')}`, () => repositories(db).accounts.effectivePolicies(missing), ['account:-used_bytes', 'domain']);
      for (const row of rows) known.set(row.accountId, row);
    }
    return known;
  }

  return {
    access: async (ctx, resources): Promise<Access[]> => {
      const decided = await base.access(ctx, resources);
      const principal = ctx.principal;
      if (!principal) return decided;
      const owners = resources.flatMap((r) => (isNodeResource(r) && isGroupware(r) ? [r.account.id] : []));
      const policies = await policiesOf(ctx, [principal.id, ...owners]);
      const caller = policies.get(principal.id);
      // MKCALENDAR binds a calendar into a home, which is not GroupWare itself (RFC 4791 §5.3.1).
      const isCalendarCreation = ctx.request.method.toUpperCase() === 'MKCALENDAR';
      return decided.map((access, i) => {
        const resource = resources[i];
        if (!resource || access.privileges.size === 0) return access;
        if (caller?.webdav === false) return { privileges: new Set(), refusal: serviceDisabled('webdav', principal.name, true) };
        if (!isGroupware(resource) && !isCalendarCreation) return access;
        if (caller?.groupware === false) return { privileges: new Set(), refusal: serviceDisabled('groupware', principal.name, true) };
        if (isNodeResource(resource) && isGroupware(resource) && policies.get(resource.account.id)?.groupware === false) {
          return { privileges: new Set(), refusal: serviceDisabled('groupware', resource.account.email, false) };
        }
        return access;
      });
    },
  };
}
