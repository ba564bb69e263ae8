import { dav, el, type ClarkName, type XmlElement } from '@partage/dav-xml';
import { hrefOf } from '@partage/dav-core';
import type { NodeResource } from '@partage/files';
import { repositories, type Db, type GrantRow } from '@partage/storage';
import { privilegesByRight } from './privilege-map.js';
import { grantOf } from './share-authorizer.js';
import type { Grant, Right } from './rights.js';

/** The principal element of a grantee (RFC 3744 §5.5.1). */
async function principalOf(db: Db, row: GrantRow): Promise<XmlElement> {
  const repos = repositories(db);
  if (row.granteeKind === 'authenticated') return el(dav('principal'), [el(dav('authenticated'))]);
  if (row.granteeKind === 'domain') {
    const domain = (await repos.accounts.listDomains()).find((d) => d.id === row.granteeDomainId);
    return el(dav('principal'), [el(dav('href'), [`/webdav/principals/domains/${domain?.name ?? ''}/`])]);
  }
  const account = await repos.accounts.findAccount(row.granteeAccountId ?? 0);
  return el(dav('principal'), [el(dav('href'), [`/webdav/principals/${account?.email ?? ''}/`])]);
}

const privilegeElements = (rights: readonly Right[]): XmlElement[] => {
  const names = new Set<ClarkName>(rights.flatMap((r) => [...privilegesByRight[r]]));
  return [...names].map((name) => el(dav('privilege'), [el(name)]));
};

/** Where a grant applies from: the folder itself, an ancestor folder, or the whole account (the home). */
interface Placed {
  readonly row: GrantRow;
  readonly grant: Grant;
  readonly inheritedFrom: string | undefined;
}

async function placedGrants(db: Db, resource: NodeResource): Promise<Placed[]> {
  const repos = repositories(db);
  const node = resource.node;
  const start = node.isCollection ? node.id : node.parentId;
  const chain = start === null ? [] : await repos.nodes.folderChain(start);
  const homePath = resource.path.slice(0, 2);
  const rows = await repos.grants.forOwner(resource.account.id);
  const placed: Placed[] = [];
  for (const row of rows) {
    const grant = grantOf(row);
    const level = grant.folderId === null ? chain.length : chain.indexOf(grant.folderId);
    if (level < 0) continue;
    const isOwn = node.isCollection && grant.folderId === node.id;
    let inheritedFrom: string | undefined;
    if (!isOwn) {
      inheritedFrom =
        grant.folderId === null
          ? hrefOf(homePath, true)
          : hrefOf([...homePath, ...(await repos.nodes.pathBelowHome(grant.folderId))], true);
    }
    placed.push({ row, grant, inheritedFrom });
  }
  return placed;
}

/** `DAV:acl` (RFC 3744 §5.5): the owner's protected ACE, then one ACE per grant; denials deny all. */
export async function aclOf(db: Db, resource: NodeResource): Promise<XmlElement[]> {
  const aces: XmlElement[] = [
    el(dav('ace'), [
      el(dav('principal'), [el(dav('property'), [el(dav('owner'))])]),
      el(dav('grant'), [el(dav('privilege'), [el(dav('all'))])]),
      el(dav('protected')),
    ]),
  ];
  for (const { row, grant, inheritedFrom } of await placedGrants(db, resource)) {
    aces.push(
      el(dav('ace'), [
        await principalOf(db, row),
        grant.rights.length === 0
          ? el(dav('deny'), [el(dav('privilege'), [el(dav('all'))])])
          : el(dav('grant'), privilegeElements(grant.rights)),
        inheritedFrom !== undefined && el(dav('inherited'), [el(dav('href'), [inheritedFrom])]),
      ]),
    );
  }
  return aces;
}

/** `DAV:inherited-acl-set` (RFC 3744 §5.7): the resources whose grants apply here. */
export async function inheritedAclSet(db: Db, resource: NodeResource): Promise<XmlElement[]> {
  const hrefs = new Set((await placedGrants(db, resource)).flatMap((p) => (p.inheritedFrom ? [p.inheritedFrom] : [])));
  return [...hrefs].map((h) => el(dav('href'), [h]));
}
