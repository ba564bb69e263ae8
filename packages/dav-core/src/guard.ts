import { dav, type ClarkName } from '@partage/dav-xml';
import { davConditions } from './conditions.js';
import { DavError } from './dav-error.js';
import { hrefOf, parentOf, pathKey, type DavPath } from './dav-path.js';
import { parseIfHeader, submittedTokens, type IfList } from './if-header.js';
import type { Access, ActiveLock } from './ports.js';
import type { Resource } from './resource.js';
import type { RequestContext } from './request-context.js';
import type { DavServerContext } from './server-context.js';

/**
 * Requires a privilege on a resource, through the one Authorizer. A caller that may not
 * even read the parent gets 404, so it learns nothing of what it cannot reach (SPEC §4);
 * otherwise 403 with `DAV:need-privileges`. A service the caller's policy switches off
 * answers the authorizer's refusal instead (SPEC §2).
 */
export async function requirePrivilege(
  ctx: RequestContext,
  server: DavServerContext,
  resource: Resource,
  privilege: ClarkName,
): Promise<Access> {
  const [access] = await server.authorizer.access(ctx, [resource]);
  if (access?.refusal) throw access.refusal;
  if (access?.privileges.has(privilege)) return access;
  if (access?.isHidden) throw new DavError(404, undefined, 'not found');
  if (!(access?.privileges.has(dav('read')) ?? false)) {
    const parentPath = parentOf(resource.path);
    const parent = parentPath && (await server.tree.resolve(parentPath, ctx));
    const [parentAccess] = parent ? await server.authorizer.access(ctx, [parent]) : [];
    if (!parentAccess?.privileges.has(dav('read'))) throw new DavError(404, undefined, 'not found');
  }
  throw davConditions.needPrivileges(hrefOf(resource.path, resource.isCollection), privilege);
}

/**
 * Requires a privilege on the parent for a change to one of its members (DELETE, the source
 * of a MOVE; RFC 3744 §B: `DAV:unbind` on the parent). A member the caller may not see
 * answers 404 whatever its rights on the parent — a private item, or a member of a folder
 * it may not list — so that the answer never tells it the member exists (SPEC §4).
 */
export async function requireParentPrivilege(
  ctx: RequestContext,
  server: DavServerContext,
  resource: Resource,
  parent: Resource,
  privilege: ClarkName,
): Promise<void> {
  const [access, parentAccess] = await server.authorizer.access(ctx, [resource, parent]);
  if (access?.isHidden) throw new DavError(404, undefined, 'not found');
  if (parentAccess?.privileges.has(privilege)) return;
  const canSee = (access?.privileges.has(dav('read')) ?? false) || (parentAccess?.privileges.has(dav('read')) ?? false);
  if (!canSee) throw new DavError(404, undefined, 'not found');
  throw davConditions.needPrivileges(hrefOf(parent.path, parent.isCollection), privilege);
}

/**
 * Refuses to remove, move or copy a resource the caller only sees a reduced view of (a
 * confidential item, SPEC §4), even where it may unbind members of the folder: a copy would
 * carry what the reduced view hides.
 */
export async function refuseIfRestricted(
  ctx: RequestContext,
  server: DavServerContext,
  resource: Resource,
  privilege: ClarkName = dav('unbind'),
): Promise<void> {
  const [access] = await server.authorizer.access(ctx, [resource]);
  if (access?.isRestricted) throw davConditions.needPrivileges(hrefOf(resource.path, resource.isCollection), privilege);
}

/** Keeps the resources the caller may read; the others are absent from listings (SPEC §4). */
export async function readable(
  ctx: RequestContext,
  server: DavServerContext,
  resources: readonly Resource[],
): Promise<Resource[]> {
  const accesses = await server.authorizer.access(ctx, resources);
  return resources.filter((_, i) => accesses[i]?.privileges.has(dav('read')));
}

/** Resolves a path or answers 404 — or 404 too when the caller may not read it nor its parent. */
export async function resolveOr404(ctx: RequestContext, server: DavServerContext, path: DavPath): Promise<Resource> {
  const resource = await server.tree.resolve(path, ctx);
  if (!resource) throw new DavError(404, undefined, 'not found');
  return resource;
}

/** The parsed If header of the request, or none. */
export function ifLists(ctx: RequestContext): IfList[] {
  const header = ctx.request.headers['if'];
  return header === undefined ? [] : parseIfHeader(header);
}

/** One resource a write touches, for the lock check. */
export interface WriteTarget {
  readonly path: DavPath;
  /** Check the locks of everything below it too (DELETE and MOVE of a collection). */
  readonly withDescendants: boolean;
}

/**
 * Evaluates the If header (412 when no list holds) and makes sure the request submitted
 * a token for every lock on what it changes (423 otherwise), RFC 4918 §7.5, §10.4.
 * Etag conditions compare against the request target's entity tag.
 */
export async function checkIfAndLocks(
  ctx: RequestContext,
  server: DavServerContext,
  target: Resource | undefined,
  writes: readonly WriteTarget[],
): Promise<void> {
  const lists = ifLists(ctx);
  if (lists.length > 0) {
    let anyTrue = false;
    for (const list of lists) {
      if (await listHolds(ctx, server, list, target)) {
        anyTrue = true;
        break;
      }
    }
    if (!anyTrue) throw new DavError(412, undefined, 'no list of the If header holds');
  }
  const tokens = submittedTokens(lists);
  const blocked: string[] = [];
  for (const write of writes) {
    const locks = await server.locks.locksAffecting(pathKey(write.path), { below: write.withDescendants });
    const byRoot = new Map<string, ActiveLock[]>();
    for (const lock of locks) byRoot.set(lock.path, [...(byRoot.get(lock.path) ?? []), lock]);
    for (const [root, group] of byRoot) {
      const held = group.some((l) => tokens.has(l.token) && ownedBy(l, ctx));
      if (!held) blocked.push(hrefOfKey(root));
    }
  }
  if (blocked.length > 0) throw davConditions.lockTokenSubmitted([...new Set(blocked)]);
}

function ownedBy(lock: ActiveLock, ctx: RequestContext): boolean {
  return lock.principalId === undefined || lock.principalId === ctx.principal?.id;
}

async function listHolds(
  ctx: RequestContext,
  server: DavServerContext,
  list: IfList,
  target: Resource | undefined,
): Promise<boolean> {
  let resource = target;
  let path = ctx.path;
  if (list.resourceTag !== undefined) {
    const tagPath = tagToPath(list.resourceTag);
    if (tagPath === undefined) return false;
    path = tagPath;
    resource = await server.tree.resolve(tagPath, ctx);
  }
  const locks = await server.locks.locksAffecting(pathKey(path), { below: false });
  for (const condition of list.conditions) {
    let holds: boolean;
    if (condition.stateToken !== undefined) {
      holds = locks.some((l) => l.token === condition.stateToken);
    } else {
      holds = resource?.etag !== undefined && resource.etag === condition.etag;
    }
    if (holds === condition.negated) return false;
  }
  return true;
}

function tagToPath(tag: string): DavPath | undefined {
  try {
    const url = new URL(tag, 'http://placeholder');
    return url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s).normalize('NFC'));
  } catch {
    return undefined;
  }
}

const hrefOfKey = (key: string): string =>
  hrefOf(
    key.split('/').filter((s) => s !== ''),
    false,
  );
