import { dav } from '@partage/dav-xml';
import { DavError } from '../dav-error.js';
import { isSameOrBelow, parentOf, parseRequestPath, pathKey, type DavPath } from '../dav-path.js';
import { checkIfAndLocks, refuseIfRestricted, requireParentPrivilege, requirePrivilege, resolveOr404 } from '../guard.js';
import { defineMethod, type MethodHandler } from '../handlers.js';
import type { DavResponse, RequestContext } from '../request-context.js';
import type { DavServerContext } from '../server-context.js';

/**
 * The Destination header (RFC 4918 §10.3): an absolute URI on this server or an
 * absolute path. Another host is 502 (RFC 4918 §9.8.5).
 */
export function destinationOf(ctx: RequestContext): DavPath {
  const header = ctx.request.headers['destination'];
  if (header === undefined || header.trim() === '') throw new DavError(400, undefined, 'missing Destination header');
  let url: URL;
  try {
    url = new URL(header.trim(), ctx.request.origin);
  } catch {
    throw new DavError(400, undefined, 'invalid Destination header');
  }
  const own = new URL(ctx.request.origin);
  const host = ctx.request.headers['host'];
  if (url.host !== own.host && url.host !== host) {
    throw new DavError(502, undefined, 'the Destination is on another server');
  }
  // Keep the raw path (URL normalises dot segments, which parseRequestPath refuses).
  const raw = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/[^?#]*)?/i.exec(header.trim())?.[1] ?? url.pathname;
  return parseRequestPath(raw).segments;
}

async function transfer(mode: 'copy' | 'move', ctx: RequestContext, server: DavServerContext): Promise<DavResponse> {
  const source = await resolveOr404(ctx, server, ctx.path);
  const destination = destinationOf(ctx);
  const overwrite = (ctx.request.headers['overwrite'] ?? 'T').trim().toUpperCase();
  if (overwrite !== 'T' && overwrite !== 'F') throw new DavError(400, undefined, 'invalid Overwrite header');
  const depthHeader = ctx.request.headers['depth']?.trim().toLowerCase();
  let depth: '0' | 'infinity' = 'infinity';
  if (depthHeader === '0' && mode === 'copy') depth = '0';
  else if (depthHeader !== undefined && depthHeader !== 'infinity') {
    throw new DavError(400, undefined, `Depth ${depthHeader} is not allowed for ${mode.toUpperCase()}`);
  }
  if (pathKey(destination) === pathKey(source.path)) {
    throw new DavError(403, undefined, 'the source and the destination are the same');
  }
  if (source.isCollection && isSameOrBelow(destination, source.path)) {
    throw new DavError(403, undefined, 'cannot copy or move a collection into itself');
  }
  const destinationParentPath = parentOf(destination);
  if (!destinationParentPath || destinationParentPath.length === 0) {
    throw new DavError(403, undefined, 'cannot create a resource here');
  }
  const destinationParent = await server.tree.resolve(destinationParentPath, ctx);
  if (!destinationParent?.isCollection) throw new DavError(409, undefined, 'the destination collection does not exist');
  const existing = await server.tree.resolve(destination, ctx);
  if (existing && overwrite === 'F') throw new DavError(412, undefined, 'the destination exists and Overwrite is F');

  await requirePrivilege(ctx, server, source, dav('read'));
  await refuseIfRestricted(ctx, server, source, dav('read'));
  await requirePrivilege(ctx, server, destinationParent, dav('bind'));
  if (existing) await requirePrivilege(ctx, server, destinationParent, dav('unbind'));
  const writes = [
    { path: destinationParentPath, withDescendants: false },
    { path: destination, withDescendants: true },
  ];
  if (mode === 'move') {
    const sourceParentPath = parentOf(source.path);
    const sourceParent = sourceParentPath && (await server.tree.resolve(sourceParentPath, ctx));
    if (!sourceParent) throw new DavError(403, undefined, 'this resource cannot be moved');
    await requireParentPrivilege(ctx, server, source, sourceParent, dav('unbind'));
    writes.push({ path: sourceParent.path, withDescendants: false }, { path: source.path, withDescendants: true });
  }
  await checkIfAndLocks(ctx, server, source, writes);
  if (!source.ops.transfer) throw new DavError(403, undefined, `this resource cannot be ${mode === 'copy' ? 'copied' : 'moved'}`);
  await source.ops.transfer(mode, destinationParent, destination[destination.length - 1] ?? '', depth, existing);
  // Locks never follow a copy or a move (RFC 4918 §7.5); those on what was replaced or moved away end.
  if (existing) await server.locks.removeAt(pathKey(destination));
  if (mode === 'move') await server.locks.removeAt(pathKey(source.path));
  return { status: existing ? 204 : 201, headers: { 'content-length': '0' } };
}

/** COPY (RFC 4918 §9.8). */
export const copyMethod: MethodHandler = defineMethod({ name: 'COPY', run: (ctx, server) => transfer('copy', ctx, server) });
/** MOVE (RFC 4918 §9.9). */
export const moveMethod: MethodHandler = defineMethod({ name: 'MOVE', run: (ctx, server) => transfer('move', ctx, server) });
