import { childElements, dav, el, findChild, parseXml, textOf, type ClarkName, type XmlElement } from '@partage/dav-xml';
import { DavError, defineMethod, parseRequestPath, requirePrivilege, resolveOr404, type MethodHandler } from '@partage/dav-core';
import { isNodeResource } from '@partage/files';
import { repositories, withTransaction, type Db, type GranteeKey } from '@partage/storage';
import { allRights, type Right } from './rights.js';

const caldavReadFreeBusy: ClarkName = '{urn:ietf:params:xml:ns:caldav}read-free-busy';

/** The rights a set of DAV privileges means; undefined when it maps onto no set of rights (STYLE §5). */
export function rightsOfPrivileges(privileges: ReadonlySet<ClarkName>): Right[] | undefined {
  const rights = new Set<Right>();
  const left = new Set(privileges);
  const take = (names: ClarkName[], given: Right[]) => {
    if (names.every((n) => left.has(n))) {
      names.forEach((n) => left.delete(n));
      given.forEach((r) => rights.add(r));
    }
  };
  take([dav('all')], [...allRights]);
  take([dav('write')], ['create', 'modify', 'delete']);
  take([dav('read-acl'), dav('write-acl')], ['admin']);
  take([dav('write-content'), dav('write-properties')], ['modify']);
  take([dav('read')], ['read']);
  take([dav('bind')], ['create']);
  take([dav('unbind')], ['delete']);
  take([caldavReadFreeBusy], ['freebusy']);
  for (const name of [dav('read-current-user-privilege-set'), dav('unlock')]) left.delete(name);
  return left.size === 0 ? allRights.filter((r) => rights.has(r)) : undefined;
}

/** The decoded segments of a principal href; a malformed one names no principal (403 below, never a 500). */
function pathOfHref(href: string): readonly string[] {
  try {
    return parseRequestPath(new URL(href, 'http://placeholder').pathname).segments;
  } catch {
    return [];
  }
}

const notSupported = (detail: string) => new DavError(403, dav('not-supported-privilege'), detail);

async function granteeOf(db: Db, principal: XmlElement): Promise<GranteeKey> {
  const repos = repositories(db);
  if (findChild(principal, dav('authenticated'))) return { kind: 'authenticated' };
  const href = findChild(principal, dav('href'));
  if (!href) throw new DavError(403, dav('recognized-principal'), 'only principals by href or authenticated');
  const path = pathOfHref(textOf(href).trim());
  if (path[0] === 'webdav' && path[1] === 'principals' && path[2] === 'domains' && path[3]) {
    const domain = await repos.accounts.findDomain(path[3]);
    if (domain) return { kind: 'domain', domainId: domain.id };
  } else if (path[0] === 'webdav' && path[1] === 'principals' && path[2] && path.length === 3) {
    const account = await repos.accounts.findAccountByEmail(path[2]);
    if (account) return { kind: account.kind === 'group' ? 'group' : 'account', accountId: account.id };
  }
  throw new DavError(403, dav('recognized-principal'), `unknown principal ${textOf(href)}`);
}

/**
 * The ACL method (RFC 3744 §8.1) as a view of grants: the ACEs of the request replace the
 * folder's own grants (inherited and protected ACEs are not sent back by clients and are
 * left alone). Privileges that map onto no set of rights are refused with
 * `DAV:not-supported-privilege`; a deny is only accepted for `DAV:all` (an explicit denial).
 */
export function aclMethod(db: Db): MethodHandler {
  return defineMethod({
    name: 'ACL',
    run: async (ctx, server) => {
      const resource = await resolveOr404(ctx, server, ctx.path);
      await requirePrivilege(ctx, server, resource, dav('write-acl'));
      if (!isNodeResource(resource) || !resource.isCollection || resource.node.parentId === null) {
        throw new DavError(403, dav('no-ace-conflict'), 'rights are set on folders');
      }
      const text = await ctx.readBody();
      let body: XmlElement;
      try {
        body = parseXml(text, server.limits.xml);
      } catch {
        throw new DavError(400, undefined, 'malformed ACL body');
      }
      if (body.name !== dav('acl')) throw new DavError(400, undefined, 'expected DAV:acl');
      const wanted: { grantee: GranteeKey; rights: Right[] }[] = [];
      for (const ace of childElements(body).filter((e) => e.name === dav('ace'))) {
        if (findChild(ace, dav('inherited')) || findChild(ace, dav('protected'))) continue;
        const principal = findChild(ace, dav('principal'));
        if (!principal) throw new DavError(400, undefined, 'an ACE needs a principal');
        if (findChild(principal, dav('property'))) continue;
        const grant = findChild(ace, dav('grant'));
        const deny = findChild(ace, dav('deny'));
        const privileges = new Set(
          childElements(grant ?? deny ?? el(dav('grant')))
            .filter((p) => p.name === dav('privilege'))
            .flatMap((p) => childElements(p).map((c) => c.name)),
        );
        let rights: Right[] | undefined;
        if (deny) rights = privileges.size === 1 && privileges.has(dav('all')) ? [] : undefined;
        else rights = rightsOfPrivileges(privileges);
        if (rights === undefined) throw notSupported('these privileges do not map onto rights');
        wanted.push({ grantee: await granteeOf(db, principal), rights });
      }
      const owner = resource.account.id;
      const folderId = resource.node.id;
      await withTransaction(db, async (repos) => {
        const current = (await repos.grants.forOwner(owner)).filter((g) => g.folderId === folderId);
        for (const row of current) await repos.grants.remove(owner, folderId, keyOf(row));
        for (const { grantee, rights } of wanted) await repos.grants.set(owner, folderId, grantee, rights);
      });
      return { status: 200, headers: { 'content-length': '0' } };
    },
  });
}

function keyOf(row: { granteeKind: string; granteeAccountId: number | null; granteeDomainId: number | null }): GranteeKey {
  if (row.granteeKind === 'authenticated') return { kind: 'authenticated' };
  if (row.granteeKind === 'domain') return { kind: 'domain', domainId: row.granteeDomainId ?? 0 };
  return { kind: row.granteeKind === 'group' ? 'group' : 'account', accountId: row.granteeAccountId ?? 0 };
}
