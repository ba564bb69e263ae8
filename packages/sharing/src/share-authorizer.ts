import { dav, type ClarkName } from '@partage/dav-xml';
import type { Access, Authorizer, Principal, RequestContext, Resource } from '@partage/dav-core';
import { isNodeResource, isServerPathEntry, type NodeResource } from '@partage/files';
import { repositories, type Db, type GrantRow, type ReadCache } from '@partage/storage';
import { ownerGrants } from './owner-grants.js';
import { effectiveRights } from './effective-rights.js';
import { notificationAccountOf } from './notifications.js';
import { isProxyPrincipal } from './delegation.js';
import { privilegesOf } from './privilege-map.js';
import { allRights, isRight, type Caller, type Grant, type Right } from './rights.js';

const readOnly: ReadonlySet<ClarkName> = new Set([dav('read'), dav('read-current-user-privilege-set')]);
const none: ReadonlySet<ClarkName> = new Set();
const managesProxies: ReadonlySet<ClarkName> = new Set([...readOnly, dav('write-properties')]);
const everything: ReadonlySet<ClarkName> = privilegesOf(allRights);
const ownAccess: Access = { privileges: everything };

/** The owner of a node and an administrator hold every privilege on it, with no grant to read (SPEC §4, rule 3). */
const holdsEverything = (principal: Principal, resource: Resource): boolean =>
  isNodeResource(resource) && (principal.isAdmin || resource.account.id === principal.id);
const readPrivileges: ReadonlySet<ClarkName> = privilegesOf(['read', 'freebusy']);

/** Turns a stored grant into the rule's model. */
export function grantOf(row: GrantRow): Grant {
  const rights = row.rights === '' ? [] : row.rights.split(',').filter(isRight);
  const grantee =
    row.granteeKind === 'account'
      ? { kind: 'account' as const, accountId: row.granteeAccountId ?? 0 }
      : row.granteeKind === 'group'
        ? { kind: 'group' as const, groupId: row.granteeAccountId ?? 0 }
        : row.granteeKind === 'domain'
          ? { kind: 'domain' as const, domainId: row.granteeDomainId ?? 0 }
          : { kind: 'authenticated' as const };
  return { folderId: row.folderId, grantee, rights };
}

interface Memo {
  caller: Promise<Caller | undefined> | undefined;
  readonly grants: Map<number, Promise<Grant[]>>;
  readonly owners: Map<number, Promise<boolean>>;
  readonly chains: Map<number, Promise<number[]>>;
  readonly homes: Map<number, Promise<boolean>>;
  /** DAV privileges of the items of a folder (before classification), by folder id. */
  readonly folderPrivileges: Map<number, Promise<ReadonlySet<ClarkName>>>;
  /** Private and confidential items by calendar or address book folder id. */
  readonly restricted: Map<number, Promise<Map<number, string>>>;
}
const memoKey = Symbol('sharing');

/**
 * The one place where rights are decided (SPEC §4, STYLE §5): grants from the store, the
 * rule of `effectiveRights`, DAV privileges from `privilegesByRight`. Everything a request
 * needs is loaded once per request (caller, grants per owner, folder chains), so a
 * listing of many members costs a few queries, not one per member.
 */
export function createShareAuthorizer(db: Db, readCache: ReadCache): Authorizer {
  const repos = () => repositories(db);
  // An owner's grants, kept until the grant table changes: a report checks them for every member.
  const grantsOf = async (ownerId: number): Promise<Grant[]> => (await ownerGrants(db, ownerId, readCache)).map(grantOf);

  function memoOf(ctx: RequestContext): Memo {
    let memo = ctx.memo.get(memoKey) as Memo | undefined; // only this module writes under its symbol
    if (!memo) {
      memo = { caller: undefined, grants: new Map(), owners: new Map(), chains: new Map(), homes: new Map(), folderPrivileges: new Map(), restricted: new Map() };
      ctx.memo.set(memoKey, memo);
    }
    return memo;
  }

  const once = <K, V>(map: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> => {
    let value = map.get(key);
    if (!value) {
      value = load();
      map.set(key, value);
    }
    return value;
  };

  async function callerOf(ctx: RequestContext, memo: Memo): Promise<Caller | undefined> {
    const principal = ctx.principal;
    if (!principal) return undefined;
    memo.caller ??= repos()
      .grants.callerFacts(principal.id)
      .then((facts) =>
        facts && { accountId: principal.id, groupIds: new Set(facts.groupIds), domainId: facts.domainId, isAdmin: principal.isAdmin },
      );
    return memo.caller;
  }

  async function rightsOn(caller: Caller, ownerId: number, chain: number[], memo: Memo): Promise<ReadonlySet<Right>> {
    const grants = await once(memo.grants, ownerId, () => grantsOf(ownerId));
    const isPublicGroup = await once(memo.owners, ownerId, async () => {
      const owner = await repos().accounts.findAccount(ownerId);
      return owner?.kind === 'group' && owner.publicFolder;
    });
    return effectiveRights(caller, { ownerId, folderChain: chain, ownerIsPublicGroup: isPublicGroup }, grants);
  }

  /** Another account's home is readable when at least one of its folders is (SPEC §4, visibility). */
  function homeIsReadable(caller: Caller, ownerId: number, memo: Memo): Promise<boolean> {
    return once(memo.homes, ownerId, async () => {
      const home = await repos().nodes.home(ownerId);
      if (!home) return false;
      const topLevel = (await repos().nodes.children(home.id)).filter((n) => n.isCollection).map((n) => [n.id]);
      const grants = await once(memo.grants, ownerId, () => grantsOf(ownerId));
      const granted = await Promise.all(
        grants.flatMap((g) => (g.folderId === null ? [] : [once(memo.chains, g.folderId, () => repos().nodes.folderChain(g.folderId ?? 0))])),
      );
      for (const chain of [...topLevel, ...granted]) {
        if ((await rightsOn(caller, ownerId, chain, memo)).has('read')) return true;
      }
      return false;
    });
  }

  async function accessFor(
    ctx: RequestContext,
    resource: Resource,
    memo: Memo,
    classifications: ReadonlyMap<number, string>,
  ): Promise<Access> {
    const privileges = await privilegesFor(ctx, resource, memo);
    if (!isNodeResource(resource)) return { privileges };
    if (resource.node.parentId === null) return privileges.size === 0 ? { privileges, isHidden: true } : { privileges };
    // Private and confidential items (SPEC §4): only the owner and holders of admin see them whole.
    const classification = classifications.get(resource.node.id);
    if (classification === undefined || privileges.has(dav('write-acl'))) return { privileges };
    if (classification === 'PRIVATE') return { privileges: none, isHidden: true };
    if (classification === 'CONFIDENTIAL') {
      return { privileges: new Set([...privileges].filter((p) => readPrivileges.has(p))), isRestricted: true };
    }
    return { privileges };
  }

  /**
   * Classifications of the calendar objects and cards of other accounts among `resources`
   * (iCalendar CLASS, vCard 3.0 CLASS): one query per calendar or address book and request,
   * kept for the rest of the request (a query's calendar-data or address-data asks again for
   * each item it renders).
   */
  async function classificationsOf(ctx: RequestContext, memo: Memo, resources: readonly Resource[]): Promise<Map<number, string>> {
    const items = resources.flatMap((r) =>
      isNodeResource(r) && !r.isCollection && (r.folderKind === 'calendar' || r.folderKind === 'contacts') &&
      r.account.id !== ctx.principal?.id && r.node.parentId !== null
        ? [{ id: r.node.id, folderId: r.node.parentId, isCard: r.folderKind === 'contacts' }]
        : [],
    );
    const folders = new Map(items.map((i) => [i.folderId, i.isCard]));
    const restricted = await Promise.all(
      [...folders].map(([id, isCard]) =>
        once(memo.restricted, id, () => (isCard ? repos().cards.restrictedIn([id]) : repos().calendarObjects.restrictedIn([id]))),
      ),
    );
    const result = new Map<number, string>();
    for (const byNode of restricted) for (const { id } of items) {
      const classification = byNode.get(id);
      if (classification !== undefined) result.set(id, classification);
    }
    return result;
  }

  async function privilegesFor(ctx: RequestContext, resource: Resource, memo: Memo): Promise<ReadonlySet<ClarkName>> {
    // An entry of a server-path folder has the rights of that folder (SPEC §5).
    if (isServerPathEntry(resource)) return privilegesFor(ctx, resource.folder, memo);
    const principal = ctx.principal;
    if (!principal) return none;
    // The owner and the administrator need no grant, so no query (SPEC §4, rule 3).
    if (holdsEverything(principal, resource)) return everything;
    const caller = await callerOf(ctx, memo);
    if (!caller) return none;
    const [first, second] = resource.path;
    if (first === undefined || second === undefined) return readOnly;
    if (isProxyPrincipal(resource)) return proxyPrivileges(caller, resource.owner.id, memo);
    if (second === 'principals') return readOnly;
    // The shared prefix in a home (`Shared/accounts/…`) belongs to the home's account.
    if (resource.kind === 'shared-prefix') return second === ctx.principal.name ? readOnly : none;
    // A notification collection and its notifications are their account's alone (SPEC §5).
    const notified = notificationAccountOf(resource);
    if (notified) return notified.id === principal.id || principal.isAdmin ? everything : none;
    if (!isNodeResource(resource)) return none;
    return nodePrivileges(caller, resource, memo);
  }

  /**
   * A proxy group (ADR 0013) is readable by every account; its members may be set by the
   * owner, an administrator, or whoever holds `admin` on every calendar of the owner (the
   * secretariat managing a room).
   */
  async function proxyPrivileges(caller: Caller, ownerId: number, memo: Memo): Promise<ReadonlySet<ClarkName>> {
    if (caller.isAdmin || caller.accountId === ownerId) return managesProxies;
    const calendars = await repos().nodes.foldersOfKind(ownerId, 'calendar');
    if (calendars.length === 0) return readOnly;
    for (const calendar of calendars) {
      const chain = await once(memo.chains, calendar.id, () => repos().nodes.folderChain(calendar.id));
      if (!(await rightsOn(caller, ownerId, chain, memo)).has('admin')) return readOnly;
    }
    return managesProxies;
  }

  async function nodePrivileges(caller: Caller, resource: NodeResource, memo: Memo): Promise<ReadonlySet<ClarkName>> {
    const ownerId = resource.account.id;
    if (caller.isAdmin || caller.accountId === ownerId) return everything;
    const node = resource.node;
    if (node.parentId === null) return (await homeIsReadable(caller, ownerId, memo)) ? readOnly : none;
    const start = node.isCollection ? node.id : node.parentId;
    return once(memo.folderPrivileges, start, async () => {
      const chain = await once(memo.chains, start, () => repos().nodes.folderChain(start));
      return privilegesOf(await rightsOn(caller, ownerId, chain, memo));
    });
  }

  return {
    access: async (ctx, resources): Promise<Access[]> => {
      // The members of the caller's own folders (or any, for an administrator) hold every
      // privilege, private items included (SPEC §4, rule 3): a report over thousands of them
      // needs no query and no wait per member.
      const principal = ctx.principal;
      if (principal && resources.every((r) => holdsEverything(principal, r))) return resources.map(() => ownAccess);
      const memo = memoOf(ctx);
      const classifications = await classificationsOf(ctx, memo, resources);
      const result: Access[] = [];
      for (const resource of resources) result.push(await accessFor(ctx, resource, memo, classifications));
      return result;
    },
  };
}
