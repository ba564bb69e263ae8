import { randomUUID } from 'node:crypto';
import { childElements, dav, el, findChild, writeXml } from '@partage/dav-xml';
import { davConditions } from '../conditions.js';
import { DavError } from '../dav-error.js';
import { hrefOf, parentOf, pathKey } from '../dav-path.js';
import { checkIfAndLocks, ifLists, requirePrivilege } from '../guard.js';
import { defineMethod } from '../handlers.js';
import { activeLockElement } from '../lock-xml.js';
import { xmlResponse } from '../multistatus.js';
import type { ActiveLock } from '../ports.js';
import type { RequestContext } from '../request-context.js';
import type { DavServerContext } from '../server-context.js';
import { readXmlBody } from './body.js';

/** The Timeout header (RFC 4918 §10.7), capped by the server's maximum (SPEC §7: Infinite gets one hour). */
export function timeoutOf(ctx: RequestContext, maxSeconds: number): number {
  const header = ctx.request.headers['timeout'];
  if (header === undefined) return maxSeconds;
  for (const part of header.split(',')) {
    const value = part.trim();
    if (/^infinite$/i.test(value)) return maxSeconds;
    const match = /^second-(\d+)$/i.exec(value);
    if (match) return Math.max(1, Math.min(Number(match[1]), maxSeconds));
  }
  return maxSeconds;
}

function lockResponse(lock: ActiveLock, status: number) {
  return xmlResponse(status, el(dav('prop'), [el(dav('lockdiscovery'), [activeLockElement(lock)])]), {
    'lock-token': `<${lock.token}>`,
  });
}

async function refresh(ctx: RequestContext, server: DavServerContext) {
  const tokens = ifLists(ctx).flatMap((l) => l.conditions.filter((c) => !c.negated).map((c) => c.stateToken));
  if (tokens.length === 0) throw new DavError(400, undefined, 'a lock refresh needs the lock token in an If header');
  const locks = await server.locks.locksAffecting(pathKey(ctx.path), { below: false });
  const lock = locks.find((l) => tokens.includes(l.token));
  if (!lock) throw new DavError(412, davConditions.lockTokenMatchesRequestUri().condition, 'no such lock on this resource');
  if (lock.principalId !== undefined && lock.principalId !== ctx.principal?.id) {
    throw new DavError(403, undefined, 'the lock belongs to another principal');
  }
  const refreshed = await server.locks.refresh(lock.token, timeoutOf(ctx, server.limits.maxLockSeconds));
  if (!refreshed) throw new DavError(412, undefined, 'the lock expired');
  return lockResponse(refreshed, 200);
}

/**
 * LOCK (RFC 4918 §9.10): exclusive and shared write locks, depth 0 or infinity, stored in
 * the lock store. A LOCK on an unmapped URL creates an empty resource (§7.3) and answers 201.
 */
export const lockMethod = defineMethod({
  name: 'LOCK',
  run: async (ctx, server) => {
    const body = await readXmlBody(ctx, server);
    if (!body) return refresh(ctx, server);
    if (body.name !== dav('lockinfo')) throw new DavError(400, undefined, 'expected DAV:lockinfo');
    const scopeElement = findChild(body, dav('lockscope'));
    const scopeName = scopeElement && childElements(scopeElement)[0]?.name;
    const scope = scopeName === dav('exclusive') ? 'exclusive' : scopeName === dav('shared') ? 'shared' : undefined;
    if (!scope) throw new DavError(400, undefined, 'lockscope must be exclusive or shared');
    const typeElement = findChild(body, dav('locktype'));
    if (!typeElement || childElements(typeElement)[0]?.name !== dav('write')) {
      throw new DavError(400, undefined, 'only write locks exist');
    }
    const depthHeader = (ctx.request.headers['depth'] ?? 'infinity').trim().toLowerCase();
    if (depthHeader !== '0' && depthHeader !== 'infinity') throw new DavError(400, undefined, 'LOCK Depth must be 0 or infinity');
    const ownerElement = findChild(body, dav('owner'));

    let resource = await server.tree.resolve(ctx.path, ctx);
    let created = false;
    if (resource) {
      await requirePrivilege(ctx, server, resource, dav('write-content'));
      await checkIfAndLocks(ctx, server, resource, []);
    } else {
      const parentPath = parentOf(ctx.path);
      const parent = parentPath && parentPath.length > 0 ? await server.tree.resolve(parentPath, ctx) : undefined;
      if (!parent?.isCollection || !parent.ops.createMember) throw new DavError(409, undefined, 'the parent collection does not exist');
      await requirePrivilege(ctx, server, parent, dav('bind'));
      await checkIfAndLocks(ctx, server, undefined, [{ path: parent.path, withDescendants: false }]);
    }
    const timeoutSeconds = timeoutOf(ctx, server.limits.maxLockSeconds);
    const lock: ActiveLock = {
      token: `opaquelocktoken:${randomUUID()}`,
      path: pathKey(ctx.path),
      depth: depthHeader === '0' || !(resource?.isCollection ?? false) ? '0' : 'infinity',
      scope,
      ownerXml: ownerElement ? writeXml(ownerElement, { declaration: false }) : undefined,
      principalId: ctx.principal?.id,
      timeoutSeconds,
      expiresAt: new Date(Date.now() + timeoutSeconds * 1000),
    };
    const conflict = await server.locks.create(lock);
    if (conflict) throw davConditions.noConflictingLock([hrefOf(conflict.path.split('/').filter(Boolean), false)]);
    if (!resource) {
      const parent = await server.tree.resolve(parentOf(ctx.path) ?? [], ctx);
      try {
        await parent?.ops.createMember?.(ctx.path[ctx.path.length - 1] ?? '', emptyBody(), {
          contentType: undefined,
          contentLength: 0,
        });
      } catch (error) {
        await server.locks.remove(lock.token);
        throw error;
      }
      created = true;
      resource = await server.tree.resolve(ctx.path, ctx);
    }
    return lockResponse(lock, created ? 201 : 200);
  },
});

async function* emptyBody(): AsyncIterable<Uint8Array> {
  // An empty resource has no bytes.
}

/** UNLOCK (RFC 4918 §9.11). */
export const unlockMethod = defineMethod({
  name: 'UNLOCK',
  run: async (ctx, server) => {
    const header = ctx.request.headers['lock-token']?.trim();
    const token = header?.replace(/^<(.*)>$/, '$1');
    if (!token) throw new DavError(400, undefined, 'missing Lock-Token header');
    const locks = await server.locks.locksAffecting(pathKey(ctx.path), { below: false });
    const lock = locks.find((l) => l.token === token);
    if (!lock) throw davConditions.lockTokenMatchesRequestUri();
    if (lock.principalId !== undefined && lock.principalId !== ctx.principal?.id && !ctx.principal?.isAdmin) {
      throw new DavError(403, undefined, 'the lock belongs to another principal');
    }
    await server.locks.remove(token);
    return { status: 204, headers: {} };
  },
});
